/* ticket.c - tickets, participants, messages, events and attachment index rows.
 * No workflow rules here: workflow.c and actions.c decide, this file records. */
#include "store/store-private.h"

#include "core/error.h"
#include "store/packed.h"

void
pd_ticket_row_free (PdTicketRow *row)
{
	if (row == NULL)
		return;
	g_free (row->queue);
	g_free (row->subject);
	g_free (row->state);
	g_free (row->priority);
	g_free (row->customer);
	g_free (row->customer_name);
	g_free (row);
}

void
pd_message_row_free (PdMessageRow *row)
{
	if (row == NULL)
		return;
	g_free (row->direction);
	g_free (row->klass);
	g_free (row->reason);
	g_free (row->message_id);
	g_free (row->from_addr);
	g_free (row->from_name);
	g_free (row->subject);
	g_free (row->body);
	g_free (row->threaded_by);
	g_free (row);
}

void
pd_event_row_free (PdEventRow *row)
{
	if (row == NULL)
		return;
	g_free (row->actor);
	g_free (row->kind);
	g_free (row->detail);
	g_free (row);
}

gboolean
pd_store_ticket_create (PdStore *store, const char *queue, const char *subject,
                        const char *customer, const char *customer_name, const char *priority,
                        gint64 now, gint64 *id_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		/* numbered above every ticket ever deleted (db/025): tokens name tickets by number */
		"INSERT INTO tickets (id, queue, subject, customer, customer_name, priority, created_at,"
		" updated_at) VALUES (max (coalesce ((SELECT max (id) FROM tickets), 0),"
		" coalesce ((SELECT n FROM id_floor WHERE name = 'tickets'), 0)) + 1,"
		" ?, ?, ?, ?, ?, ?, ?)",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, queue);
	pd_bind_text (stmt, 2, subject);
	pd_bind_text (stmt, 3, customer);
	pd_bind_text (stmt, 4, customer_name);
	pd_bind_text (stmt, 5, priority);
	pd_bind_int (stmt, 6, now);
	pd_bind_int (stmt, 7, now);
	if (!pd_store_exec_stmt (store, stmt, error))
		return FALSE;
	*id_r = sqlite3_last_insert_rowid (store->db);
	return TRUE;
}

#define TICKET_SELECT \
	"SELECT t.id, t.queue, t.subject, t.state, t.priority, t.customer, t.customer_name," \
	" t.created_at, t.updated_at, (SELECT count(*) FROM messages m WHERE m.ticket_id = t.id)" \
	" FROM tickets t"

static gpointer
ticket_from (sqlite3_stmt *stmt)
{
	PdTicketRow *t = g_new0 (PdTicketRow, 1);

	t->id = sqlite3_column_int64 (stmt, 0);
	t->queue = pd_col_text (stmt, 1);
	t->subject = pd_col_text (stmt, 2);
	t->state = pd_col_text (stmt, 3);
	t->priority = pd_col_text (stmt, 4);
	t->customer = pd_col_text (stmt, 5);
	t->customer_name = pd_col_text (stmt, 6);
	t->created_at = sqlite3_column_int64 (stmt, 7);
	t->updated_at = sqlite3_column_int64 (stmt, 8);
	t->messages = sqlite3_column_int64 (stmt, 9);
	return t;
}

PdTicketRow *
pd_store_ticket_get (PdStore *store, gint64 id, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (store, TICKET_SELECT " WHERE t.id = ?", error);

	if (stmt == NULL)
		return NULL;
	pd_bind_int (stmt, 1, id);
	return pd_store_one (store, stmt, ticket_from, "ticket", id, error);
}

static gpointer
ticket_head_from (sqlite3_stmt *stmt)
{
	PdTicketRow *t = ticket_from (stmt);

	t->messages = -1;
	return t;
}

PdTicketRow *
pd_store_ticket_head (PdStore *store, gint64 id, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT t.id, t.queue, t.subject, t.state, t.priority, t.customer, t.customer_name,"
		" t.created_at, t.updated_at, -1 FROM tickets t WHERE t.id = ?",
		error);

	if (stmt == NULL)
		return NULL;
	pd_bind_int (stmt, 1, id);
	return pd_store_one (store, stmt, ticket_head_from, "ticket", id, error);
}

