/* settings-lists.c - parse [lists]: bounce scoring (hard, soft, threshold, decay) and the
 * digest interval. Durations take a unit like the rest of the config: 30s, 15m, 2h, 7d. */
#include "core/settings-lists.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"

PdListSettings *
pd_list_settings_defaults (void)
{
	PdListSettings *s = g_new0 (PdListSettings, 1);

	s->bounce_hard = 1.0;
	s->bounce_soft = 0.5;
	s->bounce_threshold = 3.0;
	s->decay_after = 7 * 86400;
	s->decay = PD_BOUNCE_DECAY_HALVE;
	s->digest_interval = 86400;
	return s;
}

void
pd_list_settings_free (PdListSettings *s)
{
	g_free (s);
}

static gboolean
get_score (GKeyFile *kf, const char *key, double *out, GError **error)
{
	g_autofree char *v = g_key_file_get_string (kf, "lists", key, NULL);
	char *end = NULL;
	double d;

	if (v == NULL)
		return TRUE;
	g_strstrip (v);
	d = g_ascii_strtod (v, &end);
	if (*v == '\0' || *end != '\0' || d < 0 || d > 1e6) {
		g_set_error (error, PD_ERROR, PD_ERROR_CONFIG,
		             "[lists] %s: not a score (a number from 0): %s", key, v);
		return FALSE;
	}
	*out = d;
	return TRUE;
}

static gboolean
get_seconds (GKeyFile *kf, const char *key, gint64 *out, GError **error)
{
	g_autofree char *v = g_key_file_get_string (kf, "lists", key, NULL);
	char *end = NULL;
	gint64 n, unit = 1;

	if (v == NULL)
		return TRUE;
	g_strstrip (v);
	n = g_ascii_strtoll (v, &end, 10);
	if (end != v && *end != '\0' && end[1] == '\0') {
		switch (*end) {
		case 's': unit = 1; end++; break;
		case 'm': unit = 60; end++; break;
		case 'h': unit = 3600; end++; break;
		case 'd': unit = 86400; end++; break;
		default: break;
		}
	}
	if (end == v || *end != '\0' || n < 1 || n > G_MAXINT32) {
		g_set_error (error, PD_ERROR, PD_ERROR_CONFIG,
		             "[lists] %s: not a duration (e.g. 3600, 90m, 7d): %s", key, v);
		return FALSE;
	}
	*out = n * unit;
	return TRUE;
}

PdListSettings *
pd_list_settings_load (GKeyFile *kf, GError **error)
{
	PdListSettings *s = pd_list_settings_defaults ();
	g_autofree char *decay = g_key_file_get_string (kf, "lists", "bounce_decay", NULL);

	if (!get_score (kf, "bounce_hard", &s->bounce_hard, error) ||
	    !get_score (kf, "bounce_soft", &s->bounce_soft, error) ||
	    !get_score (kf, "bounce_threshold", &s->bounce_threshold, error) ||
	    !get_seconds (kf, "bounce_decay_after", &s->decay_after, error) ||
	    !get_seconds (kf, "digest_interval", &s->digest_interval, error))
		goto fail;
	if (decay != NULL) {
		g_strstrip (decay);
		if (g_str_equal (decay, "halve"))
			s->decay = PD_BOUNCE_DECAY_HALVE;
		else if (g_str_equal (decay, "reset"))
			s->decay = PD_BOUNCE_DECAY_RESET;
		else {
			g_set_error (error, PD_ERROR, PD_ERROR_CONFIG,
			             "[lists] bounce_decay: halve or reset, not %s", decay);
			goto fail;
		}
	}
	if (s->bounce_threshold <= 0) {
		g_set_error (error, PD_ERROR, PD_ERROR_CONFIG, "[lists] bounce_threshold must be above 0");
		goto fail;
	}
	return s;
fail:
	pd_list_settings_free (s);
	return NULL;
}
