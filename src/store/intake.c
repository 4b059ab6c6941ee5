/* intake.c - the intake table: one row per (message, envelope recipient), keyed by the
 * SHA-256 of the bytes and the recipient, with its state (pending, done, quarantined) and
 * reason; the bytes themselves are stored once per SHA-256 in bodies. */
#include "store/store-private.h"

#include <string.h>

#include "core/error.h"

void
pd_intake_row_free (PdIntakeRow *row)
{
	if (row == NULL)
		return;
	g_free (row->sha256);
	g_free (row->source);
	g_free (row->envelope_from);
	g_free (row->envelope_rcpt);
	g_free (row->state);
	g_free (row->klass);
	g_free (row->reason);
	g_clear_pointer (&row->raw, g_bytes_unref);
	g_free (row);
}

/* The dedup key: the SHA-256 of the bytes, then a space and the recipient if there is one. */
static char *
dedup_key (const char *sha, const char *envelope_rcpt)
{
	return envelope_rcpt ? g_strconcat (sha, " ", envelope_rcpt, NULL) : g_strdup (sha);
}

/* The bodies row of SHA (inserted now from RAW if it is new). */
static gboolean
body_put (PdStore *store, GBytes *raw, const char *sha, gint64 *id_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (store, "SELECT id FROM bodies WHERE sha256 = ?", error);
	gboolean found;

	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, sha);
	if (!pd_store_lookup_int (store, stmt, id_r, &found, error))
		return FALSE;
	if (found)
		return TRUE;
	stmt = pd_store_stmt (store, "INSERT INTO bodies (sha256, size, raw) VALUES (?, ?, ?)", error);
	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, sha);
	pd_bind_int (stmt, 2, g_bytes_get_size (raw));
	pd_bind_bytes (stmt, 3, raw);
	if (!pd_store_exec_stmt (store, stmt, error))
		return FALSE;
	*id_r = sqlite3_last_insert_rowid (store->db);
	return TRUE;
}

/* The intake row of KEY: its id and state (STATE_R NULL when there is none). */
static gboolean
delivery_find (PdStore *store, const char *key, gint64 *id_r, char **state_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (store, "SELECT id, state FROM intake WHERE dedup_key = ?",
	                                    error);
	int rc;

	*state_r = NULL;
	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, key);
	rc = pd_store_step (store, stmt, error);
	if (rc < 0)
		return FALSE;
	if (rc == SQLITE_ROW) {
		*id_r = sqlite3_column_int64 (stmt, 0);
		*state_r = pd_col_text (stmt, 1);
	}
	sqlite3_reset (stmt);
	return TRUE;
}

/* past this size the bytes go in with the incremental blob API (pd_store_intake_add_stream):
 * binding them would copy them twice (SQLITE_TRANSIENT, then the record) */
#define BIND_MAX (1024 * 1024)

typedef struct {
	const guint8 *data;
	gsize len, pos;
} MemReader;

static gssize
mem_read (gpointer data, void *buf, gsize len, GError **error)
{
	MemReader *r = data;
	gsize n = MIN (len, r->len - r->pos);

	(void) error;
	memcpy (buf, r->data + r->pos, n);
	r->pos += n;
	return n;
}

gboolean
pd_store_intake_add (PdStore *store, GBytes *raw, const char *source, const char *envelope_from,
                     const char *envelope_rcpt, gint64 now, gint64 *id_r, char **state_r,
                     GError **error)
{
	g_autofree char *sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, raw);
	g_autofree char *key = dedup_key (sha, envelope_rcpt);
	sqlite3_stmt *stmt;
	gint64 body;

	if (g_bytes_get_size (raw) > BIND_MAX) {
		MemReader r = { g_bytes_get_data (raw, NULL), g_bytes_get_size (raw), 0 };

		return pd_store_intake_add_stream (store, sha, r.len, mem_read, &r, source,
		                                   envelope_from, envelope_rcpt, NULL, now, id_r,
		                                   state_r, error);
	}
	if (!delivery_find (store, key, id_r, state_r, error))
		return FALSE;
	if (*state_r != NULL)
		return TRUE; /* stored before for this recipient */

	if (!body_put (store, raw, sha, &body, error))
		return FALSE;
	stmt = pd_store_stmt (store,
	                      "INSERT INTO intake (dedup_key, sha256, body_id, received_at, source,"
	                      " envelope_from, envelope_rcpt, size) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	                      error);
	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, key);
	pd_bind_text (stmt, 2, sha);
	pd_bind_int (stmt, 3, body);
	pd_bind_int (stmt, 4, now);
	pd_bind_text (stmt, 5, source);
	pd_bind_text (stmt, 6, envelope_from);
	pd_bind_text (stmt, 7, envelope_rcpt);
	pd_bind_int (stmt, 8, g_bytes_get_size (raw));
	if (!pd_store_exec_stmt (store, stmt, error))
		return FALSE;
	*id_r = sqlite3_last_insert_rowid (store->db);
	*state_r = NULL;
	return TRUE;
}

