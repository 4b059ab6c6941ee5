/* settings-private.h - what the files of the settings loader share and nothing else calls:
 * reading one key (settings-keys.c) and the sections that settings.c's loader hands to a file
 * of their own (calendars and SLAs, queues, IMAP accounts), with their frees. */
#ifndef PD_SETTINGS_PRIVATE_H
#define PD_SETTINGS_PRIVATE_H

#include <glib.h>

#include "core/settings.h"

/* settings-keys.c: the value of KEY in GROUP, stripped; DEF (copied) when there is no such
 * key, NULL for "key =" (it unsets). (transfer full) */
char *pd_settings_get_str (GKeyFile *kf, const char *group, const char *key, const char *def);
/* A whole number >= MIN into OUT (DEF without the key). */
gboolean pd_settings_get_int (GKeyFile *kf, const char *group, const char *key, gint64 def,
                              gint64 min, gint64 *out, GError **error);
/* true/yes/1 or false/no/0 into OUT (DEF without the key). */
gboolean pd_settings_get_bool (GKeyFile *kf, const char *group, const char *key, gboolean def,
                               gboolean *out, GError **error);
/* "90s", "30m", "4h", "2d" (a bare number is seconds) into seconds; 0 without the key or for
 * "cutoff" (an SLA target's). */
gboolean pd_settings_get_duration (GKeyFile *kf, const char *group, const char *key,
                                   gint64 *out, GError **error);
/* A value without a trailing " # comment"; NULL when there is none. (transfer full) */
char *pd_settings_get_plain (GKeyFile *kf, const char *group, const char *key);
/* Whether A is one plain address (local@domain, no blanks or brackets). */
gboolean pd_settings_valid_address (const char *a);

/* settings-sla.c: the [calendar NAME] sections into S->calendars; the SLA keys of queue group
 * G into Q->sla (the calendars loaded first). */
gboolean pd_settings_calendars_load (PdSettings *s, GKeyFile *kf, GError **error);
gboolean pd_settings_sla_load (PdSettings *s, GKeyFile *kf, const char *g, PdQueueSettings *q,
                               GError **error);
void pd_calendar_settings_free (PdCalendarSettings *c);
void pd_sla_settings_free (PdSlaSettings *sla);

/* settings-queues.c: the [queue NAME] sections into S->queues ("support" when there is
 * none), after the calendars. */
gboolean pd_settings_queues_load (PdSettings *s, GKeyFile *kf, GError **error);
void pd_queue_settings_free (PdQueueSettings *q);

/* settings-imap.c: the [imap NAME] sections into S->imap. */
gboolean pd_settings_imap_load (PdSettings *s, GKeyFile *kf, GError **error);
void pd_imap_settings_free (PdImapSettings *m);

#endif
