/* intake-lite.h - the database as postdesk-deliver opens it, in plain C (no GLib): opened as
 * pd_store_open opens it but never migrated, its statements prepared once, and the
 * transaction around the intake rows that store/intake-row.c writes. The SQL of that binary
 * lives here, in the store, like every other statement of postdesk. */
#ifndef PD_INTAKE_LITE_H
#define PD_INTAKE_LITE_H

#include <sqlite3.h>
#include <stddef.h>

#include "store/busy.h"
#include "store/intake-row.h"

#define PD_LITE_CACHE 12 /* the 8 statements used, and room */

typedef struct {
	sqlite3 *db;
	PdBusyWait busy;
	const char *path;
	struct {
		const char *sql;
		sqlite3_stmt *stmt;
	} cache[PD_LITE_CACHE];
} PdLiteStore;

/* Open DATABASE (waiting up to BUSY_TIMEOUT ms for the write lock): 0, or 1 with WHY when it
 * cannot be opened or its schema version is not SCHEMA_VERSION (the full program then opens it
 * and says what is wrong, or migrates it). Close it either way. */
int pd_lite_open (PdLiteStore *st, const char *database, int busy_timeout, int schema_version,
                  char *why, size_t why_len);
/* Before the rows are written: WAL, synchronous=FULL, foreign keys (as pd_store_open). 0, or 1
 * with WHY, as pd_lite_open. */
int pd_lite_ready (PdLiteStore *st, char *why, size_t why_len);
void pd_lite_close (PdLiteStore *st);
/* The connection for intake-row.c, its statements prepared once. */
PdRowDb pd_lite_rows (PdLiteStore *st);
/* BEGIN IMMEDIATE, COMMIT, ROLLBACK: SQLITE_OK or the code. */
int pd_lite_begin (PdLiteStore *st);
int pd_lite_commit (PdLiteStore *st);
int pd_lite_rollback (PdLiteStore *st);

#endif
