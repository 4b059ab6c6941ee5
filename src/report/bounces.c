/* bounces.c - `report bounces`: automatic mail that came in and was kept from getting an
 * answer (the classes of the filter chain other than human), acknowledgements the rate limit
 * refused, our own mail that failed for good, and the addresses suppressed now; and every
 * intake class and state in the window. */
#include "report/report.h"

#include "filters/chain.h"
#include "store/report.h"

/* Sum of the count column (2) of ROWS whose column 0 is A and column 1 is B (NULL: any). */
static gint64
sum (const PdReportRows *rows, const char *a, const char *b)
{
	gint64 n = 0;
	guint i;

	for (i = 0; i < rows->rows->len; i++)
		if ((a == NULL || g_strcmp0 (pd_report_text (rows, i, 0), a) == 0) &&
		    (b == NULL || g_strcmp0 (pd_report_text (rows, i, 1), b) == 0))
			n += pd_report_int (rows, i, 2);
	return n;
}

gboolean
pd_report_bounces (PdApp *app, const PdReportQuery *q, PdReport *report, GError **error)
{
	g_autoptr (PdReportRows) intake = NULL, events = NULL, outbox = NULL;
	PdReportSection *s;
	gint64 suppressed = 0, total = 0, ack_refused = 0, ack_tickets = 0;
	char **row;
	guint i;

	if ((intake = pd_store_report_intake (app->store, q->since, q->until, q->queue, error)) == NULL ||
	    (events = pd_store_report_events (app->store, q->since, q->until, q->queue, error)) == NULL ||
	    (outbox = pd_store_report_outbox (app->store, q->since, q->until, q->queue, error)) == NULL ||
	    !pd_store_report_suppressed (app->store, q->now, &suppressed, error))
		return FALSE;
	for (i = 0; i < events->rows->len; i++)
		if (g_strcmp0 (pd_report_text (events, i, 0), "ack-refused") == 0) {
			ack_refused = pd_report_int (events, i, 1);
			ack_tickets = pd_report_int (events, i, 2);
		}

	pd_report_set_title (report, "Bounces and automatic mail");
	s = pd_report_section (report, "suppressed", "Automatic mail that got no answer",
	                       "Mail the filter chain recognised as automatic (out-of-office, "
	                       "autoreplies, bounces, delays, our own mail coming back, list "
	                       "traffic, abuse reports), received in the window.");
	pd_report_column (s, "class", "Class", PD_REPORT_TEXT);
	pd_report_column (s, "mails", "Mails", PD_REPORT_INT);
	for (i = 0; i < PD_CLASS_COUNT; i++) {
		const char *name = pd_class_name ((PdClass) i);
		gint64 n;

		if (i == PD_CLASS_HUMAN)
			continue;
		n = sum (intake, name, NULL);
		total += n;
		row = pd_report_row (s);
		pd_report_set_text (s, row, 0, name);
		pd_report_set_int (s, row, 1, n);
	}
	row = pd_report_row (s);
	pd_report_set_text (s, row, 0, "(all automatic)");
	pd_report_set_int (s, row, 1, total);
	pd_report_chart (s, 0, 1, -1);

	s = pd_report_section (report, "refused", "Answers held back and mail that failed", NULL);
	pd_report_column (s, "what", "What", PD_REPORT_TEXT);
	pd_report_column (s, "count", "Count", PD_REPORT_INT);
	{
		const struct { const char *what; gint64 n; } figures[] = {
			{ "acks_sent", sum (outbox, "ack", NULL) },
			{ "acks_refused", ack_refused },
			{ "acks_refused_tickets", ack_tickets },
			{ "outbox_failed", sum (outbox, NULL, "failed") },
			{ "addresses_suppressed", suppressed },
		};

		for (i = 0; i < G_N_ELEMENTS (figures); i++) {
			row = pd_report_row (s);
			pd_report_set_text (s, row, 0, figures[i].what);
			pd_report_set_int (s, row, 1, figures[i].n);
		}
	}
	pd_report_chart (s, 0, 1, -1);

	s = pd_report_section (report, "intake", "All mail received, by class and state", NULL);
	pd_report_column (s, "class", "Class", PD_REPORT_TEXT);
	pd_report_column (s, "state", "State", PD_REPORT_TEXT);
	pd_report_column (s, "mails", "Mails", PD_REPORT_INT);
	for (i = 0; i < intake->rows->len; i++) {
		const char *klass = pd_report_text (intake, i, 0);

		row = pd_report_row (s);
		pd_report_set_text (s, row, 0, klass && *klass ? klass : "(none)");
		pd_report_set_text (s, row, 1, pd_report_text (intake, i, 1));
		pd_report_set_int (s, row, 2, pd_report_int (intake, i, 2));
	}
	return TRUE;
}
