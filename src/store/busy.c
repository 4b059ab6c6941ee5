/* busy.c - how a connection waits for a database another connection is writing to.
 * SQLite's own busy_timeout handler sleeps 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, then 100 ms
 * at a time: after a few tries a waiter sleeps tens of ms while the writer ahead of it releases
 * the lock after one commit (an fsync, a few ms). With `deliver` a process per mail and several
 * at once, those oversleeps made the p99 (issue 10). Here a waiter looks again after 0.1 ms,
 * doubling to at most 2 ms, with jitter so waiters do not wake in step; the total wait is
 * bounded by the same timeout ([postdesk] busy_timeout). Plain C: postdesk-deliver waits so too. */
#include "store/busy.h"

#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define FIRST_WAIT_US 100
#define MAX_WAIT_US 2000

static int64_t
monotonic_us (void)
{
	struct timespec ts;

	clock_gettime (CLOCK_MONOTONIC, &ts);
	return (int64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int
busy_wait (void *data, int tries)
{
	PdBusyWait *w = data;
	int64_t now = monotonic_us ();
	int64_t wait, left;

	if (tries == 0)
		w->since = now;
	left = w->since + (int64_t) w->timeout_ms * 1000 - now;
	if (left <= 0)
		return 0; /* SQLITE_BUSY to the caller */
	wait = (int64_t) FIRST_WAIT_US << (tries < 5 ? tries : 5);
	wait = wait < MAX_WAIT_US ? wait : MAX_WAIT_US;
	wait = wait / 2 + rand_r (&w->seed) % (wait / 2 + 1);
	usleep (wait < left ? wait : left);
	return 1;
}

void
pd_busy_wait_install (sqlite3 *db, PdBusyWait *w, int timeout_ms)
{
	w->timeout_ms = timeout_ms > 0 ? timeout_ms : 0;
	w->seed = (unsigned) getpid () ^ (unsigned) monotonic_us ();
	sqlite3_busy_handler (db, busy_wait, w);
}

