/* metrics.c - GET /metrics: Prometheus text exposition format (version 0.0.4) from the store,
 * read at each scrape: mail received by class and state, the outbox by state, open tickets
 * per queue, SLA reminders and breaches (escalations fired), follow-the-sun hand-offs, list
 * subscribers, campaigns and campaign deliveries by state. Every configured queue, outbox,
 * subscriber, campaign and delivery state and SLA target has a line, 0 included, so a series does not
 * appear from nowhere. Counts are of rows kept: a retention purge lowers them. [serve] metrics
 * (settings-upkeep.h) says who may read them: by default loopback peers only, 404 to others. */
#include "http/http-private.h"

#include <string.h>

#include "core/settings-upkeep.h"
#include "store/report.h"

/* A label value: backslash, double quote and newline escaped. */
static void
label (GString *out, const char *v)
{
	for (; v && *v; v++) {
		if (*v == '\\' || *v == '"')
			g_string_append_c (out, '\\');
		if (*v == '\n')
			g_string_append (out, "\\n");
		else
			g_string_append_c (out, *v);
	}
}

static void
head (GString *out, const char *name, const char *type, const char *help)
{
	g_string_append_printf (out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Row count of ROWS whose columns 0 (and 1, unless B is NULL) match, in column N. */
static gint64
lookup (const PdReportRows *rows, const char *a, const char *b, guint n)
{
	guint i;

	for (i = 0; i < rows->rows->len; i++)
		if (g_strcmp0 (pd_report_text (rows, i, 0), a) == 0 &&
		    (b == NULL || g_strcmp0 (pd_report_text (rows, i, 1), b) == 0))
			return pd_report_int (rows, i, n);
	return 0;
}

static char *
render (PdApp *app, GError **error)
{
	static const char *const outbox_states[] = { "queued", "sent", "failed" };
	static const char *const targets[] = { "first_response", "resolution" };
	static const char *const subscriber_states[] = { "pending", "active", "unsubscribed",
		                                         "bouncing", "disabled" };
	static const char *const campaign_states[] = { "draft", "scheduled", "running", "paused",
		                                       "done", "cancelled" };
	static const char *const delivery_states[] = { "pending", "sending", "sent", "deferred",
		                                       "bounced", "failed", "skipped" };
	g_autoptr (PdReportRows) intake = NULL, outbox = NULL, queues = NULL, sla = NULL;
	g_autoptr (PdReportRows) subscribers = NULL, campaigns = NULL, deliveries = NULL;
	GString *out;
	gint64 handoffs = 0;
	guint i;

	if ((intake = pd_store_metrics_intake (app->store, error)) == NULL ||
	    (outbox = pd_store_metrics_outbox (app->store, error)) == NULL ||
	    (queues = pd_store_metrics_queues (app->store, error)) == NULL ||
	    (sla = pd_store_metrics_sla (app->store, error)) == NULL ||
	    (subscribers = pd_store_metrics_subscribers (app->store, error)) == NULL ||
	    (campaigns = pd_store_metrics_campaigns (app->store, error)) == NULL ||
	    (deliveries = pd_store_metrics_deliveries (app->store, error)) == NULL ||
	    !pd_store_metrics_handoffs (app->store, &handoffs, error))
		return NULL;
	out = g_string_new (NULL);
	head (out, "postdesk_intake_messages_total", "counter",
	      "Mail received, by the class the filter chain gave it and its intake state.");
	for (i = 0; i < intake->rows->len; i++) {
		g_string_append (out, "postdesk_intake_messages_total{class=\"");
		label (out, pd_report_text (intake, i, 0) ? pd_report_text (intake, i, 0) : "");
		g_string_append (out, "\",state=\"");
		label (out, pd_report_text (intake, i, 1));
		g_string_append_printf (out, "\"} %" G_GINT64_FORMAT "\n", pd_report_int (intake, i, 2));
	}
	head (out, "postdesk_outbox_messages", "gauge", "Outgoing mail by state.");
	for (i = 0; i < G_N_ELEMENTS (outbox_states); i++)
		g_string_append_printf (out, "postdesk_outbox_messages{state=\"%s\"} %" G_GINT64_FORMAT "\n",
		                        outbox_states[i], lookup (outbox, outbox_states[i], NULL, 1));
	head (out, "postdesk_queue_open_tickets", "gauge",
	      "Tickets neither resolved nor closed, per queue (the queue depth).");
	for (i = 0; i < app->settings->queues->len; i++) {
		const PdQueueSettings *q = app->settings->queues->pdata[i];

		g_string_append (out, "postdesk_queue_open_tickets{queue=\"");
		label (out, q->name);
		g_string_append_printf (out, "\"} %" G_GINT64_FORMAT "\n", lookup (queues, q->name, NULL, 1));
	}
	for (i = 0; i < queues->rows->len; i++) { /* tickets of a queue no longer configured */
		const char *name = pd_report_text (queues, i, 0);

		if (pd_settings_queue (app->settings, name) != NULL)
			continue;
		g_string_append (out, "postdesk_queue_open_tickets{queue=\"");
		label (out, name);
		g_string_append_printf (out, "\"} %" G_GINT64_FORMAT "\n", pd_report_int (queues, i, 1));
	}
	head (out, "postdesk_sla_breaches_total", "counter",
	      "SLA targets breached: escalations the scheduler fired, by target.");
	for (i = 0; i < G_N_ELEMENTS (targets); i++)
		g_string_append_printf (out, "postdesk_sla_breaches_total{target=\"%s\"} %" G_GINT64_FORMAT "\n",
		                        targets[i], lookup (sla, targets[i], "escalation", 2));
	head (out, "postdesk_sla_reminders_total", "counter",
	      "SLA reminders the scheduler fired, by target.");
	for (i = 0; i < G_N_ELEMENTS (targets); i++)
		g_string_append_printf (out, "postdesk_sla_reminders_total{target=\"%s\"} %" G_GINT64_FORMAT "\n",
		                        targets[i], lookup (sla, targets[i], "reminder", 2));
	head (out, "postdesk_handoffs_total", "counter",
	      "Tickets handed to another agent at a shift end (follow-the-sun).");
	g_string_append_printf (out, "postdesk_handoffs_total %" G_GINT64_FORMAT "\n", handoffs);
	head (out, "postdesk_list_subscribers", "gauge", "Subscribers of all lists, by status.");
	for (i = 0; i < G_N_ELEMENTS (subscriber_states); i++)
		g_string_append_printf (out, "postdesk_list_subscribers{status=\"%s\"} %" G_GINT64_FORMAT "\n",
		                        subscriber_states[i], lookup (subscribers, subscriber_states[i], NULL, 1));
	head (out, "postdesk_campaigns", "gauge", "Campaigns by state.");
	for (i = 0; i < G_N_ELEMENTS (campaign_states); i++)
		g_string_append_printf (out, "postdesk_campaigns{state=\"%s\"} %" G_GINT64_FORMAT "\n",
		                        campaign_states[i], lookup (campaigns, campaign_states[i], NULL, 1));
	head (out, "postdesk_campaign_deliveries", "gauge",
	      "Campaign messages in the delivery ledger, by state.");
	for (i = 0; i < G_N_ELEMENTS (delivery_states); i++)
		g_string_append_printf (out, "postdesk_campaign_deliveries{state=\"%s\"} %" G_GINT64_FORMAT "\n",
		                        delivery_states[i], lookup (deliveries, delivery_states[i], NULL, 1));
	return g_string_free (out, FALSE);
}

/* Is ADDR a loopback address: 127.0.0.0/8, ::1, or 127.x mapped into IPv6 (a listener on
 * "::" sees IPv4 peers so). */
static gboolean
loopback (GSocketAddress *addr)
{
	GInetAddress *ip;
	const guint8 *b;

	if (addr == NULL || !G_IS_INET_SOCKET_ADDRESS (addr))
		return FALSE;
	ip = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (addr));
	if (g_inet_address_get_is_loopback (ip))
		return TRUE;
	if (g_inet_address_get_family (ip) != G_SOCKET_FAMILY_IPV6)
		return FALSE;
	b = g_inet_address_to_bytes (ip);
	return memcmp (b, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0 && b[12] == 127;
}

/* [serve] metrics: the queue names and counts are not for whoever reaches the public
 * listener; by default only a scraper on this machine gets them, the rest a plain 404. */
static gboolean
allowed (const PdUpkeepSettings *u, SoupServerMessage *msg)
{
	PdMetricsAccess access = u ? u->metrics : PD_METRICS_LOOPBACK;

	if (access == PD_METRICS_ON)
		return TRUE;
	if (access == PD_METRICS_OFF)
		return FALSE;
	return loopback (soup_server_message_get_remote_address (msg));
}

void
pd_http_metrics (PdHttpServer *srv, SoupServerMessage *msg)
{
	g_autoptr (GError) error = NULL;
	char *text;
	g_autoptr (GBytes) body = NULL;

	if (!allowed (srv->app->settings->upkeep, msg)) {
		pd_http_not_found (srv, msg);
		return;
	}
	text = render (srv->app, &error);
	if (text == NULL) {
		g_autofree char *line = g_strdup_printf ("# metrics unavailable: %s\n", error->message);

		body = g_bytes_new (line, strlen (line));
		pd_http_raw (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "text/plain; charset=utf-8", body);
		return;
	}
	body = g_bytes_new_take (text, strlen (text));
	pd_http_raw (msg, SOUP_STATUS_OK, "text/plain; version=0.0.4; charset=utf-8", body);
}
