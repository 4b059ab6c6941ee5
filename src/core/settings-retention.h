/* settings-retention.h - [retention]: how long each kind of stored mail is kept (issue 13).
 * 0 keeps it for ever, which is the default for every kind: nothing is purged unless the
 * config says so. Loaded by settings.c into PdSettings.retention. */
#ifndef PD_SETTINGS_RETENTION_H
#define PD_SETTINGS_RETENTION_H

#include <glib.h>

typedef struct PdRetentionSettings {
	gint64 closed_tickets; /* a closed ticket, its messages, events and mail, after closing */
	gint64 bounces;        /* bounce, delay and feedback reports, after arrival */
	gint64 autoreplies;    /* autoreplies, vacation, list and loop mail, after arrival */
	gint64 quarantine;     /* quarantined intake rows and their bytes, after arrival */
	gint64 intake_raw;     /* the raw bytes of processed mail, after processing */
	gint64 outbox;         /* sent and failed outgoing mail (the bytes), after creation */
	gint64 list_bounces;   /* list_bounces rows (db/015), after arrival */
	int interval;          /* purge_interval: least seconds between purges in serve */
} PdRetentionSettings;

/* "90d", "2y", "6w", "12h", "30m", "45s"; "0" or "never" = keep. (transfer full) */
PdRetentionSettings *pd_settings_retention_load (GKeyFile *kf, GError **error);
void pd_retention_settings_free (PdRetentionSettings *r);
/* Parse one duration as above into seconds. */
gboolean pd_retention_parse (const char *text, gint64 *seconds_r);
/* "90 days", "12 hours", ... for messages. (transfer full) */
char *pd_retention_text (gint64 seconds);
/* Is any kind purged at all. */
gboolean pd_retention_any (const PdRetentionSettings *r);

#endif
