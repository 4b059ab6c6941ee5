/* tick.c - `postdesk tick`: run the scheduler once (for cron): SLA reminders and escalations
 * that are due now (POSTDESK_NOW in tests) are queued in the outbox, and follow-the-sun
 * queues hand the tickets of agents whose shift ended to agents on shift; `postdesk send` or
 * `serve` delivers them. Safe to run while `serve` or another tick runs. */
#include <stdio.h>

#include "app/app.h"
#include "cmd/cli.h"
#include "core/clock.h"
#include "sched/scheduler.h"

gboolean
pd_cmd_tick (int argc, char **argv, GError **error)
{
	gboolean json = FALSE;
	g_autoptr (PdApp) app = NULL;
	PdSchedStats stats = { 0 };
	const GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "the counts as a JSON object", NULL },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "",
	                   "Run the scheduler once: queue the SLA reminders and escalations that are "
	                   "due. Each is sent once per ticket and target, however often this runs. "
	                   "Also applies the [retention] policies (see postdesk purge).",
	                   entries, error) ||
	    (app = pd_app_open (PD_APP_STORE, error)) == NULL ||
	    !pd_sched_run (app, pd_now (), &stats, error))
		return FALSE;
	if (json)
		printf ("{\"reminders\":%u,\"escalations\":%u,\"mails\":%u,\"skipped\":%u,"
		        "\"handoffs\":%u,\"handed\":%u}\n",
		        stats.reminders, stats.escalations, stats.mails, stats.skipped, stats.handoffs,
		        stats.handed);
	else
		printf ("reminders %u, escalations %u, mails queued %u, without mail %u, hand-offs %u "
		        "(tickets %u)\n",
		        stats.reminders, stats.escalations, stats.mails, stats.skipped, stats.handoffs,
		        stats.handed);
	return TRUE;
}
