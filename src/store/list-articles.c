/* list-articles.c - SQL for the knowledge base's mail to lists (store/list-articles.h):
 * lists that follow topics, new articles, the list_articles claims (db/018), digests and the
 * campaigns that mail them. */
#include "store/list-articles.h"

#include <string.h>

#include "store/campaign.h"
#include "store/kb.h"
#include "store/store-private.h"

void
pd_list_info_free (PdListInfo *l)
{
	if (l == NULL)
		return;
	g_free (l->name);
	g_free (l->address);
	g_free (l->title);
	g_free (l->topics);
	g_free (l->policy);
	g_free (l->digest);
	g_free (l->locale);
	g_free (l);
}

static gpointer
list_row (sqlite3_stmt *stmt)
{
	PdListInfo *l = g_new0 (PdListInfo, 1);

	l->id = sqlite3_column_int64 (stmt, 0);
	l->name = pd_col_text (stmt, 1);
	l->address = pd_col_text (stmt, 2);
	l->title = pd_col_text (stmt, 3);
	l->topics = pd_col_text (stmt, 4);
	l->policy = pd_col_text (stmt, 5);
	l->digest = pd_col_text (stmt, 6);
	l->locale = pd_col_text (stmt, 7);
	l->created_at = sqlite3_column_int64 (stmt, 8);
	return l;
}

GPtrArray *
pd_store_list_mailing_lists (PdStore *store, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT id, name, address, title, topics, policy, digest, locale, created_at FROM lists "
		"WHERE digest != 'off' AND topics != '' ORDER BY id",
		error);

	if (stmt == NULL)
		return NULL;
	return pd_store_collect (store, stmt, list_row, (GDestroyNotify) pd_list_info_free, error);
}

GPtrArray *
pd_store_list_new_articles (PdStore *store, gint64 list, gint64 since, GError **error)
{
	/* published: the first version whose status was 'published' (an old article edited
	 * after the list was made is not news to it) */
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT a.id, a.slug, a.title, a.body, a.topics, a.locale, a.visibility, a.status, "
		"a.version, a.created, a.updated FROM kb_articles a WHERE a.status = 'published' "
		"AND NOT EXISTS (SELECT 1 FROM list_articles x WHERE x.list_id = ?1 AND "
		"x.article_id = a.id) AND (SELECT min (v.created) FROM kb_versions v WHERE "
		"v.article_id = a.id AND v.status = 'published') >= ?2 ORDER BY a.id",
		error);

	if (stmt == NULL)
		return NULL;
	pd_bind_int (stmt, 1, list);
	pd_bind_int (stmt, 2, since);
	return pd_store_collect (store, stmt, pd_store_kb_article_from,
	                         (GDestroyNotify) pd_kb_article_free, error);
}

gboolean
pd_store_list_article_claim (PdStore *store, gint64 list, gint64 article, const char *state,
                             gint64 now, gboolean *claimed_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"INSERT INTO list_articles (list_id, article_id, state, at) VALUES (?, ?, ?, ?) "
		"ON CONFLICT DO NOTHING",
		error);

	*claimed_r = FALSE;
	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, list);
	pd_bind_int (stmt, 2, article);
	pd_bind_text (stmt, 3, state);
	pd_bind_int (stmt, 4, now);
	if (!pd_store_exec_stmt (store, stmt, error))
		return FALSE;
	*claimed_r = sqlite3_changes (store->db) > 0;
	return TRUE;
}

gboolean
pd_store_list_article_mailed (PdStore *store, gint64 list, gint64 article, gint64 campaign,
                              gint64 now, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"UPDATE list_articles SET state = 'mailed', campaign_id = ?, mailed_at = ? "
		"WHERE list_id = ? AND article_id = ?",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_id (stmt, 1, campaign);
	pd_bind_int (stmt, 2, now);
	pd_bind_int (stmt, 3, list);
	pd_bind_int (stmt, 4, article);
	return pd_store_exec_stmt (store, stmt, error);
}

gboolean
pd_store_list_article_skip (PdStore *store, gint64 list, gint64 article, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "UPDATE list_articles SET state = 'skipped' WHERE list_id = ? AND article_id = ?",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, list);
	pd_bind_int (stmt, 2, article);
	return pd_store_exec_stmt (store, stmt, error);
}

