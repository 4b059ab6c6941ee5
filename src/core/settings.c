/* settings.c - the loader: one PdSettings from the config's key file (or all defaults), with
 * the defaults and checks of the one-value sections ([postdesk], [smtp], [limits], [agents],
 * [autoreply], [serve]) and a call per section that has a file of its own; its reference
 * count and its free. Finding the home is settings-locate.c's, swapping on reload
 * settings-cell.c's, reading one key settings-keys.c's, and the documented example config
 * settings-example.c's. Nothing here creates a file or a directory. */
#include "core/settings.h"

#include <string.h>
#include <unistd.h>

#include "core/error.h"
#include "core/settings-private.h"
#include "core/settings-dkim.h"
#include "core/settings-lists.h"
#include "core/settings-sun.h"
#include "core/settings-route.h"
#include "core/settings-retention.h"
#include "core/settings-upkeep.h" /* sla2 */

static void
settings_free (PdSettings *s)
{
	g_free (s->home);
	g_free (s->config);
	g_free (s->domain);
	g_free (s->locale);
	g_free (s->database);
	g_free (s->relay);
	g_free (s->relay_user);
	g_free (s->relay_password_file);
	g_free (s->ca_file);
	g_free (s->helo);
	g_free (s->bounce_address);
	g_free (s->agent_authserv);
	g_free (s->serve_lmtp);
	g_free (s->serve_smtp);
	g_free (s->serve_http);
	g_free (s->public_url);
	g_free (s->tls_cert);
	g_free (s->tls_key);
	g_ptr_array_unref (s->queues);
	g_ptr_array_unref (s->imap);
	if (s->calendars != NULL)
		g_ptr_array_unref (s->calendars);
	pd_list_settings_free (s->lists_feedback);
	pd_dkim_settings_free (s->dkim);
	pd_settings_sun_free (s->sun);
	pd_route_settings_free (s->routing);
	pd_retention_settings_free (s->retention);
	pd_upkeep_settings_free (s->upkeep);
	pd_kb_settings_free (s->kb);
	pd_campaign_settings_free (s->campaign);
	g_free (s);
}

PdSettings *
pd_settings_ref (PdSettings *s)
{
	g_return_val_if_fail (s != NULL, NULL);
	g_atomic_int_inc (&s->ref_count);
	return s;
}

void
pd_settings_unref (PdSettings *s)
{
	if (s != NULL && g_atomic_int_dec_and_test (&s->ref_count))
		settings_free (s);
}

void
pd_settings_free (PdSettings *s)
{
	pd_settings_unref (s);
}

