/* handoff.h - follow-the-sun in the scheduler: when an agent's shift has ended, their open
 * tickets in queues with `follow_the_sun = yes` go to the queue's agents on shift then (the
 * least loaded first), each with a 'handoff' event in its history, and each receiving agent
 * gets one mail listing what they received. Once per agent and shift end (the handoffs
 * ledger, claimed in the transaction that moves the tickets), across restarts and however
 * many schedulers run. Escalated tickets whose assignee is off shift (or who have none) go
 * to an agent on shift too. */
#ifndef PD_HANDOFF_H
#define PD_HANDOFF_H

#include "app/app.h"
#include "sched/scheduler.h"

/* Hand off what is due at NOW; counts go to STATS (handoffs, tickets_handed, mails). */
gboolean pd_handoff_run (PdApp *app, gint64 now, PdSchedStats *stats, GError **error);

#endif
