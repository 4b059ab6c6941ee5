/* queue.c - `postdesk queue list|show NAME [--json]`: the configured queues as routing sees
 * them (every address, default priority, SLA policy, escalation address) with their tickets
 * counted by state, and the [route NAME] rules in the order they are tried. */
#include <stdio.h>

#include "app/app.h"
#include "cmd/cli.h"
#include "core/error.h"
#include "core/json.h"
#include "core/settings-route.h"
#include "store/route.h"

static const char *const states[] = { "new", "open", "agreed", "in_progress", "resolved",
	                               "closed" };
static const char *const priorities[] = { "low", "normal", "high", "urgent" };

static char *
target_text (const PdSlaTarget *t)
{
	switch (t->unit) {
	case PD_SLA_SECONDS:
		if (t->amount % 3600 == 0)
			return g_strdup_printf ("%" G_GINT64_FORMAT "h", t->amount / 3600);
		if (t->amount % 60 == 0)
			return g_strdup_printf ("%" G_GINT64_FORMAT "m", t->amount / 60);
		return g_strdup_printf ("%" G_GINT64_FORMAT "s", t->amount);
	case PD_SLA_DAYS:
		return g_strdup_printf ("%" G_GINT64_FORMAT "d", t->amount);
	case PD_SLA_CUTOFF:
		return g_strdup ("cutoff");
	case PD_SLA_NONE:
		break;
	}
	return NULL;
}

static void
json_strv (PdJson *j, const char *key, char **v)
{
	guint i;

	pd_json_key (j, key);
	if (v == NULL) {
		pd_json_null (j);
		return;
	}
	pd_json_array_begin (j);
	for (i = 0; v[i] != NULL; i++)
		pd_json_string (j, v[i]);
	pd_json_array_end (j);
}

static void
json_targets (PdJson *j, const char *key, const PdSlaTarget *t)
{
	guint p;

	pd_json_key (j, key);
	pd_json_object_begin (j);
	for (p = 0; p < PD_SLA_PRIORITIES; p++) {
		g_autofree char *text = target_text (&t[p]);

		pd_json_member_string (j, priorities[p], text);
	}
	pd_json_object_end (j);
}

static void
json_queue (PdJson *j, const PdSettings *s, const PdQueueSettings *q, const gint64 counts[6])
{
	const PdQueueRouting *r = pd_route_queue (s->routing, q->name);
	guint i;

	pd_json_object_begin (j);
	pd_json_member_string (j, "name", q->name);
	pd_json_member_string (j, "address", q->address);
	json_strv (j, "addresses", r ? r->addresses : NULL);
	pd_json_member_string (j, "tag", q->tag);
	pd_json_member_string (j, "priority", r ? r->priority : "normal");
	pd_json_member_string (j, "calendar", q->sla->calendar_name);
	json_targets (j, "first_response", q->sla->first_response);
	json_targets (j, "resolution", q->sla->resolution);
	pd_json_member_int (j, "reminder_pct", q->sla->reminder_pct);
	pd_json_member_string (j, "escalation", q->sla->escalation);
	pd_json_key (j, "pause_when_waiting");
	pd_json_bool (j, q->sla->pause_when_waiting);
	pd_json_key (j, "tickets");
	pd_json_object_begin (j);
	for (i = 0; i < G_N_ELEMENTS (states); i++)
		pd_json_member_int (j, states[i], counts[i]);
	pd_json_object_end (j);
	pd_json_object_end (j);
}

static void
text_queue (const PdSettings *s, const PdQueueSettings *q, const gint64 counts[6])
{
	const PdQueueRouting *r = pd_route_queue (s->routing, q->name);
	g_autofree char *addrs = r ? g_strjoinv (", ", r->addresses) : g_strdup (q->address);
	g_autofree char *fr = target_text (&q->sla->first_response[1]);
	g_autofree char *res = target_text (&q->sla->resolution[1]);
	guint i;

	printf ("queue %s\n  addresses: %s\n  tag: %s\n  priority: %s\n", q->name, addrs, q->tag,
	        r ? r->priority : "normal");
	printf ("  calendar: %s\n  first_response (normal): %s\n  resolution (normal): %s\n",
	        q->sla->calendar_name ? q->sla->calendar_name : "-", fr ? fr : "-", res ? res : "-");
	printf ("  escalation: %s\n  tickets:", q->sla->escalation ? q->sla->escalation : "-");
	for (i = 0; i < G_N_ELEMENTS (states); i++)
		printf (" %s %" G_GINT64_FORMAT, states[i], counts[i]);
	printf ("\n");
}

