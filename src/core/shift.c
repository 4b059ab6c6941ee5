/* shift.c - daily shifts in an agent's time zone (shift.h). */
#include "core/shift.h"

#include <stdio.h>

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

gboolean
pd_shift_parse (const char *tz, const char *hours, PdShift *shift_r)
{
	g_auto (GStrv) parts = NULL;
	GTimeZone *zone;

	if (hours == NULL)
		return FALSE;
	parts = g_strsplit (hours, "-", 2);
	if (g_strv_length (parts) != 2 || !parse_hhmm (g_strstrip (parts[0]), &shift_r->start_min) ||
	    !parse_hhmm (g_strstrip (parts[1]), &shift_r->end_min) ||
	    shift_r->start_min == shift_r->end_min)
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

/* The shift that starts on the local day DAYS after T's local day: its start and end. */
static void
shift_of_day (const PdShift *s, gint64 t, int days, gint64 *start_r, gint64 *end_r)
{
	g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (t);
	g_autoptr (GDateTime) local = g_date_time_to_timezone (utc, s->zone);
	g_autoptr (GDateTime) day = g_date_time_add_days (local, days);
	int y, m, d;
	g_autoptr (GDateTime) start = NULL;
	g_autoptr (GDateTime) end = NULL;

	g_date_time_get_ymd (day, &y, &m, &d);
	start = g_date_time_new (s->zone, y, m, d, s->start_min / 60, s->start_min % 60, 0);
	if (s->end_min > s->start_min) {
		end = g_date_time_new (s->zone, y, m, d, s->end_min / 60 % 24, s->end_min % 60, 0);
		if (s->end_min == 24 * 60) { /* "…-24:00": the next midnight */
			g_autoptr (GDateTime) next = g_date_time_add_days (day, 1);

			g_clear_pointer (&end, g_date_time_unref);
			g_date_time_get_ymd (next, &y, &m, &d);
			end = g_date_time_new (s->zone, y, m, d, 0, 0, 0);
		}
	} else {
		g_autoptr (GDateTime) next = g_date_time_add_days (day, 1);

		g_date_time_get_ymd (next, &y, &m, &d);
		end = g_date_time_new (s->zone, y, m, d, s->end_min / 60, s->end_min % 60, 0);
	}
	*start_r = g_date_time_to_unix (start);
	*end_r = g_date_time_to_unix (end);
}

gboolean
pd_shift_on (const PdShift *s, gint64 t)
{
	int days;

	for (days = -1; days <= 0; days++) {
		gint64 start, end;

		shift_of_day (s, t, days, &start, &end);
		if (start <= t && t < end)
			return TRUE;
	}
	return FALSE;
}

gint64
pd_shift_last_end (const PdShift *s, gint64 t)
{
	gint64 best = 0;
	int days;

	for (days = -2; days <= 0; days++) {
		gint64 start, end;

		shift_of_day (s, t, days, &start, &end);
		if (end <= t && end > best)
			best = end;
	}
	return best;
}
