/* busy.c - how a connection waits for a database another connection is writing to.
 * SQLite's own busy_timeout handler sleeps 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, then 100 ms
 * at a time: after a few tries a waiter sleeps tens of ms while the writer ahead of it releases
 * the lock after one commit (an fsync, a few ms). With `deliver` a process per mail and several
 * at once, those oversleeps made the p99 (issue 10). Here a waiter looks again after 0.1 ms,
 * doubling to at most 2 ms, with jitter so waiters do not wake in step; the total wait is
 * bounded by the same timeout ([postdesk] busy_timeout). */
#include <glib.h>

#include "store/store-private.h"

#define FIRST_WAIT_US 100
#define MAX_WAIT_US 2000

static int
busy_wait (void *data, int tries)
{
	PdStore *store = data;
	gint64 now = g_get_monotonic_time ();
	gint64 wait;

	if (tries == 0)
		store->busy_since = now;
	if (now - store->busy_since >= (gint64) store->busy_timeout_ms * 1000)
		return 0; /* SQLITE_BUSY to the caller */
	wait = MIN ((gint64) FIRST_WAIT_US << MIN (tries, 5), MAX_WAIT_US);
	wait = wait / 2 + g_random_int_range (0, (gint32) (wait / 2) + 1);
	g_usleep (MIN (wait, store->busy_since + (gint64) store->busy_timeout_ms * 1000 - now));
	return 1;
}

void
pd_store_set_busy_wait (PdStore *store, int timeout_ms)
{
	store->busy_timeout_ms = MAX (timeout_ms, 0);
	sqlite3_busy_handler (store->db, busy_wait, store);
}