/* Write SIZE bytes from READ into bodies row ID's raw, in pieces. */
static gboolean
body_write (PdStore *store, gint64 id, gsize size, PdStoreReadFunc read, gpointer data,
            GError **error)
{
	sqlite3_blob *blob = NULL;
	guint8 buf[64 * 1024];
	gsize done = 0;
	int rc;

	if (size == 0)
		return TRUE;
	rc = sqlite3_blob_open (store->db, "main", "bodies", "raw", id, 1, &blob);
	if (rc != SQLITE_OK) {
		pd_store_set_error (store, rc, "opening the message blob", error);
		sqlite3_blob_close (blob);
		return FALSE;
	}
	while (done < size) {
		gssize n = read (data, buf, MIN (sizeof buf, size - done), error);
		if (n < 0) {
			sqlite3_blob_close (blob);
			return FALSE;
		}
		if (n == 0) {
			g_set_error (error, PD_ERROR, PD_ERROR_TEMPFAIL,
			             "message ended after %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " bytes",
			             done, size);
			sqlite3_blob_close (blob);
			return FALSE;
		}
		rc = sqlite3_blob_write (blob, buf, (int) n, (int) done);
		if (rc != SQLITE_OK) {
			pd_store_set_error (store, rc, "writing the message blob", error);
			sqlite3_blob_close (blob);
			return FALSE;
		}
		done += n;
	}
	rc = sqlite3_blob_close (blob);
	if (rc != SQLITE_OK) {
		pd_store_set_error (store, rc, "writing the message blob", error);
		return FALSE;
	}
	return TRUE;
}

gboolean
pd_store_intake_add_stream (PdStore *store, const char *sha256, gsize size,
                            PdStoreReadFunc read, gpointer data, const char *source,
                            const char *envelope_from, const char *envelope_rcpt,
                            const char *quarantine_reason, gint64 now, gint64 *id_r,
                            char **state_r, GError **error)
{
	g_autofree char *key = dedup_key (sha256, envelope_rcpt);
	sqlite3_stmt *stmt;
	gint64 body;
	gboolean found;

	if (!delivery_find (store, key, id_r, state_r, error))
		return FALSE;
	if (*state_r != NULL)
		return TRUE; /* stored before for this recipient */

	/* the bytes once per SHA-256 (another recipient of the same message may have them): a
	 * zero-filled blob of the right size, raw being the last column of bodies, then written
	 * in place in pieces, so the message is never in memory whole */
	stmt = pd_store_stmt (store, "SELECT id FROM bodies WHERE sha256 = ?", error);
	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, sha256);
	if (!pd_store_lookup_int (store, stmt, &body, &found, error))
		return FALSE;
	if (!found) {
		stmt = pd_store_stmt (store,
		                      "INSERT INTO bodies (sha256, size, raw) VALUES (?, ?, zeroblob (?))",
		                      error);
		if (stmt == NULL)
			return FALSE;
		pd_bind_text (stmt, 1, sha256);
		pd_bind_int (stmt, 2, size);
		sqlite3_bind_int64 (stmt, 3, size);
		if (!pd_store_exec_stmt (store, stmt, error))
			return FALSE;
		body = sqlite3_last_insert_rowid (store->db);
		if (!body_write (store, body, size, read, data, error))
			return FALSE;
	}

	/* the final state goes in with the row: a message over the limit is quarantined at once */
	stmt = pd_store_stmt (store,
	                      "INSERT INTO intake (dedup_key, sha256, body_id, received_at, source,"
	                      " envelope_from, envelope_rcpt, size, state, reason, processed_at)"
	                      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	                      error);
	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, key);
	pd_bind_text (stmt, 2, sha256);
	pd_bind_int (stmt, 3, body);
	pd_bind_int (stmt, 4, now);
	pd_bind_text (stmt, 5, source);
	pd_bind_text (stmt, 6, envelope_from);
	pd_bind_text (stmt, 7, envelope_rcpt);
	pd_bind_int (stmt, 8, size);
	pd_bind_text (stmt, 9, quarantine_reason ? "quarantined" : "pending");
	pd_bind_text (stmt, 10, quarantine_reason);
	if (quarantine_reason)
		pd_bind_int (stmt, 11, now);
	else
		sqlite3_bind_null (stmt, 11);
	if (!pd_store_exec_stmt (store, stmt, error))
		return FALSE;
	*id_r = sqlite3_last_insert_rowid (store->db);
	*state_r = NULL;
	return TRUE;
}

