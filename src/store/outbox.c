/* outbox.c - outgoing mail rows: queued until the relay's 250 (sent), retried with
 * the next attempt time the sender computes, or failed with the relay's reply. A sender
 * claims a row with a lease (lease_until, lease_owner) that is separate from the retry time:
 * no other sender touches a leased row until the lease runs out. */
#include "store/store-private.h"

#include "core/error.h"

void
pd_outbox_row_free (PdOutboxRow *row)
{
	if (row == NULL)
		return;
	g_free (row->kind);
	g_free (row->rcpt);
	g_free (row->message_id);
	g_free (row->state);
	g_free (row->last_reply);
	g_free (row->lease_owner);
	g_clear_pointer (&row->raw, g_bytes_unref);
	g_free (row);
}

gboolean
pd_store_outbox_add (PdStore *store, const char *kind, gint64 ticket, const char *rcpt,
                     const char *message_id, GBytes *raw, gboolean automatic, gint64 now,
                     gint64 *id_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		/* numbered above every row ever deleted (db/025): VERP tokens name rows by number */
		"INSERT INTO outbox (id, kind, ticket_id, rcpt, message_id, raw, automatic,"
		" next_attempt_at, created_at) VALUES (max (coalesce ((SELECT max (id) FROM outbox), 0),"
		" coalesce ((SELECT n FROM id_floor WHERE name = 'outbox'), 0)) + 1,"
		" ?, ?, lower(?), ?, ?, ?, ?, ?)",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, kind);
	pd_bind_id (stmt, 2, ticket);
	pd_bind_text (stmt, 3, rcpt);
	pd_bind_text (stmt, 4, message_id);
	pd_bind_bytes (stmt, 5, raw);
	pd_bind_int (stmt, 6, automatic ? 1 : 0);
	pd_bind_int (stmt, 7, now);
	pd_bind_int (stmt, 8, now);
	if (!pd_store_exec_stmt (store, stmt, error))
		return FALSE;
	if (id_r)
		*id_r = sqlite3_last_insert_rowid (store->db);
	return TRUE;
}

#define OUTBOX_COLUMNS \
	"id, kind, ticket_id, rcpt, message_id, state, attempts, next_attempt_at, last_reply," \
	" created_at, sent_at, lease_until, lease_owner"

static PdOutboxRow *
row_from (sqlite3_stmt *stmt, gboolean with_raw)
{
	PdOutboxRow *o = g_new0 (PdOutboxRow, 1);

	o->id = sqlite3_column_int64 (stmt, 0);
	o->kind = pd_col_text (stmt, 1);
	o->ticket_id = sqlite3_column_int64 (stmt, 2);
	o->rcpt = pd_col_text (stmt, 3);
	o->message_id = pd_col_text (stmt, 4);
	o->state = pd_col_text (stmt, 5);
	o->attempts = sqlite3_column_int64 (stmt, 6);
	o->next_attempt_at = sqlite3_column_int64 (stmt, 7);
	o->last_reply = pd_col_text (stmt, 8);
	o->created_at = sqlite3_column_int64 (stmt, 9);
	o->sent_at = sqlite3_column_int64 (stmt, 10);
	o->lease_until = sqlite3_column_int64 (stmt, 11);
	o->lease_owner = pd_col_text (stmt, 12);
	if (with_raw)
		o->raw = pd_col_bytes (stmt, 13);
	return o;
}

static gpointer
row_with_raw (sqlite3_stmt *stmt)
{
	return row_from (stmt, TRUE);
}

static gpointer
row_without_raw (sqlite3_stmt *stmt)
{
	return row_from (stmt, FALSE);
}

/* A row a sender may claim at ?1: queued, no lease running, and due unless ?2 (ignore the
 * back-off). */
#define CLAIMABLE \
	"state = 'queued' AND lease_until <= ?1 AND (?2 OR next_attempt_at <= ?1)"

GPtrArray *
pd_store_outbox_due (PdStore *store, gint64 now, gboolean ignore_backoff, guint limit,
                     GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT " OUTBOX_COLUMNS ", raw FROM outbox WHERE " CLAIMABLE
		" ORDER BY next_attempt_at, id LIMIT ?3",
		error);

	if (stmt == NULL)
		return NULL;
	pd_bind_int (stmt, 1, now);
	pd_bind_int (stmt, 2, ignore_backoff ? 1 : 0);
	pd_bind_int (stmt, 3, limit);
	return pd_store_collect (store, stmt, row_with_raw, (GDestroyNotify) pd_outbox_row_free,
	                         error);
}

