/* notify.c - tell agents about customer mail: one mail per agent (the assignee, or the
 * queue's active agents while unassigned), From "Customer via Queue" at the signed agent
 * address of the ticket, so that a reply comes back verifiable. All notifications of a
 * ticket share a pseudo thread root, so an agent's client threads them per ticket. */
#include "tickets/notify.h"

#include "mail/compose.h"
#include "mail/quote.h"
#include "core/error.h"
#include "core/template.h"
#include "core/token.h"
#include "tickets/workflow.h"
#include "tickets/kb-answer.h"
#include "core/log.h"
#include "kb/kb.h"
#include "store/sla.h"

static gboolean
works_on (const PdAgentRow *agent, const char *queue)
{
	g_auto (GStrv) queues = g_strsplit (agent->queues, ",", -1);

	return agent->active && g_strv_contains ((const char *const *) queues, queue);
}

/* The agents to tell: the assignee if active, else everyone active on the queue. */
static GPtrArray *
recipients (PdApply *a, const PdTicketRow *t, GError **error)
{
	g_autoptr (GPtrArray) all = pd_store_agent_list (a->store, error);
	GPtrArray *out;
	gint64 assignee;
	guint i;

	if (all == NULL || !pd_store_ticket_assignee (a->store, t->id, &assignee, error))
		return NULL;
	out = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_agent_row_free);
	for (i = 0; assignee > 0 && i < all->len; i++) {
		PdAgentRow *ag = all->pdata[i];
		if (ag->id == assignee && ag->active)
			g_ptr_array_add (out, g_ptr_array_steal_index (all, i--));
	}
	if (out->len > 0)
		return out;
	for (i = 0; i < all->len; i++)
		if (works_on (all->pdata[i], t->queue))
			g_ptr_array_add (out, g_ptr_array_steal_index (all, i--));
	return out;
}

/* The assignee's name in *NAME_R (NULL when unassigned or the agent row is gone). */
static gboolean
assignee_name (PdApply *a, gint64 ticket, char **name_r, GError **error)
{
	gint64 id;
	g_autoptr (PdAgentRow) row = NULL;
	g_autoptr (GError) local = NULL;

	*name_r = NULL;
	if (!pd_store_ticket_assignee (a->store, ticket, &id, error))
		return FALSE;
	if (id == 0)
		return TRUE;
	row = pd_store_agent_get (a->store, id, &local);
	if (row == NULL && !g_error_matches (local, PD_ERROR, PD_ERROR_NOTFOUND)) {
		g_propagate_error (error, g_steal_pointer (&local));
		return FALSE;
	}
	*name_r = row ? g_strdup (row->name) : NULL;
	return TRUE;
}

/* The first unmet target stored for T (sched/sla.c: business hours of the queue's calendar):
 * *FOUND_R, *DUE_R (0 while paused) and *WHAT_R. */
static gboolean
stored_sla_due (PdApply *a, const PdTicketRow *t, gboolean *found_r, gint64 *due_r,
                const char **what_r, GError **error)
{
	g_autoptr (GPtrArray) rows = pd_store_sla_list (a->store, t->id, error);
	guint i;

	*found_r = FALSE;
	if (rows == NULL)
		return FALSE;
	for (i = 0; i < rows->len; i++) {
		const PdSlaRow *r = rows->pdata[i];

		if (r->met)
			continue;
		*due_r = r->due_at;
		*what_r = g_str_equal (r->target, "first_response") ? "first response" : "resolution";
		*found_r = TRUE;
		break;
	}
	return TRUE;
}

/* "first response due 2026-11-23 14:00 UTC" while unanswered, then the resolution target;
 * NULL in *DUE_R when the queue has no target or it is met. The stored targets (business
 * hours) first; calendar time from the queue's settings for tickets older than them. */
static gboolean
sla_due (PdApply *a, const PdQueueSettings *queue, const PdTicketRow *t, char **due_r,
         GError **error)
{
	gint64 first = 0, due = 0;
	const char *what = NULL;
	gboolean stored;
	g_autoptr (GDateTime) when = NULL;
	g_autofree char *text = NULL;

	*due_r = NULL;
	if (!pd_store_ticket_first_response_at (a->store, t->id, &first, error) ||
	    !stored_sla_due (a, t, &stored, &due, &what, error))
		return FALSE;
	if (stored) {
		if (due == 0) {
			*due_r = g_strdup_printf ("%s clock paused (awaiting the customer)", what);
			return TRUE;
		}
	} else if (queue->first_response && first == 0) {
		due = t->created_at + queue->first_response;
		what = "first response";
	} else if (queue->resolution && g_strcmp0 (t->state, "resolved") != 0 &&
	           g_strcmp0 (t->state, "closed") != 0) {
		due = t->created_at + queue->resolution;
		what = "resolution";
	} else {
		return TRUE;
	}
	when = g_date_time_new_from_unix_utc (due);
	text = g_date_time_format (when, "%Y-%m-%d %H:%M UTC");
	*due_r = g_strdup_printf ("%s due %s%s", what, text, due < a->now ? " (overdue)" : "");
	return TRUE;
}

