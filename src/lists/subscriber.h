/* subscriber.h - every change of a subscriber's status, each with its consent row (action,
 * via, evidence) in the same transaction. The caller holds the transaction (pd_store_begin)
 * and decides who may ask (policy, list.h); these only keep status and ledger in step.
 *   admin subscribe     none/pending -> active         consent subscribe/admin
 *                       unsubscribed -> active (FORCE) consent subscribe/admin "forced"
 *                       disabled/bouncing -> active    consent enable/admin "was disabled"
 *   request (mail, web) none/unsubscribed -> pending   consent request
 *                       disabled stays disabled        consent request "disabled"
 *   confirm             pending -> active              consent confirm
 *                       disabled -> active             consent enable/mail|web "was disabled"
 * A subscriber disabled by bounces comes back as Mailman brings back a member whose delivery
 * was disabled: by an administrator, or by their own confirmation; not by a request alone
 * (anyone can forge one) and with no --force (that is for someone who left on their own).
 *   unsubscribe         pending/active/bouncing/disabled -> unsubscribed   consent unsubscribe
 *   preferences         topics, locale                 consent change */
#ifndef PD_LIST_SUBSCRIBER_H
#define PD_LIST_SUBSCRIBER_H

#include "store/lists.h"

typedef enum {
	PD_SUB_CHANGED,   /* the status changed (or a new subscriber) */
	PD_SUB_ALREADY,   /* it was so already: nothing written */
	PD_SUB_NOT_VALID, /* the change does not apply (confirm of someone not pending) */
	PD_SUB_ENABLED,   /* pd_subscriber_admin_add: a disabled or bouncing one is active again */
} PdSubResult;

/* Make ADDR an active subscriber of LIST (an administrator's act). Someone who unsubscribed
 * is brought back only with FORCE (the consent row says detail "forced"); without it that is
 * a PD_ERROR_DATA error and nothing is written. A disabled (or bouncing) one is re-enabled
 * without FORCE: PD_SUB_ENABLED, consent enable/admin. */
gboolean pd_subscriber_admin_add (PdStore *store, gint64 list, const char *addr, const char *name,
                                  const char *evidence, gboolean force, gint64 now, gint64 *id_r,
                                  PdSubResult *result_r, GError **error);
/* ADDR asks to join LIST (VIA "mail" or "web", EVIDENCE the Message-ID or "web ADDR"): a
 * pending subscriber, who becomes active only by pd_subscriber_confirm. An active one stays
 * (PD_SUB_ALREADY); a disabled one stays disabled until it confirms (the request row is
 * written); anyone else, an earlier unsubscriber included (this is the person's own
 * request), becomes pending again. */
gboolean pd_subscriber_request (PdStore *store, gint64 list, const char *addr, const char *name,
                                const char *via, const char *evidence, gint64 now, gint64 *id_r,
                                PdSubResult *result_r, GError **error);
/* Pending subscriber ID becomes active (consent confirm); a disabled one too (consent
 * enable, VIA, "was disabled"). The caller checked that the confirmed request is open. */
gboolean pd_subscriber_confirm (PdStore *store, gint64 id, const char *via, const char *evidence,
                                gint64 now, PdSubResult *result_r, GError **error);
/* Subscriber ID leaves. DETAIL (may be NULL) goes into the ledger ("one-click"). */
gboolean pd_subscriber_unsubscribe (PdStore *store, gint64 id, const char *via,
                                    const char *evidence, const char *detail, gint64 now,
                                    PdSubResult *result_r, GError **error);
/* New TOPICS and LOCALE (NULL keeps one) for subscriber ID; PD_SUB_ALREADY if unchanged. */
gboolean pd_subscriber_set_prefs (PdStore *store, gint64 id, const char *topics,
                                  const char *locale, const char *via, const char *evidence,
                                  gint64 now, PdSubResult *result_r, GError **error);

#endif
