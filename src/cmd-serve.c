/* cmd-serve.c - `postdesk serve`: the long-running gateway. It drains the outbox every
 * [serve] send_interval seconds and processes intake rows left pending (a crash between
 * accept and process). SIGTERM/SIGINT: finish the current step and exit 0.
 * The network listeners and IMAP fetchers hang off this loop (issue 3). */
#include <glib-unix.h>
#include <stdio.h>

#include "app.h"
#include "cli.h"
#include "error.h"
#include "intake.h"
#include "log.h"
#include "sender.h"

typedef struct {
	PdApp *app;
	GMainLoop *loop;
	GError *error;
} Serve;

static gboolean
process_pending (Serve *s, GError **error)
{
	g_autoptr (GPtrArray) rows = pd_store_intake_list (s->app->store, "pending", error);
	guint i;

	if (rows == NULL)
		return FALSE;
	for (i = 0; i < rows->len; i++) {
		const PdIntakeRow *r = rows->pdata[i];
		PdOutcome out = { 0 };
		g_autoptr (GError) local = NULL;

		if (!pd_intake_process (s->app, r->id, &out, &local)) {
			if (g_error_matches (local, PD_ERROR, PD_ERROR_TEMPFAIL)) {
				pd_log_warn ("intake=%" G_GINT64_FORMAT ": %s; will retry", r->id, local->message);
			} else {
				g_autofree char *reason = g_strdup_printf ("processing failed: %s", local->message);
				if (!pd_intake_quarantine (s->app, r->id, reason, error))
					return FALSE;
			}
		}
		pd_outcome_clear (&out);
	}
	return TRUE;
}

static gboolean
tick (gpointer data)
{
	Serve *s = data;
	g_autoptr (GError) local = NULL;
	PdSendStats stats;

	if (!process_pending (s, &local) || !pd_sender_run (s->app, FALSE, &stats, &local)) {
		if (!g_error_matches (local, PD_ERROR, PD_ERROR_TEMPFAIL)) {
			s->error = g_steal_pointer (&local);
			g_main_loop_quit (s->loop);
			return G_SOURCE_REMOVE;
		}
		pd_log_warn ("%s; trying again later", local->message);
	}
	return G_SOURCE_CONTINUE;
}

static gboolean
on_signal (gpointer data)
{
	Serve *s = data;

	pd_log_info ("signal received: stopping");
	g_main_loop_quit (s->loop);
	return G_SOURCE_CONTINUE;
}

gboolean
pd_cmd_serve (int argc, char **argv, GError **error)
{
	g_autoptr (PdApp) app = NULL;
	g_autoptr (GMainLoop) loop = NULL;
	Serve s = { 0 };
	guint timer, sig_term, sig_int;

	if (!pd_cli_parse (&argc, &argv, "",
	                   "Run the gateway: drain the outbox every [serve] send_interval seconds and\n"
	                   "process mail left pending. Stops on SIGTERM or SIGINT.",
	                   NULL, error) ||
	    (app = pd_app_open (PD_APP_STORE, error)) == NULL)
		return FALSE;
	loop = g_main_loop_new (NULL, FALSE);
	s.app = app;
	s.loop = loop;
	pd_log_info ("serving %s (relay %s, every %d s)", app->home,
	             app->settings->relay ? app->settings->relay : "none: mail stays queued",
	             app->settings->send_interval);
	tick (&s);
	timer = g_timeout_add_seconds (app->settings->send_interval, tick, &s);
	sig_term = g_unix_signal_add (SIGTERM, on_signal, &s);
	sig_int = g_unix_signal_add (SIGINT, on_signal, &s);
	if (s.error == NULL)
		g_main_loop_run (loop);
	g_source_remove (timer);
	g_source_remove (sig_term);
	g_source_remove (sig_int);
	if (s.error) {
		g_propagate_error (error, s.error);
		return FALSE;
	}
	return TRUE;
}
