/* kb-usage.c - the SQL of the knowledge base's usage counts (kb-usage.h, db/019). */
#include "store/kb-usage.h"

#include "store/store-private.h"

gboolean
pd_store_kb_usage_add (PdStore *store, gint64 article_id, const char *how, gint64 ticket,
                       gint64 at, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "INSERT INTO kb_usage (article_id, how, ticket_id, at) VALUES (?, ?, ?, ?)",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, article_id);
	pd_bind_text (stmt, 2, how);
	pd_bind_id (stmt, 3, ticket);
	sqlite3_bind_int64 (stmt, 4, at);
	return pd_store_exec_stmt (store, stmt, error);
}

gboolean
pd_store_kb_miss_add (PdStore *store, const char *how, gint64 ticket, const char *question,
                      const char *words, gint64 at, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"INSERT INTO kb_misses (how, ticket_id, question, words, at) VALUES (?, ?, ?, ?, ?)",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, how);
	pd_bind_id (stmt, 2, ticket);
	pd_bind_text (stmt, 3, question);
	pd_bind_text (stmt, 4, words);
	sqlite3_bind_int64 (stmt, 5, at);
	return pd_store_exec_stmt (store, stmt, error);
}

void
pd_kb_usage_row_free (PdKbUsageRow *r)
{
	if (r == NULL)
		return;
	g_free (r->slug);
	g_free (r->title);
	g_free (r);
}

static gpointer
usage_row (sqlite3_stmt *stmt)
{
	PdKbUsageRow *r = g_new0 (PdKbUsageRow, 1);

	r->id = sqlite3_column_int64 (stmt, 0);
	r->slug = pd_col_text (stmt, 1);
	r->title = pd_col_text (stmt, 2);
	r->suggested = sqlite3_column_int64 (stmt, 3);
	r->sent = sqlite3_column_int64 (stmt, 4);
	r->mailed = sqlite3_column_int64 (stmt, 5);
	r->viewed = sqlite3_column_int64 (stmt, 6);
	r->answered = sqlite3_column_int64 (stmt, 7);
	return r;
}

GPtrArray *
pd_store_kb_usage_report (PdStore *store, gint64 since, gint64 until, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT a.id, a.slug, a.title,"
		" sum (u.how = 'suggested'), sum (u.how = 'sent'), sum (u.how = 'mailed'),"
		" sum (u.how = 'viewed'), sum (u.how = 'answered')"
		" FROM kb_usage u JOIN kb_articles a ON a.id = u.article_id"
		" WHERE u.at >= ?1 AND (?2 = 0 OR u.at < ?2)"
		" GROUP BY a.id"
		" ORDER BY sum (u.how != 'answered') DESC, sum (u.how = 'answered') DESC, a.slug",
		error);

	if (stmt == NULL)
		return NULL;
	sqlite3_bind_int64 (stmt, 1, since);
	sqlite3_bind_int64 (stmt, 2, until);
	return pd_store_collect (store, stmt, usage_row, (GDestroyNotify) pd_kb_usage_row_free,
	                         error);
}

void
pd_kb_miss_row_free (PdKbMissRow *r)
{
	if (r == NULL)
		return;
	g_free (r->how);
	g_free (r->question);
	g_free (r->words);
	g_free (r);
}

static gpointer
miss_row (sqlite3_stmt *stmt)
{
	PdKbMissRow *r = g_new0 (PdKbMissRow, 1);

	r->id = sqlite3_column_int64 (stmt, 0);
	r->how = pd_col_text (stmt, 1);
	r->ticket = sqlite3_column_int64 (stmt, 2);
	r->question = pd_col_text (stmt, 3);
	r->words = pd_col_text (stmt, 4);
	r->at = sqlite3_column_int64 (stmt, 5);
	return r;
}

GPtrArray *
pd_store_kb_misses (PdStore *store, gint64 since, gint64 until, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT id, how, coalesce (ticket_id, 0), question, words, at FROM kb_misses"
		" WHERE at >= ?1 AND (?2 = 0 OR at < ?2) ORDER BY at, id",
		error);

	if (stmt == NULL)
		return NULL;
	sqlite3_bind_int64 (stmt, 1, since);
	sqlite3_bind_int64 (stmt, 2, until);
	return pd_store_collect (store, stmt, miss_row, (GDestroyNotify) pd_kb_miss_row_free, error);
}
