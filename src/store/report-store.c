/* report-store.c - SQL for reports, GET /metrics and follow-the-sun hand-offs (store/report.h).
 * Read-only except the hand-off ledger. Rows come back as text so the report code above
 * needs no SQLite types. */
#include "store/report.h"

#include "store/store-private.h"

void
pd_report_rows_free (PdReportRows *rows)
{
	guint i, c;

	if (rows == NULL)
		return;
	for (i = 0; i < rows->rows->len; i++) {
		char **row = rows->rows->pdata[i];

		for (c = 0; c < rows->columns; c++)
			g_free (row[c]);
		g_free (row);
	}
	g_ptr_array_unref (rows->rows);
	g_free (rows);
}

const char *
pd_report_text (const PdReportRows *rows, guint r, guint c)
{
	g_return_val_if_fail (r < rows->rows->len && c < rows->columns, NULL);
	return ((char **) rows->rows->pdata[r])[c];
}

gint64
pd_report_int (const PdReportRows *rows, guint r, guint c)
{
	const char *s = pd_report_text (rows, r, c);

	return s ? g_ascii_strtoll (s, NULL, 10) : 0;
}

/* Step STMT to the end, every column as text. */
static PdReportRows *
collect (PdStore *store, sqlite3_stmt *stmt, GError **error)
{
	PdReportRows *out = g_new0 (PdReportRows, 1);
	int rc;

	out->columns = (guint) sqlite3_column_count (stmt);
	out->rows = g_ptr_array_new ();
	while ((rc = pd_store_step (store, stmt, error)) == SQLITE_ROW) {
		char **row = g_new0 (char *, out->columns + 1);
		guint c;

		for (c = 0; c < out->columns; c++)
			row[c] = pd_col_text (stmt, (int) c);
		g_ptr_array_add (out->rows, row);
	}
	sqlite3_reset (stmt);
	if (rc < 0) {
		pd_report_rows_free (out);
		return NULL;
	}
	return out;
}

/* The window and queue parameters ?1 ?2 ?3 every report query takes. */
static PdReportRows *
window_query (PdStore *store, const char *sql, gint64 since, gint64 until, const char *queue,
              GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (store, sql, error);

	if (stmt == NULL)
		return NULL;
	pd_bind_int (stmt, 1, since);
	pd_bind_int (stmt, 2, until);
	pd_bind_text (stmt, 3, queue);
	return collect (store, stmt, error);
}

PdReportRows *
pd_store_report_tickets (PdStore *store, gint64 since, gint64 until, const char *queue,
                         GError **error)
{
	return window_query (
		store,
		"SELECT t.id, t.queue, t.priority, t.created_at, t.first_response_at, "
		"CASE WHEN t.state IN ('resolved', 'closed') THEN COALESCE (t.resolved_at, t.closed_at) END, "
		"s.target, s.due_at FROM tickets t LEFT JOIN sla_targets s ON s.ticket_id = t.id "
		"WHERE t.created_at >= ?1 AND t.created_at < ?2 AND (?3 IS NULL OR t.queue = ?3) "
		"ORDER BY t.id, s.target",
		since, until, queue, error);
}

/* Agent mails are stored as incoming messages with these reasons (tickets/agent-reply.c). */
#define AGENT_MAIL "('agent reply', 'agent reply with errors', 'internal note')"

