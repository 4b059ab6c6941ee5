/* settings-campaign.c - the [campaign] section (settings-campaign.h). Its own small parsers,
 * so settings.c only calls the loader and the free. */
#include "core/settings-campaign.h"

#include <string.h>

#include "core/error.h"

gint64
pd_campaign_parse_duration (const char *text)
{
	char *end;
	gint64 n, unit = 1;

	if (text == NULL)
		return -1;
	while (g_ascii_isspace (*text))
		text++;
	n = g_ascii_strtoll (text, &end, 10);
	if (end == text || n < 0)
		return -1;
	switch (*end) {
	case 's': unit = 1; end++; break;
	case 'm': unit = 60; end++; break;
	case 'h': unit = 3600; end++; break;
	case 'd': unit = 86400; end++; break;
	}
	while (g_ascii_isspace (*end))
		end++;
	return *end == '\0' ? n * unit : -1;
}

static char *
get_value (GKeyFile *kf, const char *key)
{
	char *v = g_key_file_get_string (kf, "campaign", key, NULL);

	if (v != NULL && strstr (v, " #") != NULL)
		*strstr (v, " #") = '\0';
	if (v != NULL && *g_strstrip (v) == '\0')
		g_clear_pointer (&v, g_free);
	return v;
}

static gboolean
get_number (GKeyFile *kf, const char *key, double def, double min, gboolean whole, double *out,
            GError **error)
{
	g_autofree char *v = get_value (kf, key);
	char *end;
	double d;

	if (v == NULL) {
		*out = def;
		return TRUE;
	}
	d = g_ascii_strtod (v, &end);
	/* "5%" for the rates */
	if (!whole && *end == '%') {
		d /= 100;
		end++;
	}
	if (end == v || *end != '\0' || d < min || (whole && d != (gint64) d)) {
		g_set_error (error, PD_ERROR, PD_ERROR_CONFIG, "[campaign] %s: want a %s >= %g, got \"%s\"",
		             key, whole ? "whole number" : "number", min, v);
		return FALSE;
	}
	*out = d;
	return TRUE;
}

static gboolean
get_seconds (GKeyFile *kf, const char *key, gint64 def, gint64 *out, GError **error)
{
	g_autofree char *v = get_value (kf, key);

	if (v == NULL) {
		*out = def;
		return TRUE;
	}
	if ((*out = pd_campaign_parse_duration (v)) < 0) {
		g_set_error (error, PD_ERROR, PD_ERROR_CONFIG,
		             "[campaign] %s: want a duration like 90s, 10m or 4h, got \"%s\"", key, v);
		return FALSE;
	}
	return TRUE;
}

PdCampaignSettings *
pd_campaign_settings_load (GKeyFile *kf, GError **error)
{
	PdCampaignSettings *c = g_new0 (PdCampaignSettings, 1);
	double d;

	if (!get_number (kf, "rate", 100, 0, FALSE, &c->rate, error))
		goto fail;
	if (!get_number (kf, "per_domain", 0, 0, TRUE, &d, error))
		goto fail;
	c->per_domain = (int) d;
	if (!get_number (kf, "connections", 4, 1, TRUE, &d, error))
		goto fail;
	c->connections = (int) MIN (d, 64);
	if (!get_number (kf, "batch", 32, 1, TRUE, &d, error))
		goto fail;
	c->batch = (int) MIN (d, 10000);
	if (!get_number (kf, "max_bounce_rate", 0.05, 0, FALSE, &c->max_bounce_rate, error) ||
	    !get_number (kf, "max_complaint_rate", 0.003, 0, FALSE, &c->max_complaint_rate, error) ||
	    !get_seconds (kf, "stage_wait", 600, &c->stage_wait, error) ||
	    !get_seconds (kf, "backoff", 60, &c->backoff, error) ||
	    !get_seconds (kf, "backoff_max", 3600, &c->backoff_max, error) ||
	    !get_seconds (kf, "lease", 300, &c->lease, error) ||
	    !get_seconds (kf, "sender_lease", 60, &c->sender_lease, error))
		goto fail;
	/* renewed every third of it, at most once a second: 3 s is the shortest that works */
	if (c->sender_lease < 3)
		c->sender_lease = 3;
	if (c->lease < 10)
		c->lease = 10;
	if (c->backoff < 1)
		c->backoff = 1;
	c->from = get_value (kf, "from");
	c->owner = get_value (kf, "owner");
	return c;
fail:
	pd_campaign_settings_free (c);
	return NULL;
}

void
pd_campaign_settings_free (PdCampaignSettings *c)
{
	if (c == NULL)
		return;
	g_free (c->from);
	g_free (c->owner);
	g_free (c);
}
