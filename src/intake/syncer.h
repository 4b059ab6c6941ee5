/* syncer.h - the second half of serve's group commit: the writer commits with
 * synchronous=NORMAL (no sync under SQLite's write lock), releases the lock and pushes the
 * group here; it is reported only once the WAL holding it is synced. By default the sync runs
 * in the pushing thread; with POSTDESK_SYNC_THREAD set, in a thread of its own, one sync for
 * every group committed meanwhile (pipelined). Why this is as durable as a synchronous=FULL
 * commit, and what was measured: syncer.c. (issue 10, sync) */
#ifndef PD_SYNCER_H
#define PD_SYNCER_H

#include <glib.h>

typedef struct PdSyncer PdSyncer;

/* Called (in the pushing thread, or the syncer's) for each group, in the order pushed, once the WAL holding it
 * is on disk (ERROR NULL) or could not be confirmed so (ERROR set, PD_ERROR_TEMPFAIL). */
typedef void (*PdSyncerDone) (gpointer group, const GError *error, gpointer data);

/* Start (the thread, with POSTDESK_SYNC_THREAD). Test hooks, read here: POSTDESK_TEST_SYNC_FAIL=N makes the Nth sync
 * (counted from 1) report EIO; POSTDESK_TEST_SYNC_DELAY_MS=N waits N ms before each sync. */
PdSyncer *pd_syncer_new (PdSyncerDone done, gpointer data);

/* GROUP was committed (COMMIT returned) into the WAL of database DB (a path): report it once
 * that WAL is synced (before returning, unless a syncer thread runs). */
void pd_syncer_push (PdSyncer *syncer, const char *db, gpointer group);

/* TRUE once a sync has failed: from then on nothing is confirmed (every group gets an error)
 * until the process restarts, and the writer should not commit any more (see syncer.c). */
gboolean pd_syncer_failed (PdSyncer *syncer);

/* Sync and report what was pushed, stop the thread if there is one. */
void pd_syncer_free (PdSyncer *syncer);

#endif
