/* agent-reply.c - a verified agent's reply: parse the commands at the top of the new text,
 * check them all against the workflow first (all or nothing), then apply them and send the
 * rest to the customer from the queue address, or, on any error, send the agent an error
 * mail (with the text they typed) and nothing to the customer. A reply with commands only
 * gets a short confirmation mail unless the agent turned that off. The agent's address
 * never appears in customer mail. */
#include "tickets/agent-reply.h"

#include <string.h>

#include "core/error.h"
#include "tickets/command.h"
#include "tickets/sla.h"
#include "mail/compose.h"
#include "mail/quote.h"
#include "core/template.h"
#include "core/token.h"
#include "tickets/workflow.h"
#include "kb/kb.h"
#include "kb/markdown.h"
#include "store/kb.h"
#include "store/kb-usage.h"

typedef struct {
	PdState state;       /* the state after the commands */
	gint64 assignee;     /* new assignee, 0 = unchanged */
	const char *priority;
	const char *queue;
	gboolean comment;
	GPtrArray *errors;   /* char* */
	GPtrArray *changes;  /* char*: "kind", "detail" pairs for the history */
	GString *articles;   /* #kb: the articles for the customer, as text; "" if none */
	GArray *kb_ids;      /* #kb: their ids (gint64), counted as sent once the reply goes */
} Plan;

static void
change (Plan *p, const char *kind, char *detail)
{
	g_ptr_array_add (p->changes, g_strdup (kind));
	g_ptr_array_add (p->changes, detail);
}

static gboolean
plan_assign (PdApply *a, Plan *p, const PdAgentCommand *c, GError **error)
{
	g_autoptr (GPtrArray) all = pd_store_agent_list (a->store, error);
	guint i;

	if (all == NULL)
		return FALSE;
	for (i = 0; i < all->len; i++) {
		const PdAgentRow *ag = all->pdata[i];

		if (ag->active && (g_ascii_strcasecmp (ag->address, c->arg) == 0 ||
		                   g_ascii_strcasecmp (ag->name, c->arg) == 0)) {
			p->assignee = ag->id;
			change (p, "assign", g_strdup_printf ("assigned to %s", ag->address));
			return TRUE;
		}
	}
	g_ptr_array_add (p->errors, g_strdup_printf ("line %u: #assign %s: no active agent has that "
	                                             "address or name",
	                                             c->line, c->arg));
	return TRUE;
}

/* #kb ID, #kb SLUG or #kb WORDS (the best match): the article goes into the reply to the
 * customer, so it must be published and not internal (customer-level articles may go to
 * the ticket's own customer). */
static gboolean
plan_kb (PdApply *a, Plan *p, const PdAgentCommand *c, GError **error)
{
	g_autoptr (PdKbArticle) art = NULL;
	g_autoptr (GError) local = NULL;
	g_autofree char *what = c->arg ? g_strdup (c->arg) : g_strdup_printf ("%" G_GINT64_FORMAT, c->number);
	g_autofree char *text = NULL;

	if (c->arg == NULL)
		art = pd_store_kb_get_by_id (a->store, c->number, &local);
	else {
		art = pd_store_kb_get (a->store, c->arg, &local);
		if (art == NULL && g_error_matches (local, PD_ERROR, PD_ERROR_NOTFOUND)) {
			g_autoptr (GPtrArray) best = NULL;

			g_clear_error (&local);
			if (!pd_kb_suggest (a->store, c->arg, 1, &best, error))
				return FALSE;
			if (best->len > 0)
				art = pd_store_kb_get (a->store, ((PdKbSuggestion *) best->pdata[0])->slug, &local);
		}
	}
	if (art == NULL && local != NULL && !g_error_matches (local, PD_ERROR, PD_ERROR_NOTFOUND)) {
		g_propagate_error (error, g_steal_pointer (&local));
		return FALSE;
	}
	if (art == NULL || strcmp (art->status, "published") != 0 ||
	    strcmp (art->visibility, "internal") == 0) {
		g_ptr_array_add (p->errors,
		                 g_strdup_printf ("line %u: #kb %s: %s", c->line, what,
		                                  art == NULL ? "no published article matches"
		                                  : strcmp (art->visibility, "internal") == 0
		                                      ? "that article is internal and never goes to a customer"
		                                      : "that article is a draft: publish it first"));
		return TRUE;
	}
	text = pd_kb_markdown_to_text (art->body);
	g_string_append_printf (p->articles, "%s%s\n\n%s\n", p->articles->len ? "\n" : "", art->title,
	                        g_strstrip (text));
	g_array_append_val (p->kb_ids, art->id);
	change (p, "kb", g_strdup_printf ("article %s (%" G_GINT64_FORMAT ") sent: %s", art->slug,
	                                  art->id, art->title));
	return TRUE;
}

