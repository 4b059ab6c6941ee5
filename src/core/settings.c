/* settings.c - finding the home and its config, defaults, key file loading and validation
 * for PdSettings. Every key is documented in pd_settings_example(), the file `postdesk init`
 * writes. Nothing here creates a file or a directory. */
#include "core/settings.h"

#include <string.h>
#include <unistd.h>

#ifndef PD_SYSCONFDIR
#define PD_SYSCONFDIR "/etc"
#endif

#include "core/error.h"
#include "core/strutil.h"
#include "core/calendar.h"
#include "core/settings-dkim.h"
#include "core/settings-lists.h"
#include "core/settings-sun.h"
#include "core/settings-route.h"
#include "core/settings-retention.h"
#include "core/settings-upkeep.h" /* sla2 */

static void sla_free (PdSlaSettings *sla);

static void
queue_free (PdQueueSettings *q)
{
	g_free (q->name);
	g_free (q->address);
	g_free (q->tag);
	g_free (q->locale);
	g_free (q->display_name);
	sla_free (q->sla);
	g_free (q);
}

static void
imap_free (PdImapSettings *m)
{
	g_free (m->name);
	g_free (m->url);
	g_free (m->user);
	g_free (m->password_file);
	g_free (m->after);
	g_free (m->ca_file);
	g_free (m);
}

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

gboolean
pd_imap_settings_equal (const PdImapSettings *a, const PdImapSettings *b)
{
	return g_strcmp0 (a->name, b->name) == 0 && g_strcmp0 (a->url, b->url) == 0 &&
	       g_strcmp0 (a->user, b->user) == 0 && g_strcmp0 (a->password_file, b->password_file) == 0 &&
	       g_strcmp0 (a->after, b->after) == 0 && g_strcmp0 (a->ca_file, b->ca_file) == 0 &&
	       a->starttls == b->starttls && a->allow_plaintext == b->allow_plaintext &&
	       a->tls_insecure == b->tls_insecure && a->poll_interval == b->poll_interval &&
	       a->idle_timeout == b->idle_timeout;
}

struct PdSettingsCell {
	GMutex lock;
	PdSettings *current;
};

PdSettingsCell *
pd_settings_cell_new (PdSettings *settings)
{
	PdSettingsCell *cell = g_new0 (PdSettingsCell, 1);

	g_mutex_init (&cell->lock);
	cell->current = pd_settings_ref (settings);
	return cell;
}

PdSettings *
pd_settings_cell_get (PdSettingsCell *cell)
{
	PdSettings *s;

	g_mutex_lock (&cell->lock);
	s = pd_settings_ref (cell->current);
	g_mutex_unlock (&cell->lock);
	return s;
}

void
pd_settings_cell_set (PdSettingsCell *cell, PdSettings *settings)
{
	PdSettings *old;

	pd_settings_ref (settings);
	g_mutex_lock (&cell->lock);
	old = cell->current;
	cell->current = settings;
	g_mutex_unlock (&cell->lock);
	pd_settings_unref (old);
}

void
pd_settings_cell_free (PdSettingsCell *cell)
{
	if (cell == NULL)
		return;
	pd_settings_unref (cell->current);
	g_mutex_clear (&cell->lock);
	g_free (cell);
}

/* ---- finding the home ---- */

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

static char *
get_str (GKeyFile *kf, const char *group, const char *key, const char *def)
{
	char *v = g_key_file_get_string (kf, group, key, NULL);

	if (v != NULL) {
		g_strstrip (v);
		if (*v != '\0')
			return v;
		g_free (v);
		return NULL; /* "key =" explicitly unsets */
	}
	return g_strdup (def);
}

static gboolean
get_int (GKeyFile *kf, const char *group, const char *key, gint64 def, gint64 min,
         gint64 *out, GError **error)
{
	g_autofree char *v = g_key_file_get_string (kf, group, key, NULL);
	char *end;
	gint64 n;

	if (v == NULL) {
		*out = def;
		return TRUE;
	}
	g_strstrip (v);
	n = g_ascii_strtoll (v, &end, 10);
	if (*v == '\0' || *end != '\0' || n < min) {
		g_set_error (error, PD_ERROR, PD_ERROR_CONFIG,
		             "[%s] %s: want a whole number >= %" G_GINT64_FORMAT ", got \"%s\"",
		             group, key, min, v);
		return FALSE;
	}
	*out = n;
	return TRUE;
}

