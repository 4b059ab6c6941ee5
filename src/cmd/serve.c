/* serve.c - `postdesk serve`: the long-running gateway. The main loop runs the LMTP/SMTP
 * listeners ([serve] lmtp, smtp) and the IMAP fetchers; committing, processing, rows left
 * pending and the outbox run in PdIngest's threads (intake/pipeline.c), so a slow relay never stalls a
 * listener. SIGTERM/SIGINT: stop accepting, finish what is in flight (bounded), exit 0.
 * SIGHUP: re-read postdesk.conf into a new settings object and make it current: the threads
 * take it up with their next batch or message, a listener (LMTP, SMTP, HTTP) moves if its
 * address did, and the IMAP fetchers are started, restarted and stopped to match the [imap NAME] sections. The
 * signal handlers of the process are all set here. */
#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>

#include "app/app.h"
#include "cmd/cli.h"
#include "core/error.h"
#include "intake/imap.h"
#include "intake/pipeline.h"
#include "intake/listener.h"
#include "core/log.h"
#include "http/http.h"
#include "sched/runner.h"
#include "intake/smtp-session.h" /* lists (issue 12) */
#include "lists/request.h"
#include "intake/wake.h" /* issue 10, lean */
#include "intake/handover.h" /* issue 10, share */

/* lists (issue 12): the listeners also take mail for the lists' own and request addresses,
 * looked up in the store on this loop (serve's own connection, as the HTTP pages use it) */
static int
accept_list_address (const char *addr, gpointer data)
{
	g_autoptr (GError) error = NULL;
	gboolean yes;

	if (!pd_list_accepts_address (((PdApp *) data)->store, addr, &yes, &error)) {
		pd_log_warn ("RCPT %s: %s", addr, error->message);
		return -1;
	}
	return yes ? 1 : 0;
}
#include "outbound/campaign-send.h"

/* lists3/lists4 (issue 12): serve sends campaigns only while it holds the one sender's part
 * (lists/campaign-sender.h): its sender thread runs between taking it and losing it */
#include "lists/campaign-sender.h"
/* how long SIGTERM waits for sessions and commits in flight */
#define DRAIN_SECONDS 20

typedef struct {
	PdApp *app;
	GMainLoop *loop;
	GError *error;
	PdIngest *ingest;
	PdSettingsCell *settings; /* the current settings: app->settings, then each SIGHUP's */
	PdListener *lmtp, *smtp;
	GPtrArray *retired;    /* listeners moved by a SIGHUP, freed once their sessions end */
	GPtrArray *fetchers;   /* PdImapFetcher*, freeing the array stops them (imap.h) */
	PdSchedRunner *sched;  /* the SLA scheduler thread, its own connection */
	PdCampaignSender *campaigns; /* the announcement sender thread (campaign-send.h) */
	PdCampaignHolder *part; /* keeps the one campaign sender's part (lists4) */
	PdHttpServer *http;    /* [serve] http: the knowledge base, on this loop and app->store */
	PdWake *wake;          /* rows postdesk-deliver committed, to the worker (issue 10, lean) */
	PdHandover *handover;  /* mail postdesk-deliver hands to the group commit (issue 10, share) */
	gboolean stopping;
} Serve;

/* from the part's keeper thread: the sender thread runs only while serve holds the part */
static void
campaigns_held (gboolean holding, gpointer data)
{
	Serve *s = data;

	if (holding && s->campaigns == NULL)
		s->campaigns = pd_campaign_sender_new (s->settings);
	else if (!holding)
		g_clear_pointer (&s->campaigns, pd_campaign_sender_free);
}

/* ---- IMAP fetchers (intake/imap*.c) start and stop here ---- */

/* one thread per [imap NAME] account, each with its own PdApp; stopping interrupts IDLE */
static gboolean
start_fetchers (Serve *s, GError **error)
{
	s->fetchers = pd_imap_fetchers_start (s->settings, error);
	return s->fetchers != NULL;
}

static void
stop_fetchers (Serve *s)
{
	g_clear_pointer (&s->fetchers, g_ptr_array_unref);
}

/* ---- listeners ---- */

static gboolean
start_listeners (Serve *s, GError **error)
{
	g_autoptr (PdSettings) set = pd_settings_cell_get (s->settings);

	if (set->serve_lmtp != NULL &&
	    (s->lmtp = pd_listener_new (set, s->ingest, TRUE, set->serve_lmtp, error)) == NULL)
		return FALSE;
	if (set->serve_smtp != NULL &&
	    (s->smtp = pd_listener_new (set, s->ingest, FALSE, set->serve_smtp, error)) == NULL)
		return FALSE;
	return TRUE;
}