PdReportRows *
pd_store_report_activity (PdStore *store, gint64 since, gint64 until, const char *queue,
                          GError **error)
{
	return window_query (
		store,
		"SELECT created_at, 'created', queue FROM tickets WHERE created_at >= ?1 AND created_at < ?2 "
		"AND (?3 IS NULL OR queue = ?3) "
		"UNION ALL SELECT m.created_at, 'in', t.queue FROM messages m JOIN tickets t ON t.id = m.ticket_id "
		"WHERE m.direction = 'in' AND m.class = 'human' AND COALESCE (m.reason, '') NOT IN " AGENT_MAIL
		" AND m.created_at >= ?1 AND m.created_at < ?2 AND (?3 IS NULL OR t.queue = ?3) "
		"UNION ALL SELECT o.created_at, 'reply', t.queue FROM outbox o JOIN tickets t ON t.id = o.ticket_id "
		"WHERE o.kind = 'reply' AND o.created_at >= ?1 AND o.created_at < ?2 "
		"AND (?3 IS NULL OR t.queue = ?3) "
		"UNION ALL SELECT resolved_at, 'resolved', queue FROM tickets WHERE resolved_at >= ?1 "
		"AND resolved_at < ?2 AND (?3 IS NULL OR queue = ?3) ORDER BY 1",
		since, until, queue, error);
}

PdReportRows *
pd_store_report_intake (PdStore *store, gint64 since, gint64 until, const char *queue,
                        GError **error)
{
	return window_query (
		store,
		"SELECT COALESCE (i.class, ''), i.state, COUNT (*) FROM intake i "
		"WHERE i.received_at >= ?1 AND i.received_at < ?2 AND (?3 IS NULL OR EXISTS ("
		"SELECT 1 FROM messages m JOIN tickets t ON t.id = m.ticket_id "
		"WHERE m.intake_id = i.id AND t.queue = ?3)) GROUP BY 1, 2 ORDER BY 1, 2",
		since, until, queue, error);
}

PdReportRows *
pd_store_report_events (PdStore *store, gint64 since, gint64 until, const char *queue,
                        GError **error)
{
	return window_query (
		store,
		"SELECT e.kind, COUNT (*), COUNT (DISTINCT e.ticket_id) FROM events e "
		"LEFT JOIN tickets t ON t.id = e.ticket_id WHERE e.at >= ?1 AND e.at < ?2 "
		"AND (?3 IS NULL OR t.queue = ?3) GROUP BY e.kind ORDER BY e.kind",
		since, until, queue, error);
}

PdReportRows *
pd_store_report_outbox (PdStore *store, gint64 since, gint64 until, const char *queue,
                        GError **error)
{
	return window_query (
		store,
		"SELECT o.kind, o.state, COUNT (*) FROM outbox o LEFT JOIN tickets t ON t.id = o.ticket_id "
		"WHERE o.created_at >= ?1 AND o.created_at < ?2 AND (?3 IS NULL OR t.queue = ?3) "
		"GROUP BY 1, 2 ORDER BY 1, 2",
		since, until, queue, error);
}