GPtrArray *
pd_store_ticket_list (PdStore *store, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (store, TICKET_SELECT " ORDER BY t.id", error);

	if (stmt == NULL)
		return NULL;
	return pd_store_collect (store, stmt, ticket_from, (GDestroyNotify) pd_ticket_row_free, error);
}

gboolean
pd_store_ticket_touch (PdStore *store, gint64 id, gint64 now, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (store, "UPDATE tickets SET updated_at = ? WHERE id = ?",
	                                    error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, now);
	pd_bind_int (stmt, 2, id);
	return pd_store_exec_stmt (store, stmt, error);
}

gboolean
pd_store_ticket_queue (PdStore *store, gint64 id, char **queue_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (store, "SELECT queue FROM tickets WHERE id = ?", error);
	int rc;

	*queue_r = NULL;
	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, id);
	rc = pd_store_step (store, stmt, error);
	if (rc == SQLITE_ROW)
		*queue_r = pd_col_text (stmt, 0);
	sqlite3_reset (stmt);
	return rc >= 0;
}

gboolean
pd_store_participant_add (PdStore *store, gint64 ticket, const char *addr, const char *role,
                          GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "INSERT OR IGNORE INTO participants (ticket_id, address, role) VALUES (?, lower(?), ?)",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, ticket);
	pd_bind_text (stmt, 2, addr);
	pd_bind_text (stmt, 3, role);
	return pd_store_exec_stmt (store, stmt, error);
}

gboolean
pd_store_is_participant (PdStore *store, gint64 ticket, const char *addr, gboolean *yes_r,
                         GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "SELECT 1 FROM participants WHERE ticket_id = ? AND address = lower(?)", error);
	gint64 one;

	*yes_r = FALSE;
	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, ticket);
	pd_bind_text (stmt, 2, addr);
	return pd_store_lookup_int (store, stmt, &one, yes_r, error);
}

gboolean
pd_store_message_add (PdStore *store, PdMessageRow *row, GError **error)
{
	gboolean derived = FALSE;
	gint64 one;
	sqlite3_stmt *stmt;

	if (row->intake_id > 0 && row->body != NULL && pd_store_derives_text () &&
	    g_strcmp0 (row->direction, "in") == 0) {
		stmt = pd_store_stmt (store, "SELECT 1 FROM intake WHERE id = ? AND body_id IS NOT NULL",
		                      error);
		if (stmt == NULL)
			return FALSE;
		pd_bind_int (stmt, 1, row->intake_id);
		if (!pd_store_lookup_int (store, stmt, &one, &derived, error))
			return FALSE;
	}
	stmt = pd_store_stmt (
		store,
		"INSERT INTO messages (ticket_id, intake_id, outbox_id, direction, class, reason,"
		" message_id, from_addr, from_name, subject, body, threaded_by, created_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_id (stmt, 1, row->ticket_id);
	pd_bind_id (stmt, 2, row->intake_id);
	pd_bind_id (stmt, 3, row->outbox_id);
	pd_bind_text (stmt, 4, row->direction);
	pd_bind_text (stmt, 5, row->klass);
	pd_bind_text (stmt, 6, row->reason);
	pd_bind_text (stmt, 7, row->message_id);
	pd_bind_text (stmt, 8, row->from_addr);
	pd_bind_text (stmt, 9, row->from_name);
	pd_bind_text (stmt, 10, row->subject);
	/* text of mail: derived from the raw bytes when they are kept, else deflated */
	pd_bind_packed_text (stmt, 11, derived ? NULL : row->body);
	pd_bind_text (stmt, 12, row->threaded_by);
	pd_bind_int (stmt, 13, row->created_at);
	if (!pd_store_exec_stmt (store, stmt, error))
		return FALSE;
	row->id = sqlite3_last_insert_rowid (store->db);
	return TRUE;
}

gpointer
pd_store_message_from (sqlite3_stmt *stmt)
{
	PdMessageRow *m = g_new0 (PdMessageRow, 1);

	m->id = sqlite3_column_int64 (stmt, 0);
	m->ticket_id = sqlite3_column_int64 (stmt, 1);
	m->intake_id = sqlite3_column_int64 (stmt, 2);
	m->outbox_id = sqlite3_column_int64 (stmt, 3);
	m->direction = pd_col_text (stmt, 4);
	m->klass = pd_col_text (stmt, 5);
	m->reason = pd_col_text (stmt, 6);
	m->message_id = pd_col_text (stmt, 7);
	m->from_addr = pd_col_text (stmt, 8);
	m->from_name = pd_col_text (stmt, 9);
	m->subject = pd_col_text (stmt, 10);
	m->body = pd_col_packed_text (stmt, 11);
	if (m->body == NULL && sqlite3_column_type (stmt, 14) == SQLITE_BLOB) {
		g_autoptr (GBytes) raw = pd_col_bytes (stmt, 14);

		m->body = pd_store_derive_text (raw);
	}
	m->threaded_by = pd_col_text (stmt, 12);
	m->created_at = sqlite3_column_int64 (stmt, 13);
	return m;
}

GPtrArray *
pd_store_message_list (PdStore *store, gint64 ticket, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT id, ticket_id, intake_id, outbox_id, direction, class, reason, message_id,"
		" from_addr, from_name, subject, body, threaded_by, created_at, " PD_MESSAGE_RAW ("messages")
		" FROM messages WHERE ticket_id = ? ORDER BY id",
		error);

	if (stmt == NULL)
		return NULL;
	pd_bind_int (stmt, 1, ticket);
	return pd_store_collect (store, stmt, pd_store_message_from, (GDestroyNotify) pd_message_row_free,
	                         error);
}

