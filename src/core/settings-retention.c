/* settings-retention.c - the [retention] section (see settings-retention.h). */
#include "core/settings-retention.h"

#include <string.h>

#include "core/error.h"

gboolean
pd_retention_parse (const char *text, gint64 *seconds_r)
{
	g_autofree char *v = g_strstrip (g_strdup (text));
	char *end;
	gint64 n, unit = 1;

	if (strstr (v, " #") != NULL) {
		*strstr (v, " #") = '\0';
		g_strstrip (v);
	}
	if (*v == '\0' || !strcmp (v, "never") || !strcmp (v, "0")) {
		*seconds_r = 0;
		return TRUE;
	}
	n = g_ascii_strtoll (v, &end, 10);
	switch (*end) {
	case 's': unit = 1; end++; break;
	case 'm': unit = 60; end++; break;
	case 'h': unit = 3600; end++; break;
	case 'd': unit = 86400; end++; break;
	case 'w': unit = 7 * 86400; end++; break;
	case 'y': unit = 365 * 86400; end++; break;
	}
	if (end == v || *end != '\0' || n <= 0 || n > G_MAXINT64 / unit)
		return FALSE;
	*seconds_r = n * unit;
	return TRUE;
}

static gboolean
get (GKeyFile *kf, const char *key, gint64 *out, GError **error)
{
	g_autofree char *v = g_key_file_get_value (kf, "retention", key, NULL);

	*out = 0;
	if (v == NULL)
		return TRUE;
	if (!pd_retention_parse (v, out)) {
		g_set_error (error, PD_ERROR, PD_ERROR_CONFIG,
		             "[retention] %s: want a duration like 90d, 6w or 2y (or never), got \"%s\"",
		             key, v);
		return FALSE;
	}
	return TRUE;
}

PdRetentionSettings *
pd_settings_retention_load (GKeyFile *kf, GError **error)
{
	g_autofree PdRetentionSettings *r = g_new0 (PdRetentionSettings, 1);
	gint64 interval;

	if (!get (kf, "closed_tickets", &r->closed_tickets, error) ||
	    !get (kf, "bounces", &r->bounces, error) ||
	    !get (kf, "autoreplies", &r->autoreplies, error) ||
	    !get (kf, "quarantine", &r->quarantine, error) ||
	    !get (kf, "intake_raw", &r->intake_raw, error) ||
	    !get (kf, "outbox", &r->outbox, error) ||
	    !get (kf, "list_bounces", &r->list_bounces, error) ||
	    !get (kf, "purge_interval", &interval, error))
		return NULL;
	r->interval = interval > 0 ? (int) MIN (interval, G_MAXINT) : 3600;
	return g_steal_pointer (&r);
}

void
pd_retention_settings_free (PdRetentionSettings *r)
{
	g_free (r);
}

gboolean
pd_retention_any (const PdRetentionSettings *r)
{
	return r != NULL && (r->closed_tickets || r->bounces || r->autoreplies || r->quarantine ||
	                     r->intake_raw || r->outbox || r->list_bounces);
}

char *
pd_retention_text (gint64 seconds)
{
	if (seconds % 86400 == 0)
		return g_strdup_printf ("%" G_GINT64_FORMAT " days", seconds / 86400);
	if (seconds % 3600 == 0)
		return g_strdup_printf ("%" G_GINT64_FORMAT " hours", seconds / 3600);
	if (seconds % 60 == 0)
		return g_strdup_printf ("%" G_GINT64_FORMAT " minutes", seconds / 60);
	return g_strdup_printf ("%" G_GINT64_FORMAT " seconds", seconds);
}
