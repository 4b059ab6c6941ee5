/* kb-terms.c - what the suggester reads of the index's word counts (db/019 kb_terms, db/024):
 * how many articles hold words with a prefix, one prefix or many at once, every count, and
 * whether the counts are those of a generation. kb-index.c keeps them. */
#include "core/error.h"
#include "store/kb.h"
#include "store/kb-private.h"
#include "store/store-private.h"

gboolean
pd_store_kb_fts_size (PdStore *store, gint64 *count_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (store, "SELECT count(*) FROM kb_articles", error);

	return stmt != NULL && pd_store_lookup_int (store, stmt, count_r, NULL, error);
}

gboolean
pd_store_kb_terms_size (PdStore *store, gint64 *count_r, GError **error)
{
	/* kept with the word counts (db/024); counted when they are out of date */
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "SELECT CASE WHEN terms = salt || ':' || n THEN docs ELSE -1 END FROM kb_generation",
		error);

	if (stmt == NULL || !pd_store_lookup_int (store, stmt, count_r, NULL, error))
		return FALSE;
	return *count_r >= 0 || pd_store_kb_fts_size (store, count_r, error);
}

gboolean
pd_store_kb_terms_fresh (PdStore *store, const char *generation, gboolean *fresh_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "SELECT count(*) FROM kb_generation WHERE terms = ?", error);
	gint64 n;

	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, generation);
	if (!pd_store_lookup_int (store, stmt, &n, NULL, error))
		return FALSE;
	*fresh_r = n > 0;
	return TRUE;
}

gboolean
pd_store_kb_terms_docs (PdStore *store, const char *prefix, gint64 *docs_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "SELECT coalesce (sum (docs), 0) FROM kb_terms WHERE term >= ?1 AND term < ?2",
		error);
	/* every term that starts with PREFIX sorts below PREFIX + the last code point */
	g_autofree char *end = g_strconcat (prefix, "\xf4\x8f\xbf\xbf", NULL);

	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, prefix);
	pd_bind_text (stmt, 2, end);
	return pd_store_lookup_int (store, stmt, docs_r, NULL, error);
}

gboolean
pd_store_kb_state (PdStore *store, char **generation_r, gint64 *docs_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT salt || ':' || n, CASE WHEN terms = salt || ':' || n THEN docs ELSE -1 END"
		" FROM kb_generation",
		error);
	int rc;

	*generation_r = NULL;
	if (stmt == NULL)
		return FALSE;
	rc = pd_store_step (store, stmt, error);
	if (rc == SQLITE_ROW) {
		*generation_r = pd_col_text (stmt, 0);
		*docs_r = sqlite3_column_int64 (stmt, 1);
	}
	sqlite3_reset (stmt);
	if (rc == SQLITE_DONE)
		g_set_error (error, PD_ERROR, PD_ERROR_INTERNAL, "kb_generation has no row");
	return rc == SQLITE_ROW;
}

gboolean
pd_store_kb_terms_docs_many (PdStore *store, const char *const *prefixes, gint64 *docs_r,
                             GError **error)
{
	/* every term that starts with a prefix sorts below it + the last code point */
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT j.key, (SELECT coalesce (sum (docs), 0) FROM kb_terms"
		"  WHERE term >= j.value AND term < j.value || ?2)"
		" FROM json_each (?1) j",
		error);
	g_autofree char *json = pd_store_kb_json_strings (prefixes);
	guint n = g_strv_length ((char **) prefixes);
	int rc;

	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, json);
	pd_bind_text (stmt, 2, "\xf4\x8f\xbf\xbf");
	while ((rc = pd_store_step (store, stmt, error)) == SQLITE_ROW) {
		gint64 i = sqlite3_column_int64 (stmt, 0);

		if (i >= 0 && i < n)
			docs_r[i] = sqlite3_column_int64 (stmt, 1);
	}
	sqlite3_reset (stmt);
	return rc == SQLITE_DONE;
}

gboolean
pd_store_kb_terms_all (PdStore *store, GPtrArray **terms_r, GArray **docs_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (store, "SELECT term, docs FROM kb_terms ORDER BY term", error);
	g_autoptr (GPtrArray) terms = NULL;
	g_autoptr (GArray) docs = NULL;
	gint64 sum = 0;
	int rc;

	if (stmt == NULL)
		return FALSE;
	terms = g_ptr_array_new_with_free_func (g_free);
	docs = g_array_new (FALSE, FALSE, sizeof (gint64));
	g_array_append_val (docs, sum);
	while ((rc = pd_store_step (store, stmt, error)) == SQLITE_ROW) {
		g_ptr_array_add (terms, pd_col_text (stmt, 0));
		sum += sqlite3_column_int64 (stmt, 1);
		g_array_append_val (docs, sum);
	}
	sqlite3_reset (stmt);
	if (rc != SQLITE_DONE)
		return FALSE;
	*terms_r = g_steal_pointer (&terms);
	*docs_r = g_steal_pointer (&docs);
	return TRUE;
}
