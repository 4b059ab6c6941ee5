/* announce.c - `postdesk announce create|start|pause|resume|cancel|set|status|list`. The
 * sending is `serve`'s (or `send`'s); these commands only change the campaign's row, so they
 * need no network library. */
#include "cmd/announce.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "cmd/cli.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/json.h"
#include "core/settings-campaign.h"
#include "lists/campaign.h"

/* "5", "5/s", "300/m", "300/min", "1000/h" as messages per second; -1 when it is not one.
 * PER is the unit a bare number is in (1: per second, 60: per minute). */
static double
parse_rate (const char *text, double per)
{
	char *end;
	double n = g_ascii_strtod (text, &end);

	if (end == text || n < 0)
		return -1;
	if (*end == '/') {
		end++;
		if (!strcmp (end, "s") || !strcmp (end, "sec"))
			per = 1;
		else if (!strcmp (end, "m") || !strcmp (end, "min"))
			per = 60;
		else if (!strcmp (end, "h"))
			per = 3600;
		else
			return -1;
	} else if (*end != '\0')
		return -1;
	return n / per;
}

/* "+10m", a Unix time, or an ISO 8601 time ("2026-12-01T09:00:00Z"). */
static gboolean
parse_time (const char *text, gint64 *at_r, GError **error)
{
	g_autoptr (GDateTime) dt = NULL;
	gint64 d;
	char *end;

	if (text[0] == '+' && (d = pd_campaign_parse_duration (text + 1)) >= 0) {
		*at_r = pd_now () + d;
		return TRUE;
	}
	d = g_ascii_strtoll (text, &end, 10);
	if (end != text && *end == '\0' && d > 0) {
		*at_r = d;
		return TRUE;
	}
	if ((dt = g_date_time_new_from_iso8601 (text, g_time_zone_new_local ())) != NULL) {
		*at_r = g_date_time_to_unix (dt);
		return TRUE;
	}
	g_set_error (error, PD_ERROR, PD_ERROR_USAGE,
	             "--at %s: want +DURATION (+10m), a Unix time or an ISO 8601 time", text);
	return FALSE;
}

/* --rate and --per-domain into the values the store keeps. */
static gboolean
parse_pace (const char *rate, const char *per_domain, double *rate_r, gint64 *per_domain_r,
            GError **error)
{
	if (rate != NULL && (*rate_r = parse_rate (rate, 1)) < 0) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "--rate %s: want N/s (or N/m, N/h)", rate);
		return FALSE;
	}
	if (per_domain != NULL) {
		double v = parse_rate (per_domain, 60);

		if (v < 0) {
			g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "--per-domain %s: want N/min",
			             per_domain);
			return FALSE;
		}
		*per_domain_r = (gint64) (v * 60 + 0.5);
	}
	return TRUE;
}

