/* kb-style.c - `postdesk kb style`: the web view's look (db/013), one parameter at a time, and
 * the logo image stored under the home like a document. The parameters and their checks are
 * src/http/style.c's. */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "cmd/cli.h"
#include "cmd/kb-private.h"
#include "core/error.h"
#include "core/fsutil.h"
#include "core/json.h"
#include "http/http.h"
#include "store/kb.h"

static gboolean
store_logo (PdApp *app, const char *file, GError **error)
{
	g_autofree char *data = NULL, *sha = NULL, *dir = NULL, *name = g_path_get_basename (file);
	g_autofree char *lower = g_ascii_strdown (name, -1), *path = NULL;
	g_autoptr (GBytes) bytes = NULL;
	gsize len;

	if (pd_http_logo_type (lower) == NULL) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE,
		             "logo: %s is not a .png, .jpg, .jpeg, .gif, .webp or .svg file", file);
		return FALSE;
	}
	if (!g_file_get_contents (file, &data, &len, error))
		return FALSE;
	if (len > 1024 * 1024) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "logo: %s is over 1 MiB", file);
		return FALSE;
	}
	bytes = g_bytes_new_take (g_steal_pointer (&data), len);
	sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
	dir = pd_cmd_kb_attach_dir (app);
	path = pd_http_logo_path (sha, lower);
	if (!pd_fs_store_blob (dir, sha, bytes, error) ||
	    !pd_store_kb_style_set (app->store, "logo", path, error))
		return FALSE;
	printf ("%s\n", path);
	return TRUE;
}

/* `kb style [--json] [KEY [VALUE]]`, `kb style --unset KEY`: the web view's look (db/013) */
gboolean
pd_cmd_kb_style (int argc, char **argv, GError **error)
{
	gboolean json = FALSE, unset = FALSE;
	g_autoptr (PdApp) app = NULL;
	g_autoptr (GHashTable) style = NULL;
	g_autofree char *summary = g_strdup_printf (
		"Without KEY: every parameter set; with KEY: its value; with VALUE: set it.\n"
		"Keys (an unset key takes the built-in default):\n%s", pd_http_style_help ());
	const GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "an object {key: value}", NULL },
		{ "unset", 0, 0, G_OPTION_ARG_NONE, &unset, "remove KEY: back to the default", NULL },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "[KEY [VALUE]]", summary, entries, error))
		return FALSE;
	if (argc > 3 || (unset && argc != 2)) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "usage: kb style [KEY [VALUE]] | --unset KEY");
		return FALSE;
	}
	if (argc == 3 && strcmp (argv[1], "logo") == 0 && g_file_test (argv[2], G_FILE_TEST_IS_REGULAR)) {
		/* an image file: stored under the home like a document, served at /kb/logo/SHA.EXT */
		if ((app = pd_app_open (PD_APP_STORE, error)) == NULL)
			return FALSE;
		return store_logo (app, argv[2], error);
	}
	if (argc >= 2 && !pd_http_style_check (argv[1], argc == 3 ? argv[2] : NULL, error))
		return FALSE;
	if ((app = pd_app_open (PD_APP_STORE, error)) == NULL)
		return FALSE;
	if (argc == 3 || unset)
		return pd_store_kb_style_set (app->store, argv[1], unset ? NULL : argv[2], error);
	if ((style = pd_store_kb_style_get (app->store, error)) == NULL)
		return FALSE;
	if (argc == 2) {
		const char *v = g_hash_table_lookup (style, argv[1]);

		if (v == NULL) {
			g_set_error (error, PD_ERROR, PD_ERROR_NOTFOUND, "%s is not set (the default applies)",
			             argv[1]);
			return FALSE;
		}
		printf ("%s\n", v);
		return TRUE;
	}
	{
		g_autoptr (GList) keys = g_list_sort (g_hash_table_get_keys (style), (GCompareFunc) strcmp);
		PdJson *j = json ? pd_json_new () : NULL;
		GList *l;

		if (j)
			pd_json_object_begin (j);
		for (l = keys; l; l = l->next) {
			if (j)
				pd_json_member_string (j, l->data, g_hash_table_lookup (style, l->data));
			else
				printf ("%s = %s\n", (char *) l->data, (char *) g_hash_table_lookup (style, l->data));
		}
		if (j) {
			g_autofree char *out = NULL;

			pd_json_object_end (j);
			out = pd_json_free_to_string (j);
			printf ("%s\n", out);
		}
	}
	return TRUE;
}
