/* send.c - `postdesk send`: drain the outbox now. In a file of its own because it pulls in
 * the SMTP client (libcurl): only postdesk-net links it; postdesk execs that for `send`. */
#include <stdio.h>

#include "app/app.h"
#include "cmd/cli.h"
#include "core/error.h"
#include "outbound/drain.h"
#include "outbound/campaign-send.h"
#include "lists/campaign-sender.h"

/* the keeper lost the part (our lease ran out) or gives it back: the pass ends */
static void
part_held (gboolean holding, gpointer data)
{
	if (!holding)
		g_atomic_int_set ((gint *) data, 1);
}

gboolean
pd_cmd_send (int argc, char **argv, GError **error)
{
	gboolean all = FALSE;
	int connections = 0;
	g_autoptr (PdApp) app = NULL;
	PdSendStats stats;
	PdCampaignSendStats cstats;
	g_autofree char *holder = NULL;
	PdCampaignHolder *keeper;
	gint stop = 0;
	gboolean ok;
	const GOptionEntry entries[] = {
		{ "all", 0, 0, G_OPTION_ARG_NONE, &all,
		  "also try rows whose next retry time has not come yet (never a row that another"
		  " sender is delivering)", NULL },
		{ "connections", 0, 0, G_OPTION_ARG_INT, &connections,
		  "relay connections at once (default: [smtp] connections)", "N" },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "",
	                   "Deliver the due outbox rows to the [smtp] relay and exit.", entries,
	                   error) ||
	    (app = pd_app_open (PD_APP_STORE, error)) == NULL ||
	    !pd_sender_run_with (app, all, (guint) CLAMP (connections, 0, 64), &stats, error))
		return FALSE;
	printf ("sent %u, to retry %u, failed %u\n", stats.sent, stats.retried, stats.failed);
	/* then the announcements of running campaigns that are due now, unless serve (or
	 * another send) sends them: one sender at a time keeps [campaign] rate overall */
	if (!pd_campaign_sender_take (app, "send", &holder, error))
		return FALSE;
	if (holder != NULL) {
		printf ("announcements: left to the running sender (%s)\n", holder);
		return TRUE;
	}
	/* a long pass renews its lease as it goes (lists4): a serve starting meanwhile waits */
	keeper = pd_campaign_holder_new (app->settings, NULL, "send", TRUE, FALSE, part_held,
	                                 &stop);
	ok = pd_campaign_send_run (&app, NULL, &stop, 1000, &cstats, error);
	pd_campaign_holder_free (keeper); /* gives the part back */
	if (!ok)
		return FALSE;
	if (cstats.sent + cstats.deferred + cstats.bounced + cstats.failed + cstats.skipped > 0)
		printf ("announcements: sent %u, deferred %u, bounced %u, failed %u, skipped %u\n",
		        cstats.sent, cstats.deferred, cstats.bounced, cstats.failed, cstats.skipped);
	return TRUE;
}
