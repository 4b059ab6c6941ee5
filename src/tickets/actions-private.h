/* actions-private.h - what actions.c uses from the files it delegates to: the shared
 * transaction state and writes (apply.h), notifications (notify.h) and agent replies
 * (agent-reply.h). Those files include only apply.h, so calls point one way:
 * actions -> notify / agent-reply -> apply. */
#ifndef PD_ACTIONS_PRIVATE_H
#define PD_ACTIONS_PRIVATE_H

#include "tickets/agent-reply.h"
#include "tickets/apply.h"
#include "tickets/notify.h"

#endif