/* The articles that may answer the customer's mail, as {{#articles}} items (id, title, score
 * in percent) for the agent to send with #kb ID. A failing suggestion step is logged and the
 * notification goes out without them. */
static void
add_suggestions (PdApply *a, gint64 ticket, PdTemplateData *data)
{
	g_autofree char *text = pd_kb_mail_text (a->mail);
	g_autoptr (GPtrArray) res = NULL;
	g_autoptr (GError) error = NULL;
	guint i;

	if (!pd_kb_suggest (a->store, text, PD_KB_ANSWER_ARTICLES, &res, &error)) {
		pd_log_warn ("ticket=%" G_GINT64_FORMAT " kb suggestions for agents left out: %s",
		             ticket, error->message);
		return;
	}
	for (i = 0; i < res->len; i++) {
		const PdKbSuggestion *sg = res->pdata[i];
		PdTemplateData *item = pd_template_data_add_item (data, "articles");

		pd_template_data_set_int (item, "id", sg->id);
		pd_template_data_set (item, "slug", sg->slug);
		pd_template_data_set (item, "title", sg->title);
		pd_template_data_set_int (item, "score", (gint64) (sg->score * 100 + 0.5));
	}
	if (res->len > 0)
		pd_template_data_set (data, "has_articles", "yes");
}

gboolean
pd_notify_agents (PdApply *a, gint64 ticket, GError **error)
{
	g_autoptr (PdTicketRow) t = pd_store_ticket_head (a->store, ticket, error);
	g_autoptr (GPtrArray) agents = NULL;
	g_autoptr (PdTemplateData) data = pd_template_data_new ();
	g_autoptr (PdRendered) r = NULL;
	g_autofree char *text = NULL, *next = NULL, *signed_addr = NULL, *from_name = NULL, *root = NULL,
	                 *assignee = NULL, *sla = NULL;
	const PdQueueSettings *queue;
	const char *refs[2] = { NULL, NULL };
	PdState state;
	guint i;

	if (t == NULL || (agents = recipients (a, t, error)) == NULL)
		return FALSE;
	if (agents->len == 0)
		return TRUE;
	queue = pd_settings_queue (a->app->settings, t->queue);
	if (queue == NULL)
		queue = a->app->settings->queues->pdata[0];
	if (!pd_state_from_name (t->state, &state))
		state = PD_STATE_OPEN;
	text = pd_quote_new_text (a->mail->body_text, NULL);
	next = pd_workflow_agent_next_text (state);
	if (!assignee_name (a, ticket, &assignee, error) || !sla_due (a, queue, t, &sla, error))
		return FALSE;
	pd_template_data_set_int (data, "ticket", ticket);
	pd_template_data_set (data, "tag", queue->tag);
	pd_template_data_set (data, "subject", t->subject);
	pd_template_data_set (data, "customer", a->mail->from->name ? a->mail->from->name : a->mail->from->addr);
	pd_template_data_set (data, "new_ticket", a->out->action && g_str_equal (a->out->action, "new-ticket") ? "yes" : "");
	pd_template_data_set (data, "text", *text ? text : "(no text)");
	pd_template_data_set (data, "state", t->state);
	pd_template_data_set (data, "priority", t->priority);
	pd_template_data_set (data, "queue", t->queue);
	pd_template_data_set (data, "assignee", assignee);
	pd_template_data_set (data, "queue_address", queue->address);
	pd_template_data_set (data, "next_states", next);
	pd_template_data_set (data, "sla", sla);
	add_suggestions (a, ticket, data);
	r = pd_template_render (a->app->home, queue->locale, "notify", data, error);
	if (r == NULL)
		return FALSE;

	signed_addr = pd_token_address (a->app->secret, queue->address, 'a', ticket);
	from_name = g_strdup_printf ("%s via %s", a->mail->from->name ? a->mail->from->name : a->mail->from->addr,
	                             queue->display_name ? queue->display_name : queue->name);
	root = g_strdup_printf ("pd.ticket.%" G_GINT64_FORMAT "@%s", ticket, a->app->settings->domain);
	refs[0] = root;
	for (i = 0; i < agents->len; i++) {
		const PdAgentRow *agent = agents->pdata[i];
		g_autofree char *mid = pd_compose_message_id (a->app->settings->domain);
		g_autoptr (GBytes) bytes = NULL;
		PdComposeSpec spec = { 0 };

		spec.from_name = from_name;
		spec.from_addr = signed_addr;
		spec.to_name = agent->name;
		spec.to_addr = agent->address;
		spec.reply_to = signed_addr;
		spec.subject = pd_rendered_header (r, "Subject");
		spec.message_id = mid;
		spec.in_reply_to = root;
		spec.references = refs;
		spec.auto_submitted = "auto-generated";
		spec.loop_address = queue->address;
		spec.body = r->body;
		spec.extra_headers = r->headers;
		spec.attachments = a->mail->attachments;
		bytes = pd_compose (&spec, error);
		if (bytes == NULL ||
		    !pd_apply_queue_mail (a, "notify", ticket, agent->address, bytes, mid, spec.subject,
		                          queue->address, FALSE, "notify", error))
			return FALSE;
	}
	return TRUE;
}
