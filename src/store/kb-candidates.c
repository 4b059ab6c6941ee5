/* kb-candidates.c - what the suggester reads of the articles that match a mail: the candidates
 * (the best LIMIT by bm25 (), with stored stems when they hold) and the stems stored for an
 * article's version (db/027). kb-rank.c ranks the same rows in C, read by
 * pd_store_kb_candidate_row. */
#include "store/kb.h"
#include "store/kb-private.h"
#include "store/store-private.h"

void
pd_kb_candidate_free (PdKbCandidate *c)
{
	if (c == NULL)
		return;
	g_free (c->slug);
	g_free (c->title);
	g_free (c->head_stems);
	g_free (c->body_stems);
	g_free (c->topics);
	g_free (c->body);
	g_free (c->keywords);
	g_free (c);
}

/* A PdKbCandidate from a row of the candidates' columns (id, slug, title, head and body
 * stems, topics, body, keywords): pd_store_kb_candidates and kb-rank.c select the same ones. */
gpointer
pd_store_kb_candidate_row (sqlite3_stmt *stmt)
{
	PdKbCandidate *c = g_new0 (PdKbCandidate, 1);

	c->id = sqlite3_column_int64 (stmt, 0);
	c->slug = pd_col_text (stmt, 1);
	c->title = pd_col_text (stmt, 2);
	c->head_stems = pd_col_text (stmt, 3);
	c->body_stems = pd_col_text (stmt, 4);
	c->topics = pd_col_text (stmt, 5);
	c->body = pd_col_text (stmt, 6);
	c->keywords = pd_col_text (stmt, 7);
	return c;
}

GPtrArray *
pd_store_kb_candidates (PdStore *store, const char *match_expr, int limit, int stemmer,
                        GError **error)
{
	/* the body is read only when its stems are not stored (a CASE column: SQLite leaves an
	 * unread body's overflow pages alone) */
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT a.id, a.slug, a.title, s.head, s.body,"
		" CASE WHEN s.head IS NULL THEN a.topics END, CASE WHEN s.head IS NULL THEN a.body END,"
		" CASE WHEN s.head IS NULL THEN a.keywords END"
		" FROM kb_articles a LEFT JOIN kb_stems s"
		"  ON s.article_id = a.id AND s.version = a.version AND s.stemmer = ?3"
		" WHERE a.id IN"
		" (SELECT rowid FROM kb_fts WHERE kb_fts MATCH ?1"
		"  ORDER BY bm25 (kb_fts, 10.0, 1.0, 4.0, 2.0) LIMIT ?2)"
		" AND a.status = 'published' AND a.visibility != 'internal'",
		error);
	GPtrArray *rows;

	if (stmt == NULL)
		return NULL;
	pd_bind_text (stmt, 1, match_expr);
	sqlite3_bind_int (stmt, 2, limit);
	sqlite3_bind_int (stmt, 3, stemmer);
	rows = pd_store_collect (store, stmt, pd_store_kb_candidate_row,
	                         (GDestroyNotify) pd_kb_candidate_free, error);
	if (rows == NULL)
		pd_store_kb_query_error (error, match_expr);
	return rows;
}

gboolean
pd_store_kb_stems_current (PdStore *store, gint64 id, int stemmer, gboolean *current_r,
                           GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT count(*) FROM kb_articles a JOIN kb_stems s ON s.article_id = a.id"
		" WHERE a.id = ?1 AND s.version = a.version AND s.stemmer = ?2",
		error);
	gint64 n;

	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, id);
	sqlite3_bind_int (stmt, 2, stemmer);
	if (!pd_store_lookup_int (store, stmt, &n, NULL, error))
		return FALSE;
	*current_r = n > 0;
	return TRUE;
}

gboolean
pd_store_kb_stems_put (PdStore *store, gint64 id, int stemmer, const char *head,
                       const char *body, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"INSERT OR REPLACE INTO kb_stems (article_id, version, stemmer, head, body)"
		" SELECT id, version, ?2, ?3, ?4 FROM kb_articles WHERE id = ?1",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, id);
	sqlite3_bind_int (stmt, 2, stemmer);
	pd_bind_text (stmt, 3, head);
	pd_bind_text (stmt, 4, body);
	return pd_store_exec_stmt (store, stmt, error);
}
