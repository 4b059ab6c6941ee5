/* sla.c - `report sla`: per queue, priority and target how many tickets created in the window
 * met or breached their target (or are still running), and per queue the first-response and
 * cycle times (median, p90) and the same-day resolution rate.
 * A target is met when the first response (resolution) came at or before its due time,
 * breached when it came later or has not come and the due time has passed (at the report's
 * clock), and pending otherwise; a target paused while the customer is awaited has no due time
 * and counts as met once the ticket is resolved. Days are days of the queue's calendar time
 * zone (UTC without a calendar). */
#include "report/report.h"

#include "store/report.h"

typedef struct {
	char *queue, *priority, *target;
	gint64 met, breached, pending;
} Attain;

typedef struct {
	char *queue;
	gint64 tickets;
	GArray *first; /* gint64 seconds to the first response */
	GArray *cycle; /* gint64 seconds to resolution */
	gint64 same_day;
} Times;

static void
attain_free (Attain *a)
{
	g_free (a->queue);
	g_free (a->priority);
	g_free (a->target);
	g_free (a);
}

static void
times_free (Times *t)
{
	g_free (t->queue);
	g_array_unref (t->first);
	g_array_unref (t->cycle);
	g_free (t);
}

static int
cmp64 (gconstpointer a, gconstpointer b)
{
	gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

	return x < y ? -1 : x > y;
}

static int
prio_rank (const char *p)
{
	int i = pd_sla_priority_index (p);

	return i < 0 ? 9 : 3 - i; /* urgent first */
}

static int
attain_cmp (gconstpointer pa, gconstpointer pb)
{
	const Attain *a = *(Attain *const *) pa, *b = *(Attain *const *) pb;
	int c = g_strcmp0 (a->queue, b->queue);

	if (c == 0)
		c = prio_rank (a->priority) - prio_rank (b->priority);
	if (c == 0)
		c = g_strcmp0 (a->target, b->target);
	return c;
}

static int
times_cmp (gconstpointer a, gconstpointer b)
{
	return g_strcmp0 ((*(Times *const *) a)->queue, (*(Times *const *) b)->queue);
}

static Times *
times_for (GPtrArray *all, const char *queue)
{
	Times *t;
	guint i;

	for (i = 0; i < all->len; i++)
		if (g_str_equal (((Times *) all->pdata[i])->queue, queue))
			return all->pdata[i];
	t = g_new0 (Times, 1);
	t->queue = g_strdup (queue);
	t->first = g_array_new (FALSE, FALSE, sizeof (gint64));
	t->cycle = g_array_new (FALSE, FALSE, sizeof (gint64));
	g_ptr_array_add (all, t);
	return t;
}

static Attain *
attain_for (GPtrArray *all, const char *queue, const char *priority, const char *target)
{
	Attain *a;
	guint i;

	for (i = 0; i < all->len; i++) {
		a = all->pdata[i];
		if (g_str_equal (a->queue, queue) && g_str_equal (a->priority, priority) &&
		    g_str_equal (a->target, target))
			return a;
	}
	a = g_new0 (Attain, 1);
	a->queue = g_strdup (queue);
	a->priority = g_strdup (priority);
	a->target = g_strdup (target);
	g_ptr_array_add (all, a);
	return a;
}

static void
times_row (PdReportSection *s, Times *t, const char *label)
{
	char **row = pd_report_row (s);
	gint64 *first, *cycle;

	g_array_sort (t->first, cmp64);
	g_array_sort (t->cycle, cmp64);
	pd_report_set_text (s, row, 0, label);
	pd_report_set_int (s, row, 1, t->tickets);
	pd_report_set_int (s, row, 2, t->first->len);
	first = (gint64 *) t->first->data;
	cycle = (gint64 *) t->cycle->data;
	if (t->first->len) {
		pd_report_set_int (s, row, 3, pd_report_percentile (first, t->first->len, 50));
		pd_report_set_int (s, row, 4, pd_report_percentile (first, t->first->len, 90));
	}
	pd_report_set_int (s, row, 5, t->cycle->len);
	if (t->cycle->len) {
		pd_report_set_int (s, row, 6, pd_report_percentile (cycle, t->cycle->len, 50));
		pd_report_set_int (s, row, 7, pd_report_percentile (cycle, t->cycle->len, 90));
	}
	pd_report_set_int (s, row, 8, t->same_day);
	pd_report_set_percent (s, row, 9, t->same_day, t->tickets);
}

