/* kb-index.c - the FTS5 index (kb_fts) and the word counts (kb_terms, db/019) kept in step with
 * every write: an article indexed again, the generation that tells the suggester its copy is
 * out of date, the counts refreshed, marked stale, or the index merged. Reads of the counts
 * are kb-terms.c's. */
#include "core/error.h"
#include "store/kb.h"
#include "store/kb-private.h"
#include "store/store-private.h"

/* The one-row FTS5 table (same tokenizer as kb_fts) whose vocabulary is the set of words of
 * one article: kb_terms is kept by adding and taking away one article's words, not copied
 * from the whole index again (db/019). A temporary table: per connection, never stored. */
static gboolean
one_ready (PdStore *store, GError **error)
{
	char *msg = NULL;
	int rc = sqlite3_exec (
		store->db,
		"CREATE VIRTUAL TABLE IF NOT EXISTS temp.kb_one USING fts5 ("
		" title, body, topics, docs, tokenize = \"unicode61 remove_diacritics 2\");"
		"CREATE VIRTUAL TABLE IF NOT EXISTS temp.kb_one_vocab USING fts5vocab (temp, kb_one, 'row');"
		"DELETE FROM temp.kb_one;",
		NULL, NULL, &msg);

	if (rc != SQLITE_OK) {
		pd_store_set_error (store, rc, "kb_one", error);
		sqlite3_free (msg);
		return FALSE;
	}
	return TRUE;
}

/* Add DELTA (+1 or -1) to the counts of the words of index row ID of kb_fts (none if the row
 * does not exist). */
static gboolean
count_words (PdStore *store, gint64 id, int delta, GError **error)
{
	sqlite3_stmt *fill, *upd, *drop;

	if (!one_ready (store, error))
		return FALSE;
	fill = pd_store_stmt (store,
	                      "INSERT INTO temp.kb_one (title, body, topics, docs)"
	                      " SELECT title, body, topics, docs FROM kb_fts WHERE rowid = ?",
	                      error);
	if (fill == NULL)
		return FALSE;
	pd_bind_int (fill, 1, id);
	if (!pd_store_exec_stmt (store, fill, error))
		return FALSE;
	upd = pd_store_stmt (store,
	                     "INSERT INTO kb_terms (term, docs) SELECT term, ?1 FROM temp.kb_one_vocab WHERE true"
	                     " ON CONFLICT (term) DO UPDATE SET docs = docs + ?1",
	                     error);
	if (upd == NULL)
		return FALSE;
	pd_bind_int (upd, 1, delta);
	if (!pd_store_exec_stmt (store, upd, error))
		return FALSE;
	drop = pd_store_stmt (store, "DELETE FROM kb_terms WHERE docs <= 0 AND term IN"
	                      " (SELECT term FROM temp.kb_one_vocab)", error);
	return drop != NULL && pd_store_exec_stmt (store, drop, error);
}

/* Rebuild the index row of article ID from the article and its documents; a new generation
 * of the knowledge base (db/019: what the suggester keeps in memory is out of date). When
 * kb_terms was current it stays so: the old row's words are taken away, the new row's added. */
