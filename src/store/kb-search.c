/* kb-search.c - FTS5 search over the articles (`kb search`, the web's search, term weights):
 * hits with a snippet, best first, and match counts. A bad query is the caller's (a usage
 * error), not the store's. */
#include <string.h>

#include "core/error.h"
#include "store/kb.h"
#include "store/kb-private.h"
#include "store/store-private.h"

void
pd_kb_hit_free (PdKbHit *h)
{
	if (h == NULL)
		return;
	g_free (h->slug);
	g_free (h->title);
	g_free (h->locale);
	g_free (h->visibility);
	g_free (h->status);
	g_free (h->snippet);
	g_free (h);
}

static gpointer
hit_from (sqlite3_stmt *stmt)
{
	PdKbHit *h = g_new0 (PdKbHit, 1);

	h->id = sqlite3_column_int64 (stmt, 0);
	h->slug = pd_col_text (stmt, 1);
	h->title = pd_col_text (stmt, 2);
	h->locale = pd_col_text (stmt, 3);
	h->visibility = pd_col_text (stmt, 4);
	h->status = pd_col_text (stmt, 5);
	h->snippet = pd_col_text (stmt, 6);
	h->rank = sqlite3_column_double (stmt, 7);
	return h;
}

void
pd_store_kb_query_error (GError **error, const char *expr)
{
	/* an FTS5 syntax error is the caller's bad query, not a store failure */
	if (error && *error && strstr ((*error)->message, "fts5") != NULL) {
		g_autofree char *msg = g_strdup ((*error)->message);
		g_clear_error (error);
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "bad search query \"%s\": %s", expr, msg);
	}
}

GPtrArray *
pd_store_kb_search (PdStore *store, const char *match_expr, const char *locale,
                    gboolean published_only, int limit, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT a.id, a.slug, a.title, a.locale, a.visibility, a.status,"
		/* the keywords (db/039) are indexed with the topics and never shown: when the best
		 * snippet is the topics column's and the article has keywords, the body's instead */
		" CASE WHEN a.keywords != '' AND snippet (kb_fts, -1, '[', ']', '...', 12) ="
		"  snippet (kb_fts, 2, '[', ']', '...', 12) THEN snippet (kb_fts, 1, '[', ']', '...', 12)"
		"  ELSE snippet (kb_fts, -1, '[', ']', '...', 12) END,"
		" bm25 (kb_fts, 10.0, 1.0, 4.0, 2.0) AS r"
		" FROM kb_fts JOIN kb_articles a ON a.id = kb_fts.rowid"
		" WHERE kb_fts MATCH ?1 AND (?2 IS NULL OR kb_fts.locale = ?2)"
		" AND (?3 = 0 OR a.status = 'published') ORDER BY r, a.slug LIMIT ?4",
		error);
	GPtrArray *rows;

	if (stmt == NULL)
		return NULL;
	pd_bind_text (stmt, 1, match_expr);
	pd_bind_text (stmt, 2, locale);
	sqlite3_bind_int (stmt, 3, published_only ? 1 : 0);
	sqlite3_bind_int (stmt, 4, limit > 0 ? limit : 20);
	rows = pd_store_collect (store, stmt, hit_from, (GDestroyNotify) pd_kb_hit_free, error);
	if (rows == NULL)
		pd_store_kb_query_error (error, match_expr);
	return rows;
}

gboolean
pd_store_kb_match_count (PdStore *store, const char *match_expr, gint64 *count_r,
                         GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT count(*) FROM kb_fts JOIN kb_articles a ON a.id = kb_fts.rowid"
		" WHERE kb_fts MATCH ? AND a.status = 'published'",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, match_expr);
	if (!pd_store_lookup_int (store, stmt, count_r, NULL, error)) {
		pd_store_kb_query_error (error, match_expr);
		return FALSE;
	}
	return TRUE;
}

gboolean
pd_store_kb_fts_count (PdStore *store, const char *match_expr, gint64 *count_r, GError **error)
{
	/* the index alone: no row of kb_articles is read, so a common word costs little */
	sqlite3_stmt *stmt = pd_store_stmt (store, "SELECT count(*) FROM kb_fts WHERE kb_fts MATCH ?",
	                                    error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, match_expr);
	if (!pd_store_lookup_int (store, stmt, count_r, NULL, error)) {
		pd_store_kb_query_error (error, match_expr);
		return FALSE;
	}
	return TRUE;
}
