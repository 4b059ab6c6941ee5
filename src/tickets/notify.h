/* notify.h - tell agents about customer mail, inside the mail's transaction (notify.c). */
#ifndef PD_NOTIFY_H
#define PD_NOTIFY_H

#include "tickets/apply.h"

/* Tell the ticket's assignee (or its queue's active agents) about the customer mail just
 * stored. */
gboolean pd_notify_agents (PdApply *a, gint64 ticket, GError **error);

#endif