static gboolean
make_plan (PdApply *a, const PdTicketRow *t, const PdAgentCommandBlock *block, Plan *p,
           GError **error)
{
	guint i;

	if (!pd_state_from_name (t->state, &p->state))
		p->state = PD_STATE_OPEN;
	for (i = 0; i < block->errors->len; i++)
		g_ptr_array_add (p->errors, g_strdup (block->errors->pdata[i]));
	for (i = 0; i < block->commands->len; i++) {
		const PdAgentCommand *c = block->commands->pdata[i];
		PdState from = p->state;
		g_autofree char *why = NULL;

		switch (c->kind) {
		case PD_AGENT_COMMAND_STATUS:
		case PD_AGENT_COMMAND_AGREE:
			if (c->kind == PD_AGENT_COMMAND_AGREE ? pd_workflow_agent_agree (from, &why)
			                                      : pd_workflow_agent_move (from, c->number, &why)) {
				p->state = c->kind == PD_AGENT_COMMAND_AGREE ? PD_STATE_AGREED : (PdState) c->number;
				change (p, "state", g_strdup_printf ("%s -> %s", pd_state_name (from),
				                                     pd_state_name (p->state)));
			} else {
				g_ptr_array_add (p->errors, g_strdup_printf ("line %u: %s", c->line, why));
			}
			break;
		case PD_AGENT_COMMAND_TAKE:
			p->assignee = a->ctx->agent_id;
			change (p, "assign", g_strdup_printf ("taken by %s", a->ctx->agent_address));
			break;
		case PD_AGENT_COMMAND_ASSIGN:
			if (!plan_assign (a, p, c, error))
				return FALSE;
			break;
		case PD_AGENT_COMMAND_PRIORITY:
			p->priority = c->arg;
			change (p, "priority", g_strdup_printf ("%s -> %s", t->priority, c->arg));
			break;
		case PD_AGENT_COMMAND_QUEUE:
			if (pd_settings_queue (a->app->settings, c->arg) == NULL) {
				g_ptr_array_add (p->errors, g_strdup_printf ("line %u: #queue %s: no such queue",
				                                             c->line, c->arg));
			} else {
				p->queue = c->arg;
				change (p, "queue", g_strdup_printf ("%s -> %s", t->queue, c->arg));
			}
			break;
		case PD_AGENT_COMMAND_COMMENT:
			p->comment = TRUE;
			break;
		case PD_AGENT_COMMAND_KB:
			if (!plan_kb (a, p, c, error))
				return FALSE;
			break;
		case PD_AGENT_COMMAND_COUNT:
			break;
		}
	}
	return TRUE;
}

static gboolean
apply_plan (PdApply *a, gint64 ticket, Plan *p, GError **error)
{
	guint i;

	if (!pd_store_ticket_set_state (a->store, ticket, pd_state_name (p->state), a->now, error) ||
	    (p->assignee && !pd_store_ticket_set_assignee (a->store, ticket, p->assignee, error)) ||
	    (p->priority && !pd_store_ticket_set_field (a->store, ticket, "priority", p->priority, error)) ||
	    (p->queue && !pd_store_ticket_set_field (a->store, ticket, "queue", p->queue, error)) ||
	    ((p->priority || p->queue) && !pd_sla_start (a->store, a->app->settings, ticket, error)))
		return FALSE;
	for (i = 0; i + 1 < p->changes->len; i += 2)
		if (!pd_store_event_add (a->store, ticket, a->now, a->ctx->agent_address, p->changes->pdata[i],
		                         p->changes->pdata[i + 1], a->out->message_id, error))
			return FALSE;
	return TRUE;
}

