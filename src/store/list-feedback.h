/* list-feedback.h - SQL for what comes back from list mail and for the knowledge base's mail
 * to lists (issue 12): a delivery with its subscriber and list, list_bounces rows, the
 * subscriber's bounce score and status (with its consent-ledger row), announcements to
 * archive, and the list_articles claims (db/018) that make each article mailed once.
 * Only rows and strings here; the decisions are in src/lists/. Rows are (transfer full). */
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

/* A campaign with its list, for the archive and the mailer. */
typedef struct {
	gint64 id;
	gint64 list_id;
	char *kind;
	char *state;
	char *subject;
	char *template;
	char *body;
	gint64 article_id;  /* 0 = none */
	gint64 created_at;
	char *list_name;
	char *list_title;
	char *list_visibility;
	char *list_locale;
} PdListCampaign;

void pd_list_campaign_free (PdListCampaign *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdListCampaign, pd_list_campaign_free)

/* Campaign ID, or NULL with PD_ERROR_NOTFOUND. */
PdListCampaign *pd_store_list_campaign (PdStore *store, gint64 id, GError **error);
/* Ids (gint64 in a GArray) of announcements running or done without an archive article. */
GArray *pd_store_list_campaigns_unarchived (PdStore *store, GError **error);
gboolean pd_store_list_campaign_set_article (PdStore *store, gint64 campaign, gint64 article,
                                             GError **error);

/* A list as the knowledge-base mailer sees it. */
typedef struct {
	gint64 id;
	char *name;
	char *address;
	char *title;
	char *topics;
	char *policy;
	char *digest;
	char *locale;
	gint64 created_at;
} PdListInfo;

void pd_list_info_free (PdListInfo *l);
/* Lists that follow topics and mail articles (digest not 'off'). */
GPtrArray *pd_store_list_mailing_lists (PdStore *store, GError **error);
/* Published articles (PdKbArticle) LIST has not seen yet, first published at or after SINCE. */
GPtrArray *pd_store_list_new_articles (PdStore *store, gint64 list, gint64 since,
                                       GError **error);
/* Claim (LIST, ARTICLE) with STATE: CLAIMED_R FALSE when some run claimed it before. */
gboolean pd_store_list_article_claim (PdStore *store, gint64 list, gint64 article,
                                      const char *state, gint64 now, gboolean *claimed_r,
                                      GError **error);
/* Mark the claim mailed by CAMPAIGN (0 = nobody to mail). */
gboolean pd_store_list_article_mailed (PdStore *store, gint64 list, gint64 article,
                                       gint64 campaign, gint64 now, GError **error);
/* A collected article that is no longer to be mailed (unpublished, made internal). */
gboolean pd_store_list_article_skip (PdStore *store, gint64 list, gint64 article,
                                     GError **error);
/* Article ids (GArray of gint64) waiting for LIST's digest, oldest first; OLDEST_R their
 * first 'at' (0 when none). */
GArray *pd_store_list_digest_pending (PdStore *store, gint64 list, gint64 *oldest_r,
                                      GError **error);
/* When LIST's last digest campaign was made, 0 = never. */
gboolean pd_store_list_last_digest (PdStore *store, gint64 list, gint64 *at_r, GError **error);
/* A running campaign of KIND ('article', 'digest') to LIST. */
gboolean pd_store_list_campaign_add (PdStore *store, gint64 list, const char *kind,
                                     const char *subject, const char *body, gint64 article,
                                     gint64 now, gint64 *id_r, GError **error);
/* Deliveries of CAMPAIGN to LIST's active and bouncing subscribers (both are still mailed)
 * whose topics preference is empty or names one of TOPICS; campaigns.total set (none: the
 * campaign is 'done'). TOTAL_R: how many. */
gboolean pd_store_list_deliveries_add (PdStore *store, gint64 campaign, gint64 list,
                                       const char *const *topics, gint64 *total_r,
                                       GError **error);

/* For tests and the CLI: does a comma-separated topic list A share a topic with TOPICS. */
gboolean pd_list_topics_meet (const char *a, const char *const *topics);

#endif