gboolean
pd_store_ticket_by_message_id (PdStore *store, const char *message_id, gint64 *ticket_r,
                               GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT ticket_id FROM messages WHERE message_id = ? AND ticket_id IS NOT NULL"
		" ORDER BY id DESC LIMIT 1",
		error);

	*ticket_r = 0;
	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, message_id);
	return pd_store_lookup_int (store, stmt, ticket_r, NULL, error);
}

gboolean
pd_store_event_add (PdStore *store, gint64 ticket, gint64 now, const char *actor,
                    const char *kind, const char *detail, gint64 message, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"INSERT INTO events (ticket_id, at, actor, kind, detail, message_id)"
		" VALUES (?, ?, ?, ?, ?, ?)",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_id (stmt, 1, ticket);
	pd_bind_int (stmt, 2, now);
	pd_bind_text (stmt, 3, actor);
	pd_bind_text (stmt, 4, kind);
	pd_bind_text (stmt, 5, detail);
	pd_bind_id (stmt, 6, message);
	return pd_store_exec_stmt (store, stmt, error);
}

static gpointer
event_from (sqlite3_stmt *stmt)
{
	PdEventRow *e = g_new0 (PdEventRow, 1);

	e->id = sqlite3_column_int64 (stmt, 0);
	e->at = sqlite3_column_int64 (stmt, 1);
	e->actor = pd_col_text (stmt, 2);
	e->kind = pd_col_text (stmt, 3);
	e->detail = pd_col_text (stmt, 4);
	e->message_id = sqlite3_column_int64 (stmt, 5);
	return e;
}

GPtrArray *
pd_store_event_list (PdStore *store, gint64 ticket, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT id, at, actor, kind, detail, message_id FROM events WHERE ticket_id = ?"
		" ORDER BY id",
		error);

	if (stmt == NULL)
		return NULL;
	pd_bind_int (stmt, 1, ticket);
	return pd_store_collect (store, stmt, event_from, (GDestroyNotify) pd_event_row_free, error);
}

gboolean
pd_store_attachment_add (PdStore *store, gint64 message, const char *sha256,
                         const char *filename, const char *content_type, gint64 size,
                         GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"INSERT INTO attachments (message_id, sha256, filename, content_type, size)"
		" VALUES (?, ?, ?, ?, ?)",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, message);
	pd_bind_text (stmt, 2, sha256);
	pd_bind_text (stmt, 3, filename);
	pd_bind_text (stmt, 4, content_type);
	pd_bind_int (stmt, 5, size);
	return pd_store_exec_stmt (store, stmt, error);
}