/* Settings from KF (empty: all defaults) for HOME. */
static PdSettings *
settings_from (GKeyFile *kf, const char *config, const char *home, GError **error)
{
	g_autoptr (PdSettings) s = g_new0 (PdSettings, 1);
	gint64 n;

	s->ref_count = 1;
	s->home = g_strdup (home);
	s->config = g_strdup (config);
	s->queues = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_queue_settings_free);
	s->imap = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_imap_settings_free);
	s->calendars = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_calendar_settings_free);

	s->domain = pd_settings_get_str (kf, "postdesk", "domain", "localhost");
	s->locale = pd_settings_get_str (kf, "postdesk", "locale", "en");
	s->database = pd_settings_get_str (kf, "postdesk", "database", NULL);
	if (s->database == NULL)
		s->database = g_build_filename (home, "postdesk.db", NULL);

	if (!pd_settings_get_int (kf, "postdesk", "busy_timeout", 30000, 0, &n, error))
		return NULL;
	s->busy_timeout = n;
	s->relay = pd_settings_get_str (kf, "smtp", "relay", NULL);
	s->relay_user = pd_settings_get_str (kf, "smtp", "user", NULL);
	s->relay_password_file = pd_settings_get_str (kf, "smtp", "password_file", NULL);
	s->ca_file = pd_settings_get_str (kf, "smtp", "ca_file", NULL);
	s->helo = pd_settings_get_str (kf, "smtp", "helo", NULL);
	s->bounce_address = pd_settings_get_str (kf, "smtp", "bounce_address", NULL);
	if (s->bounce_address == NULL)
		s->bounce_address = g_strdup_printf ("bounces@%s", s->domain);
	if (!pd_settings_get_bool (kf, "smtp", "starttls", FALSE, &s->starttls, error) ||
	    !pd_settings_get_bool (kf, "smtp", "tls_insecure", FALSE, &s->tls_insecure, error))
		return NULL;
	if (!pd_settings_get_int (kf, "smtp", "retry_base", 60, 0, &n, error))
		return NULL;
	s->retry_base = n;
	if (!pd_settings_get_int (kf, "smtp", "retry_max", 4 * 3600, 0, &n, error))
		return NULL;
	s->retry_max = n;
	if (!pd_settings_get_int (kf, "smtp", "give_up_after", 5 * 86400, 0, &n, error))
		return NULL;
	s->give_up_after = n;
	if (!pd_settings_get_int (kf, "smtp", "connections", 1, 1, &n, error))
		return NULL;
	s->relay_connections = MIN (n, 64);

	if (!pd_settings_get_int (kf, "limits", "message_size", 50 * 1024 * 1024, 1024, &n, error))
		return NULL;
	s->max_message_size = n;
	if (!pd_settings_get_int (kf, "limits", "mime_containers", 100, 1, &n, error))
		return NULL;
	s->max_mime_depth = n;
	if (!pd_settings_get_int (kf, "limits", "mime_parts", 1000, 1, &n, error))
		return NULL;
	s->max_mime_parts = n;

	s->agent_authserv = pd_settings_get_str (kf, "agents", "trusted_authserv", NULL);
	if (!pd_settings_get_int (kf, "autoreply", "per_hour", 3, 0, &n, error))
		return NULL;
	s->auto_per_hour = n;
	if (!pd_settings_get_int (kf, "autoreply", "per_day", 10, 0, &n, error))
		return NULL;
	s->auto_per_day = n;

	if (!pd_settings_get_int (kf, "serve", "send_interval", 5, 1, &n, error))
		return NULL;
	s->send_interval = n;
	s->serve_lmtp = pd_settings_get_str (kf, "serve", "lmtp", NULL);
	s->serve_smtp = pd_settings_get_str (kf, "serve", "smtp", NULL);
	s->serve_http = pd_settings_get_str (kf, "serve", "http", NULL);
	s->public_url = pd_settings_get_str (kf, "serve", "public_url", NULL);
	if (s->public_url == NULL && s->serve_http != NULL)
		s->public_url = g_strdup_printf ("http://%s", s->serve_http);
	if (s->public_url != NULL) {
		gsize len = strlen (s->public_url);

		if (!g_str_has_prefix (s->public_url, "http://") &&
		    !g_str_has_prefix (s->public_url, "https://")) {
			g_set_error (error, PD_ERROR, PD_ERROR_CONFIG,
			             "[serve] public_url: not an http:// or https:// URL: %s", s->public_url);
			return NULL;
		}
		while (len > 0 && s->public_url[len - 1] == '/')
			s->public_url[--len] = '\0';
	}
	s->tls_cert = pd_settings_get_str (kf, "serve", "tls_cert", NULL);
	s->tls_key = pd_settings_get_str (kf, "serve", "tls_key", NULL);
	if ((s->tls_cert == NULL) != (s->tls_key == NULL)) {
		g_set_error (error, PD_ERROR, PD_ERROR_CONFIG, "[serve] tls_cert and tls_key go together");
		return NULL;
	}
	if (!pd_settings_get_int (kf, "serve", "max_connections", 64, 1, &n, error))
		return NULL;
	s->max_connections = n;
	if (!pd_settings_get_int (kf, "serve", "max_recipients", 100, 1, &n, error))
		return NULL;
	s->max_recipients = n;
	if (!pd_settings_get_int (kf, "serve", "max_pending", 10000, 1, &n, error))
		return NULL;
	s->max_pending = n;
	if (!pd_settings_get_int (kf, "serve", "max_line", 4096, 512, &n, error))
		return NULL;
	s->max_line = n;
	if (!pd_settings_get_int (kf, "serve", "idle_timeout", 300, 1, &n, error))
		return NULL;
	s->idle_timeout = n;
	if (!pd_settings_get_int (kf, "serve", "max_connections_per_address", 20, 1, &n, error))
		return NULL;
	s->max_per_address = n;
	if (!pd_settings_get_int (kf, "serve", "command_timeout", 60, 1, &n, error))
		return NULL;
	s->command_timeout = n;
	if (!pd_settings_get_int (kf, "serve", "session_timeout", 900, 1, &n, error))
		return NULL;
	s->session_timeout = n;

	if (!pd_settings_get_int (kf, "serve", "tick_interval", 60, 1, &n, error))
		return NULL;
	s->tick_interval = n;
	if (!pd_settings_calendars_load (s, kf, error) || !pd_settings_queues_load (s, kf, error) ||
	    !pd_settings_imap_load (s, kf, error) || !pd_settings_sun_load (kf, &s->sun, error))
		return NULL;
	/* issue 12: list bounce scoring and DKIM, each in its own file */
	{
		GError *local = NULL;

		if ((s->lists_feedback = pd_list_settings_load (kf, error)) == NULL)
			return NULL;
		if ((s->dkim = pd_dkim_settings_load (kf, &local)) == NULL && local != NULL) {
			g_propagate_error (error, local);
			return NULL;
		}
	}
	if ((s->routing = pd_settings_route_load (s, kf, error)) == NULL ||
	    (s->retention = pd_settings_retention_load (kf, error)) == NULL)
		return NULL;
	if ((s->kb = pd_kb_settings_load (kf, s->queues, error)) == NULL)
		return NULL;
	if ((s->campaign = pd_campaign_settings_load (kf, error)) == NULL)
		return NULL;
	if ((s->upkeep = pd_settings_upkeep_load (kf, error)) == NULL) /* sla2 */
		return NULL;
	if (!pd_settings_valid_address (s->bounce_address)) {
		g_set_error (error, PD_ERROR, PD_ERROR_CONFIG, "[smtp] bounce_address: not an address: %s",
		             s->bounce_address);
		return NULL;
	}
	return g_steal_pointer (&s);
}

