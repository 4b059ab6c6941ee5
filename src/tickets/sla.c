/* sla.c - computing and storing a ticket's SLA targets (tickets/sla.h). Business time comes
 * from the queue's calendar; a queue without one counts calendar time, as before. What counts
 * as waiting for the customer: the time from an agent's reply to the customer until the
 * customer's next mail on the ticket. */
#include "tickets/sla.h"

#include "core/calendar.h"
#include "store/sla.h"

static const char *const target_names[] = { "first_response", "resolution" };

static const PdQueueSettings *
queue_of (const PdSettings *settings, const char *name)
{
	const PdQueueSettings *q = pd_settings_queue (settings, name);

	return q ? q : settings->queues->pdata[0];
}

void
pd_sla_compute (const PdSlaSettings *sla, const PdSlaTarget *target, gint64 start, int pct,
                gint64 *due_r, gint64 *remind_r)
{
	const PdCalendar *cal = sla->calendar;
	gint64 due = 0, total;

	switch (target->unit) {
	case PD_SLA_NONE:
		break;
	case PD_SLA_SECONDS:
		due = cal ? pd_calendar_add_seconds (cal, start, target->amount) : start + target->amount;
		break;
	case PD_SLA_DAYS:
		due = cal ? pd_calendar_add_days (cal, start, target->amount) : start + target->amount * 86400;
		break;
	case PD_SLA_CUTOFF:
		due = cal ? pd_calendar_cutoff_due (cal, start) : start;
		break;
	}
	*due_r = due;
	*remind_r = 0;
	if (due == 0 || pct <= 0)
		return;
	total = cal ? pd_calendar_between (cal, start, due) : due - start;
	*remind_r = cal ? pd_calendar_add_seconds (cal, start, total * pct / 100)
	                : start + total * pct / 100;
}

gboolean
pd_sla_start (PdStore *store, const PdSettings *settings, gint64 ticket, GError **error)
{
	g_autoptr (PdTicketRow) t = pd_store_ticket_head (store, ticket, error);
	const PdSlaSettings *sla;
	int p, i;

	if (t == NULL)
		return FALSE;
	sla = queue_of (settings, t->queue)->sla;
	p = pd_sla_priority_index (t->priority);
	if (p < 0)
		p = 1;
	for (i = 0; i < 2; i++) {
		const PdSlaTarget *target = i == 0 ? &sla->first_response[p] : &sla->resolution[p];
		gint64 due, remind;

		pd_sla_compute (sla, target, t->created_at, sla->reminder_pct, &due, &remind);
		if (due == 0 ? !pd_store_sla_delete (store, ticket, target_names[i], error)
		             : !pd_store_sla_put (store, ticket, target_names[i], t->created_at, due,
		                                  remind, error))
			return FALSE;
	}
	return TRUE;
}

static gint64
business (const PdSlaSettings *sla, gint64 from, gint64 to)
{
	if (to <= from)
		return 0;
	return sla->calendar ? pd_calendar_between (sla->calendar, from, to) : to - from;
}

static gint64
advance (const PdSlaSettings *sla, gint64 from, gint64 seconds)
{
	return sla->calendar ? pd_calendar_add_seconds (sla->calendar, from, seconds) : from + seconds;
}

/* The SLA settings of TICKET's queue; *SLA_R NULL when the ticket has no queue. */
static gboolean
ticket_sla (PdStore *store, const PdSettings *settings, gint64 ticket,
            const PdSlaSettings **sla_r, GError **error)
{
	g_autofree char *queue = NULL;

	*sla_r = NULL;
	if (!pd_store_ticket_queue (store, ticket, &queue, error))
		return FALSE;
	if (queue != NULL)
		*sla_r = queue_of (settings, queue)->sla;
	return TRUE;
}

gboolean
pd_sla_wait (PdStore *store, const PdSettings *settings, gint64 ticket, gint64 now,
             GError **error)
{
	g_autoptr (GPtrArray) rows = NULL;
	const PdSlaSettings *sla;
	guint i;

	if (!ticket_sla (store, settings, ticket, &sla, error))
		return FALSE;
	if (sla == NULL || !sla->pause_when_waiting)
		return TRUE;
	if ((rows = pd_store_sla_list (store, ticket, error)) == NULL)
		return FALSE;
	for (i = 0; i < rows->len; i++) {
		const PdSlaRow *r = rows->pdata[i];

		if (g_strcmp0 (r->target, "resolution") != 0 || r->paused_at != 0 || r->met)
			continue;
		if (!pd_store_sla_pause (store, ticket, r->target, now, business (sla, now, r->due_at),
		                         r->remind_at ? business (sla, now, r->remind_at) : -1, error))
			return FALSE;
	}
	return TRUE;
}

gboolean
pd_sla_resume (PdStore *store, const PdSettings *settings, gint64 ticket, gint64 now,
               GError **error)
{
	g_autoptr (GPtrArray) rows = NULL;
	const PdSlaSettings *sla;
	guint i;

	if (!ticket_sla (store, settings, ticket, &sla, error))
		return FALSE;
	if (sla == NULL)
		return TRUE;
	if ((rows = pd_store_sla_list (store, ticket, error)) == NULL)
		return FALSE;
	for (i = 0; i < rows->len; i++) {
		const PdSlaRow *r = rows->pdata[i];

		if (r->paused_at == 0)
			continue;
		if (!pd_store_sla_put (store, ticket, r->target, r->started_at,
		                       advance (sla, now, r->due_left),
		                       r->remind_left >= 0 ? advance (sla, now, r->remind_left) : 0, error))
			return FALSE;
	}
	return TRUE;
}
