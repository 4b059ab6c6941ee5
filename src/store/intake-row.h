/* intake-row.h - writing an intake row, in plain C (no GLib): the one place that knows how a
 * message becomes a row of intake (and its bytes a row of bodies), shared by the store
 * (store/intake.c, every intake path of postdesk) and by postdesk-deliver, the intake-only
 * binary that links only SQLite and libc. Errors are SQLite result codes; the callers turn
 * them into their own reports. */
#ifndef PD_INTAKE_ROW_H
#define PD_INTAKE_ROW_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

/* not SQLite codes: the read function failed (its caller knows why), or the bytes ended
 * before SIZE */
#define PD_ROW_READ_FAILED (-1)
#define PD_ROW_SHORT (-2)

/* The statement for SQL (one of this file's literals, so a cache may key on the pointer),
 * reset and unbound; NULL when it cannot be prepared (the connection's error says why). */
typedef sqlite3_stmt *(*PdRowPrepare) (void *ctx, const char *sql);
/* Up to LEN bytes of the message into BUF: how many (0 at the end), or -1 on failure. */
typedef long (*PdRowRead) (void *data, void *buf, size_t len);

typedef struct {
	sqlite3 *db;
	PdRowPrepare prepare;
	void *ctx;
} PdRowDb;

/* The envelope sender as intake keeps it: trimmed, lower case; "" for the null sender <>,
 * which Postfix's pipe passes as MAILER-DAEMON (in any case, with or without a domain). NULL
 * stays NULL. (malloc'd) */
char *pd_row_sender (const char *envelope_from);
/* An envelope recipient as intake keeps it: trimmed, lower case, NULL if empty. (malloc'd) */
char *pd_row_recipient (const char *envelope_rcpt);

/* Inside a write transaction: the row for SIZE bytes with hex SHA256 for ENVELOPE_RCPT (both
 * envelope addresses normalised already). The bytes are BYTES when not NULL, else read in
 * pieces with READ(DATA) into a blob of SIZE. A re-delivery (the same SHA-256 for the same
 * recipient) writes nothing and gives the existing row's id and state in STATE_R (malloc'd;
 * NULL for a new row). With QUARANTINE_REASON a new row is quarantined at once. WHAT_R says
 * which step failed. */
int pd_row_add (const PdRowDb *rdb, const char *sha256, int64_t size, const void *bytes,
                PdRowRead read, void *data, const char *source, const char *envelope_from,
                const char *envelope_rcpt, const char *quarantine_reason, int64_t now,
                int64_t *id_r, char **state_r, const char **what_r);

/* Pending rows, counted up to LIMIT (-1: all): a large backlog costs no more than that. */
int pd_row_pending_count (const PdRowDb *rdb, int64_t limit, int64_t *count_r);

/* The most a message for an MTA may be before it is refused rather than stored (and
 * quarantined) when the configured limit is MAX_SIZE: a bound on what is read at all. */
size_t pd_row_hard_max (size_t max_size);

#endif
