/* scheduler.c - the SLA timers (scheduler.h). A timer is claimed (INSERT into sla_timers,
 * UNIQUE per ticket, target and kind) in the same write transaction that queues its mail in
 * the outbox, so it is sent once or not at all; the outbox sender delivers it later. A
 * reminder whose target has already passed is recorded without a mail: the escalation says
 * more. */
#include "sched/scheduler.h"
#include "sched/handoff.h"
#include "sched/purge.h"
#include "sched/campaign-tick.h"

#include "core/error.h"
#include "core/log.h"
#include "core/template.h"
#include "core/token.h"
#include "lists/bounce-decay.h"
#include "lists/kb-mailer.h"
#include "mail/compose.h"
#include "store/sla.h"

static const char *
target_text (const char *target)
{
	return g_str_equal (target, "first_response") ? "first response" : "resolution";
}

static gboolean
works_on (const PdAgentRow *agent, const char *queue)
{
	g_auto (GStrv) queues = g_strsplit (agent->queues, ",", -1);

	return agent->active && g_strv_contains ((const char *const *) queues, queue);
}

/* The reminder's recipients: the active assignee, else the queue's active agents.
 * (transfer full: PdAgentRow*) */
static GPtrArray *
agents_for (PdApp *app, const PdTicketRow *t, char **assignee_name_r, GError **error)
{
	g_autoptr (GPtrArray) all = pd_store_agent_list (app->store, error);
	g_autoptr (GPtrArray) out = NULL;
	gint64 assignee = 0;
	guint i;

	*assignee_name_r = NULL;
	if (all == NULL || !pd_store_ticket_assignee (app->store, t->id, &assignee, error))
		return NULL;
	out = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_agent_row_free);
	for (i = 0; i < all->len; i++) {
		PdAgentRow *ag = all->pdata[i];

		if (ag->id == assignee) {
			*assignee_name_r = g_strdup (ag->name);
			if (ag->active)
				g_ptr_array_add (out, g_ptr_array_steal_index (all, i--));
		}
	}
	if (out->len > 0)
		return g_steal_pointer (&out);
	for (i = 0; i < all->len; i++)
		if (works_on (all->pdata[i], t->queue))
			g_ptr_array_add (out, g_ptr_array_steal_index (all, i--));
	return g_steal_pointer (&out);
}

/* Compose and queue one timer mail to RCPT; OUTBOX_R gets its row. */
static gboolean
queue_mail (PdApp *app, const PdQueueSettings *q, const PdTicketRow *t, const char *kind,
            const char *rcpt, const char *rcpt_name, PdTemplateData *data, gint64 now,
            gint64 *outbox_r, GError **error)
{
	g_autofree char *tmpl = g_strconcat ("sla-", kind, NULL);
	g_autofree char *mid = pd_compose_message_id (app->settings->domain);
	g_autofree char *root = g_strdup_printf ("pd.ticket.%" G_GINT64_FORMAT "@%s", t->id,
	                                         app->settings->domain);
	g_autofree char *reply_to = NULL;
	g_autofree char *outbox_kind = g_strconcat ("sla-", kind, NULL);
	g_autoptr (PdRendered) r = pd_template_render (app->home, q->locale, tmpl, data, error);
	g_autoptr (GBytes) bytes = NULL;
	const char *refs[2] = { root, NULL };
	PdComposeSpec spec = { 0 };

	if (r == NULL)
		return FALSE;
	if (g_str_equal (kind, "reminder")) /* the agents answer from it, as from a notification */
		reply_to = pd_token_address (app->secret, q->address, 'a', t->id);
	spec.from_name = q->display_name ? q->display_name : q->name;
	spec.from_addr = q->address;
	spec.to_name = rcpt_name;
	spec.to_addr = rcpt;
	spec.reply_to = reply_to;
	spec.subject = pd_rendered_header (r, "Subject");
	spec.message_id = mid;
	spec.in_reply_to = root;
	spec.references = refs;
	spec.auto_submitted = "auto-generated";
	spec.loop_address = q->address;
	spec.body = r->body;
	spec.extra_headers = r->headers;
	bytes = pd_compose (&spec, error);
	return bytes != NULL && pd_store_outbox_add (app->store, outbox_kind, t->id, rcpt, mid, bytes,
	                                             FALSE, now, outbox_r, error);
}

