/* handoff-store.c - per-ticket hand-off rows (handoff.h). */
#include "store/handoff.h"

#include "store/store-private.h"

gboolean
pd_store_handoff_id (PdStore *store, gint64 agent, gint64 shift_end, gint64 *id_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "SELECT id FROM handoffs WHERE agent_id = ? AND shift_end = ?", error);

	*id_r = 0;
	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, agent);
	pd_bind_int (stmt, 2, shift_end);
	return pd_store_lookup_int (store, stmt, id_r, NULL, error);
}

gboolean
pd_store_handoff_ticket_add (PdStore *store, gint64 handoff, gint64 ticket, gint64 handed_at,
                             gint64 to, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"INSERT INTO handoff_tickets (handoff_id, ticket_id, handed_at, to_agent) VALUES (?, ?, ?, ?)"
		" ON CONFLICT (handoff_id, ticket_id) DO NOTHING",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, handoff);
	pd_bind_int (stmt, 2, ticket);
	pd_bind_id (stmt, 3, handed_at);
	pd_bind_id (stmt, 4, to);
	return pd_store_exec_stmt (store, stmt, error);
}

GArray *
pd_store_handoff_waiting (PdStore *store, gint64 handoff, gint64 agent, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT k.ticket_id FROM handoff_tickets k JOIN tickets t ON t.id = k.ticket_id"
		" WHERE k.handoff_id = ? AND k.handed_at IS NULL AND t.assignee = ?"
		" AND t.state NOT IN ('resolved', 'closed') ORDER BY k.ticket_id",
		error);
	GArray *ids;
	int rc;

	if (stmt == NULL)
		return NULL;
	pd_bind_int (stmt, 1, handoff);
	pd_bind_int (stmt, 2, agent);
	ids = g_array_new (FALSE, FALSE, sizeof (gint64));
	while ((rc = pd_store_step (store, stmt, error)) == SQLITE_ROW) {
		gint64 id = sqlite3_column_int64 (stmt, 0);

		g_array_append_val (ids, id);
	}
	sqlite3_reset (stmt);
	if (rc < 0) {
		g_array_unref (ids);
		return NULL;
	}
	return ids;
}

gboolean
pd_store_handoff_ticket_claim (PdStore *store, gint64 handoff, gint64 ticket, gint64 to, gint64 now,
                               gboolean *claimed_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"UPDATE handoff_tickets SET handed_at = ?, to_agent = ?"
		" WHERE handoff_id = ? AND ticket_id = ? AND handed_at IS NULL",
		error);

	*claimed_r = FALSE;
	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, now);
	pd_bind_int (stmt, 2, to);
	pd_bind_int (stmt, 3, handoff);
	pd_bind_int (stmt, 4, ticket);
	if (!pd_store_exec_stmt (store, stmt, error))
		return FALSE;
	*claimed_r = sqlite3_changes (store->db) == 1;
	return TRUE;
}

gboolean
pd_store_handoff_add_count (PdStore *store, gint64 handoff, gint64 moved, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "UPDATE handoffs SET tickets = tickets + ? WHERE id = ?", error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, moved);
	pd_bind_int (stmt, 2, handoff);
	return pd_store_exec_stmt (store, stmt, error);
}
