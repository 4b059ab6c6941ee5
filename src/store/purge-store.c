/* purge-store.c - removing rows by retention policy, and the one deletion routine that purge
 * and `person erase` share (see store/retention.h). Rows to remove are marked in TEMP tables
 * first, then everything that hangs on them goes in an order the foreign keys accept. */
#include "store/retention.h"

#include <string.h>

#include "store/store-private.h"

static const char *const kind_names[PD_PURGE_KINDS] = {
	"closed_tickets", "bounces", "autoreplies", "quarantine", "intake_raw", "outbox",
	"list_bounces",
};

const char *
pd_purge_kind_name (PdPurgeKind kind)
{
	return kind < PD_PURGE_KINDS ? kind_names[kind] : "?";
}

void
pd_purge_counts_clear (PdPurgeCounts *c)
{
	g_clear_pointer (&c->blobs, g_ptr_array_unref);
	memset (c, 0, sizeof *c);
}

gint64
pd_purge_counts_total (const PdPurgeCounts *c)
{
	return c->tickets + c->messages + c->attachments + c->events + c->intake + c->bodies +
	       c->raw_dropped + c->outbox + c->list_bounces + (c->blobs ? c->blobs->len : 0);
}

char *
pd_purge_counts_text (const PdPurgeCounts *c)
{
	GString *s = g_string_new (NULL);
	const struct {
		gint64 n;
		const char *what;
	} parts[] = {
		{ c->tickets, "tickets" },         { c->messages, "messages" },
		{ c->attachments, "attachments" }, { c->blobs ? c->blobs->len : 0, "attachment files" },
		{ c->events, "events" },           { c->intake, "intake rows" },
		{ c->raw_dropped, "raw messages let go" }, { c->bodies, "stored raw messages" },
		{ c->outbox, "outbox rows" },      { c->list_bounces, "list bounces" },
	};
	guint i;

	for (i = 0; i < G_N_ELEMENTS (parts); i++)
		if (parts[i].n > 0)
			g_string_append_printf (s, "%s%" G_GINT64_FORMAT " %s", s->len ? ", " : "",
			                        parts[i].n, parts[i].what);
	if (s->len == 0)
		g_string_append (s, "nothing");
	return g_string_free (s, FALSE);
}

static gboolean
run3 (PdStore *store, const char *sql, const char *arg, gint64 n, gint64 limit, gint64 *changes_r,
      GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (store, sql, error);

	if (stmt == NULL)
		return FALSE;
	if (sqlite3_bind_parameter_count (stmt) >= 1)
		pd_bind_text (stmt, 1, arg);
	if (sqlite3_bind_parameter_count (stmt) >= 2)
		sqlite3_bind_int64 (stmt, 2, n);
	if (sqlite3_bind_parameter_count (stmt) >= 3)
		sqlite3_bind_int64 (stmt, 3, limit);
	if (!pd_store_exec_stmt (store, stmt, error))
		return FALSE;
	if (changes_r != NULL)
		*changes_r += sqlite3_changes (store->db);
	return TRUE;
}

static gboolean
run (PdStore *store, const char *sql, const char *arg, gint64 n, gint64 *changes_r,
     GError **error)
{
	return run3 (store, sql, arg, n, -1, changes_r, error);
}

static gboolean
exec_plain (PdStore *store, const char *sql, GError **error)
{
	int rc = sqlite3_exec (store->db, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK) {
		pd_store_set_error (store, rc, "purge", error);
		return FALSE;
	}
	return TRUE;
}

gboolean
pd_store_purge_mark_begin (PdStore *store, GError **error)
{
	return exec_plain (store,
	                   "CREATE TEMP TABLE IF NOT EXISTS pd_purge_t (id INTEGER PRIMARY KEY);"
	                   "CREATE TEMP TABLE IF NOT EXISTS pd_purge_m (id INTEGER PRIMARY KEY);"
	                   "CREATE TEMP TABLE IF NOT EXISTS pd_purge_i (id INTEGER PRIMARY KEY);"
	                   "DELETE FROM temp.pd_purge_t; DELETE FROM temp.pd_purge_m;"
	                   "DELETE FROM temp.pd_purge_i;",
	                   error);
}

gboolean
pd_store_purge_mark (PdStore *store, const char *sql, const char *arg, gint64 n, GError **error)
{
	return run (store, sql, arg, n, NULL, error);
}

gboolean
pd_store_blob_referenced (PdStore *store, const char *sha256, gboolean *yes_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT EXISTS (SELECT 1 FROM attachments WHERE sha256 = ?1)"
		" OR EXISTS (SELECT 1 FROM kb_documents WHERE sha256 = ?1)",
		error);
	gint64 v = 0;

	*yes_r = TRUE;
	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, sha256);
	if (!pd_store_lookup_int (store, stmt, &v, NULL, error))
		return FALSE;
	*yes_r = v != 0;
	return TRUE;
}

