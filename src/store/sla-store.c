/* sla-store.c - SQL for service levels (store/sla.h): sla_targets rows per ticket and target, and
 * the sla_timers ledger whose UNIQUE (ticket_id, target, kind) makes each reminder and
 * escalation happen once, however many schedulers run. */
#include "store/sla.h"

#include "store/store-private.h"

void
pd_sla_row_free (PdSlaRow *row)
{
	if (row == NULL)
		return;
	g_free (row->target);
	g_free (row);
}

gboolean
pd_store_sla_put (PdStore *store, gint64 ticket, const char *target, gint64 started_at,
                  gint64 due_at, gint64 remind_at, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"INSERT INTO sla_targets (ticket_id, target, started_at, due_at, remind_at) "
		"VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (ticket_id, target) DO UPDATE SET "
		"started_at = ?3, due_at = ?4, remind_at = ?5, paused_at = NULL, due_left = NULL, "
		"remind_left = NULL",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, ticket);
	pd_bind_text (stmt, 2, target);
	pd_bind_int (stmt, 3, started_at);
	pd_bind_int (stmt, 4, due_at);
	pd_bind_id (stmt, 5, remind_at);
	return pd_store_exec_stmt (store, stmt, error);
}

gboolean
pd_store_sla_delete (PdStore *store, gint64 ticket, const char *target, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "DELETE FROM sla_targets WHERE ticket_id = ? AND target = ?", error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, ticket);
	pd_bind_text (stmt, 2, target);
	return pd_store_exec_stmt (store, stmt, error);
}

gboolean
pd_store_sla_pause (PdStore *store, gint64 ticket, const char *target, gint64 now,
                    gint64 due_left, gint64 remind_left, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"UPDATE sla_targets SET paused_at = ?, due_left = ?, remind_left = ?, due_at = NULL, "
		"remind_at = NULL WHERE ticket_id = ? AND target = ? AND paused_at IS NULL",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, now);
	pd_bind_int (stmt, 2, due_left);
	if (remind_left >= 0)
		pd_bind_int (stmt, 3, remind_left);
	else
		pd_bind_id (stmt, 3, 0);
	pd_bind_int (stmt, 4, ticket);
	pd_bind_text (stmt, 5, target);
	return pd_store_exec_stmt (store, stmt, error);
}

#define SLA_COLUMNS \
	"s.ticket_id, s.target, s.started_at, s.due_at, s.remind_at, s.paused_at, s.due_left, " \
	"s.remind_left, " \
	"CASE WHEN (s.target = 'first_response' AND t.first_response_at IS NOT NULL) OR " \
	"(s.target = 'resolution' AND t.state IN ('resolved', 'closed')) THEN 1 ELSE 0 END, " \
	"EXISTS (SELECT 1 FROM sla_timers x WHERE x.ticket_id = s.ticket_id AND " \
	"x.target = s.target AND x.kind = 'reminder'), " \
	"EXISTS (SELECT 1 FROM sla_timers x WHERE x.ticket_id = s.ticket_id AND " \
	"x.target = s.target AND x.kind = 'escalation') " \
	"FROM sla_targets s JOIN tickets t ON t.id = s.ticket_id "

static gpointer
sla_row (sqlite3_stmt *stmt)
{
	PdSlaRow *r = g_new0 (PdSlaRow, 1);

	r->ticket_id = sqlite3_column_int64 (stmt, 0);
	r->target = pd_col_text (stmt, 1);
	r->started_at = sqlite3_column_int64 (stmt, 2);
	r->due_at = sqlite3_column_int64 (stmt, 3);
	r->remind_at = sqlite3_column_int64 (stmt, 4);
	r->paused_at = sqlite3_column_int64 (stmt, 5);
	r->due_left = sqlite3_column_int64 (stmt, 6);
	r->remind_left = sqlite3_column_type (stmt, 7) == SQLITE_NULL ? -1 : sqlite3_column_int64 (stmt, 7);
	r->met = sqlite3_column_int (stmt, 8);
	r->reminded = sqlite3_column_int (stmt, 9);
	r->escalated = sqlite3_column_int (stmt, 10);
	return r;
}

GPtrArray *
pd_store_sla_list (PdStore *store, gint64 ticket, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "SELECT " SLA_COLUMNS "WHERE s.ticket_id = ? ORDER BY s.target", error);

	if (stmt == NULL)
		return NULL;
	pd_bind_int (stmt, 1, ticket);
	return pd_store_collect (store, stmt, sla_row, (GDestroyNotify) pd_sla_row_free, error);
}

GPtrArray *
pd_store_sla_pending (PdStore *store, gint64 now, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT " SLA_COLUMNS
		"WHERE s.due_at IS NOT NULL "
		"AND NOT ((s.target = 'first_response' AND t.first_response_at IS NOT NULL) OR "
		"(s.target = 'resolution' AND t.state IN ('resolved', 'closed'))) "
		"AND ((s.remind_at IS NOT NULL AND s.remind_at <= ?1 AND NOT EXISTS (SELECT 1 FROM "
		"sla_timers x WHERE x.ticket_id = s.ticket_id AND x.target = s.target AND "
		"x.kind = 'reminder')) OR (s.due_at <= ?1 AND NOT EXISTS (SELECT 1 FROM sla_timers x "
		"WHERE x.ticket_id = s.ticket_id AND x.target = s.target AND x.kind = 'escalation'))) "
		"ORDER BY s.due_at, s.ticket_id",
		error);

	if (stmt == NULL)
		return NULL;
	pd_bind_int (stmt, 1, now);
	return pd_store_collect (store, stmt, sla_row, (GDestroyNotify) pd_sla_row_free, error);
}

gboolean
pd_store_sla_claim (PdStore *store, gint64 ticket, const char *target, const char *kind,
                    gint64 now, gboolean *claimed_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"INSERT INTO sla_timers (ticket_id, target, kind, fired_at) VALUES (?, ?, ?, ?) "
		"ON CONFLICT (ticket_id, target, kind) DO NOTHING",
		error);

	*claimed_r = FALSE;
	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, ticket);
	pd_bind_text (stmt, 2, target);
	pd_bind_text (stmt, 3, kind);
	pd_bind_int (stmt, 4, now);
	if (!pd_store_exec_stmt (store, stmt, error))
		return FALSE;
	*claimed_r = sqlite3_changes (store->db) == 1;
	return TRUE;
}

gboolean
pd_store_sla_fired (PdStore *store, gint64 ticket, const char *target, const char *kind,
                    gint64 outbox_id, const char *note, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"UPDATE sla_timers SET outbox_id = ?, note = ? WHERE ticket_id = ? AND target = ? AND "
		"kind = ?",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_id (stmt, 1, outbox_id);
	pd_bind_text (stmt, 2, note);
	pd_bind_int (stmt, 3, ticket);
	pd_bind_text (stmt, 4, target);
	pd_bind_text (stmt, 5, kind);
	return pd_store_exec_stmt (store, stmt, error);
}
