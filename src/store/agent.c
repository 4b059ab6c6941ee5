/* agent.c - agents, and the ticket updates the workflow makes (state, assignee,
 * priority, queue, timestamps). Which change is allowed is workflow.c's business. */
#include "store/store-private.h"

#include <string.h>

#include "core/error.h"

void
pd_agent_row_free (PdAgentRow *row)
{
	if (row == NULL)
		return;
	g_free (row->address);
	g_free (row->name);
	g_free (row->queues);
	g_free (row->tz);
	g_free (row->hours);
	g_free (row);
}

gboolean
pd_store_agent_put (PdStore *store, const char *address, const char *name, const char *queues,
                    const char *tz, const char *hours, gint64 now, gint64 *id_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"INSERT INTO agents (address, name, queues, tz, hours, created_at)"
		" VALUES (lower(?1), ?2, ?3, ?4, ?5, ?6) ON CONFLICT (address) DO UPDATE SET"
		" name = ?2, queues = ?3, tz = ?4, hours = ?5, active = 1",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, address);
	pd_bind_text (stmt, 2, name);
	pd_bind_text (stmt, 3, queues);
	pd_bind_text (stmt, 4, tz);
	pd_bind_text (stmt, 5, hours);
	pd_bind_int (stmt, 6, now);
	if (!pd_store_exec_stmt (store, stmt, error))
		return FALSE;
	stmt = pd_store_stmt (store, "SELECT id FROM agents WHERE address = lower(?)", error);
	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, address);
	return pd_store_lookup_int (store, stmt, id_r, NULL, error);
}

#define AGENT_SELECT "SELECT id, address, name, queues, tz, hours, active, confirm FROM agents"

static gpointer
agent_from (sqlite3_stmt *stmt)
{
	PdAgentRow *a = g_new0 (PdAgentRow, 1);

	a->id = sqlite3_column_int64 (stmt, 0);
	a->address = pd_col_text (stmt, 1);
	a->name = pd_col_text (stmt, 2);
	a->queues = pd_col_text (stmt, 3);
	a->tz = pd_col_text (stmt, 4);
	a->hours = pd_col_text (stmt, 5);
	a->active = sqlite3_column_int (stmt, 6) != 0;
	a->confirm = sqlite3_column_int (stmt, 7) != 0;
	return a;
}

GPtrArray *
pd_store_agent_list (PdStore *store, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (store, AGENT_SELECT " ORDER BY id", error);

	if (stmt == NULL)
		return NULL;
	return pd_store_collect (store, stmt, agent_from, (GDestroyNotify) pd_agent_row_free, error);
}

gboolean
pd_store_agent_by_address (PdStore *store, const char *address, PdAgentRow **row_r,
                           GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (store, AGENT_SELECT " WHERE address = lower(?)", error);
	int rc;

	*row_r = NULL;
	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, address);
	rc = pd_store_step (store, stmt, error);
	if (rc == SQLITE_ROW)
		*row_r = agent_from (stmt);
	sqlite3_reset (stmt);
	return rc >= 0;
}

PdAgentRow *
pd_store_agent_get (PdStore *store, gint64 id, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (store, AGENT_SELECT " WHERE id = ?", error);

	if (stmt == NULL)
		return NULL;
	pd_bind_int (stmt, 1, id);
	return pd_store_one (store, stmt, agent_from, "agent", id, error);
}

gboolean
pd_store_agent_set_active (PdStore *store, const char *address, gboolean active,
                           gboolean *found_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (store, "UPDATE agents SET active = ? WHERE address = lower(?)",
	                                    error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, active ? 1 : 0);
	pd_bind_text (stmt, 2, address);
	if (!pd_store_exec_stmt (store, stmt, error))
		return FALSE;
	*found_r = sqlite3_changes (store->db) > 0;
	return TRUE;
}

gboolean
pd_store_agent_update (PdStore *store, const PdAgentRow *row, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"UPDATE agents SET name = ?, queues = ?, tz = ?, hours = ?, confirm = ? WHERE id = ?",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, row->name);
	pd_bind_text (stmt, 2, row->queues);
	pd_bind_text (stmt, 3, row->tz);
	pd_bind_text (stmt, 4, row->hours);
	pd_bind_int (stmt, 5, row->confirm ? 1 : 0);
	pd_bind_int (stmt, 6, row->id);
	if (!pd_store_exec_stmt (store, stmt, error))
		return FALSE;
	if (sqlite3_changes (store->db) == 0) {
		g_set_error (error, PD_ERROR, PD_ERROR_NOTFOUND, "no agent %" G_GINT64_FORMAT, row->id);
		return FALSE;
	}
	return TRUE;
}

