/* settings-sun.h - follow-the-sun settings: which queues hand their open tickets to the agents
 * on shift (`[queue NAME] follow_the_sun = yes`). Loaded with the rest of PdSettings (one
 * pointer there, settings->sun) and as immutable as it. */
#ifndef PD_SETTINGS_SUN_H
#define PD_SETTINGS_SUN_H

#include <glib.h>

typedef struct PdSettings PdSettingsFwd;

typedef struct PdSunSettings {
	GPtrArray *queues; /* char*: names of the queues with follow_the_sun = yes */
} PdSunSettings;

/* Read follow_the_sun from every [queue NAME] of KF into a new *SUN_R. (transfer full) */
gboolean pd_settings_sun_load (GKeyFile *kf, PdSunSettings **sun_r, GError **error);
void pd_settings_sun_free (PdSunSettings *sun);
/* Whether QUEUE follows the sun under SUN (NULL: no queue does). */
gboolean pd_settings_sun_queue (const PdSunSettings *sun, const char *queue);

#endif
