/* report.c - the report model (report.h): sections of typed columns and rows of strings,
 * and the small pure helpers the reports share (percentiles, percentages, days). */
#include "report/report.h"

#include "core/calendar.h"

#include <stdarg.h>

static void
column_free (PdReportColumn *c)
{
	g_free (c->key);
	g_free (c->label);
	g_free (c);
}

static void
section_free (PdReportSection *s)
{
	guint i, c;

	for (i = 0; i < s->rows->len; i++) {
		char **row = s->rows->pdata[i];

		for (c = 0; c < s->columns->len; c++)
			g_free (row[c]);
		g_free (row);
	}
	g_ptr_array_unref (s->rows);
	g_ptr_array_unref (s->columns);
	g_array_unref (s->chart_values);
	g_free (s->id);
	g_free (s->title);
	g_free (s->note);
	g_free (s);
}

PdReport *
pd_report_new (const char *name, const PdReportQuery *q)
{
	PdReport *r = g_new0 (PdReport, 1);

	r->name = g_strdup (name);
	r->title = g_strdup (name);
	r->since = q->since;
	r->until = q->until;
	r->generated = q->now;
	r->queue = g_strdup (q->queue);
	r->sections = g_ptr_array_new_with_free_func ((GDestroyNotify) section_free);
	return r;
}

void
pd_report_free (PdReport *r)
{
	if (r == NULL)
		return;
	g_ptr_array_unref (r->sections);
	g_free (r->name);
	g_free (r->title);
	g_free (r->queue);
	g_free (r);
}

void
pd_report_set_title (PdReport *r, const char *title)
{
	g_free (r->title);
	r->title = g_strdup (title);
}

PdReportSection *
pd_report_section (PdReport *r, const char *id, const char *title, const char *note)
{
	PdReportSection *s = g_new0 (PdReportSection, 1);

	s->id = g_strdup (id);
	s->title = g_strdup (title);
	s->note = g_strdup (note);
	s->columns = g_ptr_array_new_with_free_func ((GDestroyNotify) column_free);
	s->rows = g_ptr_array_new ();
	s->chart_label = -1;
	s->chart_values = g_array_new (FALSE, FALSE, sizeof (int));
	g_ptr_array_add (r->sections, s);
	return s;
}

guint
pd_report_column (PdReportSection *s, const char *key, const char *label, PdReportType type)
{
	PdReportColumn *c = g_new0 (PdReportColumn, 1);

	g_return_val_if_fail (s->rows->len == 0, 0);
	c->key = g_strdup (key);
	c->label = g_strdup (label);
	c->type = type;
	g_ptr_array_add (s->columns, c);
	return s->columns->len - 1;
}

char **
pd_report_row (PdReportSection *s)
{
	char **row = g_new0 (char *, s->columns->len + 1);

	g_ptr_array_add (s->rows, row);
	return row;
}

void
pd_report_set_text (PdReportSection *s, char **row, guint col, const char *text)
{
	g_return_if_fail (col < s->columns->len);
	g_free (row[col]);
	row[col] = g_strdup (text);
}

void
pd_report_set_int (PdReportSection *s, char **row, guint col, gint64 value)
{
	g_return_if_fail (col < s->columns->len);
	g_free (row[col]);
	row[col] = g_strdup_printf ("%" G_GINT64_FORMAT, value);
}

void
pd_report_set_percent (PdReportSection *s, char **row, guint col, gint64 part, gint64 whole)
{
	g_return_if_fail (col < s->columns->len);
	g_free (row[col]);
	row[col] = pd_report_percent_text (part, whole);
}

void
pd_report_chart (PdReportSection *s, int label_col, ...)
{
	va_list ap;
	int v;

	s->chart_label = label_col;
	g_array_set_size (s->chart_values, 0);
	va_start (ap, label_col);
	while ((v = va_arg (ap, int)) >= 0)
		g_array_append_val (s->chart_values, v);
	va_end (ap);
}

gint64
pd_report_percentile (const gint64 *sorted, guint n, guint pct)
{
	guint64 rank;

	if (n == 0)
		return 0;
	/* nearest rank: ceil (pct / 100 * n), at least 1 */
	rank = ((guint64) pct * n + 99) / 100;
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return sorted[rank - 1];
}