gboolean
pd_store_kb_reindex (PdStore *store, gint64 id, GError **error)
{
	sqlite3_stmt *del = pd_store_stmt (store, "DELETE FROM kb_fts WHERE rowid = ?", error);
	sqlite3_stmt *ins, *gen, *state;
	g_autofree char *generation = NULL;
	gboolean fresh;
	gint64 existed = 0;

	if (del == NULL)
		return FALSE;
	if (!pd_store_kb_generation (store, &generation, error) ||
	    !pd_store_kb_terms_fresh (store, generation, &fresh, error))
		return FALSE;
	if (fresh) {
		sqlite3_stmt *had = pd_store_stmt (store, "SELECT count(*) FROM kb_fts WHERE rowid = ?", error);

		if (had == NULL)
			return FALSE;
		pd_bind_int (had, 1, id);
		if (!pd_store_lookup_int (store, had, &existed, NULL, error) ||
		    !count_words (store, id, -1, error))
			return FALSE;
	}
	gen = pd_store_stmt (store, "UPDATE kb_generation SET n = n + 1", error);
	if (gen == NULL || !pd_store_exec_stmt (store, gen, error))
		return FALSE;
	pd_bind_int (del, 1, id);
	if (!pd_store_exec_stmt (store, del, error))
		return FALSE;
	ins = pd_store_stmt (
		store,
		"INSERT INTO kb_fts (rowid, title, body, topics, docs, locale)"
		" SELECT a.id, a.title, a.body, a.topics || ' ' || a.keywords," /* keywords: db/039 */
		" (SELECT coalesce (group_concat (d.name || ' ' || d.description, ' '), '')"
		"  FROM kb_documents d WHERE d.article_id = a.id), a.locale"
		" FROM kb_articles a WHERE a.id = ?",
		error);
	if (ins == NULL)
		return FALSE;
	pd_bind_int (ins, 1, id);
	if (!pd_store_exec_stmt (store, ins, error))
		return FALSE;
	if (!fresh)
		return TRUE; /* pd_store_kb_terms_refresh () copies them all */
	if (!count_words (store, id, +1, error))
		return FALSE;
	state = pd_store_stmt (store,
	                       "UPDATE kb_generation SET terms = salt || ':' || n,"
	                       " docs = CASE WHEN docs < 0 THEN -1 ELSE docs + ?1 END",
	                       error);
	if (state == NULL)
		return FALSE;
	pd_bind_int (state, 1, existed ? 0 : 1);
	return pd_store_exec_stmt (store, state, error);
}

gboolean
pd_store_kb_optimize (PdStore *store, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (store, "INSERT INTO kb_fts (kb_fts) VALUES ('optimize')", error);

	return stmt != NULL && pd_store_exec_stmt (store, stmt, error);
}

gboolean
pd_store_kb_terms_stale (PdStore *store, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (store, "UPDATE kb_generation SET terms = ''", error);

	return stmt != NULL && pd_store_exec_stmt (store, stmt, error);
}

gboolean
pd_store_kb_generation (PdStore *store, char **generation_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (store, "SELECT salt || ':' || n FROM kb_generation", error);
	int rc;

	*generation_r = NULL;
	if (stmt == NULL)
		return FALSE;
	rc = pd_store_step (store, stmt, error);
	if (rc == SQLITE_ROW)
		*generation_r = pd_col_text (stmt, 0);
	sqlite3_reset (stmt);
	if (rc == SQLITE_ROW)
		return TRUE;
	if (rc == SQLITE_DONE)
		g_set_error (error, PD_ERROR, PD_ERROR_INTERNAL, "kb_generation has no row");
	return FALSE;
}

gboolean
pd_store_kb_terms_refresh (PdStore *store, GError **error)
{
	sqlite3_stmt *del, *ins, *state;
	g_autofree char *generation = NULL;
	gboolean fresh;

	if (!pd_store_kb_generation (store, &generation, error) ||
	    !pd_store_kb_terms_fresh (store, generation, &fresh, error))
		return FALSE;
	if (fresh)
		return TRUE; /* nothing changed since the last copy */
	del = pd_store_stmt (store, "DELETE FROM kb_terms", error);
	if (del == NULL || !pd_store_exec_stmt (store, del, error))
		return FALSE;
	ins = pd_store_stmt (store, "INSERT INTO kb_terms (term, docs) SELECT term, doc FROM kb_fts_vocab",
	                     error);
	if (ins == NULL || !pd_store_exec_stmt (store, ins, error))
		return FALSE;
	state = pd_store_stmt (store,
	                       "UPDATE kb_generation SET terms = salt || ':' || n,"
	                       " docs = (SELECT count(*) FROM kb_fts)",
	                       error);
	return state != NULL && pd_store_exec_stmt (store, state, error);
}