static guint
sessions_active (Serve *s)
{
	guint n = 0, i;

	if (s->lmtp)
		n += pd_listener_active (s->lmtp);
	if (s->smtp)
		n += pd_listener_active (s->smtp);
	for (i = 0; i < s->retired->len; i++)
		n += pd_listener_active (s->retired->pdata[i]);
	return n;
}

static gboolean
reap_retired (gpointer data)
{
	Serve *s = data;
	guint i = 0;

	while (i < s->retired->len) {
		if (pd_listener_active (s->retired->pdata[i]) == 0)
			g_ptr_array_remove_index (s->retired, i);
		else
			i++;
	}
	return G_SOURCE_CONTINUE;
}

/* Point *SLOT at ADDRESS with SET: the same address keeps its socket and sessions; a new one
 * is opened before the old one stops, so a bad address leaves the old listener running. */
static void
move_listener (Serve *s, PdListener **slot, gboolean lmtp, const char *address,
               PdSettings *set)
{
	g_autoptr (GError) error = NULL;
	PdListener *fresh = NULL;

	if (*slot != NULL && g_strcmp0 (pd_listener_address (*slot), address) == 0) {
		pd_listener_set_settings (*slot, set);
		return;
	}
	if (address != NULL && (fresh = pd_listener_new (set, s->ingest, lmtp, address, &error)) == NULL) {
		pd_log_error ("reload: %s; the %s listener stays as it was", error->message,
		              lmtp ? "LMTP" : "SMTP");
		if (*slot != NULL)
			pd_listener_set_settings (*slot, set);
		return;
	}
	if (*slot != NULL) {
		pd_listener_stop (*slot);
		pd_listener_set_settings (*slot, set);
		g_ptr_array_add (s->retired, *slot);
	}
	*slot = fresh;
}

/* The HTTP listener follows [serve] http like the others: the new address is opened before
 * the old one closes, so one it cannot listen on leaves the running server as it was. The
 * old server is dropped at once; a request it was answering is cut (HTTP clients retry). */
static void
move_http (Serve *s, const char *address)
{
	g_autoptr (GError) error = NULL;
	PdHttpServer *fresh = NULL;

	if (s->http != NULL && g_strcmp0 (pd_http_server_address (s->http), address) == 0)
		return;
	if (address != NULL && (fresh = pd_http_server_new (s->app, address, &error)) == NULL) {
		pd_log_error ("reload: %s; the HTTP listener stays as it was", error->message);
		return;
	}
	if (s->http != NULL)
		pd_log_info ("http: no longer listening on %s", pd_http_server_address (s->http));
	pd_http_server_free (s->http);
	s->http = fresh;
}

/* ---- signals ---- */

static gboolean
on_stop_signal (gpointer data)
{
	Serve *s = data;

	if (!s->stopping)
		pd_log_info ("signal received: stopping");
	s->stopping = TRUE;
	g_main_loop_quit (s->loop);
	return G_SOURCE_CONTINUE;
}

static gboolean
on_hup (gpointer data)
{
	Serve *s = data;
	g_autoptr (GError) error = NULL;
	g_autoptr (PdSettings) fresh = pd_settings_load (s->app->home, &error);
	guint i;

	if (fresh == NULL) {
		pd_log_error ("reload: %s; keeping the old configuration", error->message);
		return G_SOURCE_CONTINUE;
	}
	if (s->stopping)
		return G_SOURCE_CONTINUE;
	/* from here on every batch, message and session command starts with the new object;
	 * the old one goes when the last unit of work that holds it ends */
	pd_settings_cell_set (s->settings, fresh);
	move_listener (s, &s->lmtp, TRUE, fresh->serve_lmtp, fresh);
	move_listener (s, &s->smtp, FALSE, fresh->serve_smtp, fresh);
	move_http (s, fresh->serve_http);
	for (i = 0; i < s->retired->len; i++)
		pd_listener_set_settings (s->retired->pdata[i], fresh);
	pd_imap_fetchers_update (s->fetchers, s->settings);
	if (s->sched)
		pd_sched_runner_wake (s->sched); /* a run now, with the new calendars and targets */
	pd_log_info ("configuration reloaded (%u queues, %u IMAP accounts)", fresh->queues->len,
	             fresh->imap->len);
	return G_SOURCE_CONTINUE;
}

/* ---- shutdown ---- */

/* Iterate the main context until nothing is in flight or the deadline passes. */
static void
drain (Serve *s, gint64 deadline)
{
	GMainContext *ctx = g_main_loop_get_context (s->loop);

	while ((sessions_active (s) > 0 || pd_ingest_in_flight (s->ingest) > 0) &&
	       g_get_monotonic_time () < deadline) {
		if (!g_main_context_iteration (ctx, FALSE))
			g_usleep (10 * 1000);
	}
}