/* Rows of tables this file does not know (added by later migrations) that reference a
 * removed ticket, message or intake row go with it, so a purge never fails on a foreign key. */
static gboolean
delete_other_references (PdStore *store, GError **error)
{
	static const char *const known[] = { "tickets", "messages", "attachments", "events",
		                              "participants", "sla_targets", "sla_timers",
		                              "outbox", "intake", NULL };
	sqlite3_stmt *q = NULL;
	GPtrArray *sqls = g_ptr_array_new_with_free_func (g_free);
	int rc;
	guint i;
	gboolean ok = TRUE;

	rc = sqlite3_prepare_v2 (store->db,
	                         "SELECT m.name, f.\"from\", f.\"table\" FROM sqlite_master m,"
	                         " pragma_foreign_key_list (m.name) f WHERE m.type = 'table'"
	                         " AND f.\"table\" IN ('tickets', 'messages', 'intake')",
	                         -1, &q, NULL);
	if (rc != SQLITE_OK) {
		pd_store_set_error (store, rc, "purge: foreign keys", error);
		g_ptr_array_unref (sqls);
		return FALSE;
	}
	while ((rc = sqlite3_step (q)) == SQLITE_ROW) {
		const char *table = (const char *) sqlite3_column_text (q, 0);
		const char *col = (const char *) sqlite3_column_text (q, 1);
		const char *target = (const char *) sqlite3_column_text (q, 2);

		if (g_strv_contains (known, table))
			continue;
		g_ptr_array_add (sqls, g_strdup_printf ("DELETE FROM \"%s\" WHERE \"%s\" IN (SELECT id FROM temp.pd_purge_%c)",
		                                        table, col, target[0] == 't' ? 't' : target[0] == 'm' ? 'm' : 'i'));
	}
	sqlite3_finalize (q);
	for (i = 0; ok && i < sqls->len; i++)
		ok = exec_plain (store, sqls->pdata[i], error);
	g_ptr_array_unref (sqls);
	return ok;
}

gboolean
pd_store_purge_marked (PdStore *store, PdPurgeCounts *c, GError **error)
{
	g_autoptr (GPtrArray) candidates = g_ptr_array_new_with_free_func (g_free);
	sqlite3_stmt *stmt;
	int rc;
	guint i;

	if (c->blobs == NULL)
		c->blobs = g_ptr_array_new_with_free_func (g_free);
	/* a ticket goes with its messages; a message with its intake row unless another message
	 * still needs that row */
	if (!run (store, "INSERT OR IGNORE INTO temp.pd_purge_m SELECT id FROM messages"
	                 " WHERE ticket_id IN (SELECT id FROM temp.pd_purge_t)", NULL, 0, NULL, error) ||
	    !run (store, "INSERT OR IGNORE INTO temp.pd_purge_i SELECT m.intake_id FROM messages m"
	                 " WHERE m.id IN (SELECT id FROM temp.pd_purge_m) AND m.intake_id IS NOT NULL"
	                 " AND NOT EXISTS (SELECT 1 FROM messages o WHERE o.intake_id = m.intake_id"
	                 " AND o.id NOT IN (SELECT id FROM temp.pd_purge_m))", NULL, 0, NULL, error) ||
	    !run (store, "DELETE FROM temp.pd_purge_i WHERE EXISTS (SELECT 1 FROM messages"
	                 " WHERE messages.intake_id = pd_purge_i.id"
	                 " AND messages.id NOT IN (SELECT id FROM temp.pd_purge_m))",
	          NULL, 0, NULL, error))
		return FALSE;
	stmt = pd_store_stmt (store, "SELECT DISTINCT sha256 FROM attachments"
	                             " WHERE message_id IN (SELECT id FROM temp.pd_purge_m)", error);
	if (stmt == NULL)
		return FALSE;
	while ((rc = pd_store_step (store, stmt, error)) == SQLITE_ROW)
		g_ptr_array_add (candidates, pd_col_text (stmt, 0));
	sqlite3_reset (stmt);
	if (rc < 0)
		return FALSE;
	if (!run (store, "DELETE FROM attachments WHERE message_id IN (SELECT id FROM temp.pd_purge_m)",
	          NULL, 0, &c->attachments, error) ||
	    !run (store, "UPDATE events SET message_id = NULL WHERE message_id IN"
	                 " (SELECT id FROM temp.pd_purge_m)", NULL, 0, NULL, error) ||
	    !run (store, "DELETE FROM events WHERE ticket_id IN (SELECT id FROM temp.pd_purge_t)",
	          NULL, 0, &c->events, error) ||
	    !run (store, "DELETE FROM participants WHERE ticket_id IN (SELECT id FROM temp.pd_purge_t)",
	          NULL, 0, NULL, error) ||
	    !run (store, "DELETE FROM sla_timers WHERE ticket_id IN (SELECT id FROM temp.pd_purge_t)",
	          NULL, 0, NULL, error) ||
	    !run (store, "DELETE FROM sla_targets WHERE ticket_id IN (SELECT id FROM temp.pd_purge_t)",
	          NULL, 0, NULL, error) ||
	    !run (store, "DELETE FROM outbox WHERE ticket_id IN (SELECT id FROM temp.pd_purge_t)",
	          NULL, 0, &c->outbox, error) ||
	    !run (store, "UPDATE tickets SET follows = NULL WHERE follows IN"
	                 " (SELECT id FROM temp.pd_purge_t)", NULL, 0, NULL, error) ||
	    /* a question no article answered is the customer's text; its ticket_id has no
	     * foreign key (and a later ticket may get the same id) */
	    !run (store, "DELETE FROM kb_misses WHERE ticket_id IN (SELECT id FROM temp.pd_purge_t)",
	          NULL, 0, NULL, error) ||
	    !delete_other_references (store, error) ||
	    !run (store, "DELETE FROM messages WHERE id IN (SELECT id FROM temp.pd_purge_m)",
	          NULL, 0, &c->messages, error) ||
	    !run (store, "DELETE FROM intake WHERE id IN (SELECT id FROM temp.pd_purge_i)",
	          NULL, 0, &c->intake, error) ||
	    !run (store, "DELETE FROM tickets WHERE id IN (SELECT id FROM temp.pd_purge_t)",
	          NULL, 0, &c->tickets, error) ||
	    !run (store, "DELETE FROM bodies WHERE NOT EXISTS"
	                 " (SELECT 1 FROM intake WHERE intake.body_id = bodies.id)",
	          NULL, 0, &c->bodies, error))
		return FALSE;
	for (i = 0; i < candidates->len; i++) {
		gboolean referenced;

		if (!pd_store_blob_referenced (store, candidates->pdata[i], &referenced, error))
			return FALSE;
		if (!referenced)
			g_ptr_array_add (c->blobs, g_strdup (candidates->pdata[i]));
	}
	return pd_store_purge_mark_begin (store, error);
}

