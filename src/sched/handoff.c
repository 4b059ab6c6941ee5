/* handoff.c - follow-the-sun hand-offs at shift ends (handoff.h). Each giving agent's
 * hand-off is one transaction: claim (agent, shift end) in the ledger, move the tickets, note
 * each in its history, queue one mail per receiving agent. When nobody is on shift for any of
 * the tickets nothing is claimed, so the next run tries again. Tickets of a queue that has
 * nobody on shift are kept as waiting rows (db/028) and tried again at every run until
 * someone is; each ticket's row is claimed in the transaction that moves it, so it is handed
 * once. */
#include "sched/handoff.h"

#include "core/log.h"
#include "core/settings-sun.h"
#include "core/shift.h"
#include "core/template.h"
#include "mail/compose.h"
#include "store/handoff.h"
#include "store/report.h"
#include "tickets/follow-sun.h"

/* What one receiving agent gets. */
typedef struct {
	const PdAgentRow *to;
	GArray *tickets; /* gint64 */
} Batch;

static void
batch_free (Batch *b)
{
	g_array_unref (b->tickets);
	g_free (b);
}

static char *
utc_text (gint64 t)
{
	g_autoptr (GDateTime) d = g_date_time_new_from_unix_utc (t);

	return g_date_time_format (d, "%Y-%m-%d %H:%M UTC");
}

static gboolean
send_batch (PdApp *app, const PdAgentRow *from, const Batch *b, const char *shift_end, gint64 now,
            GError **error)
{
	g_autoptr (PdTemplateData) data = pd_template_data_new ();
	g_autoptr (PdRendered) r = NULL;
	g_autoptr (GBytes) bytes = NULL;
	g_autofree char *mid = pd_compose_message_id (app->settings->domain);
	const PdQueueSettings *q = NULL;
	PdComposeSpec spec = { 0 };
	gint64 outbox;
	guint i;

	for (i = 0; i < b->tickets->len; i++) {
		g_autoptr (PdTicketRow) t = pd_store_ticket_get (app->store,
		                                                g_array_index (b->tickets, gint64, i), error);
		const PdQueueSettings *tq;
		PdTemplateData *item;

		if (t == NULL)
			return FALSE;
		tq = pd_settings_queue (app->settings, t->queue);
		if (tq == NULL)
			tq = app->settings->queues->pdata[0];
		if (q == NULL)
			q = tq;
		item = pd_template_data_add_item (data, "tickets");
		pd_template_data_set_int (item, "ticket", t->id);
		pd_template_data_set (item, "tag", tq->tag);
		pd_template_data_set (item, "subject", t->subject);
		pd_template_data_set (item, "state", t->state);
		pd_template_data_set (item, "priority", t->priority);
		pd_template_data_set (item, "queue", t->queue);
	}
	pd_template_data_set_int (data, "count", b->tickets->len);
	pd_template_data_set (data, "several", b->tickets->len > 1 ? "yes" : "");
	pd_template_data_set (data, "from", from->address);
	pd_template_data_set (data, "from_name", from->name);
	pd_template_data_set (data, "to_name", b->to->name);
	pd_template_data_set (data, "shift_end", shift_end);
	r = pd_template_render (app->home, q->locale, "handoff", data, error);
	if (r == NULL)
		return FALSE;
	spec.from_name = q->display_name ? q->display_name : q->name;
	spec.from_addr = q->address;
	spec.to_name = b->to->name;
	spec.to_addr = b->to->address;
	spec.subject = pd_rendered_header (r, "Subject");
	spec.message_id = mid;
	spec.auto_submitted = "auto-generated";
	spec.loop_address = q->address;
	spec.body = r->body;
	spec.extra_headers = r->headers;
	bytes = pd_compose (&spec, error);
	return bytes != NULL &&
	       pd_store_outbox_add (app->store, "handoff", g_array_index (b->tickets, gint64, 0),
	                            b->to->address, mid, bytes, FALSE, now, &outbox, error);
}

/* The mail to TO that escalated TICKET (whose TARGETS, "first_response,resolution", were
 * breached) is now theirs: like a hand-off, the receiving agent learns of it by mail. */
