/* intake.c - the intake table: one row per (message, envelope recipient), keyed by the
 * SHA-256 of the bytes and the recipient, with its state (pending, done, quarantined) and
 * reason; the bytes themselves are stored once per SHA-256 in bodies. */
#include "store/store-private.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/sha256.h"
#include "store/intake-row.h"

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

/* PdRowPrepare: the connection's statement cache */
static sqlite3_stmt *
row_prepare (void *ctx, const char *sql)
{
	return pd_store_stmt (ctx, sql, NULL);
}

/* pd_row_add's READ over a PdStoreReadFunc, keeping its error */
typedef struct {
	PdStoreReadFunc read;
	gpointer data;
	GError *error;
} RowReader;

static long
row_read (void *data, void *buf, size_t len)
{
	RowReader *r = data;

	return r->read (r->data, buf, len, &r->error);
}

/* pd_row_add (store/intake-row.c, shared with postdesk-deliver) with BYTES, or READ(DATA) */
static gboolean
add (PdStore *store, const char *sha256, gsize size, const void *bytes, PdStoreReadFunc read,
     gpointer data, const char *source, const char *envelope_from, const char *envelope_rcpt,
     const char *quarantine_reason, gint64 now, gint64 *id_r, char **state_r, GError **error)
{
	PdRowDb rdb = { store->db, row_prepare, store };
	RowReader reader = { read, data, NULL };
	const char *what = NULL;
	char *state = NULL;
	int rc = pd_row_add (&rdb, sha256, size, bytes, row_read, &reader, source, envelope_from,
	                     envelope_rcpt, quarantine_reason, now, id_r, &state, &what);

	*state_r = state ? g_strdup (state) : NULL;
	free (state);
	if (rc == SQLITE_OK)
		return TRUE;
	if (rc == PD_ROW_READ_FAILED)
		g_propagate_error (error, g_steal_pointer (&reader.error));
	else if (rc == PD_ROW_SHORT)
		g_set_error (error, PD_ERROR, PD_ERROR_TEMPFAIL,
		             "message ended before its %" G_GSIZE_FORMAT " bytes", size);
	else
		pd_store_set_error (store, rc, what, error);
	g_clear_error (&reader.error);
	return FALSE;
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
	gsize len;
	const void *data = g_bytes_get_data (raw, &len);
	MemReader r = { data, len, 0 };
	PdSha256 sum;
	char sha[65];

	/* core/sha256.c: GChecksum's digest, with the CPU's SHA instructions where it has them */
	pd_sha256_init (&sum);
	pd_sha256_update (&sum, data, len);
	pd_sha256_hex (&sum, sha);

	return add (store, sha, len, len > BIND_MAX ? NULL : data, mem_read, &r, source,
	            envelope_from, envelope_rcpt, NULL, now, id_r, state_r, error);
}

gboolean
pd_store_intake_add_stream (PdStore *store, const char *sha256, gsize size,
                            PdStoreReadFunc read, gpointer data, const char *source,
                            const char *envelope_from, const char *envelope_rcpt,
                            const char *quarantine_reason, gint64 now, gint64 *id_r,
                            char **state_r, GError **error)
{
	return add (store, sha256, size, NULL, read, data, source, envelope_from, envelope_rcpt,
	            quarantine_reason, now, id_r, state_r, error);
}

gboolean
pd_store_intake_add_hashed (PdStore *store, const char *sha256, gsize size, const void *bytes,
                            const char *source, const char *envelope_from,
                            const char *envelope_rcpt, const char *quarantine_reason, gint64 now,
                            gint64 *id_r, char **state_r, GError **error)
{
	MemReader r = { bytes, size, 0 };

	return add (store, sha256, size, size > BIND_MAX ? NULL : bytes, mem_read, &r, source,
	            envelope_from, envelope_rcpt, quarantine_reason, now, id_r, state_r, error);
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

GBytes *
pd_store_intake_raw (PdStore *store, const PdIntakeRow *row, GError **error)
{
	return body_read (store, row->body_id, error);
}

gboolean
pd_store_intake_pending (PdStore *store, gint64 id, gboolean *pending_r, GError **error)
{
	sqlite3_stmt *stmt =
		pd_store_stmt (store, "SELECT state = 'pending' FROM intake WHERE id = ?", error);
	gint64 pending;
	gboolean found;

	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, id);
	if (!pd_store_lookup_int (store, stmt, &pending, &found, error))
		return FALSE;
	if (!found) {
		g_set_error (error, PD_ERROR, PD_ERROR_NOTFOUND, "no intake %" G_GINT64_FORMAT, id);
		return FALSE;
	}
	*pending_r = pending != 0;
	return TRUE;
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
	PdRowDb rdb = { store->db, row_prepare, store };
	int64_t count;
	int rc = pd_row_pending_count (&rdb, limit, &count);

	*count_r = count;
	if (rc != SQLITE_OK)
		pd_store_set_error (store, rc, "counting the pending messages", error);
	return rc == SQLITE_OK;
}
