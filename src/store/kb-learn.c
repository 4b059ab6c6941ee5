/* kb-learn.c - the questions nothing answered that an agent answered with an article: what
 * `kb learn` learns the customers' words from (src/kb/learn.c). */
#include "store/kb-learn.h"
#include "store/store-private.h"

void
pd_kb_answered_miss_free (PdKbAnsweredMiss *r)
{
	if (r == NULL)
		return;
	g_free (r->slug);
	g_free (r->words);
	g_free (r);
}

static gpointer
answered_row (sqlite3_stmt *stmt)
{
	PdKbAnsweredMiss *r = g_new0 (PdKbAnsweredMiss, 1);

	r->article_id = sqlite3_column_int64 (stmt, 0);
	r->slug = pd_col_text (stmt, 1);
	r->words = pd_col_text (stmt, 2);
	return r;
}

GPtrArray *
pd_store_kb_answered_misses (PdStore *store, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT DISTINCT a.id, a.slug, m.words, m.id FROM kb_misses m"
		" JOIN kb_usage u ON u.ticket_id = m.ticket_id AND u.how IN ('sent', 'answered')"
		"  AND u.at >= m.at"
		" JOIN kb_articles a ON a.id = u.article_id"
		" WHERE m.how = 'ack' AND m.ticket_id > 0"
		"  AND a.status = 'published' AND a.visibility != 'internal'"
		" ORDER BY a.slug, m.id",
		error);

	if (stmt == NULL)
		return NULL;
	return pd_store_collect (store, stmt, answered_row, (GDestroyNotify) pd_kb_answered_miss_free,
	                         error);
}

static gpointer
words_row (sqlite3_stmt *stmt)
{
	return pd_col_text (stmt, 0);
}

GPtrArray *
pd_store_kb_missed_words (PdStore *store, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "SELECT words FROM kb_misses WHERE how = 'ack' ORDER BY id", error);

	if (stmt == NULL)
		return NULL;
	return pd_store_collect (store, stmt, words_row, g_free, error);
}