static const PdQueueSettings *
ticket_queue (PdApply *a, const PdTicketRow *t)
{
	const PdQueueSettings *q = pd_settings_queue (a->app->settings, t->queue);

	return q ? q : a->app->settings->queues->pdata[0];
}

/* A mail from the ticket's signed agent address to the agent who wrote, threaded below the
 * agent's mail (In-Reply-To and References: the agent's References, then its Message-ID),
 * rendered from TEMPLATE with DATA (ticket, tag, state and next_states are added here). */
static gboolean
mail_agent (PdApply *a, const PdTicketRow *t, const char *state_name, const char *template,
            PdTemplateData *data, const char *kind, GError **error)
{
	const PdQueueSettings *queue = ticket_queue (a, t);
	g_autoptr (PdRendered) r = NULL;
	g_autoptr (GBytes) bytes = NULL;
	g_autoptr (GPtrArray) refs = g_ptr_array_new ();
	g_autofree char *mid = pd_compose_message_id (a->app->settings->domain);
	g_autofree char *next = NULL;
	g_autofree char *signed_addr = pd_token_address (a->app->secret, queue->address, 'a', t->id);
	PdComposeSpec spec = { 0 };
	PdState state;
	guint i;

	if (!pd_state_from_name (state_name, &state))
		state = PD_STATE_OPEN;
	next = pd_workflow_agent_next_text (state);
	pd_template_data_set_int (data, "ticket", t->id);
	pd_template_data_set (data, "tag", queue->tag);
	pd_template_data_set (data, "subject", t->subject);
	pd_template_data_set (data, "state", state_name);
	pd_template_data_set (data, "next_states", next);
	r = pd_template_render (a->app->home, queue->locale, template, data, error);
	if (r == NULL)
		return FALSE;
	for (i = 0; i < a->mail->references->len; i++)
		g_ptr_array_add (refs, a->mail->references->pdata[i]);
	if (a->mail->message_id != NULL)
		g_ptr_array_add (refs, a->mail->message_id);
	g_ptr_array_add (refs, NULL);
	spec.from_name = queue->display_name;
	spec.from_addr = signed_addr;
	spec.to_name = a->ctx->agent_name;
	spec.to_addr = a->ctx->agent_address;
	spec.reply_to = signed_addr;
	spec.subject = pd_rendered_header (r, "Subject");
	spec.message_id = mid;
	spec.in_reply_to = a->mail->message_id;
	spec.references = (const char *const *) refs->pdata;
	spec.auto_submitted = "auto-replied";
	spec.loop_address = queue->address;
	spec.body = r->body;
	spec.extra_headers = r->headers;
	bytes = pd_compose (&spec, error);
	return bytes != NULL &&
	       pd_apply_queue_mail (a, kind, t->id, a->ctx->agent_address, bytes, mid, spec.subject,
	                            queue->address, FALSE, kind, error);
}

/* Nothing changed and nothing went to the customer: the agent gets every error, what is
 * allowed, and the text they typed (commands and all), so nothing is lost. */
static gboolean
send_error (PdApply *a, const PdTicketRow *t, Plan *p, const char *typed, GError **error)
{
	g_autoptr (PdTemplateData) data = pd_template_data_new ();
	g_autofree char *all = NULL;
	guint i;

	pd_template_data_set_int (data, "error_count", p->errors->len);
	pd_template_data_set (data, "several", p->errors->len > 1 ? "yes" : "");
	for (i = 0; i < p->errors->len; i++)
		pd_template_data_set (pd_template_data_add_item (data, "errors"), "error", p->errors->pdata[i]);
	pd_template_data_set (data, "typed", typed && *typed ? typed : "(no text)");
	g_ptr_array_add (p->errors, NULL);
	all = g_strjoinv ("; ", (char **) p->errors->pdata);
	g_ptr_array_remove_index (p->errors, p->errors->len - 1);
	a->out->action = "command-error";
	a->out->note = g_strdup (all);
	return pd_store_event_add (a->store, t->id, a->now, a->ctx->agent_address, "command-error", all,
	                           a->out->message_id, error) &&
	       mail_agent (a, t, t->state, "command-error", data, "error", error);
}

/* A reply that only carried commands: unless the agent turned it off, a short mail says
 * what changed, so the agent knows the commands arrived. */
