/* init.c - `postdesk init`: the only command that creates a home. Creates what is missing
 * (directory, documented postdesk.conf, secret key, database) where the home is found
 * (--config, POSTDESK_CONFIG, POSTDESK_HOME, the system config, else ./var). Never
 * overwrites anything. */
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
	g_autoptr (PdLocation) loc = NULL;
	g_autoptr (PdApp) app = NULL;
	const GOptionEntry entries[] = {
		{ "domain", 0, 0, G_OPTION_ARG_STRING, &domain,
		  "domain for Message-IDs, signed and queue addresses (default: this host's name)",
		  "DOMAIN" },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "",
	                   "Create the home's config, secret key and database where they are missing\n"
	                   "(see `postdesk --help` for where the home is). Never overwrites anything.",
	                   entries, error))
		return FALSE;
	loc = pd_settings_locate (FALSE, error);
	if (loc == NULL)
		return FALSE;
	if (!pd_app_prepare_home (loc->home, error))
		return FALSE;
	if (!g_file_test (loc->config, G_FILE_TEST_EXISTS)) {
		const char *host = g_get_host_name ();
		g_autofree char *text = pd_settings_example (
			domain ? domain : (strchr (host, '.') ? host : "localhost"));

		if (!pd_fs_write_file (loc->config, text, strlen (text), 0640, error))
			return FALSE;
		printf ("created %s\n", loc->config);
	}
	app = pd_app_open (PD_APP_STORE | PD_APP_INIT, error);
	if (app == NULL)
		return FALSE;
	printf ("postdesk home %s is ready (config %s, database %s)\n", app->home, app->config,
	        app->settings->database);
	return TRUE;
}
