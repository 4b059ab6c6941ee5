/* actions.c - the one transaction per incoming mail. What each class leads to:
 *   human      -> a new ticket (+ acknowledgement, rate-limited) or a message on its ticket
 *   autoreply, vacation, list -> stored on its ticket if threaded; never answered, never a ticket
 *   bounce, delayed, feedback -> noted on the ticket of the outbox row it reports on
 *   loop       -> stored, nothing else (a warning is logged)
 * Attachment files are written (durably) before the commit; an orphan after a crash is
 * harmless because files are named by their content. */
#include "tickets/actions-private.h"

#include <string.h>

#include "tickets/ack.h"
#include "tickets/follow-sun.h"
#include "tickets/kb-answer.h"
#include "tickets/sla.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/fsutil.h"
#include "core/log.h"
#include "core/strutil.h"
#include "tickets/workflow.h"
#include "lists/feedback.h"
#include "lists/request.h"
#include "core/settings-route.h"

#define HOUR 3600
#define DAY 86400
#define HARD_BOUNCE_SUPPRESSION (60 * DAY)

void
pd_outcome_clear (PdOutcome *out)
{
	g_clear_pointer (&out->note, g_free);
}


/* Automatic answers to one address are limited per hour and per day, whatever the ticket. */
static gboolean
auto_answer_allowed (PdApply *a, const char *rcpt, gboolean *ok_r, GError **error)
{
	const PdSettings *s = a->app->settings;
	gint64 hour, day;
	gboolean suppressed;

	*ok_r = FALSE;
	if (a->ctx->envelope_from != NULL && *a->ctx->envelope_from == '\0') {
		/* RFC 3834: never answer mail with a null return path */
		a->out->note = g_strdup ("acknowledgement refused: null envelope sender");
		return TRUE;
	}
	if (!pd_store_address_suppressed (a->store, rcpt, a->now, &suppressed, error))
		return FALSE;
	if (suppressed) {
		a->out->note = g_strdup_printf ("acknowledgement suppressed: %s bounced hard recently", rcpt);
		return TRUE;
	}
	if (!pd_store_outbox_auto_count (a->store, rcpt, a->now - HOUR, s->auto_per_hour, &hour,
	                                 error) ||
	    !pd_store_outbox_auto_count (a->store, rcpt, a->now - DAY, s->auto_per_day, &day, error))
		return FALSE;
	if (hour >= s->auto_per_hour) {
		a->out->note = g_strdup_printf ("acknowledgement refused: %" G_GINT64_FORMAT
		                                " automatic mails to %s in the last hour (limit %u)",
		                                hour, rcpt, s->auto_per_hour);
		return TRUE;
	}
	if (day >= s->auto_per_day) {
		a->out->note = g_strdup_printf ("acknowledgement refused: %" G_GINT64_FORMAT
		                                " automatic mails to %s in the last day (limit %u)",
		                                day, rcpt, s->auto_per_day);
		return TRUE;
	}
	*ok_r = TRUE;
	return TRUE;
}

static gboolean
queue_ack (PdApply *a, const PdQueueSettings *queue, gint64 ticket, GError **error)
{
	g_autoptr (GBytes) bytes = NULL;
	g_autofree char *mid = NULL, *subject = NULL;
	gboolean allowed;

	if (a->app->no_mail)
		return TRUE; /* import: an old archive is answered already */
	if (!auto_answer_allowed (a, a->mail->from->addr, &allowed, error))
		return FALSE;
	if (!allowed)
		return pd_store_event_add (a->store, ticket, a->now, "postdesk", "ack-refused",
		                           a->out->note, a->out->message_id, error);
	if (!pd_ack_compose (a->app, queue, ticket, a->mail, &bytes, &mid, &subject, error) ||
	    !pd_apply_queue_mail (a, "ack", ticket, a->mail->from->addr, bytes, mid, subject,
	                          queue->address, TRUE, "ack", error))
		return FALSE;
	a->out->acked = TRUE;
	return TRUE;
}

static gboolean
add_cc_participants (PdApply *a, gint64 ticket, GError **error)
{
	guint i;

	for (i = 0; i < a->mail->cc->len; i++) {
		const PdAddress *cc = a->mail->cc->pdata[i];

		if (g_strv_contains ((const char *const *) a->app->own_addresses, cc->addr))
			continue;
		if (!pd_store_participant_add (a->store, ticket, cc->addr, "cc", error))
			return FALSE;
	}
	return TRUE;
}

