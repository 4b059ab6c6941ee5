/* imap-state.c - the imap_state table: per account, the mailbox UIDVALIDITY and the last UID
 * fully taken in (committed, then moved/flagged). It knows nothing of IMAP itself; the
 * fetcher (imap.c) decides when a UID counts as done. */
#include "store/store-private.h"

#include "core/error.h"

gboolean
pd_store_imap_get (PdStore *store, const char *account, gboolean *found_r, gint64 *uidvalidity_r,
                   gint64 *last_uid_r, GError **error)
{
	sqlite3_stmt *stmt;
	int rc;

	stmt = pd_store_stmt (store,
	                      "SELECT uidvalidity, last_uid FROM imap_state WHERE account = ?", error);
	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, account);
	rc = pd_store_step (store, stmt, error);
	if (rc < 0)
		return FALSE;
	*found_r = rc == SQLITE_ROW;
	*uidvalidity_r = *found_r ? sqlite3_column_int64 (stmt, 0) : 0;
	*last_uid_r = *found_r ? sqlite3_column_int64 (stmt, 1) : 0;
	sqlite3_reset (stmt);
	return TRUE;
}

gboolean
pd_store_imap_set (PdStore *store, const char *account, gint64 uidvalidity, gint64 last_uid,
                   GError **error)
{
	sqlite3_stmt *stmt;

	stmt = pd_store_stmt (store,
	                      "INSERT INTO imap_state (account, uidvalidity, last_uid) VALUES (?, ?, ?)"
	                      " ON CONFLICT (account) DO UPDATE SET uidvalidity = excluded.uidvalidity,"
	                      " last_uid = excluded.last_uid",
	                      error);
	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, account);
	pd_bind_int (stmt, 2, uidvalidity);
	pd_bind_int (stmt, 3, last_uid);
	return pd_store_exec_stmt (store, stmt, error);
}
