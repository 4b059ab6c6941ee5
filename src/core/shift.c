/* shift.c - shifts in an agent's time zone (shift.h). */
#include "core/shift.h"

#include <stdio.h>
#include <string.h>

static gboolean
parse_hhmm (const char *s, int *min_r)
{
	int h, m;
	char tail;

	if (sscanf (s, "%d:%d%c", &h, &m, &tail) != 2 || h < 0 || h > 24 || m < 0 || m > 59 ||
	    (h == 24 && m != 0))
		return FALSE;
	*min_r = h * 60 + m;
	return TRUE;
}

static int
day_index (const char *s)
{
	static const char *const names[7] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };
	int i;

	for (i = 0; i < 7; i++)
		if (strlen (s) == 3 && g_ascii_strncasecmp (s, names[i], 3) == 0)
			return i;
	return -1;
}

/* "Mon-Fri", "Sat", "Mon,Wed,Fri" (a range may wrap: "Sat-Mon") into a day mask. */
static gboolean
parse_days (const char *spec, guint8 *days_r)
{
	g_auto (GStrv) parts = g_strsplit (spec, ",", -1);
	guint i;

	*days_r = 0;
	for (i = 0; parts[i]; i++) {
		g_auto (GStrv) ends = g_strsplit (g_strstrip (parts[i]), "-", 2);
		int a = day_index (g_strstrip (ends[0]));
		int b = ends[1] ? day_index (g_strstrip (ends[1])) : a, d;

		if (a < 0 || b < 0)
			return FALSE;
		for (d = a;; d = (d + 1) % 7) {
			*days_r |= 1u << d;
			if (d == b)
				break;
		}
	}
	return TRUE;
}

/* "09:00-17:00, 18:00-20:00" for DAYS. */
static gboolean
parse_times (PdShift *s, guint8 days, const char *spec)
{
	g_auto (GStrv) times = g_strsplit (spec, ",", -1);
	guint j;

	for (j = 0; times[j]; j++) {
		g_auto (GStrv) ends = g_strsplit (g_strstrip (times[j]), "-", 2);
		PdShiftRange r = { days, 0, 0 };

		if (g_strv_length (ends) != 2 || !parse_hhmm (g_strstrip (ends[0]), &r.start_min) ||
		    !parse_hhmm (g_strstrip (ends[1]), &r.end_min) || r.start_min == r.end_min ||
		    r.start_min == 24 * 60 || s->n >= PD_SHIFT_MAX_RANGES)
			return FALSE;
		s->ranges[s->n++] = r;
	}
	return j > 0;
}

gboolean
pd_shift_parse (const char *tz, const char *hours, PdShift *shift_r)
{
	g_auto (GStrv) items = NULL;
	GTimeZone *zone;
	guint i;

	memset (shift_r, 0, sizeof *shift_r);
	if (hours == NULL)
		return FALSE;
	items = g_strsplit (hours, ";", -1);
	for (i = 0; items[i]; i++) {
		char *item = g_strstrip (items[i]);
		char *sp;
		guint8 days = 0x7f; /* no days given: every day (the older form) */

		if (*item == '\0')
			continue;
		if (g_ascii_isalpha (*item)) {
			sp = strpbrk (item, " \t");
			if (sp == NULL)
				return FALSE;
			*sp++ = '\0';
			if (!parse_days (item, &days))
				return FALSE;
			item = sp;
		}
		if (!parse_times (shift_r, days, item))
			return FALSE;
	}
	if (shift_r->n == 0)
		return FALSE;
	zone = tz && *tz ? g_time_zone_new_identifier (tz) : g_time_zone_new_utc ();
	if (zone == NULL)
		return FALSE;
	shift_r->zone = zone;
	return TRUE;
}

void
pd_shift_clear (PdShift *shift)
{
	g_clear_pointer (&shift->zone, g_time_zone_unref);
}

/* The local midnight of Y-M-D plus MINUTES of wall-clock time (past 24:00: the next days). */
static gint64
wall (const PdShift *s, int y, int m, int d, int minutes)
{
	g_autoptr (GDateTime) day = g_date_time_new (s->zone, y, m, d, 0, 0, 0);
	g_autoptr (GDateTime) later = g_date_time_add_days (day, minutes / (24 * 60));
	g_autoptr (GDateTime) at = NULL;
	int yy, mm, dd;

	g_date_time_get_ymd (later, &yy, &mm, &dd);
	minutes %= 24 * 60;
	at = g_date_time_new (s->zone, yy, mm, dd, minutes / 60, minutes % 60, 0);
	return g_date_time_to_unix (at);
}

/* Call FN for every shift that starts on the local days FROM..TO (relative to T's day). */
typedef gboolean (*ShiftFunc) (gint64 start, gint64 end, gpointer data);

static void
each_shift (const PdShift *s, gint64 t, int from, int to, ShiftFunc fn, gpointer data)
{
	g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (t);
	g_autoptr (GDateTime) local = g_date_time_to_timezone (utc, s->zone);
	int k;
	guint i;

	for (k = from; k <= to; k++) {
		g_autoptr (GDateTime) day = g_date_time_add_days (local, k);
		int y, m, d, wd = g_date_time_get_day_of_week (day) - 1; /* 0 = Monday */

		g_date_time_get_ymd (day, &y, &m, &d);
		for (i = 0; i < s->n; i++) {
			const PdShiftRange *r = &s->ranges[i];
			int end = r->end_min > r->start_min ? r->end_min : r->end_min + 24 * 60;

			if (!(r->days & (1u << wd)))
				continue;
			if (!fn (wall (s, y, m, d, r->start_min), wall (s, y, m, d, end), data))
				return;
		}
	}
}

typedef struct {
	gint64 t, best;
	gboolean on;
} Probe;

static gboolean
probe_on (gint64 start, gint64 end, gpointer data)
{
	Probe *p = data;

	if (start <= p->t && p->t < end)
		p->on = TRUE;
	return !p->on;
}

static gboolean
probe_end (gint64 start, gint64 end, gpointer data)
{
	Probe *p = data;

	(void) start;
	if (end <= p->t && end > p->best)
		p->best = end;
	return TRUE;
}

gboolean
pd_shift_on (const PdShift *s, gint64 t)
{
	Probe p = { t, 0, FALSE };

	each_shift (s, t, -1, 0, probe_on, &p);
	return p.on;
}

gint64
pd_shift_last_end (const PdShift *s, gint64 t)
{
	Probe p = { t, 0, FALSE };

	/* a week back finds the latest end of any weekly pattern; one more day for a shift
	 * that ran past midnight */
	each_shift (s, t, -8, 0, probe_end, &p);
	return p.best;
}