static gboolean
send_escalated (PdApp *app, const PdAgentRow *to, gint64 ticket, const char *targets, gint64 now,
                GError **error)
{
	g_autoptr (PdTemplateData) data = pd_template_data_new ();
	g_autoptr (PdRendered) r = NULL;
	g_autoptr (GBytes) bytes = NULL;
	g_autoptr (PdTicketRow) t = pd_store_ticket_get (app->store, ticket, error);
	g_autofree char *mid = pd_compose_message_id (app->settings->domain);
	g_auto (GStrv) names = g_strsplit (targets ? targets : "", ",", -1);
	g_autofree char *joined = NULL;
	const PdQueueSettings *q;
	PdComposeSpec spec = { 0 };
	gint64 outbox;
	guint i;

	if (t == NULL)
		return FALSE;
	q = pd_settings_queue (app->settings, t->queue);
	if (q == NULL)
		q = app->settings->queues->pdata[0];
	for (i = 0; names[i]; i++)
		g_strdelimit (names[i], "_", ' ');
	joined = g_strjoinv (" and ", names);
	pd_template_data_set_int (data, "ticket", t->id);
	pd_template_data_set (data, "tag", q->tag);
	pd_template_data_set (data, "subject", t->subject);
	pd_template_data_set (data, "state", t->state);
	pd_template_data_set (data, "priority", t->priority);
	pd_template_data_set (data, "queue", t->queue);
	pd_template_data_set (data, "to_name", to->name);
	pd_template_data_set (data, "targets", *joined ? joined : "service level");
	pd_template_data_set (data, "several", g_strv_length (names) > 1 ? "yes" : "");
	r = pd_template_render (app->home, q->locale, "escalated", data, error);
	if (r == NULL)
		return FALSE;
	spec.from_name = q->display_name ? q->display_name : q->name;
	spec.from_addr = q->address;
	spec.to_name = to->name;
	spec.to_addr = to->address;
	spec.subject = pd_rendered_header (r, "Subject");
	spec.message_id = mid;
	spec.auto_submitted = "auto-generated";
	spec.loop_address = q->address;
	spec.body = r->body;
	spec.extra_headers = r->headers;
	bytes = pd_compose (&spec, error);
	return bytes != NULL && pd_store_outbox_add (app->store, "assign", ticket, to->address, mid,
	                                             bytes, FALSE, now, &outbox, error);
}

static Batch *
batch_for (GPtrArray *batches, const PdAgentRow *to)
{
	Batch *b;
	guint i;

	for (i = 0; i < batches->len; i++)
		if (((Batch *) batches->pdata[i])->to == to)
			return batches->pdata[i];
	b = g_new0 (Batch, 1);
	b->to = to;
	b->tickets = g_array_new (FALSE, FALSE, sizeof (gint64));
	g_ptr_array_add (batches, b);
	return b;
}

/* Move TICKET from FROM to TO with a 'handoff' note; it joins TO's mail. */
static gboolean
move_ticket (PdApp *app, GPtrArray *batches, const PdAgentRow *from, const PdAgentRow *to,
             gint64 ticket, const char *end_text, gint64 now, GError **error)
{
	g_autofree char *detail = g_strdup_printf ("from %s to %s: %s's shift ended at %s",
	                                           from->address, to->address, from->name, end_text);

	if (!pd_store_ticket_set_assignee (app->store, ticket, to->id, error) ||
	    !pd_store_event_add (app->store, ticket, now, "postdesk", "handoff", detail, 0, error))
		return FALSE;
	g_array_append_val (batch_for (batches, to)->tickets, ticket);
	return TRUE;
}

/* The first run after FROM's shift ended at END: claim the shift end (once, whoever runs)
 * when there is someone to take a ticket, hand what can be handed, and keep a waiting row
 * for each ticket whose queue has nobody on shift. Nothing claimed when nothing moves. */
