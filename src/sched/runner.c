/* runner.c - the scheduler thread of `postdesk serve` (runner.h). Each run claims its timers
 * in transactions of its own, so the thread may run beside other serve processes and
 * `postdesk tick`; a failed run (a busy database) is logged and tried again next interval. */
#include "sched/runner.h"

#include "app/app.h"
#include "core/clock.h"
#include "core/log.h"
#include "sched/scheduler.h"

struct PdSchedRunner {
	GThread *thread;
	GMutex lock;
	GCond wake;
	gboolean stop;
	gboolean poke;        /* run now: pd_sched_runner_wake */
	PdSettingsCell *cell; /* borrowed */
};

static gpointer
runner_main (gpointer data)
{
	PdSchedRunner *r = data;
	g_autoptr (PdApp) app = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (PdSettings) first = pd_settings_cell_get (r->cell);

	app = pd_app_open_with_settings (first, &error);
	if (app == NULL) {
		pd_log_error ("scheduler: %s; no SLA timers in this process", error->message);
		return NULL;
	}
	g_mutex_lock (&r->lock);
	while (!r->stop) {
		PdSchedStats stats = { 0 };
		int interval;

		g_mutex_unlock (&r->lock);
		/* the settings of this run: new ones after a SIGHUP (calendars, targets, interval) */
		pd_app_follow (&app, r->cell);
		interval = MAX (app->settings->tick_interval, 1);
		if (!pd_sched_run (app, pd_now (), &stats, &error)) {
			pd_log_warn ("scheduler: %s (trying again in %d s)", error->message, interval);
			g_clear_error (&error);
		}
		g_mutex_lock (&r->lock);
		if (!r->stop) {
			gint64 until = g_get_monotonic_time () + (gint64) interval * G_USEC_PER_SEC;

			while (!r->stop && !r->poke && g_cond_wait_until (&r->wake, &r->lock, until))
				;
			r->poke = FALSE;
		}
	}
	g_mutex_unlock (&r->lock);
	return NULL;
}

PdSchedRunner *
pd_sched_runner_new (PdSettingsCell *cell)
{
	PdSchedRunner *r = g_new0 (PdSchedRunner, 1);

	g_mutex_init (&r->lock);
	g_cond_init (&r->wake);
	r->cell = cell;
	r->thread = g_thread_new ("scheduler", runner_main, r);
	return r;
}

void
pd_sched_runner_wake (PdSchedRunner *r)
{
	g_mutex_lock (&r->lock);
	r->poke = TRUE;
	g_cond_signal (&r->wake);
	g_mutex_unlock (&r->lock);
}

void
pd_sched_runner_free (PdSchedRunner *r)
{
	if (r == NULL)
		return;
	g_mutex_lock (&r->lock);
	r->stop = TRUE;
	g_cond_signal (&r->wake);
	g_mutex_unlock (&r->lock);
	g_thread_join (r->thread);
	g_mutex_clear (&r->lock);
	g_cond_clear (&r->wake);
	g_free (r);
}