static void
json_rules (PdJson *j, const PdRouteSettings *r)
{
	guint i;

	pd_json_array_begin (j);
	for (i = 0; r && i < r->rules->len; i++) {
		const PdRouteRule *rule = r->rules->pdata[i];

		pd_json_object_begin (j);
		pd_json_member_string (j, "name", rule->name);
		json_strv (j, "recipient", rule->recipients);
		json_strv (j, "sender_domain", rule->sender_domains);
		json_strv (j, "subject", rule->subject_words);
		json_strv (j, "body", rule->body_words);
		pd_json_member_string (j, "queue", rule->queue);
		pd_json_member_string (j, "priority", rule->priority);
		pd_json_object_end (j);
	}
	pd_json_array_end (j);
}

static gboolean
queue_list (int argc, char **argv, GError **error)
{
	gboolean json = FALSE;
	g_autoptr (PdApp) app = NULL;
	PdJson *j = NULL;
	guint i;
	const GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json,
		  "one JSON object: queues (array) and routes (the rules, in order)", NULL },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "", "List the queues, their addresses and tickets, and the routing rules.",
	                   entries, error) ||
	    (app = pd_app_open (PD_APP_STORE, error)) == NULL)
		return FALSE;
	if (json) {
		j = pd_json_new ();
		pd_json_object_begin (j);
		pd_json_key (j, "queues");
		pd_json_array_begin (j);
	}
	for (i = 0; i < app->settings->queues->len; i++) {
		const PdQueueSettings *q = app->settings->queues->pdata[i];
		gint64 counts[6];

		if (!pd_store_queue_counts (app->store, q->name, counts, error)) {
			if (j != NULL)
				g_free (pd_json_free_to_string (j));
			return FALSE;
		}
		if (json)
			json_queue (j, app->settings, q, counts);
		else
			text_queue (app->settings, q, counts);
	}
	if (json) {
		pd_json_array_end (j);
		pd_json_key (j, "routes");
		json_rules (j, app->settings->routing);
		pd_json_object_end (j);
		pd_cli_print_json (pd_json_free_to_string (j));
		return TRUE;
	}
	for (i = 0; i < app->settings->routing->rules->len; i++) {
		const PdRouteRule *r = app->settings->routing->rules->pdata[i];

		printf ("route %s -> queue %s, priority %s\n", r->name, r->queue ? r->queue : "(by address)",
		        r->priority ? r->priority : "(the queue's)");
	}
	return TRUE;
}

static gboolean
queue_show (int argc, char **argv, GError **error)
{
	gboolean json = FALSE;
	g_autoptr (PdApp) app = NULL;
	const PdQueueSettings *q;
	gint64 counts[6];
	const GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "one JSON object", NULL },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "NAME", "Show one queue: addresses, priority, SLA policy, tickets.",
	                   entries, error))
		return FALSE;
	if (argc < 2) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "queue show: which queue? (postdesk queue list)");
		return FALSE;
	}
	if ((app = pd_app_open (PD_APP_STORE, error)) == NULL)
		return FALSE;
	q = pd_settings_queue (app->settings, argv[1]);
	if (q == NULL) {
		g_set_error (error, PD_ERROR, PD_ERROR_NOTFOUND, "no queue %s in %s", argv[1],
		             app->config ? app->config : "the config");
		return FALSE;
	}
	if (!pd_store_queue_counts (app->store, q->name, counts, error))
		return FALSE;
	if (json) {
		PdJson *j = pd_json_new ();

		json_queue (j, app->settings, q, counts);
		pd_cli_print_json (pd_json_free_to_string (j));
	} else
		text_queue (app->settings, q, counts);
	return TRUE;
}

static const PdCommand queue_commands[] = {
	{ "list", queue_list, "the queues and the routing rules" },
	{ "show", queue_show, "one queue" },
	{ NULL, NULL, NULL },
};

gboolean
pd_cmd_queue (int argc, char **argv, GError **error)
{
	return pd_cli_dispatch ("queue", queue_commands, argc, argv, error);
}