PdReportRows *
pd_store_report_agents (PdStore *store, gint64 since, gint64 until, const char *queue,
                        GError **error)
{
	return window_query (
		store,
		"SELECT a.id, a.address, a.name, a.active, "
		"(SELECT COUNT (*) FROM tickets t WHERE t.assignee = a.id "
		" AND t.state NOT IN ('resolved', 'closed') AND (?3 IS NULL OR t.queue = ?3)), "
		"(SELECT COUNT (*) FROM messages m JOIN tickets t ON t.id = m.ticket_id "
		" WHERE m.direction = 'in' AND m.from_addr = a.address AND m.reason IN " AGENT_MAIL
		" AND m.created_at >= ?1 AND m.created_at < ?2 AND (?3 IS NULL OR t.queue = ?3)), "
		/* an answer: the agent's mail whose processing queued the reply to the customer (the
		 * same transaction, so the same ticket and time and a later message row) */
		"(SELECT COUNT (*) FROM messages m JOIN tickets t ON t.id = m.ticket_id "
		" WHERE m.direction = 'in' AND m.from_addr = a.address AND m.reason = 'agent reply' "
		" AND m.created_at >= ?1 AND m.created_at < ?2 AND (?3 IS NULL OR t.queue = ?3) "
		" AND EXISTS (SELECT 1 FROM messages o WHERE o.ticket_id = m.ticket_id AND "
		" o.direction = 'out' AND o.reason = 'reply' AND o.created_at = m.created_at AND o.id > m.id)), "
		"(SELECT COUNT (*) FROM messages m JOIN tickets t ON t.id = m.ticket_id "
		" WHERE m.direction = 'in' AND m.from_addr = a.address AND m.reason = 'internal note' "
		" AND m.created_at >= ?1 AND m.created_at < ?2 AND (?3 IS NULL OR t.queue = ?3)), "
		"(SELECT COUNT (*) FROM events e JOIN tickets t ON t.id = e.ticket_id "
		" WHERE e.actor = a.address AND e.kind IN ('state', 'assign', 'priority', 'queue', 'kb') "
		" AND e.at >= ?1 AND e.at < ?2 AND (?3 IS NULL OR t.queue = ?3)), "
		"(SELECT COUNT (*) FROM events e JOIN tickets t ON t.id = e.ticket_id "
		" WHERE e.actor = a.address AND e.kind = 'command-error' "
		" AND e.at >= ?1 AND e.at < ?2 AND (?3 IS NULL OR t.queue = ?3)), "
		"(SELECT COUNT (*) FROM outbox o JOIN tickets t ON t.id = o.ticket_id "
		" WHERE o.rcpt = a.address AND o.kind = 'error' "
		" AND o.created_at >= ?1 AND o.created_at < ?2 AND (?3 IS NULL OR t.queue = ?3)), "
		"(SELECT COUNT (*) FROM outbox o JOIN tickets t ON t.id = o.ticket_id "
		" WHERE o.rcpt = a.address AND o.kind = 'confirm' "
		" AND o.created_at >= ?1 AND o.created_at < ?2 AND (?3 IS NULL OR t.queue = ?3)), "
		"(SELECT COUNT (DISTINCT e.ticket_id) FROM events e JOIN tickets t ON t.id = e.ticket_id "
		" WHERE e.actor = a.address AND e.kind = 'state' AND e.detail LIKE '%-> resolved%' "
		" AND e.at >= ?1 AND e.at < ?2 AND (?3 IS NULL OR t.queue = ?3)) "
		"FROM agents a WHERE ?3 IS NULL OR (',' || a.queues || ',') LIKE ('%,' || ?3 || ',%') "
		"ORDER BY a.address",
		since, until, queue, error);
}

gboolean
pd_store_report_unassigned (PdStore *store, const char *queue, gint64 *count_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT COUNT (*) FROM tickets WHERE assignee IS NULL AND state NOT IN ('resolved', "
		"'closed') AND (?1 IS NULL OR queue = ?1)",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, queue);
	return pd_store_lookup_int (store, stmt, count_r, NULL, error);
}

gboolean
pd_store_report_suppressed (PdStore *store, gint64 now, gint64 *count_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "SELECT COUNT (*) FROM addresses WHERE suppressed_until > ?", error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, now);
	return pd_store_lookup_int (store, stmt, count_r, NULL, error);
}

static PdReportRows *
plain_query (PdStore *store, const char *sql, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (store, sql, error);

	return stmt ? collect (store, stmt, error) : NULL;
}

PdReportRows *
pd_store_metrics_intake (PdStore *store, GError **error)
{
	return plain_query (store,
	                    "SELECT class, state, COUNT (*) FROM intake GROUP BY 1, 2 ORDER BY 1, 2",
	                    error);
}

PdReportRows *
pd_store_metrics_outbox (PdStore *store, GError **error)
{
	return plain_query (store, "SELECT state, COUNT (*) FROM outbox GROUP BY 1 ORDER BY 1", error);
}

PdReportRows *
pd_store_metrics_queues (PdStore *store, GError **error)
{
	return plain_query (store,
	                    "SELECT queue, COUNT (*) FROM tickets WHERE state NOT IN ('resolved', "
	                    "'closed') GROUP BY 1 ORDER BY 1",
	                    error);
}

PdReportRows *
pd_store_metrics_sla (PdStore *store, GError **error)
{
	return plain_query (store,
	                    "SELECT target, kind, COUNT (*) FROM sla_timers GROUP BY 1, 2 ORDER BY 1, 2",
	                    error);
}