PdSettings *
pd_settings_load_file (const char *config, const char *home, GError **error)
{
	g_autoptr (GKeyFile) kf = g_key_file_new ();
	g_autoptr (GError) local = NULL;
	PdSettings *s;

	if (!g_key_file_load_from_file (kf, config, G_KEY_FILE_NONE, &local)) {
		if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
			g_set_error (error, PD_ERROR, PD_ERROR_CONFIG,
			             "config %s does not exist: this home was never initialised; "
			             "run `postdesk init` (it writes a documented config)", config);
		else if (local->domain == G_FILE_ERROR)
			g_set_error (error, PD_ERROR, PD_ERROR_CONFIG,
			             "config %s cannot be read: %s (postdesk runs as uid %d, %s)", config,
			             local->message, (int) getuid (), g_get_user_name ());
		else
			g_set_error (error, PD_ERROR, PD_ERROR_CONFIG, "config %s: %s", config,
			             local->message);
		return NULL;
	}
	s = settings_from (kf, config, home, error);
	if (s == NULL)
		g_prefix_error (error, "config %s: ", config);
	return s;
}

PdSettings *
pd_settings_defaults (const char *home)
{
	g_autoptr (GKeyFile) kf = g_key_file_new ();

	/* the defaults are valid by construction */
	return settings_from (kf, NULL, home, NULL);
}

PdSettings *
pd_settings_load (const char *home, GError **error)
{
	g_autoptr (PdLocation) loc = pd_settings_locate (FALSE, NULL);
	g_autofree char *config = NULL;

	if (loc != NULL && g_strcmp0 (loc->home, home) == 0)
		config = g_strdup (loc->config);
	else
		config = g_build_filename (home, "postdesk.conf", NULL);
	return pd_settings_load_file (config, home, error);
}