static gboolean
announce_create (int argc, char **argv, GError **error)
{
	g_autofree char *list = NULL, *subject = NULL, *template = NULL, *body_file = NULL;
	g_autofree char *at = NULL, *rate = NULL, *per_domain = NULL, *stages = NULL, *body = NULL;
	int connections = 0;
	g_autoptr (PdApp) app = NULL;
	PdCampaignSpec spec = { 0 };
	gint64 id;
	const GOptionEntry entries[] = {
		{ "list", 0, 0, G_OPTION_ARG_STRING, &list, "the list's name", "L" },
		{ "subject", 0, 0, G_OPTION_ARG_STRING, &subject, "the subject ({{name}} etc. allowed)", "S" },
		{ "template", 0, 0, G_OPTION_ARG_STRING, &template,
		  "the text from templates/LOCALE/announce-T.txt", "T" },
		{ "body", 0, 0, G_OPTION_ARG_FILENAME, &body_file,
		  "the text from FILE (UTF-8; {{name}}, {{prefs_url}}, {{unsubscribe_url}}...)", "FILE" },
		{ "at", 0, 0, G_OPTION_ARG_STRING, &at, "start no earlier than TIME (+10m, ISO 8601)", "TIME" },
		{ "rate", 0, 0, G_OPTION_ARG_STRING, &rate, "messages per second of this campaign", "N/s" },
		{ "per-domain", 0, 0, G_OPTION_ARG_STRING, &per_domain,
		  "messages per minute to one recipient domain", "N/min" },
		{ "connections", 0, 0, G_OPTION_ARG_INT, &connections, "relay connections", "N" },
		{ "stages", 0, 0, G_OPTION_ARG_STRING, &stages,
		  "release in stages by share of the list, e.g. 1%,10%,100%", "LIST" },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "",
	                   "Make a draft campaign to a list's active subscribers and print its id.",
	                   entries, error))
		return FALSE;
	if (list == NULL || subject == NULL || (template != NULL && body_file != NULL)) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE,
		             "want --list L --subject S and --template T or --body FILE (not both)");
		return FALSE;
	}
	if (connections < 0 || connections > 64) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "--connections: want 1 to 64");
		return FALSE;
	}
	if (body_file != NULL) {
		if (!g_file_get_contents (body_file, &body, NULL, error))
			return FALSE;
		if (!g_utf8_validate (body, -1, NULL)) {
			g_set_error (error, PD_ERROR, PD_ERROR_DATA, "%s is not UTF-8 text", body_file);
			return FALSE;
		}
	}
	spec.list = list;
	spec.subject = subject;
	spec.template = template;
	spec.body = body;
	spec.connections = connections;
	spec.stages = stages;
	spec.created_by = g_get_user_name ();
	if ((at != NULL && !parse_time (at, &spec.start_at, error)) ||
	    !parse_pace (rate, per_domain, &spec.rate, &spec.per_domain, error) ||
	    (app = pd_app_open (PD_APP_STORE, error)) == NULL ||
	    !pd_campaign_create (app, &spec, &id, error))
		return FALSE;
	printf ("%" G_GINT64_FORMAT "\n", id);
	return TRUE;
}

typedef gboolean (*MoveFunc) (PdApp *app, gint64 id, GError **error);

static gboolean
announce_move (int argc, char **argv, const char *summary, MoveFunc fn, GError **error)
{
	g_autoptr (PdApp) app = NULL;
	gint64 id;

	if (!pd_cli_parse (&argc, &argv, "ID", summary, NULL, error))
		return FALSE;
	if (argc != 2) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "want one campaign ID");
		return FALSE;
	}
	return pd_cli_id (argv[1], &id, error) && (app = pd_app_open (PD_APP_STORE, error)) != NULL &&
	       fn (app, id, error);
}

static gboolean
announce_start (int argc, char **argv, GError **error)
{
	return announce_move (argc, argv,
	                      "Start a draft campaign (scheduled when its --at time is to come); "
	                      "`postdesk serve` sends it.", pd_campaign_start, error);
}

static gboolean
announce_pause (int argc, char **argv, GError **error)
{
	return announce_move (argc, argv, "Pause a running campaign: nothing new goes out.",
	                      pd_campaign_pause, error);
}

static gboolean
announce_resume (int argc, char **argv, GError **error)
{
	return announce_move (argc, argv,
	                      "Resume a paused campaign (after a pause for bounces or complaints: "
	                      "release the next stage).", pd_campaign_resume, error);
}

static gboolean
announce_cancel (int argc, char **argv, GError **error)
{
	return announce_move (argc, argv, "Cancel a campaign for good; what went out stays sent.",
	                      pd_campaign_cancel, error);
}

static gboolean
announce_set (int argc, char **argv, GError **error)
{
	g_autofree char *rate = NULL, *per_domain = NULL;
	int connections = -1;
	g_autoptr (PdApp) app = NULL;
	g_autoptr (PdCampaignRow) c = NULL;
	double r = -1;
	gint64 pd = -1, id;
	const GOptionEntry entries[] = {
		{ "rate", 0, 0, G_OPTION_ARG_STRING, &rate, "messages per second (0: the default)", "N/s" },
		{ "per-domain", 0, 0, G_OPTION_ARG_STRING, &per_domain,
		  "messages per minute to one domain (0: the default)", "N/min" },
		{ "connections", 0, 0, G_OPTION_ARG_INT, &connections, "relay connections (0: the default)", "N" },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "ID",
	                   "Change a campaign's pace, also while it runs (the sender reads it each "
	                   "second).", entries, error))
		return FALSE;
	if (argc != 2) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "want one campaign ID");
		return FALSE;
	}
	if (connections > 64) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "--connections: want 0 to 64");
		return FALSE;
	}
	return pd_cli_id (argv[1], &id, error) && parse_pace (rate, per_domain, &r, &pd, error) &&
	       (app = pd_app_open (PD_APP_STORE, error)) != NULL &&
	       (c = pd_store_campaign_get (app->store, id, error)) != NULL &&
	       pd_store_campaign_set_pace (app->store, id, r, pd, connections, error);
}