static gboolean
get_bool (GKeyFile *kf, const char *group, const char *key, gboolean def, gboolean *out,
          GError **error)
{
	g_autofree char *v = g_key_file_get_string (kf, group, key, NULL);

	if (v == NULL) {
		*out = def;
		return TRUE;
	}
	g_strstrip (v);
	if (!g_ascii_strcasecmp (v, "true") || !g_ascii_strcasecmp (v, "yes") || !strcmp (v, "1"))
		*out = TRUE;
	else if (!g_ascii_strcasecmp (v, "false") || !g_ascii_strcasecmp (v, "no") ||
	         !strcmp (v, "0"))
		*out = FALSE;
	else {
		g_set_error (error, PD_ERROR, PD_ERROR_CONFIG, "[%s] %s: want true or false, got \"%s\"",
		             group, key, v);
		return FALSE;
	}
	return TRUE;
}

static gboolean
valid_address (const char *a)
{
	const char *at = a ? strchr (a, '@') : NULL;

	return at && at != a && at[1] != '\0' && strchr (at + 1, '@') == NULL &&
	       strpbrk (a, " \t\r\n<>,;\"") == NULL;
}

/* "90s", "30m", "4h", "2d" (a bare number is seconds) into seconds. */
static gboolean
get_duration (GKeyFile *kf, const char *group, const char *key, gint64 *out, GError **error)
{
	g_autofree char *v = g_key_file_get_string (kf, group, key, NULL);
	char *end;
	gint64 n, unit = 1;

	*out = 0;
	if (v != NULL && strstr (v, " #") != NULL)
		*strstr (v, " #") = '\0'; /* "4h   # business hours" */
	if (v == NULL || *g_strstrip (v) == '\0' || !strcmp (v, "cutoff")) /* cutoff: load_sla */
		return TRUE;
	n = g_ascii_strtoll (v, &end, 10);
	switch (*end) {
	case 's': unit = 1; end++; break;
	case 'm': unit = 60; end++; break;
	case 'h': unit = 3600; end++; break;
	case 'd': unit = 86400; end++; break;
	}
	if (end == v || *end != '\0' || n <= 0) {
		g_set_error (error, PD_ERROR, PD_ERROR_CONFIG, "[%s] %s: want a duration like 30m, 4h or 2d, got \"%s\"",
		             group, key, v);
		return FALSE;
	}
	*out = n * unit;
	return TRUE;
}

/* ---- service levels: [calendar NAME] sections and the SLA keys of [queue NAME] ---- */

static void
calendar_settings_free (PdCalendarSettings *c)
{
	g_free (c->name);
	pd_calendar_free (c->calendar);
	g_free (c);
}

static void
sla_free (PdSlaSettings *sla)
{
	if (sla == NULL)
		return;
	g_free (sla->calendar_name);
	g_free (sla->escalation);
	g_free (sla);
}

int
pd_sla_priority_index (const char *priority)
{
	static const char *const names[PD_SLA_PRIORITIES] = { "low", "normal", "high", "urgent" };
	int i;

	for (i = 0; priority != NULL && i < PD_SLA_PRIORITIES; i++)
		if (!strcmp (priority, names[i]))
			return i;
	return -1;
}

/* A value without a trailing " # comment". (transfer full) */
static char *
get_plain (GKeyFile *kf, const char *group, const char *key)
{
	char *v = g_key_file_get_string (kf, group, key, NULL);
	char *hash;

	if (v == NULL)
		return NULL;
	if ((hash = strstr (v, " #")) != NULL || (hash = strstr (v, "\t#")) != NULL)
		*hash = '\0';
	g_strstrip (v);
	if (*v == '\0') {
		g_free (v);
		return NULL;
	}
	return v;
}

