/* campaign-sender-store.c - SQL for the one row that names the process sending campaigns
 * (campaign_sender, db/029 and db/035): read, set, renewed and cleared by its holder. Who may
 * take it over is src/lists/campaign-sender.c's decision, not this file's. */
#include "store/campaign.h"

#include <string.h>

#include "store/store-private.h"

void
pd_campaign_sender_row_clear (PdCampaignSenderRow *row)
{
	g_clear_pointer (&row->host, g_free);
	g_clear_pointer (&row->kind, g_free);
	g_clear_pointer (&row->pidns, g_free);
	row->pid = row->since = row->expires_at = 0;
}

gboolean
pd_store_campaign_sender_get (PdStore *store, PdCampaignSenderRow *row_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT host, pid, kind, since, coalesce(expires_at, 0), pidns FROM campaign_sender"
		" WHERE id = 1",
		error);
	int rc;

	memset (row_r, 0, sizeof *row_r);
	if (stmt == NULL)
		return FALSE;
	if ((rc = pd_store_step (store, stmt, error)) == SQLITE_ROW) {
		row_r->host = pd_col_text (stmt, 0);
		row_r->pid = sqlite3_column_int64 (stmt, 1);
		row_r->kind = pd_col_text (stmt, 2);
		row_r->since = sqlite3_column_int64 (stmt, 3);
		row_r->expires_at = sqlite3_column_int64 (stmt, 4);
		row_r->pidns = pd_col_text (stmt, 5);
		rc = SQLITE_DONE;
	}
	sqlite3_reset (stmt);
	return rc == SQLITE_DONE;
}

gboolean
pd_store_campaign_sender_set (PdStore *store, const PdCampaignSenderRow *row, gint64 now,
                              GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"INSERT INTO campaign_sender (id, host, pid, kind, since, expires_at, pidns)"
		" VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (id) DO UPDATE SET host = ?1,"
		" pid = ?2, kind = ?3, since = ?4, expires_at = ?5, pidns = ?6",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, row->host);
	pd_bind_int (stmt, 2, row->pid);
	pd_bind_text (stmt, 3, row->kind);
	pd_bind_int (stmt, 4, now);
	pd_bind_int (stmt, 5, row->expires_at);
	pd_bind_text (stmt, 6, row->pidns);
	return pd_store_exec_stmt (store, stmt, error);
}

gboolean
pd_store_campaign_sender_renew (PdStore *store, const char *host, gint64 pid, gint64 expires_at,
                                gboolean *held_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"UPDATE campaign_sender SET expires_at = max(coalesce(expires_at, 0), ?3)"
		" WHERE id = 1 AND host = ?1 AND pid = ?2",
		error);

	*held_r = FALSE;
	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, host);
	pd_bind_int (stmt, 2, pid);
	pd_bind_int (stmt, 3, expires_at);
	if (!pd_store_exec_stmt (store, stmt, error))
		return FALSE;
	*held_r = sqlite3_changes (store->db) > 0;
	return TRUE;
}

gboolean
pd_store_campaign_sender_clear (PdStore *store, const char *host, gint64 pid, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "DELETE FROM campaign_sender WHERE id = 1 AND host = ?1 AND pid = ?2", error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, host);
	pd_bind_int (stmt, 2, pid);
	return pd_store_exec_stmt (store, stmt, error);
}
