/* campaign.h - the store of announcements (db/015): campaigns, the delivery ledger (one row
 * per recipient and campaign), and the pace of destination domains. The ledger is read in
 * small batches by seq, never whole: a campaign to a million addresses costs the sender a
 * batch of rows at a time. Times are Unix seconds; 0 stands for NULL. The SQL: a campaign's
 * row in campaign-store.c, the sender's row in campaign-sender-store.c, the counts in
 * campaign-progress.c, the ledger in delivery-store.c, domain pace in domain-pace-store.c. */
#ifndef PD_STORE_CAMPAIGN_H
#define PD_STORE_CAMPAIGN_H

#include "store/store.h"

typedef struct {
	gint64 id;
	gint64 list_id;
	char *kind;
	char *subject;
	char *template;     /* NULL: body */
	char *body;
	char *state;
	gint64 start_at;
	double rate;        /* 0 = the default */
	gint64 per_domain;  /* 0 = the default */
	gint64 connections; /* 0 = the default */
	char *stages;
	gint64 stage;
	gint64 stage_done_at;
	char *paused_reason;
	gint64 total;
	char *created_by;
	gint64 created_at;
	gint64 started_at;
	gint64 finished_at;
	/* of its list */
	char *list_name;
	char *list_address;
	char *list_title;
	char *list_owner;
	char *list_locale;
} PdCampaignRow;
void pd_campaign_row_free (PdCampaignRow *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdCampaignRow, pd_campaign_row_free)

typedef struct {
	gint64 pending, sending, sent, deferred, bounced, failed, skipped;
} PdCampaignCounts;

/* A new draft campaign of KIND ('announcement', 'article', 'digest'; NULL = announcement),
 * ARTICLE_ID the kb article it mails (0 = none); rate/per_domain/connections 0 = the
 * defaults. The one INSERT of campaigns: `announce create` and the kb mailer both use it. */
gboolean pd_store_campaign_insert (PdStore *store, gint64 list_id, const char *kind,
                                   gint64 article_id, const char *subject,
                                   const char *template, const char *body, gint64 start_at,
                                   double rate, gint64 per_domain, gint64 connections,
                                   const char *stages, const char *created_by, gint64 now,
                                   gint64 *id_r, GError **error);
/* One ledger row per active subscriber of the campaign's list, seq 1..total in a scrambled
 * order of subscriber ids (each stage a sample of the whole list, its domains interleaved);
 * sets campaigns.total. In SQL: nothing of the list is held in memory. */
gboolean pd_store_campaign_fill (PdStore *store, gint64 id, gint64 *total_r, GError **error);
/* The list whose name is NAME: its id, or 0. */
gboolean pd_store_campaign_list_id (PdStore *store, const char *name, gint64 *id_r,
                                    GError **error);
PdCampaignRow *pd_store_campaign_get (PdStore *store, gint64 id, GError **error);
/* Campaigns in STATE (NULL: all), oldest first. (transfer full: PdCampaignRow*) */
GPtrArray *pd_store_campaign_list (PdStore *store, const char *state, GError **error);
/* Move ID to TO if its state is one of FROM (comma-separated). running sets started_at (once),
 * done and cancelled finished_at, paused REASON (NULL for a pause by hand). */
gboolean pd_store_campaign_transition (PdStore *store, gint64 id, const char *from,
                                       const char *to, const char *reason, gint64 now,
                                       gboolean *changed_r, GError **error);
/* Mark campaign ID's unsent rows 'skipped' with last_reply 'cancelled' (a cancel): pending,
 * deferred, and rows leased by GONE_OWNER (a dead sender; NULL = none) or whose lease ran out
 * before NOW. Rows a live sender holds follow when it gives them back (db/029). */
gboolean pd_store_campaign_skip_unsent (PdStore *store, gint64 id, gint64 now,
                                        const char *gone_owner, gint64 *count_r,
                                        GError **error);
/* Rows of cancelled campaigns still leased after their lease ran out (a sender killed
 * after the cancel): 'skipped' like the rest. */
gboolean pd_store_campaign_skip_stale (PdStore *store, gint64 now, gint64 *count_r,
                                       GError **error);
/* The one process sending campaigns (db/029, db/035). The holder's row, or all NULL/0 when
 * nobody holds it. (transfer full) */
typedef struct {
	char *host;
	gint64 pid;
	char *kind;        /* 'serve' or 'send' */
	gint64 since;
	gint64 expires_at; /* 0: a row written before db/035 (counts as expired) */
	char *pidns;       /* the holder's pid namespace, NULL when unknown */
} PdCampaignSenderRow;
void pd_campaign_sender_row_clear (PdCampaignSenderRow *row);
gboolean pd_store_campaign_sender_get (PdStore *store, PdCampaignSenderRow *row_r,
                                       GError **error);
/* Set the holder (replacing any): ROW's fields, since = NOW. */
gboolean pd_store_campaign_sender_set (PdStore *store, const PdCampaignSenderRow *row,
                                       gint64 now, GError **error);
