/* follow-sun.h - follow-the-sun assignment: in a queue with `follow_the_sun = yes`, tickets
 * go to the active agents of the queue who are on shift (their time zone and hours), the
 * least loaded first (ties: the lowest agent id, so equal loads take turns). Used for new
 * tickets here and for hand-offs and escalated tickets by the scheduler (sched/handoff.c). */
#ifndef PD_FOLLOW_SUN_H
#define PD_FOLLOW_SUN_H

#include "core/settings.h"
#include "store/store.h"

/* Whether AGENT is active, works on QUEUE, has a shift and is on it at NOW. */
gboolean pd_follow_sun_on_shift (const PdAgentRow *agent, const char *queue, gint64 now);
/* Among AGENTS (PdAgentRow*), the one on shift for QUEUE at NOW with the fewest open tickets,
 * other than EXCLUDE; NULL in *AGENT_R when nobody is on shift. (*AGENT_R: transfer none) */
gboolean pd_follow_sun_pick (PdStore *store, GPtrArray *agents, const char *queue, gint64 now,
                             gint64 exclude, const PdAgentRow **agent_r, GError **error);
/* A new TICKET of QUEUE: when the queue follows the sun, assign it to the agent picked at
 * NOW, with an 'assign' event. Nothing when nobody is on shift (the queue's agents are told,
 * as without follow-the-sun). */
gboolean pd_follow_sun_assign_new (PdStore *store, const PdSettings *settings, gint64 ticket,
                                   const char *queue, gint64 now, GError **error);

#endif
