/* lists.c - the SQL of lists (db/014): a list's row, made, read, counted and deleted. Rows and
 * strings only: which change is allowed, and what it means, is src/lists/'s business. A list's
 * subscribers are subscriber-store.c's, the consent ledger consent-store.c's (lists.h is the
 * interface of all three). */
#include <string.h>

#include "core/error.h"
#include "store/lists.h"
#include "store/store-private.h"

void
pd_list_row_free (PdListRow *row)
{
	if (row == NULL)
		return;
	g_free (row->name);
	g_free (row->address);
	g_free (row->title);
	g_free (row->topics);
	g_free (row->policy);
	g_free (row->allowed_domains);
	g_free (row->queue);
	g_free (row->owner);
	g_free (row->visibility);
	g_free (row->digest);
	g_free (row->locale);
	g_free (row);
}

#define LIST_COLS \
	"id, name, address, title, topics, policy, allowed_domains, queue, owner, visibility, " \
	"digest, locale, created_at"

static gpointer
list_from (sqlite3_stmt *stmt)
{
	PdListRow *r = g_new0 (PdListRow, 1);

	r->id = sqlite3_column_int64 (stmt, 0);
	r->name = pd_col_text (stmt, 1);
	r->address = pd_col_text (stmt, 2);
	r->title = pd_col_text (stmt, 3);
	r->topics = pd_col_text (stmt, 4);
	r->policy = pd_col_text (stmt, 5);
	r->allowed_domains = pd_col_text (stmt, 6);
	r->queue = pd_col_text (stmt, 7);
	r->owner = pd_col_text (stmt, 8);
	r->visibility = pd_col_text (stmt, 9);
	r->digest = pd_col_text (stmt, 10);
	r->locale = pd_col_text (stmt, 11);
	r->created_at = sqlite3_column_int64 (stmt, 12);
	return r;
}

gboolean
pd_store_list_create (PdStore *store, const PdListRow *row, gint64 now, gint64 *id_r,
                      GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"INSERT INTO lists (name, address, title, topics, policy, allowed_domains, queue, owner,"
		" visibility, digest, locale, created_at) VALUES (?1, lower(?2), ?3, ?4, ?5, ?6, ?7,"
		" lower(?8), ?9, ?10, ?11, ?12)",
		error);
	int rc;

	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, row->name);
	pd_bind_text (stmt, 2, row->address);
	pd_bind_text (stmt, 3, row->title);
	pd_bind_text (stmt, 4, row->topics ? row->topics : "");
	pd_bind_text (stmt, 5, row->policy ? row->policy : "confirm");
	pd_bind_text (stmt, 6, row->allowed_domains ? row->allowed_domains : "");
	pd_bind_text (stmt, 7, row->queue);
	pd_bind_text (stmt, 8, row->owner);
	pd_bind_text (stmt, 9, row->visibility ? row->visibility : "public");
	pd_bind_text (stmt, 10, row->digest ? row->digest : "immediate");
	pd_bind_text (stmt, 11, row->locale ? row->locale : "en");
	pd_bind_int (stmt, 12, now);
	rc = sqlite3_step (stmt);
	sqlite3_reset (stmt);
	if ((rc & 0xff) == SQLITE_CONSTRAINT) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE,
		             "a list named %s or with the address %s exists already", row->name,
		             row->address);
		return FALSE;
	}
	if (rc != SQLITE_DONE) {
		pd_store_set_error (store, rc, "create list", error);
		return FALSE;
	}
	*id_r = sqlite3_last_insert_rowid (store->db);
	return TRUE;
}

PdListRow *
pd_store_list_get (PdStore *store, const char *name, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (store, "SELECT " LIST_COLS " FROM lists WHERE name = ?",
	                                    error);
	PdListRow *row = NULL;
	int rc;

	if (stmt == NULL)
		return NULL;
	pd_bind_text (stmt, 1, name);
	rc = pd_store_step (store, stmt, error);
	if (rc == SQLITE_ROW)
		row = list_from (stmt);
	else if (rc == SQLITE_DONE)
		g_set_error (error, PD_ERROR, PD_ERROR_NOTFOUND, "no list %s", name);
	sqlite3_reset (stmt);
	return row;
}