GPtrArray *
pd_store_outbox_list (PdStore *store, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (store, "SELECT " OUTBOX_COLUMNS " FROM outbox ORDER BY id",
	                                    error);

	if (stmt == NULL)
		return NULL;
	return pd_store_collect (store, stmt, row_without_raw, (GDestroyNotify) pd_outbox_row_free,
	                         error);
}

PdOutboxRow *
pd_store_outbox_get (PdStore *store, gint64 id, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (store,
	                                    "SELECT " OUTBOX_COLUMNS ", raw FROM outbox WHERE id = ?",
	                                    error);

	if (stmt == NULL)
		return NULL;
	pd_bind_int (stmt, 1, id);
	return pd_store_one (store, stmt, row_with_raw, "outbox row", id, error);
}

gboolean
pd_store_outbox_by_message_id (PdStore *store, const char *message_id, gint64 *id_r,
                               GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (store, "SELECT id FROM outbox WHERE message_id = ?",
	                                    error);

	*id_r = 0;
	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, message_id);
	return pd_store_lookup_int (store, stmt, id_r, NULL, error);
}

gboolean
pd_store_outbox_claim (PdStore *store, gint64 id, gint64 now, gboolean ignore_backoff,
                       gint64 lease_until, const char *owner, gboolean *claimed_r,
                       GError **error)
{
	/* the condition is checked again here, under the write lock: what the sender read
	 * before may be stale */
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"UPDATE outbox SET lease_until = ?3, lease_owner = ?4 WHERE id = ?5 AND " CLAIMABLE,
		error);

	*claimed_r = FALSE;
	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, now);
	pd_bind_int (stmt, 2, ignore_backoff ? 1 : 0);
	pd_bind_int (stmt, 3, lease_until);
	pd_bind_text (stmt, 4, owner);
	pd_bind_int (stmt, 5, id);
	if (!pd_store_exec_stmt (store, stmt, error))
		return FALSE;
	*claimed_r = sqlite3_changes (store->db) == 1;
	return TRUE;
}

gboolean
pd_store_outbox_sent (PdStore *store, gint64 id, const char *reply, gint64 now, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"UPDATE outbox SET state = 'sent', attempts = attempts + 1, last_reply = ?, sent_at = ?,"
		" lease_until = 0, lease_owner = NULL WHERE id = ? AND state = 'queued'",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, reply);
	pd_bind_int (stmt, 2, now);
	pd_bind_int (stmt, 3, id);
	return pd_store_exec_stmt (store, stmt, error);
}

gboolean
pd_store_outbox_retry (PdStore *store, gint64 id, const char *owner, const char *reply,
                       gint64 next_at, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"UPDATE outbox SET attempts = attempts + 1, last_reply = ?, next_attempt_at = ?,"
		" lease_until = 0, lease_owner = NULL WHERE id = ? AND state = 'queued'"
		" AND lease_owner = ?",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, reply);
	pd_bind_int (stmt, 2, next_at);
	pd_bind_int (stmt, 3, id);
	pd_bind_text (stmt, 4, owner);
	return pd_store_exec_stmt (store, stmt, error);
}

gboolean
pd_store_outbox_failed (PdStore *store, gint64 id, const char *reply, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_reply = ?,"
		" lease_until = 0, lease_owner = NULL WHERE id = ?",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, reply);
	pd_bind_int (stmt, 2, id);
	return pd_store_exec_stmt (store, stmt, error);
}

gboolean
pd_store_outbox_auto_count (PdStore *store, const char *rcpt, gint64 since, gint64 limit,
                            gint64 *count_r, GError **error)
{
	/* counting stops at LIMIT: a flood from one address costs the same per message as the
	 * first mail (covering index outbox_auto) */
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT count(*) FROM (SELECT 1 FROM outbox WHERE rcpt = lower(?) AND automatic = 1"
		" AND created_at >= ? LIMIT ?)",
		error);

	*count_r = 0;
	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, rcpt);
	pd_bind_int (stmt, 2, since);
	pd_bind_int (stmt, 3, limit < 0 ? -1 : limit);
	return pd_store_lookup_int (store, stmt, count_r, NULL, error);
}
