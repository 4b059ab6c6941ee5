/* settings-locate.c - finding the home and its config: --config FILE, $POSTDESK_CONFIG,
 * $POSTDESK_HOME, the system config, ./var, in that order, and [postdesk] home in a config.
 * Reads a config only for that key; loading it is settings.c's. Creates nothing. */
#include "core/settings.h"

#ifndef PD_SYSCONFDIR
#define PD_SYSCONFDIR "/etc"
#endif

#include "core/error.h"

static char *config_option; /* --config FILE */

void
pd_settings_use_config (const char *file)
{
	g_free (config_option);
	config_option = g_strdup (file);
}

static const char *system_config = PD_SYSCONFDIR "/postdesk/postdesk.conf";

const char *
pd_settings_system_config (void)
{
	return system_config;
}

void
pd_settings_set_system_config (const char *file)
{
	system_config = file;
}

void
pd_location_free (PdLocation *loc)
{
	if (loc == NULL)
		return;
	g_free (loc->config);
	g_free (loc->home);
	g_free (loc->source);
	g_free (loc);
}

static PdLocation *
location (const char *config, const char *home, const char *source)
{
	PdLocation *loc = g_new0 (PdLocation, 1);

	loc->config = g_strdup (config);
	loc->home = g_strdup (home);
	loc->source = g_strdup (source);
	return loc;
}

/* The home a config file names: [postdesk] home, relative to the file's directory; by default
 * that directory. A file that does not exist names its own directory. */
static PdLocation *
location_from_config (const char *config, const char *source, GError **error)
{
	g_autoptr (GKeyFile) kf = g_key_file_new ();
	g_autoptr (GError) local = NULL;
	g_autofree char *dir = g_path_get_dirname (config);
	g_autofree char *home = NULL;

	if (!g_key_file_load_from_file (kf, config, G_KEY_FILE_NONE, &local)) {
		if (!g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
			g_set_error (error, PD_ERROR, PD_ERROR_CONFIG, "config %s (from %s): %s", config,
			             source, local->message);
			return NULL;
		}
		return location (config, dir, source);
	}
	home = g_key_file_get_string (kf, "postdesk", "home", NULL);
	if (home != NULL && *g_strstrip (home) != '\0') {
		if (!g_path_is_absolute (home)) {
			char *abs = g_build_filename (dir, home, NULL);
			g_free (home);
			home = abs;
		}
		return location (config, home, source);
	}
	return location (config, dir, source);
}

static char *
how_to_make (void)
{
	return g_strdup_printf ("create one with `postdesk init` (it looks, in this order, at "
	                        "--config FILE, $POSTDESK_CONFIG, $POSTDESK_HOME, %s, ./var)",
	                        pd_settings_system_config ());
}

PdLocation *
pd_settings_locate (gboolean must_exist, GError **error)
{
	const char *env_config = g_getenv ("POSTDESK_CONFIG");
	const char *env_home = g_getenv ("POSTDESK_HOME");
	g_autoptr (PdLocation) loc = NULL;
	g_autofree char *how = how_to_make ();

	if (config_option != NULL && *config_option != '\0')
		loc = location_from_config (config_option, "--config", error);
	else if (env_config != NULL && *env_config != '\0')
		loc = location_from_config (env_config, "POSTDESK_CONFIG", error);
	else if (env_home != NULL && *env_home != '\0') {
		g_autofree char *conf = g_build_filename (env_home, "postdesk.conf", NULL);
		loc = location (conf, env_home, "POSTDESK_HOME");
	} else if (g_file_test (pd_settings_system_config (), G_FILE_TEST_EXISTS))
		loc = location_from_config (pd_settings_system_config (), "the system config", error);
	else if (g_file_test ("var", G_FILE_TEST_IS_DIR) || !must_exist)
		loc = location ("./var/postdesk.conf", "./var", "./var");
	else {
		g_autofree char *cwd = g_get_current_dir ();

		g_set_error (error, PD_ERROR, PD_ERROR_CONFIG, "no postdesk home (and no ./var in %s): %s",
		             cwd, how);
		return NULL;
	}
	if (loc == NULL || !must_exist)
		return g_steal_pointer (&loc);
	if (!g_file_test (loc->home, G_FILE_TEST_EXISTS)) {
		g_set_error (error, PD_ERROR, PD_ERROR_CONFIG, "home %s (from %s) does not exist: %s",
		             loc->home, loc->source, how);
		return NULL;
	}
	if (!g_file_test (loc->home, G_FILE_TEST_IS_DIR)) {
		g_set_error (error, PD_ERROR, PD_ERROR_CONFIG, "home %s (from %s) is not a directory",
		             loc->home, loc->source);
		return NULL;
	}
	return g_steal_pointer (&loc);
}