char *
pd_report_percent_text (gint64 part, gint64 whole)
{
	gint64 tenths;

	if (whole <= 0)
		return NULL;
	tenths = (part * 1000 + whole / 2) / whole; /* half up */
	return g_strdup_printf ("%" G_GINT64_FORMAT ".%" G_GINT64_FORMAT, tenths / 10, tenths % 10);
}

char *
pd_report_duration_text (gint64 s)
{
	if (s < 0)
		s = 0;
	if (s >= 86400)
		return g_strdup_printf ("%" G_GINT64_FORMAT "d %" G_GINT64_FORMAT "h", s / 86400,
		                        s % 86400 / 3600);
	if (s >= 3600)
		return g_strdup_printf ("%" G_GINT64_FORMAT "h %02" G_GINT64_FORMAT "m", s / 3600,
		                        s % 3600 / 60);
	if (s >= 60)
		return g_strdup_printf ("%" G_GINT64_FORMAT "m %02" G_GINT64_FORMAT "s", s / 60, s % 60);
	return g_strdup_printf ("%" G_GINT64_FORMAT "s", s);
}

char *
pd_report_day (gint64 t, GTimeZone *zone)
{
	g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (t);
	g_autoptr (GDateTime) local = zone ? g_date_time_to_timezone (utc, zone) : NULL;

	return g_date_time_format (local ? local : utc, "%Y-%m-%d");
}

gint64
pd_report_next_day (gint64 t, GTimeZone *zone)
{
	g_autoptr (GTimeZone) utc_zone = zone ? NULL : g_time_zone_new_utc ();
	GTimeZone *z = zone ? zone : utc_zone;
	g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (t);
	g_autoptr (GDateTime) local = g_date_time_to_timezone (utc, z);
	g_autoptr (GDateTime) next = g_date_time_add_days (local, 1);
	g_autoptr (GDateTime) midnight = NULL;
	int y, m, d;

	g_date_time_get_ymd (next, &y, &m, &d);
	midnight = g_date_time_new (z, y, m, d, 0, 0, 0);
	return g_date_time_to_unix (midnight);
}

GTimeZone *
pd_report_queue_zone (const PdSettings *s, const char *queue)
{
	const PdQueueSettings *qs = queue ? pd_settings_queue (s, queue) : NULL;

	return qs != NULL && qs->sla->calendar != NULL ? pd_calendar_zone (qs->sla->calendar) : NULL;
}

const char *
pd_report_queue_zone_name (const PdSettings *s, const char *queue)
{
	const PdQueueSettings *qs = queue ? pd_settings_queue (s, queue) : NULL;

	return qs != NULL && qs->sla->calendar != NULL ? pd_calendar_zone_name (qs->sla->calendar) : "UTC";
}

GPtrArray *
pd_report_queues (const PdSettings *s, const PdReportQuery *q)
{
	GPtrArray *out = g_ptr_array_new ();
	guint i;

	if (q->queue != NULL) {
		g_ptr_array_add (out, (gpointer) q->queue);
		return out;
	}
	for (i = 0; i < s->queues->len; i++)
		g_ptr_array_add (out, ((PdQueueSettings *) s->queues->pdata[i])->name);
	return out;
}

void
pd_report_zones (PdReport *report, const PdSettings *s, const PdReportQuery *q)
{
	g_autoptr (GPtrArray) queues = pd_report_queues (s, q);
	PdReportSection *sec;
	guint i;

	sec = pd_report_section (report, "time_zones", "Time zones",
	                         "Days are counted in each queue's calendar time zone; UTC for a "
	                         "queue without a calendar.");
	pd_report_column (sec, "queue", "Queue", PD_REPORT_TEXT);
	pd_report_column (sec, "time_zone", "Time zone", PD_REPORT_TEXT);
	for (i = 0; i < queues->len; i++) {
		char **row = pd_report_row (sec);

		pd_report_set_text (sec, row, 0, queues->pdata[i]);
		pd_report_set_text (sec, row, 1, pd_report_queue_zone_name (s, queues->pdata[i]));
	}
}
