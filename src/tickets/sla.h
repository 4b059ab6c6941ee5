/* sla.h - a ticket's service-level targets: computed from its queue's policy (calendar,
 * first_response, resolution, per priority) when it is created or reprioritised, paused while
 * the customer is awaited (pause_when_waiting) and resumed when the customer writes. The
 * scheduler (sched/scheduler.h) fires reminders and escalations from what is stored here. */
#ifndef PD_SCHED_SLA_H
#define PD_SCHED_SLA_H

#include <glib.h>

#include "core/settings.h"
#include "store/store.h"

/* The due time of TARGET counted from START, and the reminder at PCT % of it (0 = none). */
void pd_sla_compute (const PdSlaSettings *sla, const PdSlaTarget *target, gint64 start,
                     int pct, gint64 *due_r, gint64 *remind_r);

/* (Re)compute TICKET's targets from its creation, queue and priority; targets the policy
 * does not set are removed. Inside the caller's transaction. */
gboolean pd_sla_start (PdStore *store, const PdSettings *settings, gint64 ticket,
                       GError **error);
/* The customer is awaited from NOW (an agent answered): the resolution clock stops when the
 * queue's policy says pause_when_waiting. */
gboolean pd_sla_wait (PdStore *store, const PdSettings *settings, gint64 ticket, gint64 now,
                      GError **error);
/* The customer wrote at NOW: a paused clock runs again with the business time it had left. */
gboolean pd_sla_resume (PdStore *store, const PdSettings *settings, gint64 ticket, gint64 now,
                        GError **error);

#endif
