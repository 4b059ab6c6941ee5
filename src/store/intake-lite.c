/* intake-lite.c - the database as postdesk-deliver opens it (see intake-lite.h). */
#include "store/intake-lite.h"

#include <stdio.h>
#include <string.h>

#include "store/wal-vfs.h"

/* PdRowPrepare: each statement prepared once */
static sqlite3_stmt *
prepare (void *ctx, const char *sql)
{
	PdLiteStore *st = ctx;
	int i;

	for (i = 0; i < PD_LITE_CACHE && st->cache[i].sql != NULL; i++) {
		if (st->cache[i].sql == sql) {
			sqlite3_reset (st->cache[i].stmt);
			sqlite3_clear_bindings (st->cache[i].stmt);
			return st->cache[i].stmt;
		}
	}
	if (i == PD_LITE_CACHE)
		return NULL;
	if (sqlite3_prepare_v3 (st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st->cache[i].stmt,
	                        NULL) != SQLITE_OK)
		return NULL;
	st->cache[i].sql = sql;
	return st->cache[i].stmt;
}

void
pd_lite_close (PdLiteStore *st)
{
	int i;

	for (i = 0; i < PD_LITE_CACHE; i++)
		sqlite3_finalize (st->cache[i].stmt);
	sqlite3_close (st->db);
	memset (st, 0, sizeof *st);
}

int
pd_lite_open (PdLiteStore *st, const char *database, int busy_timeout, int schema_version,
              char *why, size_t why_len)
{
	sqlite3_stmt *stmt = NULL;
	int version = -1;

	st->path = database;
	if (sqlite3_open_v2 (database, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
	                     pd_store_vfs ()) != SQLITE_OK) {
		snprintf (why, why_len, "database %s: %s", database, sqlite3_errmsg (st->db));
		return 1;
	}
	pd_busy_wait_install (st->db, &st->busy, busy_timeout);
	sqlite3_extended_result_codes (st->db, 1);
	/* the WAL stays for the next process (store.c); serve's worker checkpoints it, so this
	 * process does not (at most the safety net of serve's own connections) */
	sqlite3_db_config (st->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	sqlite3_wal_autocheckpoint (st->db, 16384);
	/* the version is in the header: reading it does not parse the schema, which the hand-over
	 * to serve never needs (pd_lite_ready) */
	if (sqlite3_prepare_v2 (st->db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK ||
	    sqlite3_step (stmt) != SQLITE_ROW) {
		snprintf (why, why_len, "database %s: %s", database, sqlite3_errmsg (st->db));
		sqlite3_finalize (stmt);
		return 1;
	}
	version = sqlite3_column_int (stmt, 0);
	sqlite3_finalize (stmt);
	if (version != schema_version) {
		snprintf (why, why_len, "database %s has schema version %d, this binary knows %d",
		          database, version, schema_version);
		return 1;
	}
	return 0;
}

/* The rest of the open, for writing the rows itself. Its PRAGMAs parse the schema: half the
 * CPU of a postdesk-deliver that hands its mail to serve went there (0.89 ms per process with it,
 * 0.44 ms without; perf stat over 200 processes, the driving loop subtracted; issue 10, quiet) */
int
pd_lite_ready (PdLiteStore *st, char *why, size_t why_len)
{
	if (sqlite3_exec (st->db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
	                  " PRAGMA foreign_keys = ON", NULL, NULL, NULL) != SQLITE_OK) {
		snprintf (why, why_len, "database %s: %s", st->path, sqlite3_errmsg (st->db));
		return 1;
	}
	return 0;
}

static int
exec_sql (PdLiteStore *st, const char *sql)
{
	sqlite3_stmt *stmt = prepare (st, sql);
	int rc;

	if (stmt == NULL)
		return sqlite3_extended_errcode (st->db);
	rc = sqlite3_step (stmt);
	sqlite3_reset (stmt);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

static const char BEGIN[] = "BEGIN IMMEDIATE";
static const char COMMIT[] = "COMMIT";
static const char ROLLBACK[] = "ROLLBACK";

int
pd_lite_begin (PdLiteStore *st)
{
	return exec_sql (st, BEGIN);
}

int
pd_lite_commit (PdLiteStore *st)
{
	return exec_sql (st, COMMIT);
}

int
pd_lite_rollback (PdLiteStore *st)
{
	return exec_sql (st, ROLLBACK);
}

PdRowDb
pd_lite_rows (PdLiteStore *st)
{
	PdRowDb rdb = { st->db, prepare, st };

	return rdb;
}
