/* settings-sun.c - `[queue NAME] follow_the_sun = yes|no` (settings-sun.h). Parsed apart from
 * settings.c's queue loader so the follow-the-sun part stays one file. */
#include "core/settings-sun.h"

#include <string.h>

#include "core/error.h"

gboolean
pd_settings_sun_load (GKeyFile *kf, PdSunSettings **sun_r, GError **error)
{
	g_auto (GStrv) groups = g_key_file_get_groups (kf, NULL);
	PdSunSettings *sun = g_new0 (PdSunSettings, 1);
	guint i;

	sun->queues = g_ptr_array_new_with_free_func (g_free);
	for (i = 0; groups && groups[i]; i++) {
		g_autofree char *v = NULL;

		if (!g_str_has_prefix (groups[i], "queue "))
			continue;
		v = g_key_file_get_string (kf, groups[i], "follow_the_sun", NULL);
		if (v == NULL)
			continue;
		if (strchr (v, '#') != NULL) /* a comment after the value */
			*strchr (v, '#') = '\0';
		g_strstrip (v);
		if (!g_ascii_strcasecmp (v, "no") || !g_ascii_strcasecmp (v, "false") || !strcmp (v, "0"))
			continue;
		if (g_ascii_strcasecmp (v, "yes") && g_ascii_strcasecmp (v, "true") && strcmp (v, "1")) {
			g_set_error (error, PD_ERROR, PD_ERROR_CONFIG, "[%s] follow_the_sun: yes or no, not \"%s\"",
			             groups[i], v);
			pd_settings_sun_free (sun);
			return FALSE;
		}
		g_ptr_array_add (sun->queues, g_strstrip (g_strdup (groups[i] + 6)));
	}
	*sun_r = sun;
	return TRUE;
}

void
pd_settings_sun_free (PdSunSettings *sun)
{
	if (sun == NULL)
		return;
	g_ptr_array_unref (sun->queues);
	g_free (sun);
}

gboolean
pd_settings_sun_queue (const PdSunSettings *sun, const char *queue)
{
	guint i;

	for (i = 0; sun != NULL && queue != NULL && i < sun->queues->len; i++)
		if (g_str_equal (sun->queues->pdata[i], queue))
			return TRUE;
	return FALSE;
}
