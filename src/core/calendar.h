/* calendar.h - business-hour arithmetic: a time zone, working hours per weekday, holidays.
 * Pure code over GLib only (no store, no settings), so any layer may use it. Times are Unix
 * seconds; wall-clock times are converted with GTimeZone, so DST changes are respected. */
#ifndef PD_CALENDAR_H
#define PD_CALENDAR_H

#include <glib.h>

typedef struct PdCalendar PdCalendar;

/* A calendar in time zone TZ (IANA name, e.g. "Europe/Berlin"; NULL or "" = UTC) with working
 * HOURS ("Mon-Fri 09:00-17:00", several items separated by ';', days as a range or a comma
 * list, several time ranges per item separated by ',': "Mon-Thu 09:00-17:00; Fri 09:00-13:00").
 * HOLIDAYS: dates "YYYY-MM-DD" separated by ';' or ',' (may be NULL). CUTOFF and CUTOFF_DUE:
 * "HH:MM" (NULL: 14:00 and 11:00). PD_ERROR_CONFIG on anything malformed. (transfer full) */
PdCalendar *pd_calendar_new (const char *tz, const char *hours, const char *holidays,
                             const char *cutoff, const char *cutoff_due, GError **error);
void pd_calendar_free (PdCalendar *cal);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdCalendar, pd_calendar_free)

/* Add the all-day events of iCalendar TEXT (VEVENT with DTSTART;VALUE=DATE:YYYYMMDD and an
 * optional DTEND;VALUE=DATE, exclusive) as holidays. Recurrence rules are not read. */
gboolean pd_calendar_add_ical (PdCalendar *cal, const char *text, GError **error);
/* The same from the file PATH. */
gboolean pd_calendar_add_ical_file (PdCalendar *cal, const char *path, GError **error);

/* The calendar's time zone (UTC when none was given). (transfer none) */
GTimeZone *pd_calendar_zone (const PdCalendar *cal);
/* Its IANA name, "UTC" for UTC. (transfer none) */
const char *pd_calendar_zone_name (const PdCalendar *cal);

/* Is the local date Y-M-D a holiday. */
gboolean pd_calendar_is_holiday (const PdCalendar *cal, int y, int m, int d);

/* The moment SECONDS of business time after START (START itself when SECONDS is 0 and it is
 * within business hours, else the next opening). */
gint64 pd_calendar_add_seconds (const PdCalendar *cal, gint64 start, gint64 seconds);
/* DAYS business days after START: the same local time of day DAYS working days later, from
 * START moved to the next business moment; on a shorter day the close of that day. */
gint64 pd_calendar_add_days (const PdCalendar *cal, gint64 start, int days);
/* Business seconds between FROM and TO (0 when TO <= FROM). */
gint64 pd_calendar_between (const PdCalendar *cal, gint64 from, gint64 to);
/* The cut-off form: received on a working day before the cut-off (and before that day's
 * close): due at that day's close; otherwise at CUTOFF_DUE on the next working day; received
 * on a day off: at the close of the next working day. */
gint64 pd_calendar_cutoff_due (const PdCalendar *cal, gint64 received);

#endif
