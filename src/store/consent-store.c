/* consent-store.c - the SQL of the consent ledger (store/lists.h, db/014): a row appended for
 * every change of a subscription, the open confirmation request, and the ledger walked. It is
 * only ever appended to (the schema's triggers refuse anything else). */
#include "store/lists.h"
#include "store/store-private.h"

void
pd_consent_row_free (PdConsentRow *row)
{
	if (row == NULL)
		return;
	g_free (row->address);
	g_free (row->action);
	g_free (row->via);
	g_free (row->evidence);
	g_free (row->detail);
	g_free (row);
}

gboolean
pd_store_consent_add (PdStore *store, gint64 subscriber, gint64 now, const char *action,
                      const char *via, const char *evidence, const char *detail, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"INSERT INTO consent (subscriber_id, at, action, via, evidence, detail)"
		" VALUES (?, ?, ?, ?, ?, ?)",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, subscriber);
	pd_bind_int (stmt, 2, now);
	pd_bind_text (stmt, 3, action);
	pd_bind_text (stmt, 4, via);
	pd_bind_text (stmt, 5, evidence);
	pd_bind_text (stmt, 6, detail);
	return pd_store_exec_stmt (store, stmt, error);
}

gboolean
pd_store_consent_open_request (PdStore *store, gint64 subscriber, gint64 *consent_r,
                               GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT max(c.id) FROM consent c WHERE c.subscriber_id = ?1 AND c.action = 'request'"
		" AND c.id > coalesce((SELECT max(x.id) FROM consent x WHERE x.subscriber_id = ?1"
		" AND x.action NOT IN ('request', 'change')), 0)",
		error);

	*consent_r = 0;
	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, subscriber);
	return pd_store_lookup_int (store, stmt, consent_r, NULL, error);
}

gboolean
pd_store_consent_request_of (PdStore *store, gint64 consent, gint64 *subscriber_r,
                             gboolean *open_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT c.subscriber_id, NOT EXISTS (SELECT 1 FROM consent x"
		" WHERE x.subscriber_id = c.subscriber_id AND x.id > c.id"
		" AND x.action NOT IN ('request', 'change'))"
		" FROM consent c WHERE c.id = ? AND c.action = 'request'",
		error);
	int rc;

	*subscriber_r = 0;
	*open_r = FALSE;
	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, consent);
	rc = pd_store_step (store, stmt, error);
	if (rc == SQLITE_ROW) {
		*subscriber_r = sqlite3_column_int64 (stmt, 0);
		*open_r = sqlite3_column_int (stmt, 1) != 0;
	}
	sqlite3_reset (stmt);
	return rc >= 0;
}

gboolean
pd_store_consent_foreach (PdStore *store, gint64 list, const char *addr, PdConsentFunc fn,
                          gpointer data, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT c.id, c.subscriber_id, s.address, c.at, c.action, c.via, c.evidence, c.detail"
		" FROM consent c JOIN subscribers s ON s.id = c.subscriber_id"
		" WHERE s.list_id = ?1 AND (?2 IS NULL OR s.address = lower(?2)) ORDER BY c.id",
		error);
	int rc;

	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, list);
	pd_bind_text (stmt, 2, addr);
	while ((rc = pd_store_step (store, stmt, error)) == SQLITE_ROW) {
		PdConsentRow row = { 0 };
		gboolean go;

		row.id = sqlite3_column_int64 (stmt, 0);
		row.subscriber_id = sqlite3_column_int64 (stmt, 1);
		row.address = pd_col_text (stmt, 2);
		row.at = sqlite3_column_int64 (stmt, 3);
		row.action = pd_col_text (stmt, 4);
		row.via = pd_col_text (stmt, 5);
		row.evidence = pd_col_text (stmt, 6);
		row.detail = pd_col_text (stmt, 7);
		go = fn (&row, data, error);
		g_free (row.address);
		g_free (row.action);
		g_free (row.via);
		g_free (row.evidence);
		g_free (row.detail);
		if (!go) {
			sqlite3_reset (stmt);
			return FALSE;
		}
	}
	sqlite3_reset (stmt);
	return rc >= 0;
}
