/* busy.h - how a connection waits for a database another connection is writing to (busy.c).
 * Plain C, shared with postdesk-deliver. */
#ifndef PD_BUSY_H
#define PD_BUSY_H

#include <sqlite3.h>
#include <stdint.h>

typedef struct {
	int timeout_ms;  /* how long to wait for another writer in all, */
	int64_t since;   /* ... since when this connection waits (µs, monotonic), */
	unsigned seed;   /* ... and its jitter */
} PdBusyWait;

/* Make DB wait up to TIMEOUT_MS for a lock, looking again often (instead of
 * sqlite3_busy_timeout); W lives as long as DB. */
void pd_busy_wait_install (sqlite3 *db, PdBusyWait *w, int timeout_ms);

#endif
