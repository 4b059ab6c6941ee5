/* campaign.h - announcements to a list: creating one (its delivery ledger), the state machine
 * draft -> scheduled -> running <-> paused -> done (and cancelled from any unfinished state),
 * the staged release ("1%,10%,100%": only rows with seq up to the current stage's cut-off go
 * out; a finished stage waits [campaign] stage_wait for bounces, then goes on or pauses the
 * campaign with a mail to the owner), and composing each recipient's message
 * (campaign-compose.c). Sending is outbound/campaign-send.c's. */
#ifndef PD_CAMPAIGN_H
#define PD_CAMPAIGN_H

#include "app/app.h"
#include "store/campaign.h"

/* ---- stages ---- */

/* The shares of STAGES ("1%,10%,100%"; "100%" when NULL or empty) as fractions in PCTS_R
 * (transfer full: GArray of double), rising, the last 100%. FALSE with PD_ERROR_USAGE. */
gboolean pd_campaign_stages_parse (const char *stages, GArray **pcts_r, GError **error);
/* How many stages STAGES has (1 when it does not parse). */
guint pd_campaign_stage_count (const char *stages);
/* The highest seq released in stage STAGE (0-based) of a campaign of TOTAL rows:
 * ceil (TOTAL * share), at least 1 when TOTAL > 0; TOTAL for the last stage and beyond;
 * 0 for STAGE < 0. */
gint64 pd_campaign_stage_cutoff (const char *stages, gint64 total, gint64 stage);

/* ---- the state machine ---- */

/* Whether a campaign may go from state FROM to TO. */
gboolean pd_campaign_can (const char *from, const char *to);

typedef struct {
	const char *list;       /* the list's name */
	const char *subject;
	const char *template;   /* a template name (templates/LOCALE/announce-NAME.txt), or NULL */
	const char *body;       /* the text, or NULL for the template */
	gint64 start_at;        /* 0: when started */
	double rate;            /* messages/s, 0 = [campaign] rate */
	gint64 per_domain;      /* messages/min, 0 = [campaign] per_domain */
	gint64 connections;     /* 0 = [campaign] connections */
	const char *stages;     /* NULL = "100%" */
	const char *created_by;
	const char *kind;       /* NULL = "announcement"; "article", "digest" (the kb mailer's) */
	gint64 article_id;      /* the kb article an "article" campaign mails, 0 = none */
} PdCampaignSpec;

/* A draft campaign with its ledger: one row per active subscriber now. */
gboolean pd_campaign_create (PdApp *app, const PdCampaignSpec *spec, gint64 *id_r,
                             GError **error);
/* start: draft -> running (scheduled when its start time is still to come); pause: running
 * -> paused; resume: paused -> running (after a pause the campaign made itself, the stage
 * that paused it counts as accepted and the next one is released); cancel: any unfinished
 * state -> cancelled. PD_ERROR_USAGE naming the state when the move is not allowed. */
gboolean pd_campaign_start (PdApp *app, gint64 id, GError **error);
gboolean pd_campaign_pause (PdApp *app, gint64 id, GError **error);
gboolean pd_campaign_resume (PdApp *app, gint64 id, GError **error);
gboolean pd_campaign_cancel (PdApp *app, gint64 id, GError **error);

/* The campaign clock, run by the scheduler and by every sender pass: scheduled campaigns
 * whose time has come start; a running campaign whose current stage has no row left to send
 * is marked, waits stage_wait, then either releases the next stage or pauses itself (bounce
 * or complaint rate over [campaign] max_*_rate) and mails its owner through the outbox; the
 * last stage done, the campaign is done. Each campaign in its own transaction. */
gboolean pd_campaign_tick (PdApp *app, gint64 now, GError **error);

/* ---- composing (campaign-compose.c) ---- */

/* What every message of one campaign shares, prepared once per campaign and sender pass. */
typedef struct PdCampaignMail PdCampaignMail;

/* (transfer full) */
PdCampaignMail *pd_campaign_mail_new (const PdSettings *settings, GBytes *secret,
                                      const PdCampaignRow *campaign, GError **error);
void pd_campaign_mail_free (PdCampaignMail *m);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdCampaignMail, pd_campaign_mail_free)

/* Whether plain-ASCII copies are written directly (the default) or all through GMime; for
 * the test that both give the same message. */
void pd_campaign_mail_set_direct (PdCampaignMail *m, gboolean direct);
/* How many copies M wrote directly so far. */
guint pd_campaign_mail_direct_count (PdCampaignMail *m);

/* The message of delivery ID to ADDRESS (NAME may be NULL), subscriber SUBSCRIBER: the same
 * bytes every time for the same arguments (Date is the campaign's start, Message-ID names
 * the delivery), naming nobody but that recipient. Thread-safe on a shared M.
 * ENVELOPE_FROM_R gets the VERP return path. (transfer full) */
GBytes *pd_campaign_mail_compose (const PdCampaignMail *m, gint64 delivery, gint64 subscriber,
                                  const char *address, const char *name,
                                  char **envelope_from_r, GError **error);

#endif
