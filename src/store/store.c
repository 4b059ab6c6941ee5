/* store.c - the SQLite connection: open in WAL mode with a busy timeout, apply the numbered
 * migrations compiled in from db/ (GResource /org/postdesk/db/), transactions, and the
 * per-connection statement cache. Table-specific queries live in store-*.c. */
#include "store/store-private.h"
#include "store/packed.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/error.h"
#include "core/log.h"

/* What the admin should do about a failure with result code RC (ERRNO from the OS). */
static char *
fault_hint (int primary, int sys_errno)
{
	if (primary == SQLITE_FULL || sys_errno == ENOSPC || sys_errno == EDQUOT)
		return g_strdup ("the disk is full: free space on the file system that holds it");
	switch (primary) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return g_strdup ("another process holds it longer than busy_timeout ([postdesk])");
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_AUTH:
	case SQLITE_CANTOPEN:
		return g_strdup_printf ("the database or its directory is read-only or not open to "
		                        "uid %d (%s), which postdesk runs as: the database, its "
		                        "directory and its -wal and -shm files must be writable by "
		                        "that user (chown -R the home to it)",
		                        (int) getuid (), g_get_user_name ());
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return g_strdup ("the database is damaged: stop postdesk and restore it from a backup "
		                 "(sqlite3's .recover may save what is left)");
	case SQLITE_IOERR:
		return g_strdup_printf ("an I/O error%s%s: check the disk and the kernel log",
		                        sys_errno ? ", " : "", sys_errno ? g_strerror (sys_errno) : "");
	case SQLITE_NOMEM:
		return g_strdup ("out of memory");
	default:
		return NULL;
	}
}

void
pd_store_set_error (PdStore *store, int rc, const char *what, GError **error)
{
	int primary = rc & 0xff;
	int sys_errno = store && store->db ? sqlite3_system_errno (store->db) : 0;
	g_autofree char *hint = NULL;
	PdErrorCode code;

	switch (primary) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_FULL:
	case SQLITE_IOERR:
	case SQLITE_NOMEM:
	case SQLITE_CANTOPEN:
	case SQLITE_PROTOCOL:
	case SQLITE_READONLY: /* a permission an admin fixes: the retry then succeeds */
	case SQLITE_PERM:
		code = PD_ERROR_TEMPFAIL; /* a retry may succeed */
		break;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		code = PD_ERROR_IO;
		break;
	default:
		code = PD_ERROR_INTERNAL;
	}
	hint = fault_hint (primary, sys_errno);
	g_set_error (error, PD_ERROR, code, "database %s: %s: %s (%s)%s%s",
	             store && store->path ? store->path : "", what,
	             store && store->db ? sqlite3_errmsg (store->db) : sqlite3_errstr (rc),
	             sqlite3_errstr (rc), hint ? "; " : "", hint ? hint : "");
}