/* A customer's mail on an existing ticket: the workflow's customer rule (a resolved ticket
 * reopens; a closed one is final, so the mail opens a new ticket that follows it). */
static gboolean
customer_followup (PdApply *a, gint64 ticket, gint64 *new_ticket_for_r, GError **error)
{
	const char *who = a->mail->from->addr;
	g_autoptr (PdTicketRow) t = pd_store_ticket_head (a->store, ticket, error);
	PdState state;

	*new_ticket_for_r = 0;
	if (t == NULL)
		return FALSE;
	if (!pd_state_from_name (t->state, &state))
		state = PD_STATE_OPEN;
	switch (pd_workflow_customer_reply (state)) {
	case PD_CUSTOMER_NEW_TICKET:
		*new_ticket_for_r = ticket;
		return TRUE;
	case PD_CUSTOMER_REOPEN:
		if (!pd_store_ticket_set_state (a->store, ticket, "open", a->now, error) ||
		    !pd_store_event_add (a->store, ticket, a->now, who, "state", "resolved -> open (customer replied)",
		                         0, error))
			return FALSE;
		break;
	case PD_CUSTOMER_KEEP:
	case PD_CUSTOMER_COUNT:
		break;
	}
	a->out->action = "threaded";
	a->out->ticket_id = ticket;
	/* only the signed reply address (which a participant must have passed on) makes the sender
	 * a participant: Message-IDs are not secret, and participants get the agents' replies */
	return pd_apply_add_message (a, ticket, NULL, error) &&
	       (g_strcmp0 (a->ctx->threaded_by, "token") != 0 ||
	        pd_store_participant_add (a->store, ticket, who, "cc", error)) &&
	       pd_store_ticket_touch (a->store, ticket, a->now, error) &&
	       pd_sla_resume (a->store, a->app->settings, ticket, a->now, error) &&
	       pd_store_event_add (a->store, ticket, a->now, who, "message", a->ctx->threaded_by,
	                           a->out->message_id, error) &&
	       pd_notify_agents (a, ticket, error);
}

/* Routing (issue 13): a copy of a mail that already opened or joined TICKET through another
 * queue address. Nothing is stored twice and nobody hears of it twice; the ticket notes that
 * the mail went to that queue too. */
static gboolean
apply_same_message (PdApply *a, gint64 ticket, GError **error)
{
	const PdQueueRouting *q = pd_route_queue_for_address (a->app->settings->routing,
	                                                      a->ctx->envelope_rcpt);
	g_autofree char *detail = g_strdup_printf ("queue %s (%s), intake %" G_GINT64_FORMAT,
	                                           q ? q->queue : "-",
	                                           a->ctx->envelope_rcpt ? a->ctx->envelope_rcpt : "-",
	                                           a->intake_id);

	a->out->action = "same-message";
	a->out->ticket_id = ticket;
	a->out->note = g_strdup_printf ("the same message is on ticket %" G_GINT64_FORMAT, ticket);
	return pd_store_event_add (a->store, ticket, a->now, a->mail->from->addr, "also-to", detail,
	                           0, error);
}