static gboolean
send_confirmation (PdApply *a, const PdTicketRow *t, Plan *p, GError **error)
{
	g_autoptr (PdTemplateData) data = pd_template_data_new ();
	g_autoptr (PdAgentRow) agent = pd_store_agent_get (a->store, a->ctx->agent_id, error);
	g_autofree char *summary = NULL;
	guint i, n = p->changes->len / 2;

	if (agent == NULL)
		return FALSE;
	if (!agent->confirm)
		return TRUE;
	for (i = 0; i + 1 < p->changes->len; i += 2)
		pd_template_data_set (pd_template_data_add_item (data, "changes"), "change",
		                      p->changes->pdata[i + 1]);
	if (n == 0)
		pd_template_data_set (pd_template_data_add_item (data, "changes"), "change",
		                      "nothing to change: the ticket was already like that");
	/* the subject stays short: the one change, or how many */
	summary = n == 1 ? g_strdup (p->changes->pdata[1])
	        : n == 0 ? g_strdup ("no change")
	                 : g_strdup_printf ("%u changes", n);
	pd_template_data_set (data, "summary", summary);
	return mail_agent (a, t, pd_state_name (p->state), "command-done", data, "confirm", error);
}

/* The reply to the customer: from the queue, threaded to the customer's last mail, to the
 * customer with the other participants in Cc; never the agent's address. */
static gboolean
send_reply (PdApply *a, const PdTicketRow *t, const char *text, GError **error)
{
	const PdQueueSettings *queue = ticket_queue (a, t);
	g_autoptr (PdTemplateData) data = pd_template_data_new ();
	g_autoptr (PdRendered) r = NULL;
	g_autoptr (GBytes) bytes = NULL;
	g_autoptr (PdMessageRow) last = NULL;
	g_autoptr (GPtrArray) ccs = NULL;
	g_autoptr (GPtrArray) cc_list = g_ptr_array_new ();
	g_autofree char *mid = pd_compose_message_id (a->app->settings->domain);
	g_autofree char *reply_to = pd_token_address (a->app->secret, queue->address, 't', t->id);
	g_autofree char *from_name = NULL;
	const char *refs[2] = { NULL, NULL };
	PdComposeSpec spec = { 0 };
	guint i;

	if (!pd_store_last_customer_message (a->store, t->id, &last, error) ||
	    (ccs = pd_store_participants (a->store, t->id, "cc", error)) == NULL)
		return FALSE;
	for (i = 0; i < ccs->len; i++) {
		const char *addr = ccs->pdata[i];
		g_autoptr (PdAgentRow) agent = NULL;

		if (g_ascii_strcasecmp (addr, t->customer) == 0 ||
		    g_strv_contains ((const char *const *) a->app->own_addresses, addr))
			continue;
		if (!pd_store_agent_by_address (a->store, addr, &agent, error))
			return FALSE;
		if (agent == NULL)
			g_ptr_array_add (cc_list, (gpointer) addr);
	}
	g_ptr_array_add (cc_list, NULL);
	pd_template_data_set_int (data, "ticket", t->id);
	pd_template_data_set (data, "tag", queue->tag);
	pd_template_data_set (data, "subject", t->subject);
	pd_template_data_set (data, "text", text);
	pd_template_data_set (data, "signature", queue->display_name);
	r = pd_template_render (a->app->home, queue->locale, "reply", data, error);
	if (r == NULL)
		return FALSE;
	if (last && last->message_id)
		refs[0] = last->message_id;
	if (queue->agent_name_in_from && a->ctx->agent_name)
		from_name = g_strdup_printf ("%s (%s)", a->ctx->agent_name,
		                             queue->display_name ? queue->display_name : queue->name);
	spec.from_name = from_name ? from_name : queue->display_name;
	spec.from_addr = queue->address;
	spec.to_name = t->customer_name;
	spec.to_addr = t->customer;
	spec.cc = (const char *const *) cc_list->pdata;
	spec.reply_to = reply_to;
	spec.subject = pd_rendered_header (r, "Subject");
	spec.message_id = mid;
	spec.in_reply_to = refs[0];
	spec.references = refs;
	spec.loop_address = queue->address;
	spec.body = r->body;
	spec.extra_headers = r->headers;
	spec.attachments = a->mail->attachments;
	bytes = pd_compose (&spec, error);
	if (bytes == NULL ||
	    !pd_apply_queue_mail (a, "reply", t->id, t->customer, bytes, mid, spec.subject,
	                          queue->address, FALSE, "reply", error))
		return FALSE;
	/* Cc recipients get their own copy of the same message (one envelope per row) */
	for (i = 0; cc_list->pdata[i] != NULL; i++)
		if (!pd_store_outbox_add (a->store, "reply", t->id, cc_list->pdata[i], mid, bytes, FALSE,
		                          a->now, NULL, error))
			return FALSE;
	return pd_store_ticket_first_response (a->store, t->id, a->now, error) &&
	       pd_sla_wait (a->store, a->app->settings, t->id, a->now, error);
}

