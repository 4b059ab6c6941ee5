/* kb-synonym.c - `postdesk kb synonym add|remove|list`: the search synonyms the team manages
 * (db/038), as a helpdesk's admin does: phrases that mean the same, so that a customer who
 * writes "money back" finds the article about refunds. Options and output only; the phrases
 * are checked by kb/synonyms.c and stored by store/kb-synonym.c. */
#include <stdio.h>

#include "app/app.h"
#include "cmd/cli.h"
#include "cmd/kb-synonym.h"
#include "core/error.h"
#include "core/json.h"
#include "kb/synonyms.h"
#include "store/kb-synonym.h"

static gboolean
synonym_add (int argc, char **argv, GError **error)
{
	g_autoptr (PdApp) app = NULL;
	g_autofree char *phrases = NULL;
	gint64 id;

	if (!pd_cli_parse (&argc, &argv, "PHRASE PHRASE...",
	                   "Make the phrases synonyms of each other: an article that says one of them answers a "
	                   "question that says another. Quote a phrase of several words.",
	                   NULL, error))
		return FALSE;
	if (argc < 3) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "usage: kb synonym add PHRASE PHRASE...");
		return FALSE;
	}
	if ((phrases = pd_kb_synonym_normalise ((const char *const *) argv + 1, argc - 1, error)) == NULL)
		return FALSE;
	if ((app = pd_app_open (PD_APP_STORE, error)) == NULL ||
	    !pd_store_kb_synonym_add (app->store, phrases, &id, error))
		return FALSE;
	printf ("%" G_GINT64_FORMAT ": %s\n", id, phrases);
	return TRUE;
}

static gboolean
synonym_remove (int argc, char **argv, GError **error)
{
	g_autoptr (PdApp) app = NULL;
	gint64 id;

	if (!pd_cli_parse (&argc, &argv, "ID", "Remove the synonyms ID (see `kb synonym list`), shipped or not.",
	                   NULL, error))
		return FALSE;
	if (argc != 2) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "usage: kb synonym remove ID");
		return FALSE;
	}
	if (!pd_cli_id (argv[1], &id, error))
		return FALSE;
	if ((app = pd_app_open (PD_APP_STORE, error)) == NULL)
		return FALSE;
	return pd_store_kb_synonym_remove (app->store, id, error);
}

static gboolean
synonym_list (int argc, char **argv, GError **error)
{
	gboolean json = FALSE;
	g_autoptr (PdApp) app = NULL;
	g_autoptr (GPtrArray) rows = NULL;
	const GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "a JSON array [{id, phrases [...], shipped}]", NULL },
		{ NULL },
	};
	guint i;

	if (!pd_cli_parse (&argc, &argv, "", "Every group of synonyms: ID, then its phrases (\"shipped\": from the default list).",
	                   entries, error))
		return FALSE;
	if ((app = pd_app_open (PD_APP_STORE, error)) == NULL ||
	    (rows = pd_store_kb_synonym_list (app->store, error)) == NULL)
		return FALSE;
	if (json) {
		PdJson *j = pd_json_new ();

		pd_json_array_begin (j);
		for (i = 0; i < rows->len; i++) {
			const PdKbSynonymRow *r = rows->pdata[i];
			g_auto (GStrv) parts = g_strsplit (r->phrases, ", ", -1);
			guint k;

			pd_json_object_begin (j);
			pd_json_member_int (j, "id", r->id);
			pd_json_key (j, "phrases");
			pd_json_array_begin (j);
			for (k = 0; parts[k]; k++)
				pd_json_string (j, parts[k]);
			pd_json_array_end (j);
			pd_json_key (j, "shipped");
			pd_json_bool (j, r->shipped);
			pd_json_object_end (j);
		}
		pd_json_array_end (j);
		pd_cli_print_json (pd_json_free_to_string (j));
		return TRUE;
	}
	for (i = 0; i < rows->len; i++) {
		const PdKbSynonymRow *r = rows->pdata[i];

		printf ("%" G_GINT64_FORMAT ": %s%s\n", r->id, r->phrases, r->shipped ? " (shipped)" : "");
	}
	return TRUE;
}

static const PdCommand synonym_commands[] = {
	{ "add", synonym_add, "make phrases synonyms of each other" },
	{ "remove", synonym_remove, "remove a group of synonyms" },
	{ "list", synonym_list, "every group of synonyms" },
	{ NULL, NULL, NULL },
};

gboolean
pd_kb_synonym_command (int argc, char **argv, GError **error)
{
	return pd_cli_dispatch ("kb synonym", synonym_commands, argc, argv, error);
}
