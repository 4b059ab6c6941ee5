/* settings-upkeep.h - keys closing issue 13's known limits (sla2): who may read GET /metrics
 * ([serve] metrics) and whether the scheduler compacts the database after purges
 * ([retention] vacuum). Loaded by settings.c into PdSettings.upkeep. */
#ifndef PD_SETTINGS_UPKEEP_H
#define PD_SETTINGS_UPKEEP_H

#include <glib.h>

typedef enum {
	PD_METRICS_LOOPBACK, /* answer only peers on 127.0.0.0/8 or ::1; 404 to others (default) */
	PD_METRICS_ON,       /* answer anyone who reaches the listener */
	PD_METRICS_OFF,      /* 404 to everybody */
} PdMetricsAccess;

typedef struct PdUpkeepSettings {
	PdMetricsAccess metrics; /* [serve] metrics = loopback|on|off */
	gint64 vacuum_interval;  /* [retention] vacuum = weekly|never (or a duration); 0 = never */
} PdUpkeepSettings;

/* (transfer full) */
PdUpkeepSettings *pd_settings_upkeep_load (GKeyFile *kf, GError **error);
void pd_upkeep_settings_free (PdUpkeepSettings *u);

#endif
