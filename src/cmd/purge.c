/* purge.c - `postdesk purge [--dry-run] [--vacuum] [--json]`: apply the [retention] policies
 * now (the scheduler in serve and `tick` apply them too, at most once per purge_interval);
 * --vacuum then compacts the database so the file shrinks. */
#include <stdio.h>

#include "app/app.h"
#include "cmd/cli.h"
#include "core/clock.h"
#include "core/json.h"
#include "core/settings-retention.h"
#include "sched/purge.h"

static void
json_counts (PdJson *j, const PdPurgeCounts *c)
{
	pd_json_member_int (j, "tickets", c->tickets);
	pd_json_member_int (j, "messages", c->messages);
	pd_json_member_int (j, "attachments", c->attachments);
	pd_json_member_int (j, "attachment_files", c->blobs ? c->blobs->len : 0);
	pd_json_member_int (j, "events", c->events);
	pd_json_member_int (j, "intake", c->intake);
	pd_json_member_int (j, "raw_dropped", c->raw_dropped);
	pd_json_member_int (j, "bodies", c->bodies);
	pd_json_member_int (j, "outbox", c->outbox);
	pd_json_member_int (j, "list_bounces", c->list_bounces);
}

gboolean
pd_cmd_purge (int argc, char **argv, GError **error)
{
	gboolean dry_run = FALSE, json = FALSE, vacuum = FALSE, ok;
	gint64 before = 0, after = 0;
	g_autoptr (PdApp) app = NULL;
	PdPurgeReport report = { 0 };
	guint k;
	const GOptionEntry entries[] = {
		{ "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run, "count what would go; change nothing", NULL },
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "the counts as a JSON object", NULL },
		{ "vacuum", 0, 0, G_OPTION_ARG_NONE, &vacuum,
		  "then compact the database so the file shrinks (holds the write lock meanwhile)", NULL },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "",
	                   "Remove what the [retention] policies keep no longer: closed tickets, bounces, "
	                   "autoreplies, quarantined mail, raw bytes of processed mail, sent mail and list "
	                   "bounces past their age, and attachment files nothing references any more. "
	                   "Each purge is recorded as an event (what, how many), never the content.",
	                   entries, error) ||
	    (app = pd_app_open (PD_APP_STORE, error)) == NULL)
		return FALSE;
	ok = pd_purge_run (app, pd_now (), dry_run, &report, error);
	if (ok && vacuum && !dry_run)
		ok = pd_purge_vacuum (app, pd_now (), &before, &after, error);
	if (ok && json) {
		PdJson *j = pd_json_new ();

		pd_json_object_begin (j);
		pd_json_key (j, "dry_run");
		pd_json_bool (j, dry_run);
		pd_json_member_int (j, "files", report.files);
		if (vacuum && !dry_run) {
			pd_json_key (j, "vacuum");
			pd_json_object_begin (j);
			pd_json_member_int (j, "bytes_before", before);
			pd_json_member_int (j, "bytes_after", after);
			pd_json_object_end (j);
		}
		pd_json_key (j, "kinds");
		pd_json_object_begin (j);
		for (k = 0; k < PD_PURGE_KINDS; k++) {
			if (report.policy[k] <= 0)
				continue;
			pd_json_key (j, pd_purge_kind_name (k));
			pd_json_object_begin (j);
			pd_json_member_int (j, "policy_seconds", report.policy[k]);
			json_counts (j, &report.counts[k]);
			pd_json_object_end (j);
		}
		pd_json_object_end (j);
		pd_json_object_end (j);
		pd_cli_print_json (pd_json_free_to_string (j));
	} else if (ok) {
		for (k = 0; k < PD_PURGE_KINDS; k++) {
			g_autofree char *text = NULL;

			if (report.policy[k] <= 0) {
				printf ("%-15s kept for ever\n", pd_purge_kind_name (k));
				continue;
			}
			g_autofree char *age = pd_retention_text (report.policy[k]);

			text = pd_purge_counts_text (&report.counts[k]);
			printf ("%-15s older than %s: %s%s\n", pd_purge_kind_name (k), age,
			        dry_run ? "would remove " : "", text);
		}
		printf ("attachment files %s: %u\n", dry_run ? "to remove" : "removed", report.files);
		if (vacuum && !dry_run)
			printf ("database compacted: %" G_GINT64_FORMAT " bytes before, %" G_GINT64_FORMAT
			        " after\n", before, after);
	}
	pd_purge_report_clear (&report);
	return ok;
}
