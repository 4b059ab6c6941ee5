/* feedback.h - what comes back from list mail, handled in the incoming mail's transaction:
 * bounces score the subscriber and may disable delivery, delayed DSNs and vacation replies are
 * recorded and change nothing, an ARF complaint unsubscribes, and a person's reply to an
 * announcement (or mail to a list's address) is routed to the list's queue as a new ticket.
 * The delivery is found by the signed VERP token ('d', bounces+dID-SIG@: the filter chain's
 * bounce_delivery_id, the envelope, the delivery headers, or the returned original) or, for
 * replies and complaints, by a campaign Message-ID <cCAMPAIGN.dDELIVERY.…@DOMAIN>.
 * Layer: lists -> app -> filters / store. */
#ifndef PD_LIST_FEEDBACK_H
#define PD_LIST_FEEDBACK_H

#include <glib.h>

#include "filters/chain.h"
#include "core/settings.h"
#include "mail/mail.h"
#include "store/store.h"

typedef struct {
	gint64 delivery_id;  /* 0 = not campaign mail */
	gint64 subscriber_id;
	gint64 list_id;
	const char *kind;    /* the list_bounces kind recorded, NULL = nothing recorded */
	double score_added;
	gboolean disabled;   /* the subscriber's delivery was disabled now */
	gboolean unsubscribed;
	char *queue;         /* a human reply: the list's queue for the new ticket, else NULL */
} PdListFeedback;

void pd_list_feedback_clear (PdListFeedback *fb);

/* After a bounce score changed below the threshold: an 'active' subscriber (STATUS) with
 * SCORE above 0 becomes 'bouncing' (consent 'bounce' via bounce), a 'bouncing' one with 0
 * 'active' again (consent 'enable' via bounce). Other statuses are left alone. CHANGED_R
 * (may be NULL): whether the status changed. */
gboolean pd_list_bounce_status_sync (PdStore *store, gint64 subscriber, const char *status,
                                     double score, double threshold, gint64 now,
                                     const char *evidence, gboolean *changed_r, GError **error);

/* Judge mail of class CTX->klass for list feedback and record it (call inside the mail's
 * transaction). FB is filled (cleared first). FALSE only on store trouble. */
gboolean pd_list_feedback (PdStore *store, const PdSettings *s, GBytes *secret,
                           const PdContext *ctx, const PdMail *mail, gint64 intake_id,
                           gint64 now, PdListFeedback *fb, GError **error);

/* The delivery named by a campaign Message-ID "cC.dD.…@DOMAIN" (no <>) of our DOMAIN, with
 * its campaign in CAMPAIGN_R; 0 when MID is none. Pure. */
gint64 pd_list_message_id_delivery (const char *mid, const char *domain, gint64 *campaign_r);

#endif
