/* ticket.c - `postdesk ticket list|show N`, with --json as DESIGN.md specifies. */
#include <stdio.h>

#include "app/app.h"
#include "cmd/cli.h"
#include "core/error.h"
#include "core/json.h"
#include "store/sla.h"

static void
ticket_members (PdJson *j, const PdTicketRow *t)
{
	pd_json_member_int (j, "id", t->id);
	pd_json_member_string (j, "subject", t->subject);
	pd_json_member_string (j, "state", t->state);
	pd_json_member_string (j, "queue", t->queue);
	pd_json_member_string (j, "priority", t->priority);
	pd_json_member_string (j, "customer", t->customer);
}

static gboolean
ticket_list (int argc, char **argv, GError **error)
{
	gboolean json = FALSE;
	g_autoptr (PdApp) app = NULL;
	g_autoptr (GPtrArray) rows = NULL;
	guint i;
	const GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "a JSON array", NULL },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "", "List tickets.", entries, error) ||
	    (app = pd_app_open (PD_APP_STORE, error)) == NULL ||
	    (rows = pd_store_ticket_list (app->store, error)) == NULL)
		return FALSE;
	if (json) {
		PdJson *j = pd_json_new ();

		pd_json_array_begin (j);
		for (i = 0; i < rows->len; i++) {
			const PdTicketRow *t = rows->pdata[i];

			pd_json_object_begin (j);
			ticket_members (j, t);
			pd_json_member_int (j, "messages", t->messages);
			pd_json_object_end (j);
		}
		pd_json_array_end (j);
		pd_cli_print_json (pd_json_free_to_string (j));
		return TRUE;
	}
	for (i = 0; i < rows->len; i++) {
		const PdTicketRow *t = rows->pdata[i];

		printf ("%6" G_GINT64_FORMAT "  %-11s %-8s %-10s %-30s %s\n", t->id, t->state, t->priority,
		        t->queue, t->customer, t->subject);
	}
	return TRUE;
}

/* "sla": {first_response_due, resolution_due} in ISO 8601 UTC; null where no target
 * applies (none configured, or the clock is paused while the customer is awaited). */
static gboolean
sla_members (PdApp *app, PdJson *j, gint64 id, GError **error)
{
	g_autoptr (GPtrArray) rows = pd_store_sla_list (app->store, id, error);
	static const char *const targets[] = { "first_response", "resolution" };
	guint i, k;

	if (rows == NULL)
		return FALSE;
	pd_json_key (j, "sla");
	pd_json_object_begin (j);
	for (k = 0; k < G_N_ELEMENTS (targets); k++) {
		g_autofree char *key = g_strconcat (targets[k], "_due", NULL);
		g_autofree char *when = NULL;

		for (i = 0; i < rows->len; i++) {
			const PdSlaRow *r = rows->pdata[i];

			if (g_str_equal (r->target, targets[k]) && r->due_at > 0) {
				g_autoptr (GDateTime) at = g_date_time_new_from_unix_utc (r->due_at);
				when = g_date_time_format (at, "%Y-%m-%dT%H:%M:%SZ");
			}
		}
		pd_json_member_string (j, key, when);
	}
	pd_json_object_end (j);
	return TRUE;
}

static gboolean
ticket_show (int argc, char **argv, GError **error)
{
	gboolean json = FALSE;
	g_autoptr (PdApp) app = NULL;
	g_autoptr (PdTicketRow) t = NULL;
	g_autoptr (GPtrArray) msgs = NULL, events = NULL;
	gint64 id;
	guint i;
	const GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "a JSON object", NULL },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "N", "Show ticket N with its messages and history.",
	                   entries, error) ||
	    !pd_cli_id (argc > 1 ? argv[1] : NULL, &id, error) ||
	    (app = pd_app_open (PD_APP_STORE, error)) == NULL ||
	    (t = pd_store_ticket_get (app->store, id, error)) == NULL ||
	    (msgs = pd_store_message_list (app->store, id, error)) == NULL ||
	    (events = pd_store_event_list (app->store, id, error)) == NULL)
		return FALSE;
	if (json) {
		PdJson *j = pd_json_new ();

		pd_json_object_begin (j);
		ticket_members (j, t);
		pd_json_member_string (j, "customer_name", t->customer_name);
		{
			gint64 agent = 0;
			g_autoptr (PdAgentRow) ag = NULL;

			if (!pd_store_ticket_assignee (app->store, id, &agent, error))
				return FALSE;
			if (agent > 0 && (ag = pd_store_agent_get (app->store, agent, error)) == NULL)
				return FALSE;
			pd_json_member_string (j, "assignee", ag ? ag->address : NULL);
		}
		pd_json_member_int (j, "created_at", t->created_at);
		pd_json_member_int (j, "updated_at", t->updated_at);
		if (!sla_members (app, j, id, error))
			return FALSE;
		pd_json_key (j, "messages");
		pd_json_array_begin (j);
		for (i = 0; i < msgs->len; i++) {
			const PdMessageRow *m = msgs->pdata[i];

			pd_json_object_begin (j);
			pd_json_member_int (j, "id", m->id);
			pd_json_member_string (j, "direction", m->direction);
			pd_json_member_string (j, "class", m->klass);
			pd_json_member_string (j, "reason", m->reason);
			pd_json_member_string (j, "from", m->from_addr);
			pd_json_member_string (j, "subject", m->subject);
			pd_json_member_string (j, "message_id", m->message_id);
			pd_json_member_string (j, "threaded_by", m->threaded_by);
			pd_json_object_end (j);
		}
		pd_json_array_end (j);
		pd_json_key (j, "events");
		pd_json_array_begin (j);
		for (i = 0; i < events->len; i++) {
			const PdEventRow *e = events->pdata[i];

			pd_json_object_begin (j);
			pd_json_member_int (j, "at", e->at);
			pd_json_member_string (j, "actor", e->actor);
			pd_json_member_string (j, "kind", e->kind);
			pd_json_member_string (j, "detail", e->detail);
			pd_json_object_end (j);
		}
		pd_json_array_end (j);
		pd_json_object_end (j);
		pd_cli_print_json (pd_json_free_to_string (j));
		return TRUE;
	}
	printf ("ticket #%" G_GINT64_FORMAT ": %s\nstate %s, priority %s, queue %s\ncustomer %s\n\n",
	        t->id, t->subject, t->state, t->priority, t->queue, t->customer);
	for (i = 0; i < msgs->len; i++) {
		const PdMessageRow *m = msgs->pdata[i];

		printf ("  message %" G_GINT64_FORMAT " %-3s %-9s %-30s threaded by %s\n    %s\n", m->id,
		        m->direction, m->klass, m->from_addr ? m->from_addr : "-",
		        m->threaded_by ? m->threaded_by : "-", m->subject ? m->subject : "");
	}
	printf ("\nhistory:\n");
	for (i = 0; i < events->len; i++) {
		const PdEventRow *e = events->pdata[i];
		g_autoptr (GDateTime) at = g_date_time_new_from_unix_utc (e->at);
		g_autofree char *when = g_date_time_format_iso8601 (at);

		printf ("  %s %-12s %s %s\n", when, e->kind, e->actor, e->detail ? e->detail : "");
	}
	return TRUE;
}

static const PdCommand ticket_commands[] = {
	{ "list", ticket_list, "list tickets" },
	{ "show", ticket_show, "show one ticket, its messages and history" },
	{ NULL, NULL, NULL },
};

gboolean
pd_cmd_ticket (int argc, char **argv, GError **error)
{
	return pd_cli_dispatch ("ticket", ticket_commands, argc, argv, error);
}
