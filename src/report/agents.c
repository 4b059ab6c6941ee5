/* agents.c - `report agents` (their load: open tickets assigned now, answers, notes and
 * resolutions in the window) and `report usage` (how agents work by mail: answers,
 * commands, command errors and the error and confirmation mails they got; and the tickets
 * the knowledge base answered). Both from one store query per agent. */
#include "report/report.h"

#include "store/report.h"

/* pd_store_report_agents columns */
enum { A_ID, A_ADDRESS, A_NAME, A_ACTIVE, A_OPEN, A_MAILS, A_REPLIES, A_NOTES, A_COMMANDS, A_ERRORS,
       A_ERROR_MAILS, A_CONFIRMS, A_RESOLVED };

gboolean
pd_report_agents (PdApp *app, const PdReportQuery *q, PdReport *report, GError **error)
{
	g_autoptr (PdReportRows) rows = pd_store_report_agents (app->store, q->since, q->until,
	                                                       q->queue, error);
	PdReportSection *s;
	gint64 unassigned = 0;
	char **row;
	guint i;

	if (rows == NULL || !pd_store_report_unassigned (app->store, q->queue, &unassigned, error))
		return FALSE;
	pd_report_set_title (report, "Agent load");
	s = pd_report_section (report, "load", "Agent load",
	                       "Open tickets assigned to each agent now; answers to customers, "
	                       "internal notes and tickets resolved in the window.");
	pd_report_column (s, "agent", "Agent", PD_REPORT_TEXT);
	pd_report_column (s, "name", "Name", PD_REPORT_TEXT);
	pd_report_column (s, "active", "Active", PD_REPORT_INT);
	pd_report_column (s, "open", "Open tickets", PD_REPORT_INT);
	pd_report_column (s, "replies", "Answers", PD_REPORT_INT);
	pd_report_column (s, "notes", "Internal notes", PD_REPORT_INT);
	pd_report_column (s, "resolved", "Resolved", PD_REPORT_INT);
	for (i = 0; i < rows->rows->len; i++) {
		row = pd_report_row (s);
		pd_report_set_text (s, row, 0, pd_report_text (rows, i, A_ADDRESS));
		pd_report_set_text (s, row, 1, pd_report_text (rows, i, A_NAME));
		pd_report_set_int (s, row, 2, pd_report_int (rows, i, A_ACTIVE));
		pd_report_set_int (s, row, 3, pd_report_int (rows, i, A_OPEN));
		pd_report_set_int (s, row, 4, pd_report_int (rows, i, A_REPLIES));
		pd_report_set_int (s, row, 5, pd_report_int (rows, i, A_NOTES));
		pd_report_set_int (s, row, 6, pd_report_int (rows, i, A_RESOLVED));
	}
	row = pd_report_row (s);
	pd_report_set_text (s, row, 0, "(unassigned)");
	pd_report_set_int (s, row, 3, unassigned);
	pd_report_chart (s, 0, 3, 4, -1);
	return TRUE;
}