/* status --json: who sends campaigns now (lists4), null when nobody holds the part; a
 * campaign that does not move while running is often waiting for that holder's lease */
static void
json_sender (PdJson *j, const PdCampaignSenderRow *h)
{
	pd_json_key (j, "sender");
	if (h->host == NULL) {
		pd_json_null (j);
		return;
	}
	pd_json_object_begin (j);
	pd_json_member_string (j, "kind", h->kind);
	pd_json_member_string (j, "host", h->host);
	pd_json_member_int (j, "pid", h->pid);
	pd_json_member_int (j, "since", h->since);
	pd_json_member_int (j, "expires_at", h->expires_at);
	pd_json_object_end (j);
}

/* SENDER: the campaign sender's part (status --json), NULL to leave it out (list) */
static void
json_campaign (PdJson *j, const PdCampaignRow *c, const PdCampaignCounts *n,
               const PdCampaignSenderRow *sender)
{
	pd_json_object_begin (j);
	pd_json_member_int (j, "id", c->id);
	pd_json_member_string (j, "state", c->state);
	pd_json_member_int (j, "total", c->total);
	pd_json_member_int (j, "sent", n->sent);
	pd_json_member_int (j, "deferred", n->deferred);
	pd_json_member_int (j, "bounced", n->bounced);
	pd_json_member_int (j, "failed", n->failed);
	pd_json_member_int (j, "skipped", n->skipped);
	pd_json_member_int (j, "pending", n->pending);
	pd_json_member_int (j, "sending", n->sending);
	pd_json_member_string (j, "list", c->list_name);
	pd_json_member_string (j, "subject", c->subject);
	pd_json_member_string (j, "stages", c->stages);
	pd_json_member_int (j, "stage", c->stage + 1);
	pd_json_member_string (j, "paused_reason", c->paused_reason);
	pd_json_member_int (j, "created_at", c->created_at);
	pd_json_member_int (j, "start_at", c->start_at);
	pd_json_member_int (j, "started_at", c->started_at);
	pd_json_member_int (j, "finished_at", c->finished_at);
	if (sender != NULL)
		json_sender (j, sender);
	pd_json_object_end (j);
}

static gboolean
finished (const char *state)
{
	return !strcmp (state, "done") || !strcmp (state, "cancelled") || !strcmp (state, "paused") ||
	       !strcmp (state, "draft");
}

/* One progress line: a bar and the counts; RATE in messages/s. (transfer full) */
static char *
progress_line (const PdCampaignRow *c, const PdCampaignCounts *n, double rate, gboolean bar)
{
	gint64 done = n->sent + n->bounced + n->failed + n->skipped;
	gint64 remaining = MAX (c->total - done, 0);
	GString *s = g_string_new (NULL);
	int width = 30, fill = c->total > 0 ? (int) (width * done / c->total) : width;

	if (bar) {
		g_string_append_c (s, '[');
		for (int i = 0; i < width; i++)
			g_string_append_c (s, i < fill ? '#' : '.');
		g_string_append (s, "] ");
	}
	g_string_append_printf (s, "%s sent %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT ", deferred %"
	                        G_GINT64_FORMAT ", bounced %" G_GINT64_FORMAT ", remaining %"
	                        G_GINT64_FORMAT ", %.0f msg/s", c->state, n->sent, c->total,
	                        n->deferred, n->bounced, remaining, rate);
	if (rate > 0.5 && remaining > 0)
		g_string_append_printf (s, ", %" G_GINT64_FORMAT ":%02" G_GINT64_FORMAT " left",
		                        (gint64) (remaining / rate) / 60, (gint64) (remaining / rate) % 60);
	if (c->paused_reason)
		g_string_append_printf (s, " (%s)", c->paused_reason);
	return g_string_free (s, FALSE);
}