gboolean
pd_agent_reply_apply (PdApply *a, GError **error)
{
	gint64 ticket = a->ctx->ticket_id;
	g_autoptr (PdTicketRow) t = pd_store_ticket_head (a->store, ticket, error);
	g_autofree char *new_text = NULL;
	g_autoptr (PdAgentCommandBlock) block = NULL;
	Plan p = { 0 };
	gboolean ok = FALSE;

	if (t == NULL)
		return FALSE;
	a->out->ticket_id = ticket;
	new_text = pd_quote_new_text (a->mail->body_text, NULL);
	block = pd_agent_command_parse (new_text);
	p.errors = g_ptr_array_new_with_free_func (g_free);
	p.changes = g_ptr_array_new_with_free_func (g_free);
	p.articles = g_string_new ("");
	p.kb_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
	if (!make_plan (a, t, block, &p, error))
		goto out;
	if (p.comment && p.articles->len > 0)
		g_ptr_array_add (p.errors, g_strdup ("#kb puts an article into the reply to the customer;"
		                                     " it cannot go with #comment (an internal note)"));
	if (!p.comment && p.errors->len == 0 &&
	    (*g_strstrip (block->rest) != '\0' || p.articles->len > 0) && p.state == PD_STATE_NEW) {
		/* the first answer to a new ticket opens it */
		p.state = PD_STATE_OPEN;
		change (&p, "state", g_strdup ("new -> open (first answer)"));
	}
	if (!pd_apply_add_message (a, ticket,
	                           p.errors->len ? "agent reply with errors"
	                           : p.comment   ? "internal note"
	                                         : "agent reply",
	                           error))
		goto out;
	if (p.errors->len > 0) {
		ok = send_error (a, t, &p, new_text, error);
		goto out;
	}
	if (!apply_plan (a, ticket, &p, error))
		goto out;
	a->out->action = p.comment ? "internal-note" : "agent-reply";
	if (p.comment) {
		g_autofree char *note = NULL;
		guint i;

		for (i = 0; i < block->commands->len; i++) {
			const PdAgentCommand *c = block->commands->pdata[i];
			if (c->kind == PD_AGENT_COMMAND_COMMENT && c->arg)
				note = g_strdup (c->arg);
		}
		if (note == NULL || *block->rest != '\0') {
			char *joined = g_strconcat (note ? note : "", note ? "\n" : "", block->rest, NULL);
			g_free (note);
			note = joined;
		}
		ok = pd_store_event_add (a->store, ticket, a->now, a->ctx->agent_address, "comment", note,
		                         a->out->message_id, error);
	} else if (*block->rest != '\0' || p.articles->len > 0) {
		/* the agent's text, then the articles #kb named */
		g_autofree char *text = g_strconcat (block->rest, *block->rest && p.articles->len ? "\n\n" : "",
		                                     p.articles->str, NULL);
		ok = send_reply (a, t, text, error);
		for (guint i = 0; ok && i < p.kb_ids->len; i++)
			ok = pd_store_kb_usage_add (a->store, g_array_index (p.kb_ids, gint64, i), "sent",
			                            ticket, a->now, error);
	} else {
		ok = send_confirmation (a, t, &p, error); /* commands only */
	}
out:
	g_ptr_array_unref (p.errors);
	g_ptr_array_unref (p.changes);
	g_string_free (p.articles, TRUE);
	g_array_unref (p.kb_ids);
	return ok;
}
