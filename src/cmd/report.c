/* report.c - `postdesk report NAME [--since --until --queue --format --mail]`: one of the
 * reports in the table below over a window (default: the 30 days before now), printed as
 * text, CSV, JSON or HTML, or queued by mail (HTML with a text alternative). The reports
 * themselves live in src/report/; a new one is a PdReportBuild function and one line here. */
#include <stdio.h>

#include "app/app.h"
#include "cmd/cli.h"
#include "core/clock.h"
#include "core/error.h"
#include "cmd/report-kb.h"
#include "report/report.h"

typedef struct {
	const char *name;
	PdReportBuild build;
	const char *summary;
} ReportEntry;

/* The sub-reports: each fills a PdReport with sections (report/report.h); `kb` lives in
 * src/cmd/report-kb.c beside `postdesk kb report`. */
static const ReportEntry reports[] = {
	{ "sla", pd_report_sla, "SLA attainment per queue and priority; first response and cycle time, same-day resolution" },
	{ "volume", pd_report_volume, "tickets, customer mails, answers and resolutions per day" },
	{ "agents", pd_report_agents, "agent load: open tickets per agent, answers, resolutions" },
	{ "bounces", pd_report_bounces, "automatic mail that got no answer, acknowledgements refused, failures" },
	{ "usage", pd_report_usage, "how agents work by mail (answers, commands, errors), the knowledge base" },
	{ "kb", pd_report_kb, "the knowledge base: most requested articles, answer rates, questions nothing answered" },
	{ NULL, NULL, NULL },
};

#define DEFAULT_DAYS 30

/* --since/--until: a day (YYYY-MM-DD, 00:00 UTC), ISO 8601 or Unix seconds. */
static gboolean
parse_time (const char *opt, const char *text, gint64 *at_r, GError **error)
{
	g_autofree char *full = NULL;

	if (strlen (text) == 10 && text[4] == '-' && text[7] == '-')
		full = g_strconcat (text, "T00:00:00Z", NULL);
	if (!pd_clock_parse (full ? full : text, at_r)) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE,
		             "%s: want YYYY-MM-DD, ISO 8601 or Unix seconds, got %s", opt, text);
		return FALSE;
	}
	return TRUE;
}

static gboolean
run_report (const ReportEntry *e, int argc, char **argv, GError **error)
{
	g_autofree char *since = NULL, *until = NULL, *queue = NULL, *format = NULL, *mail = NULL;
	g_autoptr (PdApp) app = NULL;
	g_autoptr (PdReport) report = NULL;
	g_autofree char *out = NULL;
	PdReportQuery q = { 0 };
	PdReportFormat fmt = PD_REPORT_FORMAT_TEXT;
	const GOptionEntry entries[] = {
		{ "since", 0, 0, G_OPTION_ARG_STRING, &since, "start of the window (default: 30 days before --until)", "DATE" },
		{ "until", 0, 0, G_OPTION_ARG_STRING, &until, "end of the window, exclusive (default: now)", "DATE" },
		{ "queue", 0, 0, G_OPTION_ARG_STRING, &queue, "only this queue", "NAME" },
		{ "format", 0, 0, G_OPTION_ARG_STRING, &format, "text (default), csv, json or html", "FORMAT" },
		{ "mail", 0, 0, G_OPTION_ARG_STRING, &mail, "queue the report (HTML and text) by mail to ADDR", "ADDR" },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "", e->summary, entries, error))
		return FALSE;
	if (argc > 1) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "unexpected argument %s", argv[1]);
		return FALSE;
	}
	if (format != NULL && !pd_report_format_from_name (format, &fmt)) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "--format: text, csv, json or html, not %s",
		             format);
		return FALSE;
	}
	q.now = pd_now ();
	q.until = q.now;
	if (until != NULL && !parse_time ("--until", until, &q.until, error))
		return FALSE;
	q.since = q.until - DEFAULT_DAYS * 86400;
	if (since != NULL && !parse_time ("--since", since, &q.since, error))
		return FALSE;
	if (q.since >= q.until) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "--since must be before --until");
		return FALSE;
	}
	if ((app = pd_app_open (PD_APP_STORE, error)) == NULL)
		return FALSE;
	if (queue != NULL && pd_settings_queue (app->settings, queue) == NULL) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "--queue: no queue %s", queue);
		return FALSE;
	}
	q.queue = queue;
	report = pd_report_new (e->name, &q);
	if (!e->build (app, &q, report, error))
		return FALSE;
	if (mail != NULL) {
		gint64 id = 0;

		if (!pd_report_mail (app, report, mail, q.now, &id, error))
			return FALSE;
		printf ("report %s queued for %s (outbox %" G_GINT64_FORMAT ")\n", e->name, mail, id);
		return TRUE;
	}
	out = pd_report_render (report, fmt);
	fputs (out, stdout);
	if (fmt == PD_REPORT_FORMAT_JSON)
		fputc ('\n', stdout);
	return TRUE;
}

gboolean
pd_cmd_report (int argc, char **argv, GError **error)
{
	GString *names = g_string_new (NULL);
	guint i;

	for (i = 0; reports[i].name; i++) {
		if (argc >= 2 && g_str_equal (argv[1], reports[i].name)) {
			g_autofree char *path = g_strdup_printf ("postdesk report %s", reports[i].name);
			char *saved = argv[1];
			gboolean ok;

			g_string_free (names, TRUE);
			argv[1] = path;
			ok = run_report (&reports[i], argc - 1, argv + 1, error);
			argv[1] = saved;
			return ok;
		}
		g_string_append_printf (names, "  %-10s %s\n", reports[i].name, reports[i].summary);
	}
	if (argc >= 2 && (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))) {
		printf ("Usage: postdesk report NAME [--since DATE] [--until DATE] [--queue NAME]\n"
		        "                           [--format text|csv|json|html] [--mail ADDR]\n\n"
		        "Reports:\n%s",
		        names->str);
		g_string_free (names, TRUE);
		return TRUE;
	}
	g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "report %s: unknown report; one of:\n%s",
	             argc >= 2 ? argv[1] : "(none)", names->str);
	g_string_free (names, TRUE);
	return FALSE;
}
