/* spool.h - a message received without ever holding it whole: the first PD_SPOOL_MEMORY
 * bytes in memory, then all of it in an unlinked temporary file in the home, its SHA-256
 * computed on the way. Filled from a file descriptor (deliver) or piece by piece (the
 * LMTP/SMTP sessions), then committed as an intake row in pieces; over the configured size
 * it is quarantined in the same transaction, so it is kept (never lost) and never parsed. */
#ifndef PD_SPOOL_H
#define PD_SPOOL_H

#include "app/app.h"

/* Bytes a spool keeps in memory before it moves to a file. */
#define PD_SPOOL_MEMORY (1024 * 1024)

typedef struct PdSpool PdSpool;

/* An empty spool; its file, when one is needed, goes in DIR. (transfer full) */
PdSpool *pd_spool_new (const char *dir);
/* Add LEN bytes. A temporary-file failure (DIR full, unwritable) is PD_ERROR_TEMPFAIL; the
 * spool is then unusable. */
gboolean pd_spool_append (PdSpool *spool, const void *data, gsize len, GError **error);
/* No more bytes: write out what is buffered and compute the SHA-256. PD_ERROR_TEMPFAIL as
 * for pd_spool_append. */
gboolean pd_spool_finish (PdSpool *spool, GError **error);

/* Read FD to its end (pd_spool_new, append, finish). More than HARD_MAX bytes: NULL with
 * PD_ERROR_DATA (refused; the sender's MTA returns it with the reason), having read only
 * HARD_MAX + 1 bytes. A read or temporary-file failure is PD_ERROR_TEMPFAIL. (transfer full) */
PdSpool *pd_spool_read_fd (int fd, gsize hard_max, const char *dir, GError **error);
void pd_spool_free (PdSpool *spool);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdSpool, pd_spool_free)

gsize pd_spool_size (const PdSpool *spool);
/* Hex SHA-256 of the bytes, as the intake table keys them (after pd_spool_finish).
 * (transfer none) */
const char *pd_spool_sha256 (const PdSpool *spool);

/* The finished SPOOL's bytes as a GBytes, for an API that takes one (PdIngest), consuming
 * SPOOL: a small message is its memory; a big one a read-only mapping of the file, whose
 * pages are page cache and are only read in if someone reads them. pd_spool_add reads such
 * a GBytes from the file instead, in pieces. Either way the GBytes keeps the spool, and so
 * its SHA-256: intake does not hash the bytes again. NULL with PD_ERROR_TEMPFAIL if the file
 * cannot be mapped. (transfer full) */
GBytes *pd_spool_steal_bytes (PdSpool *spool, GError **error);
/* The spool behind BYTES from pd_spool_steal_bytes (an empty message excepted), else NULL.
 * Valid while BYTES is. Thread-safe. (transfer none) */
PdSpool *pd_spool_from_bytes (GBytes *bytes);

/* Inside a write transaction: add SPOOL's bytes for ENVELOPE_RCPT like pd_intake_add
 * (normalised sender and recipient; a re-delivery gives the existing row and its state in
 * STATE_R, transfer full), written in pieces. With QUARANTINE_REASON a new row is quarantined
 * at once. Not logged. */
gboolean pd_spool_add (PdSpool *spool, PdApp *app, const char *source,
                       const char *envelope_from, const char *envelope_rcpt,
                       const char *quarantine_reason, gint64 now, gint64 *id_r,
                       char **state_r, GError **error);

/* Commit the bytes as an intake row (one transaction), like pd_intake_accept. A message of
 * more than MAX_SIZE bytes (0 = no limit) is stored and quarantined with the reason at once:
 * QUARANTINED_R is then TRUE. A duplicate is left in the state it has. */
gboolean pd_spool_accept (PdSpool *spool, PdApp *app, const char *source,
                          const char *envelope_from, const char *envelope_rcpt, gsize max_size,
                          gint64 *id_r, gboolean *duplicate_r, gboolean *quarantined_r,
                          GError **error);

#endif