static gboolean
apply_human (PdApply *a, GError **error)
{
	const PdContext *ctx = a->ctx;
	const PdMail *mail = a->mail;
	const PdQueueSettings *queue;
	gint64 ticket = ctx->ticket_id, follows = 0;

	if (ctx->agent_id > 0 && !a->app->no_mail)
		return pd_agent_reply_apply (a, error);
	if (ticket > 0 && g_strcmp0 (ctx->threaded_by, "same-message") == 0)
		return apply_same_message (a, ticket, error);
	if (ctx->spoof_note != NULL)
		pd_log_warn ("intake=%" G_GINT64_FORMAT " %s", a->intake_id, ctx->spoof_note);
	if (ticket == 0 && pd_address_has_base (a->app->settings->bounce_address, ctx->envelope_rcpt)) {
		/* someone answered a return path: keep it, but it is no request to us */
		a->out->action = "stored";
		a->out->note = g_strdup ("sent to the bounce address: no ticket");
		return pd_apply_add_message (a, 0, NULL, error);
	}
	if (ctx->kb_question && ticket == 0) {
		/* a question to the kb address: the articles back, or below a ticket in ctx->queue */
		g_autoptr (GPtrArray) found = NULL;
		gboolean allowed;

		if (!pd_kb_answer_find (a, &found, error))
			return FALSE;
		if (found->len > 0)
			return auto_answer_allowed (a, mail->from->addr, &allowed, error) &&
			       pd_kb_answer_send (a, found, allowed, error);
	}
	if (ticket > 0) {
		if (!customer_followup (a, ticket, &follows, error))
			return FALSE;
		if (follows == 0)
			return ctx->spoof_note == NULL ||
			       pd_store_event_add (a->store, ticket, a->now, mail->from->addr, "spoof",
			                           ctx->spoof_note, a->out->message_id, error);
	}
	queue = pd_settings_queue (a->app->settings, ctx->queue->name);
	if (!pd_store_ticket_create (a->store, queue->name,
	                             *mail->subject ? mail->subject : "(no subject)",
	                             mail->from->addr, mail->from->name, ctx->priority, a->now,
	                             &ticket, error))
		return FALSE;
	a->out->action = "new-ticket";
	a->out->ticket_id = ticket;
	if (!pd_store_participant_add (a->store, ticket, mail->from->addr, "customer", error) ||
	    !add_cc_participants (a, ticket, error) || !pd_apply_add_message (a, ticket, NULL, error) ||
	    !pd_store_event_add (a->store, ticket, a->now, mail->from->addr, "created", queue->name,
	                         a->out->message_id, error) ||
	    (!a->app->no_mail && !pd_sla_start (a->store, a->app->settings, ticket, error)))
		return FALSE;
	if (follows > 0) {
		g_autofree char *why = g_strdup_printf ("follows closed ticket %" G_GINT64_FORMAT, follows);

		if (!pd_store_ticket_set_follows (a->store, ticket, follows, error) ||
		    !pd_store_event_add (a->store, ticket, a->now, "postdesk", "follows", why, 0, error) ||
		    !pd_store_event_add (a->store, follows, a->now, "postdesk", "followed-by",
		                         mail->from->addr, 0, error))
			return FALSE;
	}
	if (ctx->spoof_note != NULL &&
	    !pd_store_event_add (a->store, ticket, a->now, mail->from->addr, "spoof", ctx->spoof_note,
	                         a->out->message_id, error))
		return FALSE;
	/* follow-the-sun queues: the ticket goes to an agent on shift, who alone is told */
	if (!pd_follow_sun_assign_new (a->store, a->app->settings, ticket, queue->name, a->now, error))
		return FALSE;
	return queue_ack (a, queue, ticket, error) && pd_notify_agents (a, ticket, error);
}

/* Automatic mail: kept (on its ticket when it threads), never answered, no state change. */
static gboolean
apply_automatic (PdApply *a, GError **error)
{
	gint64 ticket = a->ctx->ticket_id;

	a->out->action = "stored";
	a->out->ticket_id = ticket;
	if (!pd_apply_add_message (a, ticket, NULL, error))
		return FALSE;
	if (ticket == 0)
		return TRUE;
	return pd_store_event_add (a->store, ticket, a->now,
	                           a->mail->from ? a->mail->from->addr : "unknown",
	                           pd_class_name (a->ctx->klass), a->ctx->reason, a->out->message_id,
	                           error);
}

/* Bounces and delays: noted on the ticket of the outbox row they report; a hard bounce
 * fails that row. Never a new ticket, never an answer. */
