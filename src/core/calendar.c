/* calendar.c - business-hour arithmetic over a GTimeZone: working hours per weekday, holiday
 * dates (from the config or an iCalendar file), business seconds, business days, the cut-off
 * form. Each local day's ranges are turned into Unix times with the zone, so a DST change
 * moves them as the wall clock moves. The caller owns the calendar. */
#include "core/calendar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

#define MAX_RANGES 8
#define SEARCH_DAYS 1500 /* a calendar whose next working day is further is broken */

typedef struct {
	int open, close; /* seconds since local midnight (wall clock) */
} Range;

struct PdCalendar {
	GTimeZone *tz;
	Range ranges[7][MAX_RANGES]; /* index 0 = Monday */
	int n[7];
	GHashTable *holidays; /* y*10000+m*100+d */
	int cutoff, cutoff_due; /* seconds since local midnight */
};

static const char *const day_names[7] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };

void
pd_calendar_free (PdCalendar *cal)
{
	if (cal == NULL)
		return;
	if (cal->tz != NULL)
		g_time_zone_unref (cal->tz);
	g_hash_table_unref (cal->holidays);
	g_free (cal);
}

static gboolean
parse_hhmm (const char *s, int *out)
{
	int h, m;
	char extra;

	if (sscanf (s, "%2d:%2d%c", &h, &m, &extra) != 2 || h < 0 || h > 24 || m < 0 || m > 59 ||
	    (h == 24 && m != 0) || strlen (s) != 5)
		return FALSE;
	*out = h * 3600 + m * 60;
	return TRUE;
}

static int
day_index (const char *s)
{
	int i;

	for (i = 0; i < 7; i++)
		if (g_ascii_strncasecmp (s, day_names[i], 3) == 0 && strlen (s) == 3)
			return i;
	return -1;
}

/* "Mon-Fri" or "Sat" or "Mon,Wed,Fri" into DAYS[7]. */
static gboolean
parse_days (const char *spec, gboolean days[7])
{
	g_auto (GStrv) parts = g_strsplit (spec, ",", -1);
	guint i;

	for (i = 0; parts[i]; i++) {
		g_auto (GStrv) ends = g_strsplit (g_strstrip (parts[i]), "-", 2);
		int a = day_index (ends[0]), b = ends[1] ? day_index (ends[1]) : a, d;

		if (a < 0 || b < 0)
			return FALSE;
		for (d = a;; d = (d + 1) % 7) {
			days[d] = TRUE;
			if (d == b)
				break;
		}
	}
	return TRUE;
}

static int
range_cmp (const void *a, const void *b)
{
	return ((const Range *) a)->open - ((const Range *) b)->open;
}

static gboolean
parse_hours (PdCalendar *cal, const char *hours, GError **error)
{
	g_auto (GStrv) items = g_strsplit (hours, ";", -1);
	guint i, j;
	int d, total = 0;

	for (i = 0; items[i]; i++) {
		char *item = g_strstrip (items[i]);
		char *sp;
		gboolean days[7] = { FALSE };
		g_auto (GStrv) times = NULL;

		if (*item == '\0')
			continue;
		sp = strpbrk (item, " \t");
		if (sp == NULL)
			goto bad;
		*sp = '\0';
		if (!parse_days (item, days))
			goto bad;
		times = g_strsplit (g_strstrip (sp + 1), ",", -1);
		for (j = 0; times[j]; j++) {
			g_auto (GStrv) ends = g_strsplit (g_strstrip (times[j]), "-", 2);
			Range r;

			if (ends[1] == NULL || !parse_hhmm (g_strstrip (ends[0]), &r.open) ||
			    !parse_hhmm (g_strstrip (ends[1]), &r.close) || r.close <= r.open)
				goto bad;
			for (d = 0; d < 7; d++) {
				if (!days[d])
					continue;
				if (cal->n[d] >= MAX_RANGES)
					goto bad;
				cal->ranges[d][cal->n[d]++] = r;
			}
		}
		continue;
	bad:
		g_set_error (error, PD_ERROR, PD_ERROR_CONFIG,
		             "hours: want items like \"Mon-Fri 09:00-17:00\" separated by ';', got \"%s\"",
		             items[i]);
		return FALSE;
	}
	for (d = 0; d < 7; d++) {
		int k;

		qsort (cal->ranges[d], cal->n[d], sizeof (Range), range_cmp);
		for (k = 1; k < cal->n[d]; k++)
			if (cal->ranges[d][k].open < cal->ranges[d][k - 1].close) {
				g_set_error (error, PD_ERROR, PD_ERROR_CONFIG,
				             "hours: ranges on %s overlap", day_names[d]);
				return FALSE;
			}
		total += cal->n[d];
	}
	if (total == 0) {
		g_set_error (error, PD_ERROR, PD_ERROR_CONFIG, "hours: no working hours at all");
		return FALSE;
	}
	return TRUE;
}

