/* mail.c - a report by mail (pd_report_mail in report.h): the HTML page as the preferred
 * alternative, the text form for clients that show text only; queued in the outbox like
 * every other mail, so `send` or `serve` delivers it with retries. */
#include "report/report.h"

#include "mail/compose.h"
#include "store/store.h"

gboolean
pd_report_mail (PdApp *app, const PdReport *report, const char *rcpt, gint64 now,
                gint64 *outbox_r, GError **error)
{
	const PdQueueSettings *q = app->settings->queues->pdata[0];
	g_autofree char *text = pd_report_render (report, PD_REPORT_FORMAT_TEXT);
	g_autofree char *html = pd_report_render (report, PD_REPORT_FORMAT_HTML);
	g_autofree char *mid = pd_compose_message_id (app->settings->domain);
	g_autoptr (GDateTime) since = g_date_time_new_from_unix_utc (report->since);
	g_autoptr (GDateTime) until = g_date_time_new_from_unix_utc (report->until - 1);
	g_autofree char *from_day = g_date_time_format (since, "%Y-%m-%d");
	g_autofree char *to_day = g_date_time_format (until, "%Y-%m-%d");
	g_autofree char *subject = g_strdup_printf ("postdesk report: %s, %s to %s%s%s", report->title,
	                                            from_day, to_day, report->queue ? ", queue " : "",
	                                            report->queue ? report->queue : "");
	g_autoptr (GBytes) bytes = NULL;
	PdComposeSpec spec = { 0 };

	spec.from_name = q->display_name ? q->display_name : q->name;
	spec.from_addr = q->address;
	spec.to_addr = rcpt;
	spec.subject = subject;
	spec.message_id = mid;
	spec.auto_submitted = "auto-generated";
	spec.loop_address = q->address;
	spec.body = text;
	spec.html = html;
	bytes = pd_compose (&spec, error);
	if (bytes == NULL || !pd_store_begin (app->store, error))
		return FALSE;
	if (!pd_store_outbox_add (app->store, "report", 0, rcpt, mid, bytes, FALSE, now, outbox_r,
	                          error) ||
	    !pd_store_commit (app->store, error)) {
		pd_store_rollback (app->store);
		return FALSE;
	}
	return TRUE;
}