static gboolean
announce_status (int argc, char **argv, GError **error)
{
	gboolean json = FALSE, follow = FALSE;
	g_autoptr (PdApp) app = NULL;
	gint64 id, last_sent = -1;
	double last_t = 0, rate = 0;
	gboolean tty = isatty (STDOUT_FILENO);
	const GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "a JSON object", NULL },
		{ "follow", 0, 0, G_OPTION_ARG_NONE, &follow,
		  "keep watching until it is done, paused or cancelled (a progress bar on a terminal)",
		  NULL },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "ID", "Show a campaign's progress.", entries, error))
		return FALSE;
	if (argc != 2) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "want one campaign ID");
		return FALSE;
	}
	if (!pd_cli_id (argv[1], &id, error) || (app = pd_app_open (PD_APP_STORE, error)) == NULL)
		return FALSE;
	for (;;) {
		g_autoptr (PdCampaignRow) c = pd_store_campaign_get (app->store, id, error);
		PdCampaignCounts n;
		double t = g_get_monotonic_time () / 1e6;

		if (c == NULL || !pd_store_campaign_counts (app->store, id, &n, error))
			return FALSE;
		if (last_sent >= 0 && t > last_t)
			rate = 0.7 * rate + 0.3 * ((n.sent - last_sent) / (t - last_t));
		last_sent = n.sent;
		last_t = t;
		if (json || (follow && !tty)) {
			PdJson *j = pd_json_new ();
			PdCampaignSenderRow h;

			if (!pd_store_campaign_sender_get (app->store, &h, error)) {
				g_free (pd_json_free_to_string (j));
				return FALSE;
			}
			json_campaign (j, c, &n, &h);
			pd_campaign_sender_row_clear (&h);
			pd_cli_print_json (pd_json_free_to_string (j));
		} else if (follow) {
			g_autofree char *line = progress_line (c, &n, rate, TRUE);

			printf ("\r\033[K%s", line);
			fflush (stdout);
		} else {
			g_autofree char *line = progress_line (c, &n, rate, FALSE);

			printf ("campaign %" G_GINT64_FORMAT " to %s: \"%s\", stages %s (now %" G_GINT64_FORMAT
			        ")\n%s\n", c->id, c->list_name, c->subject, c->stages, c->stage + 1, line);
		}
		fflush (stdout);
		if (!follow || finished (c->state)) {
			if (follow && tty)
				printf ("\n");
			return TRUE;
		}
		g_usleep (G_USEC_PER_SEC);
	}
}

static gboolean
announce_list (int argc, char **argv, GError **error)
{
	gboolean json = FALSE;
	g_autoptr (PdApp) app = NULL;
	g_autoptr (GPtrArray) rows = NULL;
	PdJson *j = NULL;
	const GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "a JSON array", NULL },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "", "List the campaigns.", entries, error) ||
	    (app = pd_app_open (PD_APP_STORE, error)) == NULL ||
	    (rows = pd_store_campaign_list (app->store, NULL, error)) == NULL)
		return FALSE;
	if (json) {
		j = pd_json_new ();
		pd_json_array_begin (j);
	}
	for (guint i = 0; i < rows->len; i++) {
		const PdCampaignRow *c = rows->pdata[i];
		PdCampaignCounts n;

		if (!pd_store_campaign_counts (app->store, c->id, &n, error)) {
			if (j)
				g_free (pd_json_free_to_string (j));
			return FALSE;
		}
		if (json)
			json_campaign (j, c, &n, NULL);
		else
			printf ("%6" G_GINT64_FORMAT "  %-9s %-16s sent %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT
			        "  %s\n", c->id, c->state, c->list_name, n.sent, c->total, c->subject);
	}
	if (json) {
		pd_json_array_end (j);
		pd_cli_print_json (pd_json_free_to_string (j));
	}
	return TRUE;
}

static const PdCommand commands[] = {
	{ "create", announce_create, "make a draft campaign to a list; prints its id" },
	{ "start", announce_start, "start a draft (serve sends it)" },
	{ "pause", announce_pause, "pause a running campaign" },
	{ "resume", announce_resume, "resume a paused campaign" },
	{ "cancel", announce_cancel, "cancel a campaign" },
	{ "set", announce_set, "change a campaign's rate, per-domain rate or connections" },
	{ "status", announce_status, "a campaign's progress (--json, --follow)" },
	{ "list", announce_list, "list the campaigns" },
	{ NULL, NULL, NULL },
};

gboolean
pd_cmd_announce (int argc, char **argv, GError **error)
{
	return pd_cli_dispatch ("announce", commands, argc, argv, error);
}