gboolean
pd_store_ticket_set_state (PdStore *store, gint64 id, const char *state, gint64 now,
                           GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"UPDATE tickets SET state = ?1, updated_at = ?2,"
		" agreed_at = CASE WHEN ?1 = 'agreed' AND agreed_at IS NULL THEN ?2 ELSE agreed_at END,"
		" resolved_at = CASE WHEN ?1 = 'resolved' THEN ?2 ELSE resolved_at END,"
		" closed_at = CASE WHEN ?1 = 'closed' THEN ?2 ELSE closed_at END"
		" WHERE id = ?3",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, state);
	pd_bind_int (stmt, 2, now);
	pd_bind_int (stmt, 3, id);
	return pd_store_exec_stmt (store, stmt, error);
}

gboolean
pd_store_ticket_set_assignee (PdStore *store, gint64 id, gint64 agent, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (store, "UPDATE tickets SET assignee = ? WHERE id = ?", error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_id (stmt, 1, agent);
	pd_bind_int (stmt, 2, id);
	return pd_store_exec_stmt (store, stmt, error);
}

gboolean
pd_store_ticket_set_field (PdStore *store, gint64 id, const char *field, const char *value,
                           GError **error)
{
	sqlite3_stmt *stmt;

	/* the column name cannot be a parameter: only these two are ever set this way */
	if (strcmp (field, "priority") == 0)
		stmt = pd_store_stmt (store, "UPDATE tickets SET priority = ? WHERE id = ?", error);
	else if (strcmp (field, "queue") == 0)
		stmt = pd_store_stmt (store, "UPDATE tickets SET queue = ? WHERE id = ?", error);
	else
		g_return_val_if_reached (FALSE);
	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, value);
	pd_bind_int (stmt, 2, id);
	return pd_store_exec_stmt (store, stmt, error);
}

gboolean
pd_store_ticket_first_response (PdStore *store, gint64 id, gint64 now, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "UPDATE tickets SET first_response_at = ? WHERE id = ? AND first_response_at IS NULL",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, now);
	pd_bind_int (stmt, 2, id);
	return pd_store_exec_stmt (store, stmt, error);
}

gboolean
pd_store_ticket_first_response_at (PdStore *store, gint64 id, gint64 *at_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (store, "SELECT first_response_at FROM tickets WHERE id = ?",
	                                    error);

	*at_r = 0;
	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, id);
	return pd_store_lookup_int (store, stmt, at_r, NULL, error);
}

gboolean
pd_store_ticket_set_follows (PdStore *store, gint64 id, gint64 old, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (store, "UPDATE tickets SET follows = ? WHERE id = ?", error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_id (stmt, 1, old);
	pd_bind_int (stmt, 2, id);
	return pd_store_exec_stmt (store, stmt, error);
}

gboolean
pd_store_ticket_assignee (PdStore *store, gint64 id, gint64 *agent_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (store, "SELECT assignee FROM tickets WHERE id = ?", error);

	*agent_r = 0;
	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, id);
	return pd_store_lookup_int (store, stmt, agent_r, NULL, error);
}

static gpointer
text_from (sqlite3_stmt *stmt)
{
	return pd_col_text (stmt, 0);
}

GPtrArray *
pd_store_participants (PdStore *store, gint64 ticket, const char *role, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT address FROM participants WHERE ticket_id = ?1 AND (?2 IS NULL OR role = ?2)"
		" ORDER BY rowid",
		error);

	if (stmt == NULL)
		return NULL;
	pd_bind_int (stmt, 1, ticket);
	pd_bind_text (stmt, 2, role);
	return pd_store_collect (store, stmt, text_from, g_free, error);
}

gboolean
pd_store_last_customer_message (PdStore *store, gint64 ticket, PdMessageRow **row_r,
                                GError **error)
{
	/* the text is not read: a reply needs the Message-ID, and deriving the text of every
	 * message of the ticket would parse them all under the write lock */
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT id, ticket_id, intake_id, outbox_id, direction, class, reason, message_id,"
		" from_addr, from_name, subject, NULL, threaded_by, created_at, NULL FROM messages"
		" WHERE ticket_id = ? AND direction = 'in' AND class = 'human'"
		" AND threaded_by IS NOT 'agent' ORDER BY id DESC LIMIT 1",
		error);
	g_autoptr (GPtrArray) rows = NULL;

	*row_r = NULL;
	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, ticket);
	rows = pd_store_collect (store, stmt, pd_store_message_from,
	                         (GDestroyNotify) pd_message_row_free, error);
	if (rows == NULL)
		return FALSE;
	if (rows->len > 0)
		*row_r = g_ptr_array_steal_index (rows, 0);
	return TRUE;
}
