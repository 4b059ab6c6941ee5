/* retention.h - the store's side of retention, personal data and import (issue 13): purging
 * kinds of rows by age, finding and erasing everything held about one address, the hashed
 * list of erased addresses, and an import's progress. Deleting is done in one place
 * (pd_store_purge_marked) so a purge and an erasure remove a ticket or a message the same
 * way: attachments, events, participants, SLA rows, outbox rows, intake rows and their bytes,
 * and rows of any other table that references a removed ticket or message. */
#ifndef PD_STORE_RETENTION_H
#define PD_STORE_RETENTION_H

#include "store/store.h"

typedef enum {
	PD_PURGE_CLOSED_TICKETS,
	PD_PURGE_BOUNCES,
	PD_PURGE_AUTOREPLIES,
	PD_PURGE_QUARANTINE,
	PD_PURGE_INTAKE_RAW,
	PD_PURGE_OUTBOX,
	PD_PURGE_LIST_BOUNCES,
	PD_PURGE_KINDS
} PdPurgeKind;

/* "closed_tickets", "bounces", ... (the [retention] keys). */
const char *pd_purge_kind_name (PdPurgeKind kind);

typedef struct {
	gint64 tickets;
	gint64 messages;
	gint64 attachments;  /* attachment rows */
	gint64 events;       /* events removed with their ticket */
	gint64 intake;       /* intake rows */
	gint64 bodies;       /* stored raw messages no intake row needs any more */
	gint64 raw_dropped;  /* intake rows whose raw bytes were let go (intake_raw) */
	gint64 outbox;
	gint64 list_bounces;
	GPtrArray *blobs;    /* char*: SHA-256 of attachment files no row references any more */
} PdPurgeCounts;
void pd_purge_counts_clear (PdPurgeCounts *c);
/* "2 tickets, 5 messages, ..." with only the non-zero counts; "nothing" when all are 0. */
char *pd_purge_counts_text (const PdPurgeCounts *c);
gint64 pd_purge_counts_total (const PdPurgeCounts *c);

/* Inside a transaction: remove at most LIMIT (-1: all) of the rows of KIND older than
 * CUTOFF (Unix seconds; tickets for closed_tickets, messages, intake or outbox rows for the
 * others) with what hangs on them, adding to C. SELECTED_R: how many were taken; fewer than
 * LIMIT means the kind is done. The caller commits (or rolls back for a dry run). */
gboolean pd_store_purge (PdStore *store, PdPurgeKind kind, gint64 cutoff, gint64 limit,
                         PdPurgeCounts *c, gint64 *selected_r, GError **error);

/* The marking tables the deletion works from (TEMP, per connection): temp.pd_purge_t (ticket
 * ids), temp.pd_purge_m (message ids), temp.pd_purge_i (intake ids). Empty them. */
gboolean pd_store_purge_mark_begin (PdStore *store, GError **error);
/* Run SQL (an INSERT INTO temp.pd_purge_x SELECT ...) with text parameter ?1 = ARG (may be
 * NULL) and integer ?2 = N. */
gboolean pd_store_purge_mark (PdStore *store, const char *sql, const char *arg, gint64 n,
                              GError **error);
/* Remove the marked tickets (with their messages), messages and intake rows, and whatever
 * hangs on them; bodies no row needs. */
gboolean pd_store_purge_marked (PdStore *store, PdPurgeCounts *c, GError **error);

/* Does any row (a mail attachment, a knowledge-base document) reference the file SHA256. */
gboolean pd_store_blob_referenced (PdStore *store, const char *sha256, gboolean *yes_r,
                                   GError **error);

/* ---- personal data (person-store.c) ---- */
/* Everything held about ADDRESS (lower case) as one JSON object (see `person export`).
 * (transfer full) */
char *pd_store_person_export (PdStore *store, const char *address, GError **error);
/* Inside a transaction: remove or pseudonymise ADDRESS everywhere (see `person erase`),
 * adding to C; NOW for the ledger and the suppression entry. */
gboolean pd_store_person_erase (PdStore *store, const char *address, gint64 now,
                                PdPurgeCounts *c, gint64 *pseudonymised_r, GError **error);
/* hex SHA-256 of the lower-cased ADDRESS, the key of erased_addresses. (transfer full) */
char *pd_store_address_hash (const char *address);
/* Was ADDRESS erased (so it must never be mailed again). */
gboolean pd_store_address_erased (PdStore *store, const char *address, gboolean *yes_r,
                                  GError **error);

/* Overwrite deleted content with zeros from now on, on this connection (erasure). */
gboolean pd_store_secure_delete (PdStore *store, GError **error);
/* Copy the write-ahead log into the database and truncate it, so deleted content is not left
 * in the log (a reader holding it back is not an error: it goes at the next checkpoint). */
gboolean pd_store_checkpoint_truncate (PdStore *store, GError **error);

/* ---- import progress ---- */
/* Where the import of PATH (SIZE, MTIME) got to; 0 when it never ran or the file changed. */
gboolean pd_store_import_position (PdStore *store, const char *path, gint64 size, gint64 mtime,
                                   gint64 *position_r, GError **error);
gboolean pd_store_import_set_position (PdStore *store, const char *path, gint64 size,
                                       gint64 mtime, gint64 position, gint64 messages,
                                       gint64 now, GError **error);
/* Close the tickets with imported mail whose last activity was before BEFORE (an event each).
 * CLOSED_R: how many. */
gboolean pd_store_import_close (PdStore *store, gint64 before, gint64 now, gint64 *closed_r,
                                GError **error);

#endif
