/* campaign-sender.h - the one process that sends campaigns (db/029, db/035), so that
 * [campaign] rate, which a sender applies to itself, is the overall rate.
 *
 * The part is a lease: the holder's row names its host, pid, pid namespace and kind (serve
 * or send) and an expiry, renewed every third of [campaign] sender_lease while it holds the
 * part. Anyone else takes the part only when that expiry has passed, or at once when the
 * holder is a process of this host and pid namespace that is gone (kill(pid, 0) = ESRCH is
 * certain there; a pid says nothing about another host or container). Nobody takes the part
 * from a live holder: serve starting during a `postdesk send` pass waits for that pass.
 *
 * The window: a holder stalled (SIGSTOP, a frozen VM) longer than sender_lease loses the part
 * to the next taker; when it runs again it finds at its next renewal (within a third of the
 * lease) that the part is gone and stops sending. Until then both may send: at most one
 * renewal period of the stalled one's rate, and never a copy twice (rows are leased one by
 * one in the delivery ledger). */
#ifndef PD_CAMPAIGN_SENDER_H
#define PD_CAMPAIGN_SENDER_H

#include "app/app.h"

/* Take the part for this process (KIND "serve" or "send") if nobody else holds it: *HOLDER_R
 * is NULL when taken (or held already by this process), else a text naming the holder
 * ("serve, pid 123" or "send, pid 9 on other.host"). (transfer full) */
gboolean pd_campaign_sender_take (PdApp *app, const char *kind, char **holder_r,
                                  GError **error);
/* Push this process's lease to now + [campaign] sender_lease; *HELD_R FALSE when another
 * process holds the part (or nobody does) now. */
gboolean pd_campaign_sender_renew (PdApp *app, gboolean *held_r, GError **error);
/* Give the part back if this process holds it. */
gboolean pd_campaign_sender_let_go (PdApp *app, GError **error);

/* A thread with its own store connection keeping the part for this process: it renews the
 * lease while the part is held and, with WAIT, tries to take it every second while it is
 * not. FN is called from that thread with TRUE when the part is taken and with FALSE when it
 * is lost or, at pd_campaign_holder_free, before the part is given back; the caller sends
 * campaigns only between the two. HELD: the caller has taken the part already. CELL (may be
 * NULL; it must outlive the holder): the settings to follow, as serve's SIGHUP sets them; a
 * new [campaign] sender_lease is written to the row at once. */
typedef void (*PdCampaignHolderFunc) (gboolean holding, gpointer data);
typedef struct PdCampaignHolder PdCampaignHolder;
PdCampaignHolder *pd_campaign_holder_new (PdSettings *settings, PdSettingsCell *cell,
                                          const char *kind, gboolean held, gboolean wait,
                                          PdCampaignHolderFunc fn, gpointer data);
void pd_campaign_holder_free (PdCampaignHolder *holder);

#endif
