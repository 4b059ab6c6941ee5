/* runner.h - the scheduler inside `postdesk serve`: a thread with its own store connection
 * (its own PdApp) that runs pd_sched_run every [serve] tick_interval seconds until freed. */
#ifndef PD_SCHED_RUNNER_H
#define PD_SCHED_RUNNER_H

#include <glib.h>

typedef struct PdSchedRunner PdSchedRunner;

/* Start the thread; it opens the home on its own connection. (transfer full) */
PdSchedRunner *pd_sched_runner_new (int interval_seconds);
/* Stop the thread (a run in progress finishes first) and free. */
void pd_sched_runner_free (PdSchedRunner *runner);

#endif
