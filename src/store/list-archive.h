/* list-archive.h - SQL for the archive of announcements (issue 12): a campaign with its list,
 * the announcements not archived yet, and the kb article that archives one. Only rows and
 * strings here; the archiving is src/lists/archive.c's. Rows are (transfer full). */
#ifndef PD_STORE_LIST_ARCHIVE_H
#define PD_STORE_LIST_ARCHIVE_H

#include <glib.h>

#include "store/store.h"

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

#endif