PdReportRows *
pd_store_metrics_subscribers (PdStore *store, GError **error)
{
	return plain_query (store, "SELECT status, COUNT (*) FROM subscribers GROUP BY 1 ORDER BY 1",
	                    error);
}

PdReportRows *
pd_store_metrics_campaigns (PdStore *store, GError **error)
{
	return plain_query (store, "SELECT state, COUNT (*) FROM campaigns GROUP BY 1 ORDER BY 1", error);
}

PdReportRows *
pd_store_metrics_deliveries (PdStore *store, GError **error)
{
	return plain_query (store, "SELECT state, COUNT (*) FROM deliveries GROUP BY 1 ORDER BY 1",
	                    error);
}

gboolean
pd_store_metrics_handoffs (PdStore *store, gint64 *count_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (store, "SELECT COUNT (*) FROM events WHERE kind = 'handoff'",
	                                    error);

	return stmt != NULL && pd_store_lookup_int (store, stmt, count_r, NULL, error);
}

GArray *
pd_store_open_assigned (PdStore *store, gint64 agent, const char *queue, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT id FROM tickets WHERE assignee = ? AND queue = ? AND state NOT IN ('resolved', "
		"'closed') ORDER BY id",
		error);
	GArray *out;
	int rc;

	if (stmt == NULL)
		return NULL;
	pd_bind_int (stmt, 1, agent);
	pd_bind_text (stmt, 2, queue);
	out = g_array_new (FALSE, FALSE, sizeof (gint64));
	while ((rc = pd_store_step (store, stmt, error)) == SQLITE_ROW) {
		gint64 id = sqlite3_column_int64 (stmt, 0);

		g_array_append_val (out, id);
	}
	sqlite3_reset (stmt);
	if (rc < 0) {
		g_array_unref (out);
		return NULL;
	}
	return out;
}

PdReportRows *
pd_store_escalated_open (PdStore *store, const char *queue, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT t.id, t.assignee, (SELECT group_concat (x.target, ',') FROM sla_timers x "
		"WHERE x.ticket_id = t.id AND x.kind = 'escalation') FROM tickets t WHERE t.queue = ? "
		"AND t.state NOT IN "
		"('resolved', 'closed') AND EXISTS (SELECT 1 FROM sla_timers x WHERE x.ticket_id = t.id "
		"AND x.kind = 'escalation') ORDER BY t.id",
		error);

	if (stmt == NULL)
		return NULL;
	pd_bind_text (stmt, 1, queue);
	return collect (store, stmt, error);
}

gboolean
pd_store_agent_load (PdStore *store, gint64 agent, gint64 *count_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT COUNT (*) FROM tickets WHERE assignee = ? AND state NOT IN ('resolved', 'closed')",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, agent);
	return pd_store_lookup_int (store, stmt, count_r, NULL, error);
}

gboolean
pd_store_handoff_claim (PdStore *store, gint64 agent, gint64 shift_end, gint64 now,
                        gboolean *claimed_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"INSERT INTO handoffs (agent_id, shift_end, claimed_at) VALUES (?, ?, ?) "
		"ON CONFLICT (agent_id, shift_end) DO NOTHING",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, agent);
	pd_bind_int (stmt, 2, shift_end);
	pd_bind_int (stmt, 3, now);
	if (!pd_store_exec_stmt (store, stmt, error))
		return FALSE;
	*claimed_r = sqlite3_changes (store->db) == 1;
	return TRUE;
}

gboolean
pd_store_handoff_done (PdStore *store, gint64 agent, gint64 shift_end, gint64 tickets,
                       const char *note, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "UPDATE handoffs SET tickets = ?, note = ? WHERE agent_id = ? AND shift_end = ?",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, tickets);
	pd_bind_text (stmt, 2, note);
	pd_bind_int (stmt, 3, agent);
	pd_bind_int (stmt, 4, shift_end);
	return pd_store_exec_stmt (store, stmt, error);
}