/* Renew HOST:PID's lease to EXPIRES_AT; *HELD_R FALSE when HOST:PID no longer holds it. */
gboolean pd_store_campaign_sender_renew (PdStore *store, const char *host, gint64 pid,
                                         gint64 expires_at, gboolean *held_r, GError **error);
/* Clear the row when HOST:PID holds it. */
gboolean pd_store_campaign_sender_clear (PdStore *store, const char *host, gint64 pid,
                                         GError **error);
/* Change the pace; a negative value leaves that one as it is, 0 means the default. */
gboolean pd_store_campaign_set_pace (PdStore *store, gint64 id, double rate, gint64 per_domain,
                                     gint64 connections, GError **error);
gboolean pd_store_campaign_set_stage (PdStore *store, gint64 id, gint64 stage,
                                      gint64 stage_done_at, GError **error);
gboolean pd_store_campaign_counts (PdStore *store, gint64 id, PdCampaignCounts *counts,
                                   GError **error);
/* Whether rows with seq <= CUTOFF are not finished yet (pending, deferred, sending): OPEN_R
 * is 0 when none is, else 1 to 3 (found by EXISTS, not counted: it runs every second). */
gboolean pd_store_campaign_open (PdStore *store, gint64 id, gint64 cutoff, gint64 *open_r,
                                 GError **error);
/* Of the rows with LO < seq <= HI: how many, how many bounced (state bounced, or a hard
 * bounce in list_bounces), how many complained. */
gboolean pd_store_campaign_stage_rates (PdStore *store, gint64 id, gint64 lo, gint64 hi,
                                        gint64 *total_r, gint64 *bounced_r,
                                        gint64 *complaints_r, GError **error);

typedef struct {
	gint64 id;
	gint64 campaign_id;
	gint64 subscriber_id;
	gint64 seq;
	gint64 attempts;
	char *domain;
	char *address;
	char *name;
	char *status; /* the subscriber's, now */
} PdDeliveryRow;
void pd_delivery_row_free (PdDeliveryRow *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdDeliveryRow, pd_delivery_row_free)

/* Up to LIMIT rows of campaign ID with seq <= CUTOFF to send at NOW: deferred rows whose time
 * has come, then pending ones, by seq, none of a domain in BLOCKED (a JSON array of names).
 * (transfer full: PdDeliveryRow*) */
GPtrArray *pd_store_delivery_due (PdStore *store, gint64 id, gint64 cutoff, gint64 now,
                                  const char *blocked, guint limit, GError **error);
/* Take row ID for OWNER until LEASE_UNTIL if it is pending or deferred; LEASED_R says so. */
gboolean pd_store_delivery_lease (PdStore *store, gint64 id, const char *owner,
                                  gint64 lease_until, gboolean *leased_r, GError **error);
/* The relay's 250: sent, the lease ends. */
gboolean pd_store_delivery_sent (PdStore *store, gint64 id, const char *reply, gint64 now,
                                 GError **error);
/* The same for the N rows IDS in one statement (a lease batch): LEASED_R[i] says whether
 * IDS[i] was taken. */
gboolean pd_store_delivery_lease_many (PdStore *store, const gint64 *ids, guint n,
                                       const char *owner, gint64 lease_until, gboolean *leased_r,
                                       GError **error);
/* pd_store_delivery_sent for the N rows IDS with their REPLIES, in as few statements as the
 * replies allow (one, unless a reply holds bytes outside ASCII). */
gboolean pd_store_delivery_sent_many (PdStore *store, const gint64 *ids,
                                      const char *const *replies, guint n, gint64 now,
                                      GError **error);
/* A 4xx: deferred until NEXT_AT. Not COUNTED: the try does not count toward giving up (the
 * relay itself was unreachable, or the row was held back unsent). */
gboolean pd_store_delivery_defer (PdStore *store, gint64 id, const char *reply, gint64 next_at,
                                  gboolean counted, GError **error);
/* The end of a row without a 250: bounced, failed or skipped. */
gboolean pd_store_delivery_end (PdStore *store, gint64 id, const char *state,
                                const char *reply, GError **error);
/* A leased row not sent after all (a pause): pending again, its attempt not counted. */
gboolean pd_store_delivery_release (PdStore *store, gint64 id, GError **error);
/* Rows of campaign ID left 'sending' by a sender that is gone: leases run out at NOW, or held
 * by OWNER (NULL: none) known dead. They become pending again. */
gboolean pd_store_delivery_reclaim (PdStore *store, gint64 id, gint64 now, const char *owner,
                                    gint64 *count_r, GError **error);
/* The owners of the leases on campaign ID's rows. (transfer full: char*) */
GPtrArray *pd_store_delivery_owners (PdStore *store, gint64 id, GError **error);

typedef struct {
	char *domain;
	gint64 backoff;
	gint64 next_at;
} PdDomainPace;
void pd_domain_pace_free (PdDomainPace *p);

/* Domains slowed now or with a back-off left. (transfer full: PdDomainPace*) */
GPtrArray *pd_store_domain_pace_list (PdStore *store, GError **error);
/* BACKOFF 0 removes the domain's row. */
gboolean pd_store_domain_pace_set (PdStore *store, const char *domain, gint64 backoff,
                                   gint64 next_at, gint64 now, GError **error);

#endif
