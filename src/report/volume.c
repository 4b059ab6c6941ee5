/* volume.c - `report volume`: per day of the window, tickets created, customer mails on
 * tickets, agents' answers to customers and tickets resolved; and the totals. A day is a day
 * of the queue's calendar time zone (UTC for a queue without a calendar); the report says
 * which in its time_zones section. Every day of the window has a row (up to a year; a longer
 * window lists only the days with activity). */
#include "report/report.h"

#include "store/report.h"

#define DAY 86400
#define MAX_DAYS 366

enum { CREATED, IN, REPLY, RESOLVED, N_WHAT };
static const char *const what_names[N_WHAT] = { "created", "in", "reply", "resolved" };

static int
day_cmp (gconstpointer a, gconstpointer b)
{
	return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

gboolean
pd_report_volume (PdApp *app, const PdReportQuery *q, PdReport *report, GError **error)
{
	g_autoptr (PdReportRows) rows = pd_store_report_activity (app->store, q->since, q->until,
	                                                         q->queue, error);
	/* day "YYYY-MM-DD" -> gint64[N_WHAT] */
	g_autoptr (GHashTable) days = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	g_autoptr (GPtrArray) order = g_ptr_array_new ();
	gint64 total[N_WHAT] = { 0 };
	PdReportSection *s;
	guint i, w;

	if (rows == NULL)
		return FALSE;
	if (q->until > q->since && (q->until - q->since) / DAY <= MAX_DAYS) {
		g_autoptr (GPtrArray) queues = pd_report_queues (app->settings, q);
		guint k;

		/* the local days of the window in every zone the covered queues use */
		for (k = 0; k < queues->len; k++) {
			GTimeZone *zone = pd_report_queue_zone (app->settings, queues->pdata[k]);
			gint64 t;

			for (t = q->since; t < q->until; t = pd_report_next_day (t, zone)) {
				char *day = pd_report_day (t, zone);

				if (g_hash_table_contains (days, day)) {
					g_free (day);
					continue;
				}
				g_ptr_array_add (order, day);
				g_hash_table_insert (days, day, g_new0 (gint64, N_WHAT));
			}
		}
	}
	for (i = 0; i < rows->rows->len; i++) {
		char *day = pd_report_day (pd_report_int (rows, i, 0),
		                           pd_report_queue_zone (app->settings, pd_report_text (rows, i, 2)));
		const char *what = pd_report_text (rows, i, 1);
		gint64 *counts = g_hash_table_lookup (days, day);

		if (counts == NULL) {
			counts = g_new0 (gint64, N_WHAT);
			g_ptr_array_add (order, day);
			g_hash_table_insert (days, day, counts);
		} else {
			g_free (day);
		}
		for (w = 0; w < N_WHAT; w++)
			if (g_strcmp0 (what, what_names[w]) == 0) {
				counts[w]++;
				total[w]++;
			}
	}
	g_ptr_array_sort (order, day_cmp);

	pd_report_set_title (report, "Volume");
	s = pd_report_section (report, "days", "Volume per day",
	                       "Per day (in the queue's time zone, see Time zones): tickets created, "
	                       "customer mails on tickets, answers agents sent to customers, tickets "
	                       "resolved.");
	pd_report_column (s, "day", "Day", PD_REPORT_TEXT);
	pd_report_column (s, "created", "Tickets created", PD_REPORT_INT);
	pd_report_column (s, "customer_mails", "Customer mails", PD_REPORT_INT);
	pd_report_column (s, "replies", "Answers sent", PD_REPORT_INT);
	pd_report_column (s, "resolved", "Resolved", PD_REPORT_INT);
	for (i = 0; i < order->len; i++) {
		const gint64 *counts = g_hash_table_lookup (days, order->pdata[i]);
		char **row = pd_report_row (s);

		pd_report_set_text (s, row, 0, order->pdata[i]);
		for (w = 0; w < N_WHAT; w++)
			pd_report_set_int (s, row, w + 1, counts[w]);
	}
	pd_report_chart (s, 0, 1, 3, -1);

	s = pd_report_section (report, "totals", "Totals", NULL);
	pd_report_column (s, "created", "Tickets created", PD_REPORT_INT);
	pd_report_column (s, "customer_mails", "Customer mails", PD_REPORT_INT);
	pd_report_column (s, "replies", "Answers sent", PD_REPORT_INT);
	pd_report_column (s, "resolved", "Resolved", PD_REPORT_INT);
	{
		char **row = pd_report_row (s);

		for (w = 0; w < N_WHAT; w++)
			pd_report_set_int (s, row, w, total[w]);
	}
	pd_report_zones (report, app->settings, q);
	return TRUE;
}
