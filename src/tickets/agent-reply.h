/* agent-reply.h - a verified agent's reply, inside the mail's transaction (agent-reply.c). */
#ifndef PD_AGENT_REPLY_H
#define PD_AGENT_REPLY_H

#include "tickets/apply.h"

/* Commands, workflow, then the reply to the customer, the confirmation or the error mail
 * to the agent. */
gboolean pd_agent_reply_apply (PdApply *a, GError **error);

#endif
