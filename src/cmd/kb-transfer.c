/* kb-transfer.c - `postdesk kb export|import`: every article out as XML, CSV or Markdown, and
 * in again (all or nothing, matched by slug); the format from --format or the path. The
 * formats themselves are src/kb/export.c's and import.c's. */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "cmd/cli.h"
#include "cmd/kb-private.h"
#include "core/error.h"
#include "core/json.h"
#include "kb/kb.h"

static gboolean
format_for (const char *format, const char *path, PdKbFormat *f_r, GError **error)
{
	if (format != NULL)
		return pd_kb_format_parse (format, f_r, error);
	if (g_str_has_suffix (path, ".csv"))
		*f_r = PD_KB_FORMAT_CSV;
	else if (g_str_has_suffix (path, ".xml") || !strcmp (path, "-"))
		*f_r = PD_KB_FORMAT_XML;
	else
		*f_r = PD_KB_FORMAT_MD; /* a directory */
	return TRUE;
}

gboolean
pd_cmd_kb_export (int argc, char **argv, GError **error)
{
	g_autofree char *format = NULL, *dir = NULL;
	g_autoptr (PdApp) app = NULL;
	PdKbFormat f;
	const GOptionEntry entries[] = {
		{ "format", 0, 0, G_OPTION_ARG_STRING, &format,
		  "xml, csv or md (default: from PATH: .xml, .csv, - is XML, else a directory of .md)", "FORMAT" },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "PATH",
	                   "Export every article in a format `kb import` reads (XML also carries the "
	                   "documents). PATH - writes to stdout.",
	                   entries, error) ||
	    (app = pd_app_open (PD_APP_STORE, error)) == NULL)
		return FALSE;
	if (argc != 2) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "one PATH is needed");
		return FALSE;
	}
	dir = pd_cmd_kb_attach_dir (app);
	return format_for (format, argv[1], &f, error) &&
	       pd_kb_export (app->store, dir, f, argv[1], error);
}

gboolean
pd_cmd_kb_import (int argc, char **argv, GError **error)
{
	gboolean json = FALSE;
	g_autofree char *author = NULL, *dir = NULL;
	g_autoptr (PdApp) app = NULL;
	PdKbImportStats st;
	const GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "the counts as a JSON object", NULL },
		{ "author", 0, 0, G_OPTION_ARG_STRING, &author, "who makes the new versions (default: the user)", "NAME" },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "FILE|DIR",
	                   "Import articles: an XML file (kb.xsd), a CSV file (header slug,title,body"
	                   "[,topics,locale,visibility,status,keywords]), or a Markdown file or a directory of "
	                   "them. All or nothing; articles are matched by slug.",
	                   entries, error) ||
	    (app = pd_app_open (PD_APP_STORE, error)) == NULL)
		return FALSE;
	if (argc != 2) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "one FILE or DIR is needed");
		return FALSE;
	}
	dir = pd_cmd_kb_attach_dir (app);
	if (!pd_kb_import (app->store, dir, argv[1], pd_cmd_kb_author_or_default (author), &st, error))
		return FALSE;
	if (json) {
		PdJson *j = pd_json_new ();

		pd_json_object_begin (j);
		pd_json_member_int (j, "articles", st.articles);
		pd_json_member_int (j, "created", st.created);
		pd_json_member_int (j, "updated", st.updated);
		pd_json_member_int (j, "unchanged", st.unchanged);
		pd_json_member_int (j, "documents", st.documents);
		pd_json_object_end (j);
		pd_cli_print_json (pd_json_free_to_string (j));
	} else
		printf ("%u articles: %u created, %u updated, %u unchanged; %u documents\n", st.articles,
		        st.created, st.updated, st.unchanged, st.documents);
	return TRUE;
}