sqlite3_stmt *
pd_store_stmt (PdStore *store, const char *sql, GError **error)
{
	/* by address first: hashing the whole text of a statement, about 25 per mail, was a
	 * percent or two of processing (issue 10, cpu). The text is static, but a hit is
	 * checked against the statement's own text all the same (a comparison is much cheaper
	 * than the hash); then by text, as before */
	sqlite3_stmt *stmt = g_hash_table_lookup (store->by_address, sql);
	int rc;

	if (stmt == NULL || strcmp (sqlite3_sql (stmt), sql) != 0) {
		stmt = g_hash_table_lookup (store->stmts, sql);
		if (stmt != NULL)
			g_hash_table_insert (store->by_address, (gpointer) sql, stmt);
	}
	if (stmt != NULL) {
		sqlite3_reset (stmt);
		sqlite3_clear_bindings (stmt);
		return stmt;
	}
	rc = sqlite3_prepare_v3 (store->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
	if (rc != SQLITE_OK) {
		pd_store_set_error (store, rc, "prepare", error);
		return NULL;
	}
	store->prepared++;
	g_hash_table_insert (store->stmts, (gpointer) sql, stmt);
	g_hash_table_insert (store->by_address, (gpointer) sql, stmt);
	return stmt;
}

int
pd_store_step (PdStore *store, sqlite3_stmt *stmt, GError **error)
{
	int rc = sqlite3_step (stmt);

	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return rc;
	pd_store_set_error (store, rc, "step", error);
	sqlite3_reset (stmt);
	return -1;
}

gboolean
pd_store_exec_stmt (PdStore *store, sqlite3_stmt *stmt, GError **error)
{
	int rc = pd_store_step (store, stmt, error);

	sqlite3_reset (stmt);
	return rc >= 0;
}

void
pd_bind_text (sqlite3_stmt *stmt, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null (stmt, i);
	else
		sqlite3_bind_text (stmt, i, s, -1, SQLITE_TRANSIENT);
}

void
pd_bind_int (sqlite3_stmt *stmt, int i, gint64 v)
{
	sqlite3_bind_int64 (stmt, i, v);
}

void
pd_bind_id (sqlite3_stmt *stmt, int i, gint64 id)
{
	if (id <= 0)
		sqlite3_bind_null (stmt, i);
	else
		sqlite3_bind_int64 (stmt, i, id);
}

void
pd_bind_bytes (sqlite3_stmt *stmt, int i, GBytes *bytes)
{
	gsize len;
	const void *data = g_bytes_get_data (bytes, &len);

	sqlite3_bind_blob64 (stmt, i, data ? data : "", len, SQLITE_TRANSIENT);
}

char *
pd_col_text (sqlite3_stmt *stmt, int i)
{
	const unsigned char *s = sqlite3_column_text (stmt, i);

	return s ? g_strdup ((const char *) s) : NULL;
}

GBytes *
pd_col_bytes (sqlite3_stmt *stmt, int i)
{
	const void *data = sqlite3_column_blob (stmt, i);
	int len = sqlite3_column_bytes (stmt, i);

	return g_bytes_new (data, len);
}

static gboolean
exec (PdStore *store, const char *sql, GError **error)
{
	char *msg = NULL;
	int rc = sqlite3_exec (store->db, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK) {
		pd_store_set_error (store, rc, "exec", error);
		sqlite3_free (msg);
		return FALSE;
	}
	return TRUE;
}

/* exec () for the transaction statements a mail runs several of (BEGIN, SAVEPOINT,
 * RELEASE, COMMIT): prepared once per connection like the others, not parsed per mail. */
static gboolean
exec_cached (PdStore *store, const char *sql, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (store, sql, error);
	int rc;

	if (stmt == NULL)
		return FALSE;
	rc = sqlite3_step (stmt);
	sqlite3_reset (stmt);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		pd_store_set_error (store, rc, "exec", error);
		return FALSE;
	}
	return TRUE;
}

gboolean
pd_store_begin (PdStore *store, GError **error)
{
	g_return_val_if_fail (!store->savepoint, FALSE);
	if (!store->batch)
		return exec_cached (store, "BEGIN IMMEDIATE", error);
	/* a SAVEPOINT outside a transaction (SQLite rolled the batch back after an I/O error)
	 * begins one of its own: the mail is still atomic */
	if (!exec_cached (store, "SAVEPOINT pd_one", error))
		return FALSE;
	store->savepoint = TRUE;
	return TRUE;
}

gboolean
pd_store_commit (PdStore *store, GError **error)
{
	if (store->batch) {
		if (store->savepoint && exec_cached (store, "RELEASE pd_one", error)) {
			store->savepoint = FALSE;
			return TRUE;
		}
	} else if (exec_cached (store, "COMMIT", error))
		return TRUE;
	pd_store_rollback (store);
	return FALSE;
}

