/* vacuum-store.c - VACUUM and its record (vacuum.h). */
#include "store/vacuum.h"

#include "store/store-private.h"

static gboolean
size_of (PdStore *store, gint64 *bytes_r, GError **error)
{
	gint64 pages = 0, page_size = 0;
	sqlite3_stmt *stmt;

	if ((stmt = pd_store_stmt (store, "PRAGMA page_count", error)) == NULL ||
	    !pd_store_lookup_int (store, stmt, &pages, NULL, error) ||
	    (stmt = pd_store_stmt (store, "PRAGMA page_size", error)) == NULL ||
	    !pd_store_lookup_int (store, stmt, &page_size, NULL, error))
		return FALSE;
	*bytes_r = pages * page_size;
	return TRUE;
}

gboolean
pd_store_vacuum (PdStore *store, gint64 *before_r, gint64 *after_r, GError **error)
{
	int rc;

	if (!size_of (store, before_r, error))
		return FALSE;
	/* not a cached statement: VACUUM must run with no other statement of this connection
	 * active, and a cached one stays prepared */
	rc = sqlite3_exec (store->db, "VACUUM", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		pd_store_set_error (store, rc, "vacuum", error);
		return FALSE;
	}
	/* in WAL mode the rewritten pages sit in the log until a checkpoint; the file shrinks
	 * only then. Busy (a reader holds an old snapshot) is not an error: the next checkpoint
	 * finishes it. */
	rc = sqlite3_wal_checkpoint_v2 (store->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
		pd_store_set_error (store, rc, "checkpoint", error);
		return FALSE;
	}
	return size_of (store, after_r, error);
}

gboolean
pd_store_last_vacuum (PdStore *store, gint64 *at_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "SELECT COALESCE (max (at), 0) FROM events WHERE kind = 'vacuum'", error);

	return stmt != NULL && pd_store_lookup_int (store, stmt, at_r, NULL, error);
}