static void
shut_down (Serve *s)
{
	if (s->lmtp)
		pd_listener_stop (s->lmtp);
	if (s->smtp)
		pd_listener_stop (s->smtp);
	stop_fetchers (s);
	drain (s, g_get_monotonic_time () + DRAIN_SECONDS * G_USEC_PER_SEC);
	if (sessions_active (s) > 0)
		pd_log_warn ("%u sessions still open after %d s: closing them", sessions_active (s),
		             DRAIN_SECONDS);
	/* frees wait for commits in flight to be answered */
	g_clear_pointer (&s->lmtp, pd_listener_free);
	g_clear_pointer (&s->smtp, pd_listener_free);
	g_ptr_array_set_size (s->retired, 0);
	drain (s, G_MAXINT64);
}

gboolean
pd_cmd_serve (int argc, char **argv, GError **error)
{
	g_autoptr (PdApp) app = NULL;
	g_autoptr (GMainLoop) loop = NULL;
	Serve s = { 0 };
	guint sig_term, sig_int, sig_hup, reaper;
	gboolean ok;

	if (!pd_cli_parse (&argc, &argv, "",
	                   "Run the gateway: LMTP/SMTP listeners ([serve] lmtp, smtp), IMAP fetchers,\n"
	                   "processing, and the outbox every [serve] send_interval seconds.\n"
	                   "SIGTERM/SIGINT: finish what is in flight and exit; SIGHUP: reload the config.",
	                   NULL, error) ||
	    (app = pd_app_open (PD_APP_STORE, error)) == NULL)
		return FALSE;
	loop = g_main_loop_new (NULL, FALSE);
	s.app = app;
	s.loop = loop;
	s.retired = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_listener_free);
	s.settings = pd_settings_cell_new (app->settings);
	/* a peer gone while a fetcher or the sender writes must not kill the daemon */
	signal (SIGPIPE, SIG_IGN);
	pd_log_info ("serving %s (relay %s, every %d s)", app->home,
	             app->settings->relay ? app->settings->relay : "none: mail stays queued",
	             app->settings->send_interval);
	s.ingest = pd_ingest_new (s.settings, error);
	if (s.ingest == NULL) {
		g_ptr_array_unref (s.retired);
		pd_settings_cell_free (s.settings);
		return FALSE;
	}
	pd_session_set_accept (accept_list_address, app); /* lists (issue 12) */
	s.wake = pd_wake_new (app->home, s.ingest); /* issue 10, lean */
	s.handover = pd_handover_new (app->home, s.ingest, s.settings); /* issue 10, share */
	ok = start_listeners (&s, error) && start_fetchers (&s, error) &&
	     (app->settings->serve_http == NULL ||
	      (s.http = pd_http_server_new (app, app->settings->serve_http, error)) != NULL);
	sig_term = g_unix_signal_add (SIGTERM, on_stop_signal, &s);
	sig_int = g_unix_signal_add (SIGINT, on_stop_signal, &s);
	sig_hup = g_unix_signal_add (SIGHUP, on_hup, &s);
	reaper = g_timeout_add_seconds (1, reap_retired, &s);
	if (ok) {
		s.sched = pd_sched_runner_new (s.settings);
		/* lists4 (issue 12): the sender thread starts once serve holds the part */
		s.part = pd_campaign_holder_new (app->settings, s.settings, "serve", FALSE, TRUE,
		                                 campaigns_held, &s);
		g_main_loop_run (loop);
	}
	/* from here on a postdesk-deliver finds no serve and processes its mail itself */
	g_clear_pointer (&s.handover, pd_handover_free); /* issue 10, share */
	g_clear_pointer (&s.wake, pd_wake_free);
	g_clear_pointer (&s.sched, pd_sched_runner_free);
	g_clear_pointer (&s.part, pd_campaign_holder_free); /* stops the sender, gives it back */
	g_clear_pointer (&s.http, pd_http_server_free);
	shut_down (&s);
	pd_session_set_accept (NULL, NULL); /* lists (issue 12) */
	g_source_remove (reaper);
	pd_ingest_free (s.ingest);
	/* a second SIGTERM from now on must not turn this clean exit into a kill */
	signal (SIGTERM, SIG_IGN);
	signal (SIGINT, SIG_IGN);
	g_source_remove (sig_term);
	g_source_remove (sig_int);
	g_source_remove (sig_hup);
	g_ptr_array_unref (s.retired);
	/* every thread that read the cell has been joined */
	pd_settings_cell_free (s.settings);
	if (ok)
		pd_log_info ("stopped");
	if (s.error) {
		g_propagate_error (error, s.error);
		return FALSE;
	}
	return ok;
}
