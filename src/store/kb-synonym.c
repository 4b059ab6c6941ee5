/* kb-synonym.c - the SQL of the knowledge base's managed search synonyms (kb-synonym.h,
 * db/038). */
#include "store/kb-synonym.h"

#include "core/error.h"
#include "store/store-private.h"

/* The synonyms are part of what a running suggester keeps per generation (db/019): move the
 * generation on. The articles did not change, so word counts (db/024) and learned synonyms
 * (db/030) that were current stay current under the new number. */
static gboolean
bump (PdStore *store, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"UPDATE kb_generation SET n = n + 1,"
		" terms = CASE WHEN terms = salt || ':' || n THEN salt || ':' || (n + 1) ELSE terms END,"
		" related = CASE WHEN substr (related, 1, length (salt || ':' || n || ':')) = salt || ':' || n || ':'"
		"  THEN salt || ':' || (n + 1) || substr (related, length (salt || ':' || n) + 1) ELSE related END",
		error);

	return stmt != NULL && pd_store_exec_stmt (store, stmt, error);
}

gboolean
pd_store_kb_synonym_add (PdStore *store, const char *phrases, gint64 *id_r, GError **error)
{
	sqlite3_stmt *have, *ins;
	gboolean found;
	gint64 id;

	if (!pd_store_begin (store, error))
		return FALSE;
	have = pd_store_stmt (store, "SELECT id FROM kb_synonyms WHERE phrases = ?", error);
	if (have == NULL)
		goto fail;
	pd_bind_text (have, 1, phrases);
	if (!pd_store_lookup_int (store, have, &id, &found, error))
		goto fail;
	if (found) {
		g_set_error (error, PD_ERROR, PD_ERROR_DATA, "synonyms %" G_GINT64_FORMAT " are already \"%s\"",
		             id, phrases);
		goto fail;
	}
	ins = pd_store_stmt (store, "INSERT INTO kb_synonyms (phrases) VALUES (?)", error);
	if (ins == NULL)
		goto fail;
	pd_bind_text (ins, 1, phrases);
	if (!pd_store_exec_stmt (store, ins, error))
		goto fail;
	*id_r = sqlite3_last_insert_rowid (store->db);
	if (!bump (store, error))
		goto fail;
	return pd_store_commit (store, error);
fail:
	pd_store_rollback (store);
	return FALSE;
}

gboolean
pd_store_kb_synonym_remove (PdStore *store, gint64 id, GError **error)
{
	sqlite3_stmt *del;

	if (!pd_store_begin (store, error))
		return FALSE;
	del = pd_store_stmt (store, "DELETE FROM kb_synonyms WHERE id = ?", error);
	if (del == NULL)
		goto fail;
	sqlite3_bind_int64 (del, 1, id);
	if (!pd_store_exec_stmt (store, del, error))
		goto fail;
	if (sqlite3_changes (store->db) == 0) {
		g_set_error (error, PD_ERROR, PD_ERROR_NOTFOUND, "no synonyms %" G_GINT64_FORMAT, id);
		goto fail;
	}
	if (!bump (store, error))
		goto fail;
	return pd_store_commit (store, error);
fail:
	pd_store_rollback (store);
	return FALSE;
}

void
pd_kb_synonym_row_free (PdKbSynonymRow *r)
{
	if (r == NULL)
		return;
	g_free (r->phrases);
	g_free (r);
}

static gpointer
synonym_row (sqlite3_stmt *stmt)
{
	PdKbSynonymRow *r = g_new0 (PdKbSynonymRow, 1);

	r->id = sqlite3_column_int64 (stmt, 0);
	r->phrases = pd_col_text (stmt, 1);
	r->shipped = sqlite3_column_int (stmt, 2) != 0;
	return r;
}

GPtrArray *
pd_store_kb_synonym_list (PdStore *store, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (store, "SELECT id, phrases, shipped FROM kb_synonyms ORDER BY id", error);

	if (stmt == NULL)
		return NULL;
	return pd_store_collect (store, stmt, synonym_row, (GDestroyNotify) pd_kb_synonym_row_free, error);
}