static gboolean
load_calendars (PdSettings *s, GKeyFile *kf, GError **error)
{
	g_auto (GStrv) groups = g_key_file_get_groups (kf, NULL);
	guint i;

	for (i = 0; groups && groups[i]; i++) {
		const char *g = groups[i];
		g_autofree char *tz = NULL, *hours = NULL, *holidays = NULL, *file = NULL, *cutoff = NULL,
		                *cutoff_due = NULL;
		PdCalendarSettings *c;

		if (!g_str_has_prefix (g, "calendar "))
			continue;
		c = g_new0 (PdCalendarSettings, 1);
		c->name = g_strstrip (g_strdup (g + 9));
		g_ptr_array_add (s->calendars, c);
		tz = get_plain (kf, g, "timezone");
		hours = get_plain (kf, g, "hours");
		holidays = get_plain (kf, g, "holidays");
		file = get_plain (kf, g, "holidays_file");
		cutoff = get_plain (kf, g, "cutoff");
		cutoff_due = get_plain (kf, g, "cutoff_due");
		c->calendar = pd_calendar_new (tz, hours ? hours : "Mon-Fri 09:00-17:00", holidays, cutoff,
		                               cutoff_due, error);
		if (c->calendar != NULL && file != NULL) {
			if (!g_path_is_absolute (file)) {
				char *abs = g_build_filename (s->home, file, NULL);
				g_free (file);
				file = abs;
			}
			if (!pd_calendar_add_ical_file (c->calendar, file, error)) {
				g_prefix_error (error, "[%s] ", g);
				return FALSE;
			}
		}
		if (c->calendar == NULL) {
			g_prefix_error (error, "[%s] ", g);
			return FALSE;
		}
	}
	return TRUE;
}

const PdCalendar *
pd_settings_calendar (const PdSettings *s, const char *name)
{
	guint i;

	for (i = 0; s->calendars && i < s->calendars->len; i++) {
		const PdCalendarSettings *c = s->calendars->pdata[i];
		if (g_strcmp0 (c->name, name) == 0)
			return c->calendar;
	}
	return NULL;
}

/* "4h", "30m", "90s", "3d" (business days with a calendar, else 72 h), "cutoff". */
static gboolean
sla_target (GKeyFile *kf, const char *group, const char *key, const PdSlaSettings *sla,
            PdSlaTarget *out, GError **error)
{
	g_autofree char *v = get_plain (kf, group, key);
	char *end;
	gint64 n;

	if (v == NULL)
		return TRUE;
	if (!strcmp (v, "cutoff")) {
		if (sla->calendar == NULL) {
			g_set_error (error, PD_ERROR, PD_ERROR_CONFIG,
			             "[%s] %s = cutoff needs a calendar (calendar = NAME)", group, key);
			return FALSE;
		}
		out->unit = PD_SLA_CUTOFF;
		out->amount = 0;
		return TRUE;
	}
	n = g_ascii_strtoll (v, &end, 10);
	if (end == v || n <= 0 || (*end != '\0' && end[1] != '\0') || !strchr ("smhd", *end)) {
		g_set_error (error, PD_ERROR, PD_ERROR_CONFIG,
		             "[%s] %s: want 30m, 4h, 3d or cutoff, got \"%s\"", group, key, v);
		return FALSE;
	}
	out->unit = PD_SLA_SECONDS;
	switch (*end) {
	case 'm': out->amount = n * 60; break;
	case 'h': out->amount = n * 3600; break;
	case 'd':
		if (sla->calendar != NULL) {
			out->unit = PD_SLA_DAYS;
			out->amount = n;
		} else {
			out->amount = n * 86400;
		}
		break;
	default: out->amount = n; break;
	}
	return TRUE;
}

/* The SLA keys of queue group G: calendar, first_response[.PRIORITY], resolution[.PRIORITY],
 * reminder = N%, escalation = ADDRESS, pause_when_waiting. */
static gboolean
load_sla (PdSettings *s, GKeyFile *kf, const char *g, PdQueueSettings *q, GError **error)
{
	static const char *const prio[PD_SLA_PRIORITIES] = { "low", "normal", "high", "urgent" };
	PdSlaSettings *sla = q->sla = g_new0 (PdSlaSettings, 1);
	PdSlaTarget first = { 0 }, resolution = { 0 };
	g_autofree char *reminder = NULL;
	int i;

	sla->calendar_name = get_plain (kf, g, "calendar");
	if (sla->calendar_name != NULL &&
	    (sla->calendar = pd_settings_calendar (s, sla->calendar_name)) == NULL) {
		g_set_error (error, PD_ERROR, PD_ERROR_CONFIG, "[%s] calendar: no [calendar %s] section",
		             g, sla->calendar_name);
		return FALSE;
	}
	if (!sla_target (kf, g, "first_response", sla, &first, error) ||
	    !sla_target (kf, g, "resolution", sla, &resolution, error))
		return FALSE;
	for (i = 0; i < PD_SLA_PRIORITIES; i++) {
		g_autofree char *fk = g_strdup_printf ("first_response.%s", prio[i]);
		g_autofree char *rk = g_strdup_printf ("resolution.%s", prio[i]);

		sla->first_response[i] = first;
		sla->resolution[i] = resolution;
		if (!sla_target (kf, g, fk, sla, &sla->first_response[i], error) ||
		    !sla_target (kf, g, rk, sla, &sla->resolution[i], error))
			return FALSE;
	}
	reminder = get_plain (kf, g, "reminder");
	if (reminder != NULL) {
		char *end;
		gint64 pct = g_ascii_strtoll (reminder, &end, 10);

		if (end == reminder || strcmp (end, "%") != 0 || pct < 1 || pct > 99) {
			g_set_error (error, PD_ERROR, PD_ERROR_CONFIG,
			             "[%s] reminder: want a share of the target like 75%%, got \"%s\"", g,
			             reminder);
			return FALSE;
		}
		sla->reminder_pct = pct;
	}
	sla->escalation = get_plain (kf, g, "escalation");
	if (sla->escalation != NULL) {
		pd_ascii_lower (sla->escalation);
		if (!valid_address (sla->escalation)) {
			g_set_error (error, PD_ERROR, PD_ERROR_CONFIG, "[%s] escalation: not an address: %s",
			             g, sla->escalation);
			return FALSE;
		}
	}
	return get_bool (kf, g, "pause_when_waiting", FALSE, &sla->pause_when_waiting, error);
}

