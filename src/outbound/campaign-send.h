/* campaign-send.h - the sender of announcements: leases ledger rows of running campaigns
 * (lease_owner/lease_until: a crash frees them), composes each recipient's copy and hands it
 * to one of N relay connections (threads, each its own smtp-client), at the overall rate, the
 * campaign's rate and the per-domain rate; a domain answering 4xx is slowed for itself alone.
 * A 250 is committed in a group of at most [campaign] batch; a worker does not start a new
 * message while that many are uncommitted.
 *
 * The duplicate window: after a kill -9, a message can go twice only if the relay had taken
 * it and its 'sent' was not committed yet: at most [campaign] batch (250s awaiting their
 * commit) + the campaign's connections (messages in the relay's hands) per kill. Nothing is
 * lost: every row not committed as sent is still 'sending' under the dead sender's lease and
 * is sent again once the lease is freed (at once when the dead process was on this host).
 * Each connection pipelines across messages (pd_smtp_submit): a message's content goes out
 * with the next message's envelope and its 250 is read one message later. That does not widen
 * the window: a message whose envelope was accepted but whose content has not gone out is not
 * delivered (the relay drops it with the connection), and the batch check stands before every
 * write that carries a "." (so each connection adds at most one unread 250). */
#ifndef PD_CAMPAIGN_SEND_H
#define PD_CAMPAIGN_SEND_H

#include "app/app.h"

typedef struct {
	guint sent;
	guint deferred;
	guint bounced;
	guint failed;
	guint skipped;
} PdCampaignSendStats;

/* Send what running campaigns have due now; return when nothing more is due (after IDLE_MS
 * of nothing to do) or when *STOP becomes non-zero. With CELL (serve) *APP follows the
 * settings of each new second; the campaign clock (pd_campaign_tick) runs every second. */
gboolean pd_campaign_send_run (PdApp **app, PdSettingsCell *cell, const gint *stop,
                               guint idle_ms, PdCampaignSendStats *stats, GError **error);

/* serve's sender thread: pd_campaign_send_run over and over, its own store connection. */
typedef struct PdCampaignSender PdCampaignSender;
PdCampaignSender *pd_campaign_sender_new (PdSettingsCell *cell);
void pd_campaign_sender_free (PdCampaignSender *sender);

#endif
