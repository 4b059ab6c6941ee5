/* announce.c - `postdesk announce create|start|pause|resume|cancel|set|status|list`. The
 * sending is `serve`'s (or `send`'s); these commands only change the campaign's row, so they
 * need no network library. `status` and `list`, which only read, are announce-status.c's. */
#include "cmd/announce.h"

#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "cmd/announce-private.h"
#include "cmd/cli.h"
#include "core/clock.h"
#include "core/error.h"
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

static const PdCommand commands[] = {
	{ "create", announce_create, "make a draft campaign to a list; prints its id" },
	{ "start", announce_start, "start a draft (serve sends it)" },
	{ "pause", announce_pause, "pause a running campaign" },
	{ "resume", announce_resume, "resume a paused campaign" },
	{ "cancel", announce_cancel, "cancel a campaign" },
	{ "set", announce_set, "change a campaign's rate, per-domain rate or connections" },
	{ "status", pd_cmd_announce_status, "a campaign's progress (--json, --follow)" },
	{ "list", pd_cmd_announce_list, "list the campaigns" },
	{ NULL, NULL, NULL },
};

gboolean
pd_cmd_announce (int argc, char **argv, GError **error)
{
	return pd_cli_dispatch ("announce", commands, argc, argv, error);
}