PdListRow *
pd_store_list_get_by_id (PdStore *store, gint64 id, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (store, "SELECT " LIST_COLS " FROM lists WHERE id = ?",
	                                    error);

	if (stmt == NULL)
		return NULL;
	pd_bind_int (stmt, 1, id);
	return pd_store_one (store, stmt, list_from, "list", id, error);
}

GPtrArray *
pd_store_list_all (PdStore *store, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "SELECT " LIST_COLS " FROM lists WHERE name NOT LIKE '~%' ORDER BY name", error);

	if (stmt == NULL)
		return NULL;
	return pd_store_collect (store, stmt, list_from, (GDestroyNotify) pd_list_row_free, error);
}

gboolean
pd_store_list_id_by_address (PdStore *store, const char *addr, gint64 *id_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (store, "SELECT id FROM lists WHERE address = lower(?)",
	                                    error);

	*id_r = 0;
	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, addr);
	return pd_store_lookup_int (store, stmt, id_r, NULL, error);
}

gboolean
pd_store_list_delete (PdStore *store, gint64 id, const char *evidence, gint64 now,
                      gboolean *removed_r, GError **error)
{
	sqlite3_stmt *stmt;
	gint64 used = 0;

	*removed_r = FALSE;
	stmt = pd_store_stmt (store,
	                      "SELECT (SELECT count(*) FROM subscribers WHERE list_id = ?1)"
	                      " + (SELECT count(*) FROM campaigns WHERE list_id = ?1)",
	                      error);
	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, id);
	if (!pd_store_lookup_int (store, stmt, &used, NULL, error))
		return FALSE;
	if (used == 0) {
		stmt = pd_store_stmt (store, "DELETE FROM lists WHERE id = ?", error);
		if (stmt == NULL)
			return FALSE;
		pd_bind_int (stmt, 1, id);
		*removed_r = TRUE;
		return pd_store_exec_stmt (store, stmt, error);
	}
	stmt = pd_store_stmt (store,
	                      "INSERT INTO consent (subscriber_id, at, action, via, evidence, detail)"
	                      " SELECT id, ?2, 'unsubscribe', 'admin', ?3, 'list deleted'"
	                      " FROM subscribers WHERE list_id = ?1 AND status IN ('pending', 'active',"
	                      " 'bouncing')",
	                      error);
	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, id);
	pd_bind_int (stmt, 2, now);
	pd_bind_text (stmt, 3, evidence);
	if (!pd_store_exec_stmt (store, stmt, error))
		return FALSE;
	stmt = pd_store_stmt (store,
	                      "UPDATE subscribers SET status = 'unsubscribed', updated_at = ?2"
	                      " WHERE list_id = ?1 AND status IN ('pending', 'active', 'bouncing')",
	                      error);
	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, id);
	pd_bind_int (stmt, 2, now);
	if (!pd_store_exec_stmt (store, stmt, error))
		return FALSE;
	/* the names are UNIQUE: move them out of the way, so NAME and ADDRESS can be used again */
	stmt = pd_store_stmt (store,
	                      "UPDATE lists SET name = '~' || name || '.' || id,"
	                      " address = '~' || id || '.' || address WHERE id = ?",
	                      error);
	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, id);
	return pd_store_exec_stmt (store, stmt, error);
}

gboolean
pd_store_list_counts (PdStore *store, gint64 list, GHashTable **counts_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "SELECT status, count(*) FROM subscribers WHERE list_id = ? GROUP BY status",
		error);
	int rc;

	*counts_r = NULL;
	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, list);
	*counts_r = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	while ((rc = pd_store_step (store, stmt, error)) == SQLITE_ROW)
		g_hash_table_insert (*counts_r, pd_col_text (stmt, 0),
		                     GSIZE_TO_POINTER ((gsize) sqlite3_column_int64 (stmt, 1)));
	sqlite3_reset (stmt);
	if (rc < 0) {
		g_clear_pointer (counts_r, g_hash_table_unref);
		return FALSE;
	}
	return TRUE;
}

gboolean
pd_store_list_known_customer (PdStore *store, const char *addr, gboolean *yes_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT 1 WHERE EXISTS (SELECT 1 FROM tickets WHERE customer = lower(?1))"
		" OR EXISTS (SELECT 1 FROM participants WHERE address = lower(?1) AND role = 'customer')",
		error);
	gint64 one;

	*yes_r = FALSE;
	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, addr);
	return pd_store_lookup_int (store, stmt, &one, yes_r, error);
}
