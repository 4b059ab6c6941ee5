/* list-feedback.h - SQL for what comes back from list mail (issue 12): a delivery with its
 * subscriber and list, list_bounces rows, the subscriber's bounce score and status (with its
 * consent-ledger row). Only rows and strings here; the decisions are in src/lists/. Rows are
 * (transfer full). Announcements to archive are list-archive.h's, the knowledge base's mail
 * to lists list-articles.h's. */
#ifndef PD_STORE_LIST_FEEDBACK_H
#define PD_STORE_LIST_FEEDBACK_H

#include <glib.h>

#include "store/store.h"

/* One delivery of campaign mail, with whom it went to and the list it came from. */
typedef struct {
	gint64 delivery_id;
	gint64 campaign_id;
	gint64 subscriber_id;
	gint64 list_id;
	char *delivery_state;
	char *address;        /* the subscriber's */
	char *status;         /* the subscriber's */
	double score;         /* subscribers.bounce_score */
	gint64 last_bounce_at; /* 0 = never */
	gint64 last_soft_at;   /* 0 = never */
	char *list_queue;     /* lists.queue, may be NULL */
	gint64 score_at;      /* subscribers.bounce_score_at (db/023), 0 = last_bounce_at */
} PdListDelivery;

void pd_list_delivery_free (PdListDelivery *d);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdListDelivery, pd_list_delivery_free)

/* Delivery ID, or NULL with PD_ERROR_NOTFOUND. */
PdListDelivery *pd_store_list_delivery (PdStore *store, gint64 id, GError **error);
/* A list_bounces row. SUBSCRIBER and DELIVERY 0 = unknown. */
gboolean pd_store_list_bounce_add (PdStore *store, gint64 subscriber, gint64 delivery, gint64 now,
                                   const char *kind, double score_added, gint64 intake,
                                   const char *detail, GError **error);
gboolean pd_store_list_subscriber_score (PdStore *store, gint64 subscriber, double score,
                                         gint64 last_bounce_at, gint64 last_soft_at,
                                         gint64 score_at, gint64 now, GError **error);

/* A subscriber with a bounce score, for the decay pass. */
typedef struct {
	gint64 id;
	char *status;
	double score;
	gint64 last_bounce_at;
	gint64 last_soft_at;
	gint64 score_at;
} PdListScored;

void pd_list_scored_free (PdListScored *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdListScored, pd_list_scored_free)
/* Up to LIMIT subscribers (PdListScored) with a score above 0 and an id above AFTER, by id. */
GPtrArray *pd_store_list_scored (PdStore *store, gint64 after, guint limit, GError **error);
/* Set the subscriber's STATUS and append the consent row (ACTION, VIA, EVIDENCE, DETAIL). */
gboolean pd_store_list_subscriber_status (PdStore *store, gint64 subscriber, const char *status,
                                          gint64 now, const char *action, const char *via,
                                          const char *evidence, const char *detail,
                                          GError **error);
/* The delivery bounced: state 'bounced' and the report in last_reply. */
gboolean pd_store_list_delivery_bounced (PdStore *store, gint64 delivery, const char *reply,
                                         GError **error);
/* The list whose address is ADDR (lower case): LIST_R 0 when none; QUEUE_R may be NULL. */
gboolean pd_store_list_by_address (PdStore *store, const char *addr, gint64 *list_r,
                                   char **queue_r, GError **error);
/* The list of campaign CAMPAIGN: LIST_R 0 when none; QUEUE_R (transfer full) may be NULL. */
gboolean pd_store_list_by_campaign (PdStore *store, gint64 campaign, gint64 *list_r,
                                    char **queue_r, GError **error);
/* The subscriber of LIST with ADDR, 0 when none. */
gboolean pd_store_list_subscriber_by_address (PdStore *store, gint64 list, const char *addr,
                                              gint64 *subscriber_r, GError **error);

#endif