void
pd_store_rollback (PdStore *store)
{
	if (store->batch) {
		/* undo this mail only; the batch goes on */
		if (store->savepoint && !sqlite3_get_autocommit (store->db))
			sqlite3_exec (store->db, "ROLLBACK TO pd_one; RELEASE pd_one", NULL, NULL, NULL);
		store->savepoint = FALSE;
	} else if (!sqlite3_get_autocommit (store->db))
		sqlite3_exec (store->db, "ROLLBACK", NULL, NULL, NULL);
}

gboolean
pd_store_batch_begin (PdStore *store, GError **error)
{
	g_return_val_if_fail (!store->batch, FALSE);
	if (!exec_cached (store, "BEGIN IMMEDIATE", error))
		return FALSE;
	store->batch = TRUE;
	store->savepoint = FALSE;
	return TRUE;
}

gboolean
pd_store_batch_commit (PdStore *store, GError **error)
{
	g_return_val_if_fail (store->batch && !store->savepoint, FALSE);
	store->batch = FALSE;
	if (sqlite3_get_autocommit (store->db)) {
		/* SQLite rolled the whole batch back (full disk, I/O error): its rows are pending */
		g_set_error (error, PD_ERROR, PD_ERROR_TEMPFAIL,
		             "the batch transaction was rolled back by the database");
		return FALSE;
	}
	if (exec_cached (store, "COMMIT", error))
		return TRUE;
	pd_store_rollback (store);
	return FALSE;
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
	return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static gboolean
user_version (PdStore *store, int *version_r, GError **error)
{
	sqlite3_stmt *stmt = NULL;
	int rc = sqlite3_prepare_v2 (store->db, "PRAGMA user_version", -1, &stmt, NULL);

	if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW) {
		*version_r = sqlite3_column_int (stmt, 0);
		sqlite3_finalize (stmt);
		return TRUE;
	}
	pd_store_set_error (store, rc, "reading schema version", error);
	sqlite3_finalize (stmt);
	return FALSE;
}

/* Apply db/NNN_*.sql above the database's user_version, each in its own transaction.
 * The version is re-read under the write lock, so concurrent first opens apply each once. */