static int
date_key (int y, int m, int d)
{
	return y * 10000 + m * 100 + d;
}

static gboolean
parse_holidays (PdCalendar *cal, const char *list, GError **error)
{
	g_auto (GStrv) dates = g_strsplit_set (list, ";,", -1);
	guint i;

	for (i = 0; dates[i]; i++) {
		char *s = g_strstrip (dates[i]);
		int y, m, d;
		char extra;

		if (*s == '\0')
			continue;
		if (sscanf (s, "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3 || strlen (s) != 10 ||
		    !g_date_valid_dmy (d, m, y)) {
			g_set_error (error, PD_ERROR, PD_ERROR_CONFIG,
			             "holidays: want dates YYYY-MM-DD separated by ';', got \"%s\"", s);
			return FALSE;
		}
		g_hash_table_add (cal->holidays, GINT_TO_POINTER (date_key (y, m, d)));
	}
	return TRUE;
}

PdCalendar *
pd_calendar_new (const char *tz, const char *hours, const char *holidays, const char *cutoff,
                 const char *cutoff_due, GError **error)
{
	g_autoptr (PdCalendar) cal = g_new0 (PdCalendar, 1);

	cal->holidays = g_hash_table_new (NULL, NULL);
	if (tz == NULL || *tz == '\0')
		cal->tz = g_time_zone_new_utc ();
	else if ((cal->tz = g_time_zone_new_identifier (tz)) == NULL) {
		g_set_error (error, PD_ERROR, PD_ERROR_CONFIG, "timezone: unknown time zone \"%s\"", tz);
		return NULL;
	}
	if (hours == NULL) {
		g_set_error (error, PD_ERROR, PD_ERROR_CONFIG, "hours: missing (e.g. Mon-Fri 09:00-17:00)");
		return NULL;
	}
	if (!parse_hours (cal, hours, error) ||
	    (holidays != NULL && !parse_holidays (cal, holidays, error)))
		return NULL;
	if (!parse_hhmm (cutoff ? cutoff : "14:00", &cal->cutoff) ||
	    !parse_hhmm (cutoff_due ? cutoff_due : "11:00", &cal->cutoff_due)) {
		g_set_error (error, PD_ERROR, PD_ERROR_CONFIG, "cutoff, cutoff_due: want HH:MM");
		return NULL;
	}
	return g_steal_pointer (&cal);
}

GTimeZone *
pd_calendar_zone (const PdCalendar *cal)
{
	return cal->tz;
}

const char *
pd_calendar_zone_name (const PdCalendar *cal)
{
	const char *id = g_time_zone_get_identifier (cal->tz);

	/* GLib names the UTC zone "UTC"; an offset-only zone keeps its "+09:00" form */
	return id != NULL && *id != '\0' ? id : "UTC";
}

/* "20261224" into Y M D. */
static gboolean
ical_date (const char *v, int *y, int *m, int *d)
{
	int i;

	for (i = 0; i < 8; i++)
		if (!g_ascii_isdigit (v[i]))
			return FALSE;
	*y = (v[0] - '0') * 1000 + (v[1] - '0') * 100 + (v[2] - '0') * 10 + (v[3] - '0');
	*m = (v[4] - '0') * 10 + (v[5] - '0');
	*d = (v[6] - '0') * 10 + (v[7] - '0');
	return g_date_valid_dmy (*d, *m, *y);
}

gboolean
pd_calendar_add_ical (PdCalendar *cal, const char *text, GError **error)
{
	g_autoptr (GString) unfolded = g_string_new (NULL);
	g_auto (GStrv) lines = NULL;
	const char *p;
	gboolean in_event = FALSE;
	int sy = 0, sm = 0, sd = 0, ey = 0, em = 0, ed = 0;
	guint i, events = 0;

	/* RFC 5545 3.1: a line break followed by a space or tab continues the line */
	for (p = text; *p; p++) {
		if ((p[0] == '\r' && p[1] == '\n' && (p[2] == ' ' || p[2] == '\t'))) {
			p += 2;
			continue;
		}
		if (p[0] == '\n' && (p[1] == ' ' || p[1] == '\t')) {
			p += 1;
			continue;
		}
		if (*p != '\r')
			g_string_append_c (unfolded, *p);
	}
	lines = g_strsplit (unfolded->str, "\n", -1);
	for (i = 0; lines[i]; i++) {
		const char *l = lines[i];
		const char *colon = strchr (l, ':');
		g_autofree char *name = NULL;

		if (colon == NULL)
			continue;
		name = g_ascii_strup (l, colon - l);
		if (!strcmp (name, "BEGIN") && !g_ascii_strcasecmp (colon + 1, "VEVENT")) {
			in_event = TRUE;
			sy = ey = 0;
		} else if (!strcmp (name, "END") && !g_ascii_strcasecmp (colon + 1, "VEVENT") && in_event) {
			GDate *day, *end;

			in_event = FALSE;
			if (sy == 0)
				continue; /* not an all-day event */
			day = g_date_new_dmy (sd, sm, sy);
			end = g_date_new_dmy (sd, sm, sy);
			g_date_add_days (end, 1);
			if (ey != 0) {
				g_date_set_dmy (end, ed, em, ey);
				if (g_date_compare (end, day) <= 0) {
					g_date_set_dmy (end, sd, sm, sy);
					g_date_add_days (end, 1);
				}
			}
			for (; g_date_compare (day, end) < 0 && g_date_days_between (day, end) <= 366;
			     g_date_add_days (day, 1))
				g_hash_table_add (cal->holidays,
				                  GINT_TO_POINTER (date_key (g_date_get_year (day),
				                                             g_date_get_month (day),
				                                             g_date_get_day (day))));
			g_date_free (day);
			g_date_free (end);
			events++;
		} else if (in_event && (g_str_has_prefix (name, "DTSTART") || g_str_has_prefix (name, "DTEND"))) {
			gboolean start = g_str_has_prefix (name, "DTSTART");
			const char *v = colon + 1;
			int y, m, d;

			/* only whole days: VALUE=DATE, or a bare 8-digit value */
			if (strstr (name, "VALUE=DATE-TIME") != NULL || strlen (v) != 8)
				continue;
			if (!ical_date (v, &y, &m, &d)) {
				g_set_error (error, PD_ERROR, PD_ERROR_CONFIG,
				             "iCalendar line %u: not a date: %s", i + 1, l);
				return FALSE;
			}
			if (start) {
				sy = y, sm = m, sd = d;
			} else {
				ey = y, em = m, ed = d;
			}
		}
	}
	if (events == 0 && strstr (text, "BEGIN:VCALENDAR") == NULL) {
		g_set_error (error, PD_ERROR, PD_ERROR_CONFIG, "not an iCalendar file (no BEGIN:VCALENDAR)");
		return FALSE;
	}
	return TRUE;
}

gboolean
pd_calendar_add_ical_file (PdCalendar *cal, const char *path, GError **error)
{
	g_autofree char *text = NULL;
	g_autoptr (GError) local = NULL;

	if (!g_file_get_contents (path, &text, NULL, &local)) {
		g_set_error (error, PD_ERROR, PD_ERROR_CONFIG, "holidays_file %s: %s", path, local->message);
		return FALSE;
	}
	if (!pd_calendar_add_ical (cal, text, error)) {
		g_prefix_error (error, "holidays_file %s: ", path);
		return FALSE;
	}
	return TRUE;
}

gboolean
pd_calendar_is_holiday (const PdCalendar *cal, int y, int m, int d)
{
	return g_hash_table_contains (cal->holidays, GINT_TO_POINTER (date_key (y, m, d)));
}

/* A local day: its date and, when it is a working day, the Unix times of its ranges. */
typedef struct {
	int y, m, d;
	int n;
	gint64 open[MAX_RANGES], close[MAX_RANGES];
} Day;

static gint64
wall (const PdCalendar *cal, int y, int m, int d, int secs)
{
	g_autoptr (GDateTime) dt = NULL;

	if (secs >= 86400) { /* 24:00 is the next day's midnight */
		g_autoptr (GDateTime) mid = g_date_time_new (cal->tz, y, m, d, 0, 0, 0);
		g_autoptr (GDateTime) next = g_date_time_add_days (mid, 1);

		return g_date_time_to_unix (next) + (secs - 86400);
	}
	dt = g_date_time_new (cal->tz, y, m, d, secs / 3600, (secs / 60) % 60, secs % 60);
	return g_date_time_to_unix (dt);
}

static void
day_fill (const PdCalendar *cal, Day *day)
{
	GDate date;
	int wd, k;

	g_date_clear (&date, 1);
	g_date_set_dmy (&date, day->d, day->m, day->y);
	wd = g_date_get_weekday (&date) - 1; /* G_DATE_MONDAY = 1 */
	day->n = 0;
	if (pd_calendar_is_holiday (cal, day->y, day->m, day->d))
		return;
	for (k = 0; k < cal->n[wd]; k++) {
		day->open[k] = wall (cal, day->y, day->m, day->d, cal->ranges[wd][k].open);
		day->close[k] = wall (cal, day->y, day->m, day->d, cal->ranges[wd][k].close);
	}
	day->n = cal->n[wd];
}

/* The local day of T. */
static void
day_of (const PdCalendar *cal, gint64 t, Day *day)
{
	g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (t);
	g_autoptr (GDateTime) local = g_date_time_to_timezone (utc, cal->tz);

	g_date_time_get_ymd (local, &day->y, &day->m, &day->d);
	day_fill (cal, day);
}

static void
day_next (const PdCalendar *cal, Day *day)
{
	GDate date;

	g_date_clear (&date, 1);
	g_date_set_dmy (&date, day->d, day->m, day->y);
	g_date_add_days (&date, 1);
	day->y = g_date_get_year (&date);
	day->m = g_date_get_month (&date);
	day->d = g_date_get_day (&date);
	day_fill (cal, day);
}

gint64
pd_calendar_add_seconds (const PdCalendar *cal, gint64 start, gint64 seconds)
{
	Day day;
	int i, k;

	day_of (cal, start, &day);
	for (i = 0; i < SEARCH_DAYS; i++, day_next (cal, &day))
		for (k = 0; k < day.n; k++) {
			gint64 s = MAX (start, day.open[k]);

			if (day.close[k] <= start || (seconds > 0 && day.close[k] <= s))
				continue;
			if (seconds <= day.close[k] - s)
				return s + seconds;
			seconds -= day.close[k] - s;
		}
	g_return_val_if_reached (start);
}

gint64
pd_calendar_between (const PdCalendar *cal, gint64 from, gint64 to)
{
	Day day;
	gint64 sum = 0;
	int i, k;

	if (to <= from)
		return 0;
	day_of (cal, from, &day);
	for (i = 0; i < SEARCH_DAYS * 10; i++, day_next (cal, &day)) {
		for (k = 0; k < day.n; k++) {
			gint64 a = MAX (from, day.open[k]), b = MIN (to, day.close[k]);

			if (day.open[k] >= to)
				return sum;
			if (b > a)
				sum += b - a;
		}
		if (day.n == 0 && wall (cal, day.y, day.m, day.d, 0) >= to)
			return sum;
	}
	return sum;
}

/* Seconds since local midnight of T (wall clock). */
static int
local_secs (const PdCalendar *cal, gint64 t)
{
	g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (t);
	g_autoptr (GDateTime) local = g_date_time_to_timezone (utc, cal->tz);

	return g_date_time_get_hour (local) * 3600 + g_date_time_get_minute (local) * 60 +
	       g_date_time_get_second (local);
}

/* The next working day after DAY (DAY is changed). */
static void
next_working_day (const PdCalendar *cal, Day *day)
{
	int i;

	for (i = 0; i < SEARCH_DAYS; i++) {
		day_next (cal, day);
		if (day->n > 0)
			return;
	}
}

gint64
pd_calendar_add_days (const PdCalendar *cal, gint64 start, int days)
{
	gint64 s = pd_calendar_add_seconds (cal, start, 0);
	int tod = local_secs (cal, s), i, k;
	Day day;
	gint64 t;

	if (days <= 0)
		return s;
	day_of (cal, s, &day);
	for (i = 0; i < days; i++)
		next_working_day (cal, &day);
	t = wall (cal, day.y, day.m, day.d, tod);
	if (t >= day.close[day.n - 1])
		return day.close[day.n - 1];
	for (k = 0; k < day.n; k++)
		if (t < day.close[k])
			return MAX (t, day.open[k]);
	return day.close[day.n - 1];
}

gint64
pd_calendar_cutoff_due (const PdCalendar *cal, gint64 received)
{
	Day day;

	day_of (cal, received, &day);
	if (day.n > 0) {
		if (local_secs (cal, received) < cal->cutoff && received < day.close[day.n - 1])
			return day.close[day.n - 1];
		next_working_day (cal, &day);
		return wall (cal, day.y, day.m, day.d, cal->cutoff_due);
	}
	next_working_day (cal, &day);
	return day.close[day.n - 1];
}
