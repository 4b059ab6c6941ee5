/* settings-upkeep.c - [serve] metrics and [retention] vacuum (settings-upkeep.h). */
#include "core/settings-upkeep.h"

#include <string.h>

#include "core/error.h"
#include "core/settings-retention.h"

static char *
value (GKeyFile *kf, const char *group, const char *key)
{
	char *v = g_key_file_get_value (kf, group, key, NULL);

	if (v != NULL) {
		if (strstr (v, " #") != NULL)
			*strstr (v, " #") = '\0'; /* a trailing comment */
		g_strstrip (v);
	}
	return v;
}

PdUpkeepSettings *
pd_settings_upkeep_load (GKeyFile *kf, GError **error)
{
	g_autofree PdUpkeepSettings *u = g_new0 (PdUpkeepSettings, 1);
	g_autofree char *metrics = value (kf, "serve", "metrics");
	g_autofree char *vacuum = value (kf, "retention", "vacuum");

	if (metrics == NULL || strcmp (metrics, "loopback") == 0)
		u->metrics = PD_METRICS_LOOPBACK;
	else if (strcmp (metrics, "on") == 0 || strcmp (metrics, "yes") == 0)
		u->metrics = PD_METRICS_ON;
	else if (strcmp (metrics, "off") == 0 || strcmp (metrics, "no") == 0)
		u->metrics = PD_METRICS_OFF;
	else {
		g_set_error (error, PD_ERROR, PD_ERROR_CONFIG,
		             "[serve] metrics: want loopback, on or off, got \"%s\"", metrics);
		return NULL;
	}
	if (vacuum == NULL || strcmp (vacuum, "never") == 0)
		u->vacuum_interval = 0;
	else if (strcmp (vacuum, "weekly") == 0)
		u->vacuum_interval = 7 * 86400;
	else if (strcmp (vacuum, "daily") == 0)
		u->vacuum_interval = 86400;
	else if (!pd_retention_parse (vacuum, &u->vacuum_interval)) {
		g_set_error (error, PD_ERROR, PD_ERROR_CONFIG,
		             "[retention] vacuum: want weekly, daily, never or a duration like 30d, got \"%s\"",
		             vacuum);
		return NULL;
	}
	return g_steal_pointer (&u);
}

void
pd_upkeep_settings_free (PdUpkeepSettings *u)
{
	g_free (u);
}