static PdIntakeRow *
row_from (sqlite3_stmt *stmt)
{
	PdIntakeRow *row = g_new0 (PdIntakeRow, 1);

	row->id = sqlite3_column_int64 (stmt, 0);
	row->sha256 = pd_col_text (stmt, 1);
	row->received_at = sqlite3_column_int64 (stmt, 2);
	row->source = pd_col_text (stmt, 3);
	row->envelope_from = pd_col_text (stmt, 4);
	row->envelope_rcpt = pd_col_text (stmt, 5);
	row->size = sqlite3_column_int64 (stmt, 6);
	row->state = pd_col_text (stmt, 7);
	row->klass = pd_col_text (stmt, 8);
	row->reason = pd_col_text (stmt, 9);
	row->body_id = sqlite3_column_int64 (stmt, 10);
	return row;
}

static gpointer
row_without_raw (sqlite3_stmt *stmt)
{
	return row_from (stmt);
}

/* Bodies row ID's bytes, read with the incremental blob API: one copy in memory, where a
 * column read holds SQLite's copy and ours. (transfer full) */
static GBytes *
body_read (PdStore *store, gint64 id, GError **error)
{
	sqlite3_blob *blob = NULL;
	guint8 *buf;
	int rc, n;

	rc = sqlite3_blob_open (store->db, "main", "bodies", "raw", id, 0, &blob);
	if (rc != SQLITE_OK) {
		pd_store_set_error (store, rc, "opening the message blob", error);
		sqlite3_blob_close (blob);
		return NULL;
	}
	n = sqlite3_blob_bytes (blob);
	buf = g_malloc (MAX (n, 1));
	rc = sqlite3_blob_read (blob, buf, n, 0);
	sqlite3_blob_close (blob);
	if (rc != SQLITE_OK) {
		g_free (buf);
		pd_store_set_error (store, rc, "reading the message blob", error);
		return NULL;
	}
	return g_bytes_new_take (buf, n);
}

#define INTAKE_COLUMNS \
	"i.id, i.sha256, i.received_at, i.source, i.envelope_from, i.envelope_rcpt, i.size," \
	" i.state, i.class, i.reason, i.body_id"

PdIntakeRow *
pd_store_intake_get (PdStore *store, gint64 id, gboolean with_raw, GError **error)
{
	sqlite3_stmt *stmt =
		pd_store_stmt (store, "SELECT " INTAKE_COLUMNS " FROM intake i WHERE i.id = ?", error);
	PdIntakeRow *row;

	if (stmt == NULL)
		return NULL;
	pd_bind_int (stmt, 1, id);
	row = pd_store_one (store, stmt, row_without_raw, "intake", id, error);
	if (row != NULL && with_raw && (row->raw = body_read (store, row->body_id, error)) == NULL)
		g_clear_pointer (&row, pd_intake_row_free);
	return row;
}

gboolean
pd_store_intake_finish (PdStore *store, gint64 id, const char *state, const char *klass,
                        const char *reason, gint64 now, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "UPDATE intake SET state = ?, class = ?, reason = ?, processed_at = ? WHERE id = ?",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, state);
	pd_bind_text (stmt, 2, klass);
	pd_bind_text (stmt, 3, reason);
	pd_bind_int (stmt, 4, now);
	pd_bind_int (stmt, 5, id);
	return pd_store_exec_stmt (store, stmt, error);
}

GPtrArray *
pd_store_intake_list (PdStore *store, const char *state, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "SELECT " INTAKE_COLUMNS " FROM intake i WHERE ?1 IS NULL OR i.state = ?1 ORDER BY i.id",
		error);

	if (stmt == NULL)
		return NULL;
	pd_bind_text (stmt, 1, state);
	return pd_store_collect (store, stmt, row_without_raw, (GDestroyNotify) pd_intake_row_free,
	                         error);
}

GPtrArray *
pd_store_intake_siblings (PdStore *store, gint64 id, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT " INTAKE_COLUMNS " FROM intake i JOIN intake me ON me.body_id = i.body_id"
		" WHERE me.id = ?1 AND i.id <> ?1 ORDER BY i.id",
		error);

	if (stmt == NULL)
		return NULL;
	pd_bind_int (stmt, 1, id);
	return pd_store_collect (store, stmt, row_without_raw, (GDestroyNotify) pd_intake_row_free,
	                         error);
}

gboolean
pd_store_intake_pending_count (PdStore *store, gint64 limit, gint64 *count_r, GError **error)
{
	/* stops at LIMIT: a large backlog costs no more than the threshold (index intake_state) */
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "SELECT count(*) FROM (SELECT 1 FROM intake WHERE state = 'pending' LIMIT ?)", error);

	*count_r = 0;
	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, limit < 0 ? -1 : limit);
	return pd_store_lookup_int (store, stmt, count_r, NULL, error);
}
