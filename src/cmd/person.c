/* person.c - personal data (issue 13): `postdesk person export ADDRESS [--format json]` prints
 * everything held about one address (a subject-access request); `postdesk person erase
 * ADDRESS [--dry-run]` removes or pseudonymises it everywhere, attachment files only it
 * referenced included, keeps only a hash of it so it is never mailed again, and records the
 * erasure as an event with counts, never the address or the content. */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "cmd/cli.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/json.h"
#include "core/strutil.h"
#include "sched/purge.h"

static char *
address_arg (int argc, char **argv, const char *what, GError **error)
{
	char *a;

	if (argc < 2 || strchr (argv[1], '@') == NULL) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "person %s: give one mail address", what);
		return NULL;
	}
	a = pd_ascii_lower (g_strstrip (g_strdup (argv[1])));
	return a;
}

static gboolean
person_export (int argc, char **argv, GError **error)
{
	g_autofree char *format = NULL, *address = NULL, *text = NULL;
	g_autoptr (PdApp) app = NULL;
	const GOptionEntry entries[] = {
		{ "format", 0, 0, G_OPTION_ARG_STRING, &format, "json (the only format, and the default)", "FORMAT" },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "ADDRESS",
	                   "Print everything held about ADDRESS as one JSON object: tickets it opened or "
	                   "takes part in, messages, attachments' names, events it caused, intake rows "
	                   "from or to it, mail to it, bounce counts, agent entry, subscriptions, their "
	                   "consent ledger and list bounces.",
	                   entries, error) ||
	    (address = address_arg (argc, argv, "export", error)) == NULL)
		return FALSE;
	if (format != NULL && strcmp (format, "json") != 0) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "person export: --format json is the one format");
		return FALSE;
	}
	if ((app = pd_app_open (PD_APP_STORE, error)) == NULL ||
	    (text = pd_store_person_export (app->store, address, error)) == NULL)
		return FALSE;
	pd_cli_print_json (g_steal_pointer (&text));
	return TRUE;
}

static gboolean
person_erase (int argc, char **argv, GError **error)
{
	gboolean dry_run = FALSE, json = FALSE;
	g_autofree char *address = NULL, *text = NULL, *detail = NULL;
	g_autoptr (PdApp) app = NULL;
	PdPurgeCounts c = { 0 };
	gint64 now = pd_now (), changed = 0;
	guint files = 0;
	gboolean ok = FALSE;
	const GOptionEntry entries[] = {
		{ "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run, "count what would go; change nothing", NULL },
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "the counts as a JSON object", NULL },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "ADDRESS",
	                   "Erase ADDRESS: the tickets it opened, its mail and raw bytes, mail to it or "
	                   "naming it, attachment files only it referenced, its bounce counts and agent "
	                   "entry go; subscriber rows stay pseudonymised and unsubscribed (the consent "
	                   "ledger is append-only); text naming it elsewhere is scrubbed; a hash of it "
	                   "is kept so it is never mailed again.",
	                   entries, error) ||
	    (address = address_arg (argc, argv, "erase", error)) == NULL ||
	    (app = pd_app_open (PD_APP_STORE, error)) == NULL ||
	    !pd_store_secure_delete (app->store, error) || !pd_store_begin (app->store, error))
		return FALSE;
	if (!pd_store_person_erase (app->store, address, now, &c, &changed, error))
		goto out;
	text = pd_purge_counts_text (&c);
	if (dry_run) {
		pd_store_rollback (app->store);
		files = c.blobs ? c.blobs->len : 0;
	} else {
		detail = g_strdup_printf ("an address erased on request: %s, %" G_GINT64_FORMAT
		                          " rows pseudonymised", text, changed);
		if (!pd_store_event_add (app->store, 0, now, "postdesk", "erase", detail, 0, error) ||
		    !pd_store_commit (app->store, error))
			goto out;
		if (!pd_purge_files (app, c.blobs, FALSE, &files, error) ||
		    !pd_store_checkpoint_truncate (app->store, error))
			goto out;
	}
	if (json) {
		PdJson *j = pd_json_new ();

		pd_json_object_begin (j);
		pd_json_key (j, "dry_run");
		pd_json_bool (j, dry_run);
		pd_json_member_int (j, "tickets", c.tickets);
		pd_json_member_int (j, "messages", c.messages);
		pd_json_member_int (j, "attachments", c.attachments);
		pd_json_member_int (j, "files", files);
		pd_json_member_int (j, "intake", c.intake);
		pd_json_member_int (j, "raw_dropped", c.raw_dropped);
		pd_json_member_int (j, "bodies", c.bodies);
		pd_json_member_int (j, "outbox", c.outbox);
		pd_json_member_int (j, "list_bounces", c.list_bounces);
		pd_json_member_int (j, "pseudonymised", changed);
		pd_json_object_end (j);
		pd_cli_print_json (pd_json_free_to_string (j));
	} else
		printf ("%s%s; %" G_GINT64_FORMAT " rows pseudonymised or scrubbed; %u attachment files\n",
		        dry_run ? "would erase: " : "erased: ", text, changed, files);
	ok = TRUE;
out:
	if (!ok && !dry_run)
		pd_store_rollback (app->store);
	pd_purge_counts_clear (&c);
	return ok;
}

static const PdCommand person_commands[] = {
	{ "export", person_export, "everything held about one address, as JSON" },
	{ "erase", person_erase, "remove or pseudonymise one address everywhere" },
	{ NULL, NULL, NULL },
};

gboolean
pd_cmd_person (int argc, char **argv, GError **error)
{
	return pd_cli_dispatch ("person", person_commands, argc, argv, error);
}
