/* list-articles.h - SQL for the knowledge base's mail to lists (issue 12): the lists that
 * follow topics, the articles new to a list, the list_articles claims (db/018) that make each
 * article mailed once, digests, and the campaigns that mail them. Only rows and strings here;
 * the decisions are src/lists/kb-mailer.c's. Rows are (transfer full). */
#ifndef PD_STORE_LIST_ARTICLES_H
#define PD_STORE_LIST_ARTICLES_H

#include <glib.h>

#include "store/store.h"

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