gboolean
pd_report_usage (PdApp *app, const PdReportQuery *q, PdReport *report, GError **error)
{
	g_autoptr (PdReportRows) rows = NULL, events = NULL;
	static const char *const command_kinds[] = { "state", "assign", "priority", "queue", "kb",
		                                     "comment", "command-error" };
	PdReportSection *s;
	gint64 kb_answered = 0, kb_sent = 0, kb_sent_tickets = 0;
	char **row;
	guint i, k;

	if ((rows = pd_store_report_agents (app->store, q->since, q->until, q->queue, error)) == NULL ||
	    (events = pd_store_report_events (app->store, q->since, q->until, q->queue, error)) == NULL)
		return FALSE;
	pd_report_set_title (report, "How agents work");
	s = pd_report_section (report, "agents", "Work by mail per agent",
	                       "Mails agents wrote to tickets, answers to customers and internal notes among them, commands that "
	                       "took effect (#status, #assign, #priority, #queue, #kb), mails whose "
	                       "commands were refused, and the error and confirmation mails agents got.");
	pd_report_column (s, "agent", "Agent", PD_REPORT_TEXT);
	pd_report_column (s, "mails", "Mails", PD_REPORT_INT);
	pd_report_column (s, "replies", "Answers", PD_REPORT_INT);
	pd_report_column (s, "notes", "Internal notes", PD_REPORT_INT);
	pd_report_column (s, "commands", "Commands", PD_REPORT_INT);
	pd_report_column (s, "command_errors", "Refused mails", PD_REPORT_INT);
	pd_report_column (s, "error_mails", "Error mails", PD_REPORT_INT);
	pd_report_column (s, "confirmations", "Confirmations", PD_REPORT_INT);
	for (i = 0; i < rows->rows->len; i++) {
		row = pd_report_row (s);
		pd_report_set_text (s, row, 0, pd_report_text (rows, i, A_ADDRESS));
		pd_report_set_int (s, row, 1, pd_report_int (rows, i, A_MAILS));
		pd_report_set_int (s, row, 2, pd_report_int (rows, i, A_REPLIES));
		pd_report_set_int (s, row, 3, pd_report_int (rows, i, A_NOTES));
		pd_report_set_int (s, row, 4, pd_report_int (rows, i, A_COMMANDS));
		pd_report_set_int (s, row, 5, pd_report_int (rows, i, A_ERRORS));
		pd_report_set_int (s, row, 6, pd_report_int (rows, i, A_ERROR_MAILS));
		pd_report_set_int (s, row, 7, pd_report_int (rows, i, A_CONFIRMS));
	}
	pd_report_chart (s, 0, 2, 4, 5, -1);

	s = pd_report_section (report, "commands", "Commands and notes by kind",
	                       "Ticket history entries agents caused, by kind.");
	pd_report_column (s, "kind", "Kind", PD_REPORT_TEXT);
	pd_report_column (s, "count", "Count", PD_REPORT_INT);
	for (k = 0; k < G_N_ELEMENTS (command_kinds); k++) {
		gint64 n = 0;

		for (i = 0; i < events->rows->len; i++)
			if (g_strcmp0 (pd_report_text (events, i, 0), command_kinds[k]) == 0)
				n = pd_report_int (events, i, 1);
		row = pd_report_row (s);
		pd_report_set_text (s, row, 0, command_kinds[k]);
		pd_report_set_int (s, row, 1, n);
	}
	pd_report_chart (s, 0, 1, -1);

	for (i = 0; i < events->rows->len; i++) {
		const char *kind = pd_report_text (events, i, 0);

		if (g_strcmp0 (kind, "kb-answered") == 0)
			kb_answered = pd_report_int (events, i, 2);
		else if (g_strcmp0 (kind, "kb") == 0) {
			kb_sent = pd_report_int (events, i, 1);
			kb_sent_tickets = pd_report_int (events, i, 2);
		}
	}
	s = pd_report_section (report, "kb", "The knowledge base",
	                       "Tickets a customer closed with \"this answered my question\" on an "
	                       "article, and articles agents put into answers with #kb.");
	pd_report_column (s, "what", "What", PD_REPORT_TEXT);
	pd_report_column (s, "count", "Count", PD_REPORT_INT);
	row = pd_report_row (s);
	pd_report_set_text (s, row, 0, "tickets_answered_by_kb");
	pd_report_set_int (s, row, 1, kb_answered);
	row = pd_report_row (s);
	pd_report_set_text (s, row, 0, "articles_sent_by_agents");
	pd_report_set_int (s, row, 1, kb_sent);
	row = pd_report_row (s);
	pd_report_set_text (s, row, 0, "tickets_with_articles_sent");
	pd_report_set_int (s, row, 1, kb_sent_tickets);
	pd_report_chart (s, 0, 1, -1);
	return TRUE;
}