gboolean
pd_store_purge (PdStore *store, PdPurgeKind kind, gint64 cutoff, gint64 limit, PdPurgeCounts *c,
                gint64 *selected_r, GError **error)
{
	*selected_r = 0;
	if (!pd_store_purge_mark_begin (store, error))
		return FALSE;
	switch (kind) {
	case PD_PURGE_CLOSED_TICKETS:
		if (!run3 (store, "INSERT INTO temp.pd_purge_t SELECT id FROM tickets WHERE state = 'closed'"
		                  " AND COALESCE (closed_at, updated_at) < ?2 ORDER BY id LIMIT ?3",
		           NULL, cutoff, limit, selected_r, error))
			return FALSE;
		break;
	case PD_PURGE_BOUNCES:
		if (!run3 (store, "INSERT INTO temp.pd_purge_m SELECT id FROM messages WHERE direction = 'in'"
		                  " AND class IN ('bounce', 'delayed', 'feedback') AND created_at < ?2"
		                  " ORDER BY id LIMIT ?3",
		           NULL, cutoff, limit, selected_r, error))
			return FALSE;
		break;
	case PD_PURGE_AUTOREPLIES:
		if (!run3 (store, "INSERT INTO temp.pd_purge_m SELECT id FROM messages WHERE direction = 'in'"
		                  " AND class IN ('autoreply', 'vacation', 'list', 'loop') AND created_at < ?2"
		                  " ORDER BY id LIMIT ?3",
		           NULL, cutoff, limit, selected_r, error))
			return FALSE;
		break;
	case PD_PURGE_QUARANTINE:
		if (!run3 (store, "INSERT INTO temp.pd_purge_i SELECT id FROM intake"
		                  " WHERE state = 'quarantined' AND received_at < ?2"
		                  " AND NOT EXISTS (SELECT 1 FROM messages WHERE intake_id = intake.id)"
		                  " ORDER BY id LIMIT ?3",
		           NULL, cutoff, limit, selected_r, error))
			return FALSE;
		break;
	case PD_PURGE_INTAKE_RAW:
		/* the row stays (it is the record that the mail came, and the dedup key); the bytes go,
		 * and the text of its message, derived from them until now, is kept in the message */
		if (!run3 (store, "UPDATE messages SET body = pd_pack (pd_derived_text (" PD_MESSAGE_RAW ("messages") "))"
		                  " WHERE body IS NULL AND direction = 'in' AND intake_id IN (SELECT id FROM intake"
		                  " WHERE state = 'done' AND processed_at < ?2 AND body_id IS NOT NULL"
		                  " ORDER BY id LIMIT ?3)", NULL, cutoff, limit, NULL, error) ||
		    !run3 (store, "UPDATE intake SET body_id = NULL WHERE id IN (SELECT id FROM intake"
		                  " WHERE state = 'done' AND processed_at < ?2 AND body_id IS NOT NULL"
		                  " ORDER BY id LIMIT ?3)",
		           NULL, cutoff, limit, &c->raw_dropped, error))
			return FALSE;
		*selected_r = sqlite3_changes (store->db);
		break;
	case PD_PURGE_OUTBOX:
		if (!run3 (store, "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox"
		                  " WHERE state IN ('sent', 'failed') AND created_at < ?2 ORDER BY id LIMIT ?3)",
		           NULL, cutoff, limit, &c->outbox, error))
			return FALSE;
		*selected_r = sqlite3_changes (store->db);
		return TRUE;
	case PD_PURGE_LIST_BOUNCES:
		if (!run3 (store, "DELETE FROM list_bounces WHERE id IN (SELECT id FROM list_bounces"
		                  " WHERE at < ?2 ORDER BY id LIMIT ?3)",
		           NULL, cutoff, limit, &c->list_bounces, error))
			return FALSE;
		*selected_r = sqlite3_changes (store->db);
		return TRUE;
	case PD_PURGE_KINDS:
		break;
	}
	return pd_store_purge_marked (store, c, error);
}

