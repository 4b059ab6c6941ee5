/* follow-sun.c - who is on shift, and who gets a ticket (follow-sun.h). */
#include "tickets/follow-sun.h"

#include "core/settings-sun.h"
#include "core/shift.h"
#include "store/report.h"

gboolean
pd_follow_sun_on_shift (const PdAgentRow *agent, const char *queue, gint64 now)
{
	g_auto (GStrv) queues = NULL;
	PdShift shift = { 0 };
	gboolean on;

	if (!agent->active || agent->queues == NULL)
		return FALSE;
	queues = g_strsplit (agent->queues, ",", -1);
	if (!g_strv_contains ((const char *const *) queues, queue) ||
	    !pd_shift_parse (agent->tz, agent->hours, &shift))
		return FALSE;
	on = pd_shift_on (&shift, now);
	pd_shift_clear (&shift);
	return on;
}

gboolean
pd_follow_sun_pick (PdStore *store, GPtrArray *agents, const char *queue, gint64 now,
                    gint64 exclude, const PdAgentRow **agent_r, GError **error)
{
	gint64 best_load = G_MAXINT64;
	guint i;

	*agent_r = NULL;
	for (i = 0; i < agents->len; i++) {
		const PdAgentRow *a = agents->pdata[i];
		gint64 load;

		if (a->id == exclude || !pd_follow_sun_on_shift (a, queue, now))
			continue;
		if (!pd_store_agent_load (store, a->id, &load, error))
			return FALSE;
		if (load < best_load || (load == best_load && a->id < (*agent_r)->id)) {
			best_load = load;
			*agent_r = a;
		}
	}
	return TRUE;
}

gboolean
pd_follow_sun_assign_new (PdStore *store, const PdSettings *settings, gint64 ticket,
                          const char *queue, gint64 now, GError **error)
{
	g_autoptr (GPtrArray) agents = NULL;
	g_autofree char *detail = NULL;
	const PdAgentRow *to;

	if (!pd_settings_sun_queue (settings->sun, queue))
		return TRUE;
	if ((agents = pd_store_agent_list (store, error)) == NULL ||
	    !pd_follow_sun_pick (store, agents, queue, now, 0, &to, error))
		return FALSE;
	if (to == NULL)
		return TRUE;
	detail = g_strdup_printf ("assigned to %s (follow-the-sun: on shift)", to->address);
	return pd_store_ticket_set_assignee (store, ticket, to->id, error) &&
	       pd_store_event_add (store, ticket, now, "postdesk", "assign", detail, 0, error);
}
