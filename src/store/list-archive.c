/* list-archive.c - SQL for the archive of announcements (store/list-archive.h): a campaign
 * with its list, the announcements not archived yet, and the article that archives one. */
#include "store/list-archive.h"

#include "store/store-private.h"

void
pd_list_campaign_free (PdListCampaign *c)
{
	if (c == NULL)
		return;
	g_free (c->kind);
	g_free (c->state);
	g_free (c->subject);
	g_free (c->template);
	g_free (c->body);
	g_free (c->list_name);
	g_free (c->list_title);
	g_free (c->list_visibility);
	g_free (c->list_locale);
	g_free (c);
}

static gpointer
campaign_row (sqlite3_stmt *stmt)
{
	PdListCampaign *c = g_new0 (PdListCampaign, 1);

	c->id = sqlite3_column_int64 (stmt, 0);
	c->list_id = sqlite3_column_int64 (stmt, 1);
	c->kind = pd_col_text (stmt, 2);
	c->state = pd_col_text (stmt, 3);
	c->subject = pd_col_text (stmt, 4);
	c->template = pd_col_text (stmt, 5);
	c->body = pd_col_text (stmt, 6);
	c->article_id = sqlite3_column_int64 (stmt, 7);
	c->created_at = sqlite3_column_int64 (stmt, 8);
	c->list_name = pd_col_text (stmt, 9);
	c->list_title = pd_col_text (stmt, 10);
	c->list_visibility = pd_col_text (stmt, 11);
	c->list_locale = pd_col_text (stmt, 12);
	return c;
}

PdListCampaign *
pd_store_list_campaign (PdStore *store, gint64 id, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT c.id, c.list_id, c.kind, c.state, c.subject, c.template, c.body, c.article_id, "
		"c.created_at, l.name, l.title, l.visibility, l.locale FROM campaigns c "
		"JOIN lists l ON l.id = c.list_id WHERE c.id = ?",
		error);

	if (stmt == NULL)
		return NULL;
	pd_bind_int (stmt, 1, id);
	return pd_store_one (store, stmt, campaign_row, "campaign", id, error);
}

static GArray *
collect_ids (PdStore *store, sqlite3_stmt *stmt, GError **error)
{
	g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
	int rc;

	while ((rc = pd_store_step (store, stmt, error)) == SQLITE_ROW) {
		gint64 id = sqlite3_column_int64 (stmt, 0);

		g_array_append_val (ids, id);
	}
	sqlite3_reset (stmt);
	return rc < 0 ? NULL : g_steal_pointer (&ids);
}

GArray *
pd_store_list_campaigns_unarchived (PdStore *store, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT id FROM campaigns WHERE kind = 'announcement' AND article_id IS NULL "
		"AND state IN ('running', 'paused', 'done') ORDER BY id",
		error);

	return stmt == NULL ? NULL : collect_ids (store, stmt, error);
}

gboolean
pd_store_list_campaign_set_article (PdStore *store, gint64 campaign, gint64 article,
                                    GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "UPDATE campaigns SET article_id = ? WHERE id = ?", error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, article);
	pd_bind_int (stmt, 2, campaign);
	return pd_store_exec_stmt (store, stmt, error);
}
