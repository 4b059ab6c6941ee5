/* scheduler.h - one run of the SLA scheduler: a reminder to the assignee (or, unassigned,
 * to the queue's active agents) when a target's reminder time passes, an escalation mail to
 * the queue's escalation address at the breach. Each fires at most once per ticket, target
 * and kind, however many schedulers run at once or restart (store/sla.h's ledger). */
#ifndef PD_SCHEDULER_H
#define PD_SCHEDULER_H

#include "app/app.h"

typedef struct {
	guint reminders;   /* reminder timers fired by this run */
	guint escalations; /* escalation timers fired */
	guint mails;       /* mails queued */
	guint skipped;     /* timers fired without mail (no recipient, or a reminder overtaken) */
	guint handoffs;    /* follow-the-sun: shift ends handed off (sched/handoff.h) */
	guint handed;      /* tickets that changed hands, at a shift end or escalated */
} PdSchedStats;

/* Fire what is due at NOW. Each timer in its own transaction on APP's store. */
gboolean pd_sched_run (PdApp *app, gint64 now, PdSchedStats *stats, GError **error);

#endif
