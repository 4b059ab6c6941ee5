/* intake.c - the intake table: raw messages keyed by SHA-256, their state
 * (pending, done, quarantined) and reason. */
#include "store/store-private.h"

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

gboolean
pd_store_intake_add (PdStore *store, GBytes *raw, const char *source, const char *envelope_from,
                     const char *envelope_rcpt, gint64 now, gint64 *id_r, char **state_r,
                     GError **error)
{
	g_autofree char *sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, raw);
	sqlite3_stmt *stmt;
	int rc;

	stmt = pd_store_stmt (store, "SELECT id, state FROM intake WHERE sha256 = ?", error);
	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, sha);
	rc = pd_store_step (store, stmt, error);
	if (rc < 0)
		return FALSE;
	if (rc == SQLITE_ROW) {
		*id_r = sqlite3_column_int64 (stmt, 0);
		*state_r = pd_col_text (stmt, 1);
		sqlite3_reset (stmt);
		return TRUE;
	}
	sqlite3_reset (stmt);

	stmt = pd_store_stmt (store,
	                      "INSERT INTO intake (sha256, received_at, source, envelope_from,"
	                      " envelope_rcpt, size, raw) VALUES (?, ?, ?, ?, ?, ?, ?)",
	                      error);
	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, sha);
	pd_bind_int (stmt, 2, now);
	pd_bind_text (stmt, 3, source);
	pd_bind_text (stmt, 4, envelope_from);
	pd_bind_text (stmt, 5, envelope_rcpt);
	pd_bind_int (stmt, 6, g_bytes_get_size (raw));
	pd_bind_bytes (stmt, 7, raw);
	if (!pd_store_exec_stmt (store, stmt, error))
		return FALSE;
	*id_r = sqlite3_last_insert_rowid (store->db);
	*state_r = NULL;
	return TRUE;
}

gboolean
pd_store_intake_add_stream (PdStore *store, const char *sha256, gsize size,
                            PdStoreReadFunc read, gpointer data, const char *source,
                            const char *envelope_from, const char *envelope_rcpt,
                            const char *quarantine_reason, gint64 now, gint64 *id_r,
                            char **state_r, GError **error)
{
	sqlite3_stmt *stmt;
	sqlite3_blob *blob = NULL;
	guint8 buf[64 * 1024];
	gsize done = 0;
	int rc;

	stmt = pd_store_stmt (store, "SELECT id, state FROM intake WHERE sha256 = ?", error);
	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, sha256);
	rc = pd_store_step (store, stmt, error);
	if (rc < 0)
		return FALSE;
	if (rc == SQLITE_ROW) {
		*id_r = sqlite3_column_int64 (stmt, 0);
		*state_r = pd_col_text (stmt, 1);
		sqlite3_reset (stmt);
		return TRUE;
	}
	sqlite3_reset (stmt);

	/* a zero-filled blob of the right size, then written in place in pieces. SQLite builds
	 * the zeroes in memory once (raw is not the row's last column); any later UPDATE of the
	 * row would read and write all of it again, hence the final state goes in here */
	stmt = pd_store_stmt (store,
	                      "INSERT INTO intake (sha256, received_at, source, envelope_from,"
	                      " envelope_rcpt, size, raw, state, reason, processed_at)"
	                      " VALUES (?, ?, ?, ?, ?, ?, zeroblob (?), ?, ?, ?)",
	                      error);
	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, sha256);
	pd_bind_int (stmt, 2, now);
	pd_bind_text (stmt, 3, source);
	pd_bind_text (stmt, 4, envelope_from);
	pd_bind_text (stmt, 5, envelope_rcpt);
	pd_bind_int (stmt, 6, size);
	sqlite3_bind_int64 (stmt, 7, size);
	pd_bind_text (stmt, 8, quarantine_reason ? "quarantined" : "pending");
	pd_bind_text (stmt, 9, quarantine_reason);
	if (quarantine_reason)
		pd_bind_int (stmt, 10, now);
	else
		sqlite3_bind_null (stmt, 10);
	if (!pd_store_exec_stmt (store, stmt, error))
		return FALSE;
	*id_r = sqlite3_last_insert_rowid (store->db);
	*state_r = NULL;
	if (size == 0)
		return TRUE;
	rc = sqlite3_blob_open (store->db, "main", "intake", "raw", *id_r, 1, &blob);
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

static PdIntakeRow *
row_from (sqlite3_stmt *stmt, gboolean with_raw)
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
	if (with_raw)
		row->raw = pd_col_bytes (stmt, 10);
	return row;
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

#define INTAKE_COLUMNS \
	"id, sha256, received_at, source, envelope_from, envelope_rcpt, size, state, class, reason"

PdIntakeRow *
pd_store_intake_get (PdStore *store, gint64 id, gboolean with_raw, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (store, "SELECT " INTAKE_COLUMNS ", raw FROM intake WHERE id = ?",
	                                    error);

	if (stmt == NULL)
		return NULL;
	pd_bind_int (stmt, 1, id);
	return pd_store_one (store, stmt, with_raw ? row_with_raw : row_without_raw, "intake", id,
	                     error);
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
		store, "SELECT " INTAKE_COLUMNS " FROM intake WHERE ?1 IS NULL OR state = ?1 ORDER BY id",
		error);

	if (stmt == NULL)
		return NULL;
	pd_bind_text (stmt, 1, state);
	return pd_store_collect (store, stmt, row_without_raw, (GDestroyNotify) pd_intake_row_free,
	                         error);
}
