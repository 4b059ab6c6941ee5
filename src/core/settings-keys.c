/* settings-keys.c - reading one key of the config as the settings files want it: a string
 * ("key =" unsets), a whole number with a floor, true or false, a duration, a value without its
 * trailing comment, and whether a value is a plain address. A bad value is a
 * PD_ERROR_CONFIG that names its [group] and key. (settings-private.h) */
#include <string.h>

#include "core/error.h"
#include "core/settings-private.h"

char *
pd_settings_get_str (GKeyFile *kf, const char *group, const char *key, const char *def)
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

gboolean
pd_settings_get_int (GKeyFile *kf, const char *group, const char *key, gint64 def, gint64 min,
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

gboolean
pd_settings_get_bool (GKeyFile *kf, const char *group, const char *key, gboolean def, gboolean *out,
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

gboolean
pd_settings_valid_address (const char *a)
{
	const char *at = a ? strchr (a, '@') : NULL;

	return at && at != a && at[1] != '\0' && strchr (at + 1, '@') == NULL &&
	       strpbrk (a, " \t\r\n<>,;\"") == NULL;
}

/* "90s", "30m", "4h", "2d" (a bare number is seconds) into seconds. */
gboolean
pd_settings_get_duration (GKeyFile *kf, const char *group, const char *key, gint64 *out,
                          GError **error)
{
	g_autofree char *v = g_key_file_get_string (kf, group, key, NULL);
	char *end;
	gint64 n, unit = 1;

	*out = 0;
	if (v != NULL && strstr (v, " #") != NULL)
		*strstr (v, " #") = '\0'; /* "4h   # business hours" */
	if (v == NULL || *g_strstrip (v) == '\0' || !strcmp (v, "cutoff")) /* cutoff: settings-sla.c */
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

/* A value without a trailing " # comment". (transfer full) */
char *
pd_settings_get_plain (GKeyFile *kf, const char *group, const char *key)
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