/* Fire timer KIND of ROW in one transaction: claim it, queue its mails, record it. */
static gboolean
fire (PdApp *app, const PdSlaRow *row, const char *kind, gboolean overtaken, gint64 now,
      PdSchedStats *stats, GError **error)
{
	g_autoptr (PdTicketRow) t = NULL;
	g_autoptr (PdTemplateData) data = pd_template_data_new ();
	g_autoptr (GDateTime) due_at = g_date_time_new_from_unix_utc (row->due_at);
	g_autofree char *due = g_date_time_format (due_at, "%Y-%m-%d %H:%M UTC");
	g_autofree char *assignee = NULL, *note = NULL;
	g_autoptr (GString) sent_to = g_string_new (NULL);
	const PdQueueSettings *q;
	gboolean claimed;
	gint64 first_outbox = 0;
	guint mails = 0, i;

	if (!pd_store_begin (app->store, error))
		return FALSE;
	if (!pd_store_sla_claim (app->store, row->ticket_id, row->target, kind, now, &claimed, error))
		goto fail;
	if (!claimed) { /* another scheduler had it */
		pd_store_rollback (app->store);
		return TRUE;
	}
	if ((t = pd_store_ticket_get (app->store, row->ticket_id, error)) == NULL)
		goto fail;
	q = pd_settings_queue (app->settings, t->queue);
	if (q == NULL)
		q = app->settings->queues->pdata[0];
	pd_template_data_set_int (data, "ticket", t->id);
	pd_template_data_set (data, "tag", q->tag);
	pd_template_data_set (data, "subject", t->subject);
	pd_template_data_set (data, "queue", t->queue);
	pd_template_data_set (data, "priority", t->priority);
	pd_template_data_set (data, "state", t->state);
	pd_template_data_set (data, "customer", t->customer);
	pd_template_data_set (data, "target", target_text (row->target));
	pd_template_data_set (data, "target_key", row->target);
	pd_template_data_set (data, "due", due);
	pd_template_data_set_int (data, "percent", q->sla->reminder_pct);

	if (overtaken) {
		note = g_strdup ("the target passed before the reminder was sent");
	} else if (g_str_equal (kind, "reminder")) {
		g_autoptr (GPtrArray) agents = agents_for (app, t, &assignee, error);

		if (agents == NULL)
			goto fail;
		pd_template_data_set (data, "assignee", assignee);
		for (i = 0; i < agents->len; i++) {
			const PdAgentRow *ag = agents->pdata[i];
			gint64 id;

			if (!queue_mail (app, q, t, kind, ag->address, ag->name, data, now, &id, error))
				goto fail;
			if (first_outbox == 0)
				first_outbox = id;
			g_string_append_printf (sent_to, "%s%s", mails++ ? "," : "", ag->address);
		}
		if (mails == 0)
			note = g_strdup ("no active agent on the queue");
	} else {
		if (!agents_for (app, t, &assignee, error))
			goto fail;
		pd_template_data_set (data, "assignee", assignee);
		if (q->sla->escalation == NULL) {
			note = g_strdup ("the queue has no escalation address");
		} else {
			if (!queue_mail (app, q, t, kind, q->sla->escalation, NULL, data, now, &first_outbox,
			                 error))
				goto fail;
			g_string_append (sent_to, q->sla->escalation);
			mails = 1;
		}
	}
	{
		g_autofree char *detail = g_strdup_printf ("%s due %s: %s", row->target, due,
		                                           note ? note : sent_to->str);
		g_autofree char *event = g_strconcat ("sla-", kind, NULL);

		if (!pd_store_sla_fired (app->store, row->ticket_id, row->target, kind, first_outbox, note,
		                         error) ||
		    !pd_store_event_add (app->store, t->id, now, "postdesk", event, detail, 0, error) ||
		    !pd_store_commit (app->store, error))
			goto fail;
		pd_log_info ("ticket=%" G_GINT64_FORMAT " sla=%s target=%s %s", t->id, kind, row->target,
		             detail);
	}
	if (g_str_equal (kind, "reminder"))
		stats->reminders++;
	else
		stats->escalations++;
	stats->mails += mails;
	if (mails == 0)
		stats->skipped++;
	return TRUE;
fail:
	pd_store_rollback (app->store);
	return FALSE;
}

gboolean
pd_sched_run (PdApp *app, gint64 now, PdSchedStats *stats, GError **error)
{
	g_autoptr (GPtrArray) rows = NULL;
	guint i;

	if (!pd_purge_scheduled (app, now, error)) /* retention (issue 13) */
		return FALSE;
	if (!pd_sched_campaign_tick (app, now, error)) /* announcements: --at, stages */
		return FALSE;
	if ((rows = pd_store_sla_pending (app->store, now, error)) == NULL)
		return FALSE;
	for (i = 0; i < rows->len; i++) {
		const PdSlaRow *r = rows->pdata[i];
		gboolean breached = r->due_at <= now;

		if (!r->reminded && r->remind_at > 0 && r->remind_at <= now &&
		    !fire (app, r, "reminder", breached, now, stats, error))
			return FALSE;
		if (!r->escalated && breached && !fire (app, r, "escalation", FALSE, now, stats, error))
			return FALSE;
	}
	/* issue 12: bounce scores decayed between bounces ('bouncing' back to 'active') */
	if (!pd_list_bounce_decay_run (app->store, app->settings, now, NULL, error))
		return FALSE;
	/* issue 12: announcements archived, new kb articles to the lists that follow them */
	if (!pd_list_kb_mail_run (app->store, app->settings, now, NULL, error))
		return FALSE;
	return pd_handoff_run (app, now, stats, error);
}