static gboolean
first_run (PdApp *app, GPtrArray *agents, GPtrArray *batches, const PdAgentRow *from, gint64 end,
           const char *end_text, gint64 now, guint *moved_r, GString *note, GError **error)
{
	g_auto (GStrv) queues = g_strsplit (from->queues ? from->queues : "", ",", -1);
	g_autoptr (GArray) waiting = g_array_new (FALSE, FALSE, sizeof (gint64));
	g_autoptr (GArray) handed = g_array_new (FALSE, FALSE, sizeof (gint64) * 2);
	gboolean claimed = FALSE;
	gint64 hid = 0;
	guint i, k;

	*moved_r = 0;
	for (k = 0; queues[k]; k++) {
		g_autoptr (GArray) ids = NULL;
		guint stay = 0;

		if (!pd_settings_sun_queue (app->settings->sun, queues[k]))
			continue;
		if ((ids = pd_store_open_assigned (app->store, from->id, queues[k], error)) == NULL)
			return FALSE;
		for (i = 0; i < ids->len; i++) {
			gint64 id = g_array_index (ids, gint64, i);
			const PdAgentRow *to;
			gint64 pair[2];

			if (!pd_follow_sun_pick (app->store, agents, queues[k], now, from->id, &to, error))
				return FALSE;
			if (to == NULL) { /* nobody on shift for this queue: the rest wait */
				for (; i < ids->len; i++, stay++)
					g_array_append_val (waiting, g_array_index (ids, gint64, i));
				break;
			}
			if (!claimed) {
				if (!pd_store_handoff_claim (app->store, from->id, end, now, &claimed, error))
					return FALSE;
				if (!claimed) /* another scheduler did it: its rows say what waits */
					return TRUE;
			}
			if (!move_ticket (app, batches, from, to, id, end_text, now, error))
				return FALSE;
			pair[0] = id;
			pair[1] = to->id;
			g_array_append_val (handed, pair);
			(*moved_r)++;
		}
		if (stay > 0)
			g_string_append_printf (note, "%squeue %s: nobody on shift, %u ticket(s) wait",
			                        note->len ? "; " : "", queues[k], stay);
	}
	if (!claimed)
		return TRUE;
	if (!pd_store_handoff_id (app->store, from->id, end, &hid, error) ||
	    !pd_store_handoff_done (app->store, from->id, end, *moved_r, note->len ? note->str : NULL,
	                            error))
		return FALSE;
	for (i = 0; i < handed->len; i++) {
		const gint64 *pair = &g_array_index (handed, gint64, i * 2);

		if (!pd_store_handoff_ticket_add (app->store, hid, pair[0], now, pair[1], error))
			return FALSE;
	}
	for (i = 0; i < waiting->len; i++)
		if (!pd_store_handoff_ticket_add (app->store, hid, g_array_index (waiting, gint64, i), 0,
		                                  0, error))
			return FALSE;
	return TRUE;
}

/* A later run for the claimed hand-off HID: each waiting ticket whose queue now has someone on
 * shift is claimed (its row, once) and handed. */
static gboolean
retry_run (PdApp *app, GPtrArray *agents, GPtrArray *batches, const PdAgentRow *from, gint64 hid,
           const char *end_text, gint64 now, guint *moved_r, GError **error)
{
	g_autoptr (GArray) ids = pd_store_handoff_waiting (app->store, hid, from->id, error);
	guint i;

	*moved_r = 0;
	if (ids == NULL)
		return FALSE;
	for (i = 0; i < ids->len; i++) {
		gint64 id = g_array_index (ids, gint64, i);
		g_autoptr (PdTicketRow) t = pd_store_ticket_get (app->store, id, error);
		const PdAgentRow *to;
		gboolean claimed;

		if (t == NULL)
			return FALSE;
		if (!pd_settings_sun_queue (app->settings->sun, t->queue))
			continue;
		if (!pd_follow_sun_pick (app->store, agents, t->queue, now, from->id, &to, error))
			return FALSE;
		if (to == NULL)
			continue;
		if (!pd_store_handoff_ticket_claim (app->store, hid, id, to->id, now, &claimed, error))
			return FALSE;
		if (!claimed)
			continue;
		if (!move_ticket (app, batches, from, to, id, end_text, now, error))
			return FALSE;
		(*moved_r)++;
	}
	return *moved_r == 0 || pd_store_handoff_add_count (app->store, hid, *moved_r, error);
}

/* FROM's hand-off for the shift that ended at END, in one transaction: the first run claims
 * the shift end, later runs hand the tickets that were waiting (each once). */
