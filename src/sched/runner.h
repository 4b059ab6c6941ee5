/* runner.h - the scheduler inside `postdesk serve`: a thread with its own store connection
 * (its own PdApp) that runs pd_sched_run every [serve] tick_interval seconds until freed,
 * with the settings current in serve's PdSettingsCell at each run (it never reads the
 * config file itself: a SIGHUP reaches it like every other thread). */
#ifndef PD_SCHED_RUNNER_H
#define PD_SCHED_RUNNER_H

#include <glib.h>

#include "core/settings.h"

typedef struct PdSchedRunner PdSchedRunner;

/* Start the thread; it opens the home of the settings current in CELL on its own
 * connection. CELL is borrowed: it must outlive the runner. (transfer full) */
PdSchedRunner *pd_sched_runner_new (PdSettingsCell *cell);
/* Run now (after a reload), rather than at the end of the interval. */
void pd_sched_runner_wake (PdSchedRunner *runner);
/* Stop the thread (a run in progress finishes first) and free. */
void pd_sched_runner_free (PdSchedRunner *runner);

#endif
