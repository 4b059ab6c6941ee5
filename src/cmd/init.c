/* init.c - `postdesk init`: create what is missing in POSTDESK_HOME (directory, documented
 * postdesk.conf, secret key, database). Never overwrites anything. */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "cmd/cli.h"
#include "core/error.h"
#include "core/fsutil.h"

gboolean
pd_cmd_init (int argc, char **argv, GError **error)
{
	g_autofree char *domain = NULL;
	g_autofree char *home = pd_settings_home ();
	g_autofree char *conf = g_build_filename (home, "postdesk.conf", NULL);
	g_autoptr (PdApp) app = NULL;
	const GOptionEntry entries[] = {
		{ "domain", 0, 0, G_OPTION_ARG_STRING, &domain,
		  "domain for Message-IDs, signed and queue addresses (default: this host's name)",
		  "DOMAIN" },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "", "Create POSTDESK_HOME's config, secret key and database.",
	                   entries, error))
		return FALSE;
	if (!pd_app_prepare_home (home, error))
		return FALSE;
	if (!g_file_test (conf, G_FILE_TEST_EXISTS)) {
		const char *host = g_get_host_name ();
		g_autofree char *text = pd_settings_example (
			domain ? domain : (strchr (host, '.') ? host : "localhost"));

		if (!pd_fs_write_file (conf, text, strlen (text), 0640, error))
			return FALSE;
		printf ("created %s\n", conf);
	}
	app = pd_app_open (PD_APP_STORE, error);
	if (app == NULL)
		return FALSE;
	printf ("postdesk home %s is ready (database %s)\n", home, app->settings->database);
	return TRUE;
}
