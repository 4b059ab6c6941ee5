/* spool.h - a message read from a file descriptor without ever holding it whole: the first
 * PD_SPOOL_MEMORY bytes in memory, the rest in an unlinked temporary file in the home, its
 * SHA-256 computed on the way, reading stopped at a hard maximum. Then committed as an
 * intake row in pieces; over the configured size it is quarantined in the same transaction,
 * so it is kept (never lost) and never parsed. */
#ifndef PD_SPOOL_H
#define PD_SPOOL_H

#include "app/app.h"

/* Bytes a spool keeps in memory before it moves to a file. */
#define PD_SPOOL_MEMORY (1024 * 1024)

typedef struct PdSpool PdSpool;

/* Read FD to its end. More than HARD_MAX bytes: NULL with PD_ERROR_DATA (refused; the
 * sender's MTA returns it with the reason), having read only HARD_MAX + 1 bytes. A read or
 * temporary-file failure (DIR full, unwritable) is PD_ERROR_TEMPFAIL. (transfer full) */
PdSpool *pd_spool_read_fd (int fd, gsize hard_max, const char *dir, GError **error);
void pd_spool_free (PdSpool *spool);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdSpool, pd_spool_free)

gsize pd_spool_size (const PdSpool *spool);
/* Hex SHA-256 of the bytes, as the intake table keys them. (transfer none) */
const char *pd_spool_sha256 (const PdSpool *spool);

/* Commit the bytes as an intake row (one transaction), like pd_intake_accept. A message of
 * more than MAX_SIZE bytes (0 = no limit) is stored and quarantined with the reason at once:
 * QUARANTINED_R is then TRUE. A duplicate is left in the state it has. */
gboolean pd_spool_accept (PdSpool *spool, PdApp *app, const char *source,
                          const char *envelope_from, const char *envelope_rcpt, gsize max_size,
                          gint64 *id_r, gboolean *duplicate_r, gboolean *quarantined_r,
                          GError **error);

#endif