gboolean
pd_report_sla (PdApp *app, const PdReportQuery *q, PdReport *report, GError **error)
{
	g_autoptr (PdReportRows) rows = pd_store_report_tickets (app->store, q->since, q->until,
	                                                        q->queue, error);
	g_autoptr (GPtrArray) attain = g_ptr_array_new_with_free_func ((GDestroyNotify) attain_free);
	g_autoptr (GPtrArray) times = g_ptr_array_new_with_free_func ((GDestroyNotify) times_free);
	Times total = { 0 };
	PdReportSection *s;
	gint64 last = 0;
	guint i;

	if (rows == NULL)
		return FALSE;
	total.first = g_array_new (FALSE, FALSE, sizeof (gint64));
	total.cycle = g_array_new (FALSE, FALSE, sizeof (gint64));
	for (i = 0; i < rows->rows->len; i++) {
		gint64 id = pd_report_int (rows, i, 0), created = pd_report_int (rows, i, 3);
		gint64 first = pd_report_int (rows, i, 4), done = pd_report_int (rows, i, 5);
		const char *queue = pd_report_text (rows, i, 1), *target = pd_report_text (rows, i, 6);

		/* as the report's clock sees it: what happened after it has not happened yet */
		if (first > q->now)
			first = 0;
		if (done > q->now)
			done = 0;

		if (id != last) { /* the ticket's first row: its times */
			Times *t = times_for (times, queue);
			Times *both[2] = { t, &total };
			guint k;

			last = id;
			for (k = 0; k < 2; k++) {
				both[k]->tickets++;
				if (first > 0) {
					gint64 d = MAX (first - created, 0);
					g_array_append_val (both[k]->first, d);
				}
				if (done > 0) {
					gint64 d = MAX (done - created, 0);
					/* the queue's calendar day, not the UTC one */
					GTimeZone *zone = pd_report_queue_zone (app->settings, queue);
					g_autofree char *day0 = pd_report_day (created, zone);
					g_autofree char *day1 = pd_report_day (done, zone);

					g_array_append_val (both[k]->cycle, d);
					if (g_str_equal (day0, day1))
						both[k]->same_day++;
				}
			}
		}
		if (target != NULL) {
			Attain *a = attain_for (attain, queue, pd_report_text (rows, i, 2), target);
			gint64 due = pd_report_int (rows, i, 7);
			gint64 at = g_str_equal (target, "first_response") ? first : done;

			if (at > 0 && (due == 0 || at <= due))
				a->met++;
			else if ((at > 0 && at > due) || (at == 0 && due > 0 && due <= q->now))
				a->breached++;
			else
				a->pending++;
		}
	}
	g_ptr_array_sort (attain, attain_cmp);

	pd_report_set_title (report, "Service levels");
	s = pd_report_section (report, "attainment", "SLA attainment per queue and priority",
	                       "Tickets created in the window: targets met, breached (late, or due and "
	                       "not yet done) and still running. Attainment is met of met and breached.");
	pd_report_column (s, "queue", "Queue", PD_REPORT_TEXT);
	pd_report_column (s, "priority", "Priority", PD_REPORT_TEXT);
	pd_report_column (s, "target", "Target", PD_REPORT_TEXT);
	pd_report_column (s, "met", "Met", PD_REPORT_INT);
	pd_report_column (s, "breached", "Breached", PD_REPORT_INT);
	pd_report_column (s, "pending", "Running", PD_REPORT_INT);
	pd_report_column (s, "attainment_pct", "Attainment %", PD_REPORT_PERCENT);
	pd_report_column (s, "label", "Queue / priority / target", PD_REPORT_TEXT);
	for (i = 0; i < attain->len; i++) {
		const Attain *a = attain->pdata[i];
		char **row = pd_report_row (s);
		g_autofree char *label = g_strdup_printf ("%s %s %s", a->queue, a->priority,
		                                          g_str_equal (a->target, "first_response")
		                                                  ? "first response" : "resolution");

		pd_report_set_text (s, row, 0, a->queue);
		pd_report_set_text (s, row, 1, a->priority);
		pd_report_set_text (s, row, 2, a->target);
		pd_report_set_int (s, row, 3, a->met);
		pd_report_set_int (s, row, 4, a->breached);
		pd_report_set_int (s, row, 5, a->pending);
		pd_report_set_percent (s, row, 6, a->met, a->met + a->breached);
		pd_report_set_text (s, row, 7, label);
	}
	pd_report_chart (s, 7, 3, 4, -1);

	s = pd_report_section (report, "times", "First response and cycle time per queue",
	                       "Seconds from the ticket's creation to the first answer and to its "
	                       "resolution (nearest-rank median and 90th percentile); same day: resolved "
	                       "on the day it came in (in the queue's time zone, see Time zones), of "
	                       "all tickets created.");
	pd_report_column (s, "queue", "Queue", PD_REPORT_TEXT);
	pd_report_column (s, "tickets", "Tickets", PD_REPORT_INT);
	pd_report_column (s, "responded", "Answered", PD_REPORT_INT);
	pd_report_column (s, "first_response_median", "First response, median", PD_REPORT_DURATION);
	pd_report_column (s, "first_response_p90", "First response, p90", PD_REPORT_DURATION);
	pd_report_column (s, "resolved", "Resolved", PD_REPORT_INT);
	pd_report_column (s, "cycle_median", "Cycle time, median", PD_REPORT_DURATION);
	pd_report_column (s, "cycle_p90", "Cycle time, p90", PD_REPORT_DURATION);
	pd_report_column (s, "same_day", "Resolved the same day", PD_REPORT_INT);
	pd_report_column (s, "same_day_pct", "Same-day resolution %", PD_REPORT_PERCENT);
	g_ptr_array_sort (times, times_cmp);
	for (i = 0; i < times->len; i++)
		times_row (s, times->pdata[i], ((Times *) times->pdata[i])->queue);
	if (times->len > 1 || q->queue == NULL)
		times_row (s, &total, "(all)");
	pd_report_chart (s, 0, 3, 6, -1);
	g_array_unref (total.first);
	g_array_unref (total.cycle);
	pd_report_zones (report, app->settings, q);
	return TRUE;
}
