/* quarantine.c - `postdesk quarantine list|show N|retry N`: mail that could not be
 * processed, kept with its reason. retry runs it through intake again (after a fix or a
 * raised limit). */
#include <stdio.h>
#include <unistd.h>

#include "app/app.h"
#include "cmd/cli.h"
#include "core/error.h"
#include "intake/intake.h"
#include "core/json.h"

static void
row_json (PdJson *j, const PdIntakeRow *r)
{
	pd_json_object_begin (j);
	pd_json_member_int (j, "id", r->id);
	pd_json_member_int (j, "received_at", r->received_at);
	pd_json_member_string (j, "source", r->source);
	pd_json_member_string (j, "envelope_from", r->envelope_from);
	pd_json_member_string (j, "envelope_rcpt", r->envelope_rcpt);
	pd_json_member_int (j, "size", r->size);
	pd_json_member_string (j, "state", r->state);
	pd_json_member_string (j, "reason", r->reason);
	pd_json_member_string (j, "sha256", r->sha256);
	pd_json_object_end (j);
}

static gboolean
quarantine_list (int argc, char **argv, GError **error)
{
	gboolean json = FALSE;
	g_autoptr (PdApp) app = NULL;
	g_autoptr (GPtrArray) rows = NULL;
	guint i;
	const GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "a JSON array", NULL },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "", "List quarantined mail with the reasons.", entries,
	                   error) ||
	    (app = pd_app_open (PD_APP_STORE, error)) == NULL ||
	    (rows = pd_store_intake_list (app->store, "quarantined", error)) == NULL)
		return FALSE;
	if (json) {
		PdJson *j = pd_json_new ();

		pd_json_array_begin (j);
		for (i = 0; i < rows->len; i++)
			row_json (j, rows->pdata[i]);
		pd_json_array_end (j);
		pd_cli_print_json (pd_json_free_to_string (j));
		return TRUE;
	}
	for (i = 0; i < rows->len; i++) {
		const PdIntakeRow *r = rows->pdata[i];

		printf ("%6" G_GINT64_FORMAT "  %8" G_GINT64_FORMAT " bytes  %-8s %s\n", r->id, r->size,
		        r->source, r->reason ? r->reason : "");
	}
	return TRUE;
}

static gboolean
quarantine_show (int argc, char **argv, GError **error)
{
	gboolean json = FALSE, raw = FALSE;
	g_autoptr (PdApp) app = NULL;
	g_autoptr (PdIntakeRow) r = NULL;
	gint64 id;
	const GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "a JSON object", NULL },
		{ "raw", 0, 0, G_OPTION_ARG_NONE, &raw, "write the message bytes to stdout", NULL },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "N", "Show quarantined mail N.", entries, error) ||
	    !pd_cli_id (argc > 1 ? argv[1] : NULL, &id, error) ||
	    (app = pd_app_open (PD_APP_STORE, error)) == NULL ||
	    (r = pd_store_intake_get (app->store, id, TRUE, error)) == NULL)
		return FALSE;
	if (raw) {
		gsize len;
		const char *data = g_bytes_get_data (r->raw, &len);

		return fwrite (data, 1, len, stdout) == len || len == 0;
	}
	if (json) {
		PdJson *j = pd_json_new ();
		row_json (j, r);
		pd_cli_print_json (pd_json_free_to_string (j));
		return TRUE;
	}
	printf ("intake %" G_GINT64_FORMAT "\nstate: %s\nreason: %s\nsource: %s\nsize: %" G_GINT64_FORMAT
	        "\nsha256: %s\nenvelope: %s -> %s\n",
	        r->id, r->state, r->reason ? r->reason : "-", r->source, r->size, r->sha256,
	        r->envelope_from ? r->envelope_from : "-", r->envelope_rcpt ? r->envelope_rcpt : "-");
	return TRUE;
}

/* Put row ID back to pending and settle it: it ends processed, or back in quarantine with
 * the new reason (then the command fails and says so). A failure a retry may fix puts it
 * back in quarantine too, so nothing is left pending without a word. */
static gboolean
quarantine_retry (int argc, char **argv, GError **error)
{
	g_autoptr (PdApp) app = NULL;
	g_autoptr (PdIntakeRow) r = NULL;
	g_autoptr (GError) local = NULL;
	PdOutcome out = { 0 };
	gint64 id;
	gboolean ok;

	if (!pd_cli_parse (&argc, &argv, "N", "Process quarantined mail N again.", NULL, error) ||
	    !pd_cli_id (argc > 1 ? argv[1] : NULL, &id, error) ||
	    (app = pd_app_open (PD_APP_STORE, error)) == NULL ||
	    (r = pd_store_intake_get (app->store, id, FALSE, error)) == NULL)
		return FALSE;
	if (g_strcmp0 (r->state, "quarantined") != 0) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "intake %" G_GINT64_FORMAT " is %s, not quarantined",
		             id, r->state);
		return FALSE;
	}
	if (!pd_store_begin (app->store, error))
		return FALSE;
	if (!pd_store_intake_finish (app->store, id, "pending", NULL, NULL, 0, error)) {
		pd_store_rollback (app->store);
		return FALSE;
	}
	if (!pd_store_commit (app->store, error))
		return FALSE;
	ok = pd_intake_settle (app, id, &out, &local);
	if (!ok) {
		/* a retry may succeed later, but this one did not: back where it was, with the reason */
		g_autofree char *reason = g_strdup_printf ("retry failed: %s", local->message);

		pd_outcome_clear (&out);
		if (!pd_intake_quarantine (app, id, reason, error)) {
			g_prefix_error (error, "intake %" G_GINT64_FORMAT " left pending (%s), and putting it"
			                " back in quarantine failed: ", id, local->message);
			return FALSE;
		}
		g_set_error (error, local->domain, local->code,
		             "intake %" G_GINT64_FORMAT " is back in quarantine: %s", id, reason);
		return FALSE;
	}
	if (g_strcmp0 (out.action, "quarantined") == 0) {
		g_set_error (error, PD_ERROR, PD_ERROR_DATA,
		             "intake %" G_GINT64_FORMAT " is back in quarantine: %s", id,
		             out.note ? out.note : "no reason given");
		pd_outcome_clear (&out);
		return FALSE;
	}
	printf ("intake %" G_GINT64_FORMAT ": processed: %s%s%s\n", id, out.action,
	        out.note ? ": " : "", out.note ? out.note : "");
	pd_outcome_clear (&out);
	return TRUE;
}

static const PdCommand quarantine_commands[] = {
	{ "list", quarantine_list, "list quarantined mail" },
	{ "show", quarantine_show, "show one quarantined mail (--raw: its bytes)" },
	{ "retry", quarantine_retry, "process a quarantined mail again" },
	{ NULL, NULL, NULL },
};

gboolean
pd_cmd_quarantine (int argc, char **argv, GError **error)
{
	return pd_cli_dispatch ("quarantine", quarantine_commands, argc, argv, error);
}