static gboolean
hand_off (PdApp *app, GPtrArray *agents, const PdAgentRow *from, gint64 end, gint64 now,
          PdSchedStats *stats, GError **error)
{
	g_autoptr (GPtrArray) batches = g_ptr_array_new_with_free_func ((GDestroyNotify) batch_free);
	g_autoptr (GString) note = g_string_new (NULL);
	g_autofree char *end_text = utc_text (end);
	gint64 hid = 0;
	guint i, moved = 0;

	if (!pd_store_begin (app->store, error))
		return FALSE;
	if (!pd_store_handoff_id (app->store, from->id, end, &hid, error))
		goto fail;
	if (hid == 0 ? !first_run (app, agents, batches, from, end, end_text, now, &moved, note, error)
	             : !retry_run (app, agents, batches, from, hid, end_text, now, &moved, error))
		goto fail;
	if (moved == 0) { /* nothing to hand over, or nobody to take it: try again next run */
		pd_store_rollback (app->store);
		return TRUE;
	}
	for (i = 0; i < batches->len; i++)
		if (!send_batch (app, from, batches->pdata[i], end_text, now, error))
			goto fail;
	if (!pd_store_commit (app->store, error))
		goto fail;
	pd_log_info ("handoff agent=%s shift_end=\"%s\" tickets=%u mails=%u%s%s%s", from->address,
	             end_text, moved, batches->len, hid ? " (waiting tickets)" : "",
	             note->len ? " note=" : "", note->str);
	if (hid == 0)
		stats->handoffs++;
	stats->handed += moved;
	stats->mails += batches->len;
	return TRUE;
fail:
	pd_store_rollback (app->store);
	return FALSE;
}

/* Escalated open tickets of QUEUE whose assignee is off shift (or who have none) go to the
 * agent on shift with the fewest open tickets, who is mailed (outbox kind 'assign'). */
static gboolean
escalated (PdApp *app, GPtrArray *agents, const char *queue, gint64 now, PdSchedStats *stats,
           GError **error)
{
	g_autoptr (PdReportRows) rows = pd_store_escalated_open (app->store, queue, error);
	guint i, k;

	if (rows == NULL)
		return FALSE;
	for (i = 0; i < rows->rows->len; i++) {
		gint64 id = pd_report_int (rows, i, 0), assignee = pd_report_int (rows, i, 1);
		gint64 now_assignee = 0;
		const PdAgentRow *to = NULL;
		g_autofree char *detail = NULL;
		gboolean on = FALSE;

		for (k = 0; assignee > 0 && k < agents->len; k++) {
			const PdAgentRow *a = agents->pdata[k];

			if (a->id == assignee)
				on = pd_follow_sun_on_shift (a, queue, now);
		}
		if (on)
			continue;
		if (!pd_follow_sun_pick (app->store, agents, queue, now, assignee, &to, error))
			return FALSE;
		if (to == NULL)
			continue;
		detail = g_strdup_printf ("assigned to %s (follow-the-sun: escalated, on shift)", to->address);
		if (!pd_store_begin (app->store, error))
			return FALSE;
		/* another scheduler may have given it to someone meanwhile: then it is done */
		if (!pd_store_ticket_assignee (app->store, id, &now_assignee, error)) {
			pd_store_rollback (app->store);
			return FALSE;
		}
		if (now_assignee != assignee) {
			pd_store_rollback (app->store);
			continue;
		}
		if (!pd_store_ticket_set_assignee (app->store, id, to->id, error) ||
		    !pd_store_event_add (app->store, id, now, "postdesk", "assign", detail, 0, error) ||
		    !send_escalated (app, to, id, pd_report_text (rows, i, 2), now, error) ||
		    !pd_store_commit (app->store, error)) {
			pd_store_rollback (app->store);
			return FALSE;
		}
		stats->handed++;
		stats->mails++;
	}
	return TRUE;
}

gboolean
pd_handoff_run (PdApp *app, gint64 now, PdSchedStats *stats, GError **error)
{
	g_autoptr (GPtrArray) agents = NULL;
	const PdSunSettings *sun = app->settings->sun;
	guint i;

	if (sun == NULL || sun->queues->len == 0)
		return TRUE;
	if ((agents = pd_store_agent_list (app->store, error)) == NULL)
		return FALSE;
	for (i = 0; i < agents->len; i++) {
		const PdAgentRow *a = agents->pdata[i];
		PdShift shift = { 0 };
		gboolean on;
		gint64 end;

		if (!pd_shift_parse (a->tz, a->hours, &shift))
			continue; /* no shift, nothing ends */
		on = pd_shift_on (&shift, now);
		end = pd_shift_last_end (&shift, now);
		pd_shift_clear (&shift);
		if (!on && end > 0 && !hand_off (app, agents, a, end, now, stats, error))
			return FALSE;
	}
	for (i = 0; i < sun->queues->len; i++)
		if (!escalated (app, agents, sun->queues->pdata[i], now, stats, error))
			return FALSE;
	return TRUE;
}