GArray *
pd_store_list_digest_pending (PdStore *store, gint64 list, gint64 *oldest_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT article_id, at FROM list_articles WHERE list_id = ? AND state = 'pending' "
		"ORDER BY at, article_id",
		error);
	g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
	int rc;

	*oldest_r = 0;
	if (stmt == NULL)
		return NULL;
	pd_bind_int (stmt, 1, list);
	while ((rc = pd_store_step (store, stmt, error)) == SQLITE_ROW) {
		gint64 id = sqlite3_column_int64 (stmt, 0);

		if (ids->len == 0)
			*oldest_r = sqlite3_column_int64 (stmt, 1);
		g_array_append_val (ids, id);
	}
	sqlite3_reset (stmt);
	return rc < 0 ? NULL : g_steal_pointer (&ids);
}

gboolean
pd_store_list_last_digest (PdStore *store, gint64 list, gint64 *at_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT max (created_at) FROM campaigns WHERE list_id = ? AND kind = 'digest'", error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, list);
	return pd_store_lookup_int (store, stmt, at_r, NULL, error);
}

gboolean
pd_store_list_campaign_add (PdStore *store, gint64 list, const char *kind, const char *subject,
                            const char *body, gint64 article, gint64 now, gint64 *id_r,
                            GError **error)
{
	gboolean changed;

	/* the campaigns' one INSERT (store/campaign.h), then started at once: no human step */
	return pd_store_campaign_insert (store, list, kind, article, subject, NULL, body, 0, 0, 0, 0,
	                                 "100%", "kb", now, id_r, error) &&
	       pd_store_campaign_transition (store, *id_r, "draft", "running", NULL, now, &changed,
	                                     error);
}

gboolean
pd_list_topics_meet (const char *a, const char *const *topics)
{
	g_auto (GStrv) mine = g_strsplit (a != NULL ? a : "", ",", -1);

	for (guint i = 0; mine[i] != NULL; i++) {
		g_strstrip (mine[i]);
		if (*mine[i] != '\0' && topics != NULL && g_strv_contains (topics, mine[i]))
			return TRUE;
	}
	return FALSE;
}

gboolean
pd_store_list_deliveries_add (PdStore *store, gint64 campaign, gint64 list,
                              const char *const *topics, gint64 *total_r, GError **error)
{
	sqlite3_stmt *sel = pd_store_stmt (
		store,
		"SELECT id, address, topics FROM subscribers WHERE list_id = ? "
		"AND status IN ('active', 'bouncing') "
		"ORDER BY id",
		error);
	sqlite3_stmt *ins;
	gint64 seq = 0;
	int rc;

	*total_r = 0;
	if (sel == NULL)
		return FALSE;
	ins = pd_store_stmt (store,
	                     "INSERT INTO deliveries (campaign_id, subscriber_id, seq, domain) "
	                     "VALUES (?, ?, ?, ?)",
	                     error);
	if (ins == NULL)
		return FALSE;
	pd_bind_int (sel, 1, list);
	/* one subscriber row at a time: bounded memory whatever the list's size */
	while ((rc = pd_store_step (store, sel, error)) == SQLITE_ROW) {
		const char *addr = (const char *) sqlite3_column_text (sel, 1);
		const char *prefs = (const char *) sqlite3_column_text (sel, 2);
		const char *at = addr != NULL ? strrchr (addr, '@') : NULL;

		/* an empty preference means every topic */
		if (prefs != NULL && *prefs != '\0' && !pd_list_topics_meet (prefs, topics))
			continue;
		pd_bind_int (ins, 1, campaign);
		pd_bind_int (ins, 2, sqlite3_column_int64 (sel, 0));
		pd_bind_int (ins, 3, ++seq);
		pd_bind_text (ins, 4, at != NULL ? at + 1 : "");
		if (!pd_store_exec_stmt (store, ins, error)) {
			sqlite3_reset (sel);
			return FALSE;
		}
	}
	sqlite3_reset (sel);
	if (rc < 0)
		return FALSE;
	*total_r = seq;
	/* nobody to mail: the campaign is done as it starts */
	sel = pd_store_stmt (store,
	                     "UPDATE campaigns SET total = ?1, state = CASE WHEN ?1 = 0 THEN 'done' "
	                     "ELSE state END, finished_at = CASE WHEN ?1 = 0 THEN started_at ELSE "
	                     "finished_at END WHERE id = ?2",
	                     error);
	if (sel == NULL)
		return FALSE;
	pd_bind_int (sel, 1, seq);
	pd_bind_int (sel, 2, campaign);
	return pd_store_exec_stmt (store, sel, error);
}