static gboolean
load_queues (PdSettings *s, GKeyFile *kf, GError **error)
{
	g_auto (GStrv) groups = g_key_file_get_groups (kf, NULL);
	guint i;

	for (i = 0; groups && groups[i]; i++) {
		PdQueueSettings *q;

		if (!g_str_has_prefix (groups[i], "queue "))
			continue;
		q = g_new0 (PdQueueSettings, 1);
		q->name = g_strstrip (g_strdup (groups[i] + 6));
		g_ptr_array_add (s->queues, q);
		if (*q->name == '\0' || strpbrk (q->name, " ,") != NULL) {
			g_set_error (error, PD_ERROR, PD_ERROR_CONFIG,
			             "[%s]: a queue name is one word", groups[i]);
			return FALSE;
		}
		q->address = get_str (kf, groups[i], "address", NULL);
		if (q->address == NULL)
			q->address = g_strdup_printf ("%s@%s", q->name, s->domain);
		pd_ascii_lower (q->address);
		if (!valid_address (q->address)) {
			g_set_error (error, PD_ERROR, PD_ERROR_CONFIG, "[%s] address: not an address: %s",
			             groups[i], q->address);
			return FALSE;
		}
		q->tag = get_str (kf, groups[i], "tag", NULL);
		if (q->tag == NULL)
			q->tag = g_ascii_strup (q->name, -1);
		q->locale = get_str (kf, groups[i], "locale", s->locale);
		q->display_name = get_str (kf, groups[i], "name", NULL);
		if (!get_bool (kf, groups[i], "agent_name_in_from", FALSE, &q->agent_name_in_from, error) ||
		    !get_duration (kf, groups[i], "first_response", &q->first_response, error) ||
		    !get_duration (kf, groups[i], "resolution", &q->resolution, error) ||
		    !load_sla (s, kf, groups[i], q, error))
			return FALSE;
	}
	if (s->queues->len == 0) {
		PdQueueSettings *q = g_new0 (PdQueueSettings, 1);

		q->name = g_strdup ("support");
		q->address = g_strdup_printf ("support@%s", s->domain);
		q->tag = g_strdup ("SUPPORT");
		q->locale = g_strdup (s->locale);
		q->sla = g_new0 (PdSlaSettings, 1);
		g_ptr_array_add (s->queues, q);
	}
	return TRUE;
}