static gboolean
apply_report (PdApply *a, GError **error)
{
	const PdContext *ctx = a->ctx;
	g_autoptr (PdOutboxRow) row = NULL;
	g_autofree char *detail = NULL;
	gint64 ticket = 0;

	if (ctx->bounce_outbox_id > 0) {
		g_autoptr (GError) local = NULL;

		row = pd_store_outbox_get (a->store, ctx->bounce_outbox_id, &local);
		if (row == NULL && !g_error_matches (local, PD_ERROR, PD_ERROR_NOTFOUND)) {
			g_propagate_error (error, g_steal_pointer (&local));
			return FALSE;
		}
		if (row != NULL)
			ticket = row->ticket_id;
	}
	a->out->action = "stored";
	a->out->ticket_id = ticket;
	if (!pd_apply_add_message (a, ticket, NULL, error))
		return FALSE;
	detail = g_strdup_printf ("%s for %s: %s%s%s", pd_class_name (ctx->klass),
	                          ctx->bounce_recipient ? ctx->bounce_recipient : "unknown recipient",
	                          ctx->bounce_status ? ctx->bounce_status : "no status",
	                          ctx->bounce_diagnostic ? " " : "",
	                          ctx->bounce_diagnostic ? ctx->bounce_diagnostic : "");
	if (ctx->klass == PD_CLASS_BOUNCE) {
		const char *rcpt = row ? row->rcpt : ctx->bounce_recipient;

		if (row != NULL && ctx->bounce_hard &&
		    !pd_store_outbox_failed (a->store, row->id, detail, error))
			return FALSE;
		/* only a bounce we can tie to our own mail marks an address */
		if (row != NULL && rcpt != NULL &&
		    !pd_store_address_bounce (a->store, rcpt, ctx->bounce_hard, ctx->bounce_status, a->now,
		                              ctx->bounce_hard ? a->now + HARD_BOUNCE_SUPPRESSION : 0,
		                              error))
			return FALSE;
	}
	if (ticket == 0)
		return TRUE;
	return pd_store_event_add (a->store, ticket, a->now, "postdesk", pd_class_name (ctx->klass),
	                           detail, a->out->message_id, error);
}

/* lists (issue 12): mail to a list's request address is a subscriber's request, never a
 * ticket. It is kept (without a ticket). Only human mail is acted on and answered, the answer
 * within the per-recipient limit of automatic answers; the one exception is the signed
 * List-Unsubscribe mailto, which unsubscribes whatever sends it (a program acting for the
 * subscriber, as RFC 2369 intends) but is answered only when a person wrote. */
static gboolean
apply_list_request (PdApply *a, GError **error)
{
	PdListAnswer ans = { 0 };
	gboolean human = a->ctx->klass == PD_CLASS_HUMAN && a->mail->from != NULL;
	gboolean allowed = FALSE, ok = TRUE;

	a->out->action = "stored";
	if (!pd_apply_add_message (a, 0, NULL, error))
		return FALSE;
	if (!human && a->ctx->list_request != PD_LIST_REQ_UNSUBSCRIBE_ID) {
		a->out->note = g_strdup_printf ("%s mail to a list request address: not answered",
		                                pd_class_name (a->ctx->klass));
		return TRUE;
	}
	ok = pd_list_request_handle (a->app, a->ctx, a->mail, a->now, &ans, error);
	if (ok && ans.rcpt != NULL && !human)
		a->out->note = g_strdup_printf ("%s mail: not answered", pd_class_name (a->ctx->klass));
	else if (ok && ans.rcpt != NULL)
		ok = auto_answer_allowed (a, ans.rcpt, &allowed, error) &&
		     (!allowed || pd_apply_queue_mail (a, "list", 0, ans.rcpt, ans.bytes, ans.mid,
		                                       ans.subject, ans.from_addr, TRUE,
		                                       "list-answer", error));
	if (ok) {
		pd_log_info ("intake=%" G_GINT64_FORMAT " list=%" G_GINT64_FORMAT " %s%s%s",
		             a->intake_id, a->ctx->list_id, ans.summary ? ans.summary : "request",
		             a->out->note ? "; " : "", a->out->note ? a->out->note : "");
		if (a->out->note == NULL)
			a->out->note = g_steal_pointer (&ans.summary);
	}
	pd_list_answer_clear (&ans);
	return ok;
}

static gboolean
apply_class (PdApply *a, GError **error)
{
	if (a->ctx->list_id > 0) /* lists (issue 12) */
		return apply_list_request (a, error);
	switch (a->ctx->klass) {
	case PD_CLASS_HUMAN:
		if (a->mail->from == NULL) {
			a->out->action = "quarantined";
			a->out->note = g_strdup ("no From address to answer");
			return TRUE;
		}
		return apply_human (a, error);
	case PD_CLASS_BOUNCE:
	case PD_CLASS_DELAYED:
	case PD_CLASS_FEEDBACK:
		return apply_report (a, error);
	case PD_CLASS_LOOP:
		pd_log_warn ("intake=%" G_GINT64_FORMAT " our own mail came back (%s); stored, not answered",
		             a->intake_id, a->ctx->reason);
		a->out->action = "stored";
		return pd_apply_add_message (a, 0, NULL, error);
	case PD_CLASS_AUTOREPLY:
	case PD_CLASS_VACATION:
	case PD_CLASS_LIST:
	case PD_CLASS_COUNT:
		break;
	}
	return apply_automatic (a, error);
}

