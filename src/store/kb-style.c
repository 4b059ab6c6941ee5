/* kb-style.c - the web view's style parameters (db/013 kb_style): key and value strings that
 * src/http/style.c reads. */
#include "store/kb.h"
#include "store/store-private.h"

gboolean
pd_store_kb_style_set (PdStore *store, const char *key, const char *value, GError **error)
{
	sqlite3_stmt *stmt;

	if (value == NULL) {
		stmt = pd_store_stmt (store, "DELETE FROM kb_style WHERE key = ?", error);
		if (stmt == NULL)
			return FALSE;
		pd_bind_text (stmt, 1, key);
		return pd_store_exec_stmt (store, stmt, error);
	}
	stmt = pd_store_stmt (store,
	                      "INSERT INTO kb_style (key, value) VALUES (?, ?) "
	                      "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	                      error);
	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, key);
	pd_bind_text (stmt, 2, value);
	return pd_store_exec_stmt (store, stmt, error);
}

GHashTable *
pd_store_kb_style_get (PdStore *store, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (store, "SELECT key, value FROM kb_style", error);
	g_autoptr (GHashTable) style = NULL;
	int rc;

	if (stmt == NULL)
		return NULL;
	style = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	while ((rc = pd_store_step (store, stmt, error)) == SQLITE_ROW)
		g_hash_table_replace (style, pd_col_text (stmt, 0), pd_col_text (stmt, 1));
	sqlite3_reset (stmt);
	if (rc != SQLITE_DONE)
		return NULL;
	return g_steal_pointer (&style);
}