static gboolean
load_imap (PdSettings *s, GKeyFile *kf, GError **error)
{
	g_auto (GStrv) groups = g_key_file_get_groups (kf, NULL);
	guint i;
	gint64 n;

	for (i = 0; groups && groups[i]; i++) {
		PdImapSettings *m;
		const char *g = groups[i];

		if (!g_str_has_prefix (g, "imap "))
			continue;
		m = g_new0 (PdImapSettings, 1);
		g_ptr_array_add (s->imap, m);
		m->name = g_strstrip (g_strdup (g + 5));
		m->url = get_str (kf, g, "url", NULL);
		m->user = get_str (kf, g, "user", NULL);
		m->password_file = get_str (kf, g, "password_file", NULL);
		m->after = get_str (kf, g, "after", "seen");
		if (m->url == NULL || !(g_str_has_prefix (m->url, "imap://") ||
		                        g_str_has_prefix (m->url, "imaps://"))) {
			g_set_error (error, PD_ERROR, PD_ERROR_CONFIG,
			             "[%s] url: want imap://HOST[:PORT]/MAILBOX or imaps://...", g);
			return FALSE;
		}
		if (m->user == NULL || m->password_file == NULL) {
			g_set_error (error, PD_ERROR, PD_ERROR_CONFIG, "[%s]: user and password_file are needed", g);
			return FALSE;
		}
		if (!(g_str_equal (m->after, "seen") || g_str_equal (m->after, "delete") ||
		      (g_str_has_prefix (m->after, "move:") && m->after[5] != '\0'))) {
			g_set_error (error, PD_ERROR, PD_ERROR_CONFIG,
			             "[%s] after: want move:FOLDER, seen or delete, got \"%s\"", g, m->after);
			return FALSE;
		}
		m->ca_file = get_str (kf, g, "ca_file", NULL);
		if (!get_bool (kf, g, "starttls", FALSE, &m->starttls, error) ||
		    !get_bool (kf, g, "allow_plaintext", FALSE, &m->allow_plaintext, error) ||
		    !get_bool (kf, g, "tls_insecure", FALSE, &m->tls_insecure, error) ||
		    !get_int (kf, g, "poll_interval", 60, 1, &n, error))
			return FALSE;
		m->poll_interval = n;
		if (!get_int (kf, g, "idle_timeout", 25 * 60, 1, &n, error))
			return FALSE;
		m->idle_timeout = n;
	}
	return TRUE;
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
	s->queues = g_ptr_array_new_with_free_func ((GDestroyNotify) queue_free);
	s->imap = g_ptr_array_new_with_free_func ((GDestroyNotify) imap_free);
	s->calendars = g_ptr_array_new_with_free_func ((GDestroyNotify) calendar_settings_free);

	s->domain = get_str (kf, "postdesk", "domain", "localhost");
	s->locale = get_str (kf, "postdesk", "locale", "en");
	s->database = get_str (kf, "postdesk", "database", NULL);
	if (s->database == NULL)
		s->database = g_build_filename (home, "postdesk.db", NULL);

	if (!get_int (kf, "postdesk", "busy_timeout", 30000, 0, &n, error))
		return NULL;
	s->busy_timeout = n;
	s->relay = get_str (kf, "smtp", "relay", NULL);
	s->relay_user = get_str (kf, "smtp", "user", NULL);
	s->relay_password_file = get_str (kf, "smtp", "password_file", NULL);
	s->ca_file = get_str (kf, "smtp", "ca_file", NULL);
	s->helo = get_str (kf, "smtp", "helo", NULL);
	s->bounce_address = get_str (kf, "smtp", "bounce_address", NULL);
	if (s->bounce_address == NULL)
		s->bounce_address = g_strdup_printf ("bounces@%s", s->domain);
	if (!get_bool (kf, "smtp", "starttls", FALSE, &s->starttls, error) ||
	    !get_bool (kf, "smtp", "tls_insecure", FALSE, &s->tls_insecure, error))
		return NULL;
	if (!get_int (kf, "smtp", "retry_base", 60, 0, &n, error))
		return NULL;
	s->retry_base = n;
	if (!get_int (kf, "smtp", "retry_max", 4 * 3600, 0, &n, error))
		return NULL;
	s->retry_max = n;
	if (!get_int (kf, "smtp", "give_up_after", 5 * 86400, 0, &n, error))
		return NULL;
	s->give_up_after = n;
	if (!get_int (kf, "smtp", "connections", 1, 1, &n, error))
		return NULL;
	s->relay_connections = MIN (n, 64);

	if (!get_int (kf, "limits", "message_size", 50 * 1024 * 1024, 1024, &n, error))
		return NULL;
	s->max_message_size = n;
	if (!get_int (kf, "limits", "mime_containers", 100, 1, &n, error))
		return NULL;
	s->max_mime_depth = n;
	if (!get_int (kf, "limits", "mime_parts", 1000, 1, &n, error))
		return NULL;
	s->max_mime_parts = n;

	s->agent_authserv = get_str (kf, "agents", "trusted_authserv", NULL);
	if (!get_int (kf, "autoreply", "per_hour", 3, 0, &n, error))
		return NULL;
	s->auto_per_hour = n;
	if (!get_int (kf, "autoreply", "per_day", 10, 0, &n, error))
		return NULL;
	s->auto_per_day = n;

	if (!get_int (kf, "serve", "send_interval", 5, 1, &n, error))
		return NULL;
	s->send_interval = n;
	s->serve_lmtp = get_str (kf, "serve", "lmtp", NULL);
	s->serve_smtp = get_str (kf, "serve", "smtp", NULL);
	s->serve_http = get_str (kf, "serve", "http", NULL);
	s->public_url = get_str (kf, "serve", "public_url", NULL);
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
	s->tls_cert = get_str (kf, "serve", "tls_cert", NULL);
	s->tls_key = get_str (kf, "serve", "tls_key", NULL);
	if ((s->tls_cert == NULL) != (s->tls_key == NULL)) {
		g_set_error (error, PD_ERROR, PD_ERROR_CONFIG, "[serve] tls_cert and tls_key go together");
		return NULL;
	}
	if (!get_int (kf, "serve", "max_connections", 64, 1, &n, error))
		return NULL;
	s->max_connections = n;
	if (!get_int (kf, "serve", "max_recipients", 100, 1, &n, error))
		return NULL;
	s->max_recipients = n;
	if (!get_int (kf, "serve", "max_pending", 10000, 1, &n, error))
		return NULL;
	s->max_pending = n;
	if (!get_int (kf, "serve", "max_line", 4096, 512, &n, error))
		return NULL;
	s->max_line = n;
	if (!get_int (kf, "serve", "idle_timeout", 300, 1, &n, error))
		return NULL;
	s->idle_timeout = n;
	if (!get_int (kf, "serve", "max_connections_per_address", 20, 1, &n, error))
		return NULL;
	s->max_per_address = n;
	if (!get_int (kf, "serve", "command_timeout", 60, 1, &n, error))
		return NULL;
	s->command_timeout = n;
	if (!get_int (kf, "serve", "session_timeout", 900, 1, &n, error))
		return NULL;
	s->session_timeout = n;

	if (!get_int (kf, "serve", "tick_interval", 60, 1, &n, error))
		return NULL;
	s->tick_interval = n;
	if (!load_calendars (s, kf, error) || !load_queues (s, kf, error) || !load_imap (s, kf, error) ||
	    !pd_settings_sun_load (kf, &s->sun, error))
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
	if (!valid_address (s->bounce_address)) {
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

const PdQueueSettings *
pd_settings_queue (const PdSettings *s, const char *name)
{
	guint i;

	for (i = 0; i < s->queues->len; i++) {
		const PdQueueSettings *q = s->queues->pdata[i];
		if (g_strcmp0 (q->name, name) == 0)
			return q;
	}
	return NULL;
}

char *
pd_settings_example (const char *domain)
{
	return g_strdup_printf (
		"# postdesk.conf - a GLib key file. Every key is optional; shown are the defaults\n"
		"# or an example. Lines starting with # are comments.\n"
		"\n"
		"[postdesk]\n"
		"# the home directory (database, secret key, attachments). Read only from a config\n"
		"# named by --config, POSTDESK_CONFIG or the system config; default: this file's\n"
		"# directory. Under POSTDESK_HOME the home is that directory.\n"
		"#home = /var/lib/postdesk\n"
		"# the domain of Message-IDs and signed addresses we generate\n"
		"domain = %s\n"
		"# templates locale (templates/LOCALE/, falling back to en)\n"
		"locale = en\n"
		"# the SQLite database (default: HOME/postdesk.db)\n"
		"#database = /var/lib/postdesk/postdesk.db\n"
		"# milliseconds to wait for a database another process holds; then deliver\n"
		"# exits 75 (the MTA retries) and listeners answer 451\n"
		"#busy_timeout = 30000\n"
		"\n"
		"[smtp]\n"
		"# where outgoing mail goes: smtp://host:port or smtps://host:port.\n"
		"# Unset: mail stays queued in the outbox.\n"
		"#relay = smtp://127.0.0.1:25\n"
		"# require STARTTLS on smtp:// relays\n"
		"#starttls = false\n"
		"# AUTH: user name and a file holding the password (first line)\n"
		"#user = postdesk\n"
		"#password_file = /etc/postdesk/relay.pass\n"
		"# CA bundle to verify the relay; tls_insecure = true skips verification (tests only)\n"
		"#ca_file = /etc/ssl/certs/ca-certificates.crt\n"
		"#tls_insecure = false\n"
		"# the EHLO name\n"
		"#helo = %s\n"
		"# VERP return path base: bounces+o<row>-<sig>@domain\n"
		"#bounce_address = bounces@%s\n"
		"# retries: first after retry_base seconds, doubling up to retry_max; a row still\n"
		"# undelivered after give_up_after seconds fails\n"
		"#retry_base = 60\n"
		"#retry_max = 14400\n"
		"#give_up_after = 432000\n"
		"# relay connections one drain uses at once (each with its own leased rows); with\n"
		"# more than one, mail no longer reaches the relay in the order it was queued\n"
		"#connections = 1\n"
		"\n"
		"[limits]\n"
		"# larger mail is quarantined (bytes)\n"
		"#message_size = 52428800\n"
		"# more multipart or message/rfc822 containers than this are quarantined\n"
		"#mime_containers = 100\n"
		"#mime_parts = 1000\n"
		"\n"
		"[agents]\n"
		"# an agent's reply counts only when From is an active agent AND it arrived at the\n"
		"# signed agent address of the ticket. Also require an Authentication-Results header\n"
		"# from this authserv-id (your own MX) with dkim=pass or spf=pass for the agent's domain;\n"
		"# only the topmost header of that id counts (RFC 8601 section 5):\n"
		"#trusted_authserv = mx.example.com\n"
		"\n"
		"[autoreply]\n"
		"# automatic answers (acknowledgements, error replies) to one address\n"
		"#per_hour = 3\n"
		"#per_day = 10\n"
		"\n"
		"# one section per queue: mail to its address opens tickets tagged [TAG #n]\n"
		"[queue support]\n"
		"address = support@%s\n"
		"tag = SUPPORT\n"
		"# display name on mail from this queue\n"
		"#name = Example Support\n"
		"# replies to customers from \"Agent Name (Example Support)\" instead of the queue name\n"
		"#agent_name_in_from = false\n"
		"# SLA targets from the ticket's creation (calendar time), shown to agents\n"
		"#first_response = 4h\n"
		"#resolution = 3d\n"
		"#locale = en\n"
		"# service levels in business hours: name a [calendar NAME]; then first_response\n"
		"# counts business hours, resolution = 3d business days, = cutoff the calendar's\n"
		"# cut-off form. Per priority: first_response.urgent = 1h. A reminder to the\n"
		"# assignee (or the queue's agents) at reminder = 75%% of a target; a mail to\n"
		"# escalation = ADDRESS at the breach. pause_when_waiting = true stops the\n"
		"# resolution clock from an agent's reply to the customer's next mail.\n"
		"#calendar = office\n"
		"#first_response.urgent = 1h\n"
		"#reminder = 75%%\n"
		"#escalation = lead@%s\n"
		"#pause_when_waiting = false\n"
		"# follow-the-sun: new tickets go to an agent on shift (agent add --tz --hours), and\n"
		"# at the end of an agent's shift the scheduler hands their open tickets to agents on\n"
		"# shift then, with a note in the ticket history and a mail to each receiving agent\n"
		"#follow_the_sun = no\n"
		"# more addresses that are this queue's (one mail to several of a queue's or of\n"
		"# several queues' addresses is one ticket), and its new tickets' priority\n"
		"#addresses = help@example.com, helpdesk@example.com\n"
		"#priority = normal\n"
		"\n"
		"# a business calendar for SLA targets (any number of sections)\n"
		"#[calendar office]\n"
		"#timezone = Europe/Berlin\n"
		"#hours = Mon-Thu 09:00-17:00; Fri 09:00-13:00\n"
		"#holidays = 2026-12-24;2026-12-25;2026-12-26\n"
		"# all-day VEVENTs of an iCalendar file (relative to the home)\n"
		"#holidays_file = holidays.ics\n"
		"# the cut-off form: received before cutoff: due at that day's close; after it:\n"
		"# at cutoff_due the next working day\n"
		"#cutoff = 14:00\n"
		"#cutoff_due = 11:00\n"
		"\n"
		"[serve]\n"
		"# seconds between outbox runs of `postdesk serve`\n"
		"#send_interval = 5\n"
		"# listeners of `postdesk serve`, each optional (HOST:PORT; keep them on loopback\n"
		"# unless a firewall and STARTTLS protect them; comment one out to turn it off).\n"
		"# 250 is answered only after the mail is committed.\n"
		"lmtp = 127.0.0.1:2424\n"
		"smtp = 127.0.0.1:2525\n"
		"# the knowledge base on the web (search, articles, \"this answered my question\")\n"
		"http = 127.0.0.1:8025\n"
		"# how customers reach it, for links in mail (default: http:// + the http address)\n"
		"#public_url = https://support.example.com\n"
		"# certificate and key for STARTTLS on the listeners\n"
		"#tls_cert = /etc/postdesk/cert.pem\n"
		"#tls_key = /etc/postdesk/key.pem\n"
		"#max_connections = 64\n"
		"#max_recipients = 100\n"
		"# back-pressure: with this many received messages waiting to be processed, the\n"
		"# listeners answer 451 4.3.2 (the client retries later); deliver takes mail anyway\n"
		"#max_pending = 10000\n"
		"# longest command or text line, bytes\n"
		"#max_line = 4096\n"
		"# slow clients (421 4.4.2 and closed): seconds to wait for the next whole line, from\n"
		"# a line's first byte to its end, and for a whole session\n"
		"#idle_timeout = 300\n"
		"#command_timeout = 60\n"
		"#session_timeout = 900\n"
		"# sessions from one client address (421 4.7.0 beyond); keep it at or above your\n"
		"# MTA's LMTP concurrency (Postfix: 20)\n"
		"#max_connections_per_address = 20\n"
		"# seconds between runs of the scheduler (SLA reminders and escalations)\n"
		"#tick_interval = 60\n"
		"# who may read GET /metrics on the HTTP listener: loopback (peers on this machine;\n"
		"# 404 to others), on (anyone who reaches it) or off\n"
		"#metrics = loopback\n"
		"\n"
		"# one section per IMAP mailbox to fetch from (a hosted mailbox)\n"
		"#[imap hosted]\n"
		"#url = imaps://mail.example.com/INBOX\n"
		"#user = support\n"
		"#password_file = /etc/postdesk/imap.pass\n"
		"# after a message is committed: move:FOLDER, seen, or delete (flag + expunge)\n"
		"#after = move:Processed\n"
		"# imap:// uses STARTTLS whenever the server offers it; starttls = true insists on it.\n"
		"# Without STARTTLS the password would go in clear: refused unless allow_plaintext = true\n"
		"#starttls = false\n"
		"#allow_plaintext = false\n"
		"# CA certificates (PEM) to trust besides the system's, e.g. a private CA;\n"
		"# tls_insecure = true skips the certificate check altogether (tests only)\n"
		"#ca_file = /etc/postdesk/imap-ca.pem\n"
		"#tls_insecure = false\n"
		"# seconds between polls when the server has no IDLE; IDLE renewal\n"
		"#poll_interval = 60\n"
		"#idle_timeout = 1500\n"
		"\n"
		"# routing rules for new tickets, tried in this order, the first that matches wins;\n"
		"# every condition given must hold, any entry of a list may: recipient (addresses\n"
		"# or @domain, envelope or To/Cc), sender_domain (or a subdomain), subject and body\n"
		"# (whole words or phrases, any case). Then queue and/or priority. No rule: the\n"
		"# queue by the address the mail came to, the queue's priority\n"
		"#[route invoices]\n"
		"#subject = invoice, credit note\n"
		"#queue = billing\n"
		"#[route vip]\n"
		"#sender_domain = bigcustomer.example\n"
		"#priority = urgent\n"
		"# copies of one mail to several queue addresses (same Message-ID and sender) within\n"
		"# this window are one ticket (0 = never)\n"
		"#[route]\n"
		"#same_mail_window = 1h\n"
		"\n"
		"# how long stored mail is kept (d, w, y; never = for ever, the default); `postdesk\n"
		"# purge` and the scheduler (at most every purge_interval) remove the rest, and\n"
		"# attachment files nothing references any more\n"
		"#[retention]\n"
		"#closed_tickets = 2y\n"
		"#bounces = 90d\n"
		"#autoreplies = 30d\n"
		"#quarantine = 30d\n"
		"# the raw bytes of processed mail (the parsed message stays on its ticket)\n"
		"#intake_raw = 90d\n"
		"# sent and failed outgoing mail\n"
		"#outbox = 1y\n"
		"#list_bounces = 1y\n"
		"#purge_interval = 3600\n"
		"# after a purge, compact the database so the file shrinks: weekly or never (it holds\n"
		"# the write lock while it runs; `postdesk purge --vacuum` does it now)\n"
		"#vacuum = never\n",
		domain, domain, domain, domain, domain);
}