gboolean
pd_store_import_position (PdStore *store, const char *path, gint64 size, gint64 mtime,
                          gint64 *position_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "SELECT position FROM import_progress WHERE path = ? AND size <= ? AND mtime = ?",
		error);

	*position_r = 0;
	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, path);
	sqlite3_bind_int64 (stmt, 2, size);
	sqlite3_bind_int64 (stmt, 3, mtime);
	return pd_store_lookup_int (store, stmt, position_r, NULL, error);
}

gboolean
pd_store_import_set_position (PdStore *store, const char *path, gint64 size, gint64 mtime,
                              gint64 position, gint64 messages, gint64 now, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"INSERT INTO import_progress (path, size, mtime, position, messages, updated_at)"
		" VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (path) DO UPDATE SET size = excluded.size,"
		" mtime = excluded.mtime, position = excluded.position, messages = excluded.messages,"
		" updated_at = excluded.updated_at",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, path);
	sqlite3_bind_int64 (stmt, 2, size);
	sqlite3_bind_int64 (stmt, 3, mtime);
	sqlite3_bind_int64 (stmt, 4, position);
	sqlite3_bind_int64 (stmt, 5, messages);
	sqlite3_bind_int64 (stmt, 6, now);
	return pd_store_exec_stmt (store, stmt, error);
}

gboolean
pd_store_import_close (PdStore *store, gint64 before, gint64 now, gint64 *closed_r,
                       GError **error)
{
	static const char *const sqls[] = {
		"INSERT INTO events (ticket_id, at, actor, kind, detail)"
		" SELECT id, ?2, 'postdesk', 'state', state || ' -> closed (imported; no activity"
		" since before --closed-before)' FROM tickets WHERE state != 'closed'"
		" AND updated_at < ?1 AND id IN (SELECT m.ticket_id FROM messages m"
		" JOIN intake i ON i.id = m.intake_id WHERE i.source = 'import' AND m.ticket_id IS NOT NULL)",
		"UPDATE tickets SET state = 'closed', closed_at = COALESCE (closed_at, updated_at)"
		" WHERE state != 'closed' AND updated_at < ?1 AND id IN (SELECT m.ticket_id FROM messages m"
		" JOIN intake i ON i.id = m.intake_id WHERE i.source = 'import' AND m.ticket_id IS NOT NULL)",
	};
	guint i;

	*closed_r = 0;
	for (i = 0; i < G_N_ELEMENTS (sqls); i++) {
		sqlite3_stmt *stmt = pd_store_stmt (store, sqls[i], error);

		if (stmt == NULL)
			return FALSE;
		sqlite3_bind_int64 (stmt, 1, before);
		if (sqlite3_bind_parameter_count (stmt) >= 2)
			sqlite3_bind_int64 (stmt, 2, now);
		if (!pd_store_exec_stmt (store, stmt, error))
			return FALSE;
		*closed_r = sqlite3_changes (store->db);
	}
	return TRUE;
}