/* Campaign mail's bounces, delays, vacation replies and complaints are recorded for its
 * subscriber (lists/feedback.c; the class's own path below still stores the mail); a person's
 * reply to an announcement goes to the list's queue as a new ticket (issue 12). */
static gboolean
list_feedback (PdApply *a, PdContext *ctx, GError **error)
{
	PdListFeedback fb = { 0 };

	/* a request to a list's -request address is the subscriber's own business (request.c),
	 * even when it answers a campaign message */
	if (ctx->list_id > 0 && ctx->klass == PD_CLASS_HUMAN)
		return TRUE;
	if (!pd_list_feedback (a->store, a->app->settings, a->app->secret, ctx, a->mail, a->intake_id,
	                       a->now, &fb, error))
		return FALSE;
	for (guint i = 0; fb.queue != NULL && ctx->ticket_id == 0 && i < ctx->n_queues; i++)
		if (g_strcmp0 (ctx->queues[i].name, fb.queue) == 0)
			ctx->queue = &ctx->queues[i];
	pd_list_feedback_clear (&fb);
	return TRUE;
}

gboolean
pd_actions_apply (PdApp *app, gint64 intake_id, const PdMail *mail, PdContext *ctx,
                  PdOutcome *out, GError **error)
{
	PdApply a = { app, app->store, pd_now (), intake_id, mail, ctx, out };
	gboolean pending;
	const char *state;
	/* POSTDESK_DEBUG: the statements this mail ran and the rows they visited (VM steps), so a
	 * cost that grows with the sender's history shows (issue 10; e2e 285) */
	gboolean count = g_getenv ("POSTDESK_DEBUG") != NULL;
	PdStoreWork before = { 0 }, after;

	if (app->no_mail && mail->date > 0)
		a.now = mail->date; /* import: the ticket's history keeps the archive's times */
	if (count)
		pd_store_work (a.store, &before);
	if (!pd_store_begin (a.store, error))
		return FALSE;
	/* the state alone: the row itself was read when the mail was (issue 10, cpu) */
	if (!pd_store_intake_pending (a.store, intake_id, &pending, error))
		goto fail;
	if (!pending) {
		out->action = "already-done";
		pd_store_rollback (a.store);
		return TRUE;
	}
	/* judged here, under the write lock: a verdict read before BEGIN could miss a ticket
	 * that another process committed meanwhile (the filters still only read) */
	pd_context_reset (ctx);
	if (!pd_chain_run (ctx, mail, error) || !list_feedback (&a, ctx, error) ||
	    !apply_class (&a, error))
		goto fail;
	state = g_strcmp0 (out->action, "quarantined") == 0 ? "quarantined" : "done";
	if (!pd_store_intake_finish (a.store, intake_id, state, pd_class_name (ctx->klass),
	                             out->note && *state == 'q' ? out->note : ctx->reason,
	                             app->no_mail ? pd_now () : a.now,
	                             error))
		goto fail;
	if (!pd_store_commit (a.store, error))
		return FALSE;
	if (count) {
		pd_store_work (a.store, &after);
		pd_log_debug ("intake=%" G_GINT64_FORMAT " work: statements=%" G_GINT64_FORMAT
		              " vm_steps=%" G_GINT64_FORMAT " fullscan_steps=%" G_GINT64_FORMAT
		              " prepared=%" G_GINT64_FORMAT,
		              intake_id, after.runs - before.runs, after.vm_steps - before.vm_steps,
		              after.fullscan_steps - before.fullscan_steps,
		              after.prepared - before.prepared);
	}
	return TRUE;
fail:
	pd_store_rollback (a.store);
	pd_outcome_clear (out);
	memset (out, 0, sizeof *out);
	return FALSE;
}