static gboolean
migrate (PdStore *store, GError **error)
{
	g_auto (GStrv) names = g_resources_enumerate_children ("/org/postdesk/db/", 0, NULL);
	guint i, n;
	int current;

	if (names == NULL) {
		g_set_error (error, PD_ERROR, PD_ERROR_INTERNAL, "no schema compiled into the binary");
		return FALSE;
	}
	n = g_strv_length (names);
	qsort (names, n, sizeof (char *), compare_names);
	if (!user_version (store, &current, error))
		return FALSE;
	for (i = 0; i < n; i++) {
		int number = atoi (names[i]);
		g_autofree char *path = NULL;
		g_autoptr (GBytes) sql = NULL;
		g_autofree char *text = NULL, *bump = NULL;
		int now;

		if (number <= current)
			continue;
		path = g_strconcat ("/org/postdesk/db/", names[i], NULL);
		sql = g_resources_lookup_data (path, 0, error);
		if (sql == NULL)
			return FALSE;
		if (!pd_store_begin (store, error))
			return FALSE;
		if (!user_version (store, &now, error)) {
			pd_store_rollback (store);
			return FALSE;
		}
		if (now < number) {
			text = g_strndup (g_bytes_get_data (sql, NULL), g_bytes_get_size (sql));
			bump = g_strdup_printf ("PRAGMA user_version = %d", number);
			if (!exec (store, text, error) || !exec (store, bump, error)) {
				g_prefix_error (error, "migration %s: ", names[i]);
				pd_store_rollback (store);
				return FALSE;
			}
		}
		if (!pd_store_commit (store, error))
			return FALSE;
		current = number;
		/* the log would otherwise keep every page each migration wrote (several hundred KB
		 * for a fresh home, beside the database itself): move them into the database as we
		 * go, so the schema costs its size once (a reader holding the log back only delays) */
		sqlite3_wal_checkpoint_v2 (store->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	}
	return TRUE;
}

static void
finalize_stmt (gpointer stmt)
{
	sqlite3_finalize (stmt);
}

PdStore *
pd_store_open (const char *path, int busy_timeout_ms, GError **error)
{
	g_autoptr (PdStore) store = g_new0 (PdStore, 1);
	int rc;

	store->path = g_strdup (path);
	store->stmts = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
	                                      finalize_stmt);
	store->by_address = g_hash_table_new (g_direct_hash, g_direct_equal);
	rc = sqlite3_open_v2 (path, &store->db,
	                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	                      pd_store_vfs ());
	if (rc != SQLITE_OK) {
		pd_store_set_error (store, rc, "open", error);
		return NULL;
	}
	pd_busy_wait_install (store->db, &store->busy, busy_timeout_ms);
	sqlite3_extended_result_codes (store->db, 1);
	/* message text: packed, or derived from the raw bytes (SQL in purge and erasure reads it) */
	rc = pd_packed_register (store->db);
	if (rc != SQLITE_OK) {
		pd_store_set_error (store, rc, "register functions", error);
		return NULL;
	}
	/* The last connection to close would checkpoint the WAL into the database and delete it:
	 * three more fsyncs (and one of the directory when the next process makes the WAL anew)
	 * for every `deliver`, a process per message (issue 10). The WAL stays; the automatic
	 * checkpoint every 1000 pages moves it into the database. */
	sqlite3_db_config (store->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	/* ...and at most WAL_KEEP bytes of it are left behind (pd_store_close) */
	/* WAL: readers never block the writer; synchronous=FULL: a commit is on disk when
	 * COMMIT returns, which is what "250 only after commit" and "exit 0" rely on. */
	if (!exec (store, "PRAGMA journal_mode = WAL", error) ||
	    !exec (store, "PRAGMA synchronous = FULL", error) ||
	    !exec (store, "PRAGMA foreign_keys = ON", error))
		return NULL;
	if (!migrate (store, error))
		return NULL;
	return g_steal_pointer (&store);
}

gboolean
pd_store_set_durable (PdStore *store, gboolean durable, GError **error)
{
	if (store->relaxed == !durable)
		return TRUE;
	if (!exec (store, durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL",
	           error))
		return FALSE;
	store->relaxed = !durable;
	return TRUE;
}

void
pd_store_set_autocheckpoint (PdStore *store, int pages)
{
	sqlite3_wal_autocheckpoint (store->db, pages);
}

void
pd_store_checkpoint (PdStore *store)
{
	int rc = sqlite3_wal_checkpoint_v2 (store->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);

	if (rc != SQLITE_OK && rc != SQLITE_BUSY)
		pd_log_warn ("database %s: checkpoint: %s", store->path, sqlite3_errmsg (store->db));
}

void
pd_store_set_busy_handler (PdStore *store, int (*fn) (gpointer data, int count), gpointer data,
                           int timeout_ms)
{
	if (fn != NULL)
		sqlite3_busy_handler (store->db, fn, data);
	else
		pd_busy_wait_install (store->db, &store->busy, timeout_ms);
}

gboolean
pd_store_is_durable (PdStore *store)
{
	return !store->relaxed;
}

/* The WAL a closing connection leaves for the next process: past this it is checkpointed
 * into the database and truncated, so a small disk does not hold a large WAL (a new home's
 * schema is 400 KB of it) and the cost of a checkpoint is shared by many `deliver`s. One
 * deliver writes about 110 KB of it: at 256 KB every second or third paid a checkpoint (two
 * more fsyncs, and one for the new WAL header), 1.0 of them per mail beside the commit's; at
 * 1 MB 0.3. Larger costs more at the next open instead, which reads the whole WAL when no
 * other connection holds it (issue 10, deliver). */
#define WAL_KEEP (1024 * 1024)

void
pd_store_work (PdStore *store, PdStoreWork *work)
{
	sqlite3_stmt *stmt = NULL;

	memset (work, 0, sizeof *work);
	work->prepared = store->prepared;
	while ((stmt = sqlite3_next_stmt (store->db, stmt)) != NULL) {
		work->runs += sqlite3_stmt_status (stmt, SQLITE_STMTSTATUS_RUN, 0);
		work->vm_steps += sqlite3_stmt_status (stmt, SQLITE_STMTSTATUS_VM_STEP, 0);
		work->fullscan_steps += sqlite3_stmt_status (stmt, SQLITE_STMTSTATUS_FULLSCAN_STEP, 0);
	}
}

/* POSTDESK_SQL_STATS: at close, each cached statement's runs and VM steps on stderr (where a
 * process spends its queries; issue 10). */
static void
report_statements (PdStore *store)
{
	GHashTableIter iter;
	gpointer sql, stmt;

	g_hash_table_iter_init (&iter, store->stmts);
	while (g_hash_table_iter_next (&iter, &sql, &stmt)) {
		int runs = sqlite3_stmt_status (stmt, SQLITE_STMTSTATUS_RUN, 0);
		int steps = sqlite3_stmt_status (stmt, SQLITE_STMTSTATUS_VM_STEP, 0);
		int scan = sqlite3_stmt_status (stmt, SQLITE_STMTSTATUS_FULLSCAN_STEP, 0);
		int sorts = sqlite3_stmt_status (stmt, SQLITE_STMTSTATUS_SORT, 0);

		if (runs > 0)
			fprintf (stderr, "sql-stats runs=%d vm_steps=%d fullscan=%d sorts=%d %s\n", runs,
			         steps, scan, sorts, (const char *) sql);
	}
}

void
pd_store_close (PdStore *store)
{
	GStatBuf st;
	g_autofree char *wal = NULL;

	if (store == NULL)
		return;
	/* only a connection that wrote: one that only read changes no file (`kb suggest`) */
	if (store->db && store->path && sqlite3_total_changes (store->db) > 0 &&
	    (wal = g_strconcat (store->path, "-wal", NULL)) &&
	    g_stat (wal, &st) == 0 && st.st_size > WAL_KEEP)
		sqlite3_wal_checkpoint_v2 (store->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	if (store->stmts && g_getenv ("POSTDESK_SQL_STATS") != NULL)
		report_statements (store);
	if (store->by_address)
		g_hash_table_destroy (store->by_address);
	if (store->stmts)
		g_hash_table_destroy (store->stmts);
	if (store->db)
		sqlite3_close (store->db);
	g_free (store->path);
	g_free (store);
}

GPtrArray *
pd_store_collect (PdStore *store, sqlite3_stmt *stmt, PdRowFunc row_fn, GDestroyNotify free_fn,
                  GError **error)
{
	GPtrArray *rows = g_ptr_array_new_with_free_func (free_fn);
	int rc;

	while ((rc = pd_store_step (store, stmt, error)) == SQLITE_ROW)
		g_ptr_array_add (rows, row_fn (stmt));
	sqlite3_reset (stmt);
	if (rc < 0) {
		g_ptr_array_unref (rows);
		return NULL;
	}
	return rows;
}

gpointer
pd_store_one (PdStore *store, sqlite3_stmt *stmt, PdRowFunc row_fn, const char *what, gint64 id,
              GError **error)
{
	gpointer row = NULL;
	int rc = pd_store_step (store, stmt, error);

	if (rc == SQLITE_ROW)
		row = row_fn (stmt);
	else if (rc == SQLITE_DONE)
		g_set_error (error, PD_ERROR, PD_ERROR_NOTFOUND, "no %s %" G_GINT64_FORMAT, what, id);
	sqlite3_reset (stmt);
	return row;
}

gboolean
pd_store_lookup_int (PdStore *store, sqlite3_stmt *stmt, gint64 *value_r, gboolean *found_r,
                     GError **error)
{
	int rc = pd_store_step (store, stmt, error);

	*value_r = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
	if (found_r)
		*found_r = rc == SQLITE_ROW;
	sqlite3_reset (stmt);
	return rc >= 0;
}
