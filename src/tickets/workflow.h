/* workflow.h - the ticket state machine: which state changes an agent may make, and what a
 * customer reply does to a ticket. Pure: it reads no store and changes nothing; the caller
 * applies the verdict. Returned strings and vectors are (transfer full). */
#ifndef PD_WORKFLOW_H
#define PD_WORKFLOW_H

#include <glib.h>

/* Ticket states, in workflow order. The strings are what the store holds; the string table
 * is generated from this one list. */
#define PD_STATE_LIST(X) \
	X (NEW, "new") \
	X (OPEN, "open") \
	X (AGREED, "agreed") \
	X (IN_PROGRESS, "in_progress") \
	X (RESOLVED, "resolved") \
	X (CLOSED, "closed")

#define PD_STATE_ENUM(id, str) PD_STATE_##id,
typedef enum { PD_STATE_LIST (PD_STATE_ENUM) PD_STATE_COUNT } PdState;
#undef PD_STATE_ENUM

/* The stored name of STATE, "?" for an invalid value. (transfer none) */
const char *pd_state_name (PdState state);
/* Exact stored name ("in_progress") to state; FALSE if NAME is not one. */
gboolean pd_state_from_name (const char *name, PdState *state_r);
/* What a person typed ("In Progress", "in-progress", " OPEN ") to state: case-insensitive,
 * surrounding blanks ignored, a space or '-' may stand for '_'. FALSE if it is no state. */
gboolean pd_state_parse (const char *text, PdState *state_r);
/* "new, open, agreed, in_progress, resolved or closed", for error texts. (transfer full) */
char *pd_state_names_text (void);

/* May an agent move a ticket FROM -> TO? Allowed: exactly one step forward, and resolved ->
 * open (the agent reopens). Everything else, including TO == FROM, is refused: FALSE, and
 * *WHY_R (if WHY_R is not NULL; transfer full) says what was wrong and what is allowed, e.g.
 * "cannot go from open to in_progress: the deliverables must be agreed first (#agree or
 * #status agreed); from open you may go to: agreed". */
gboolean pd_workflow_agent_move (PdState from, PdState to, char **why_r);

/* The `#agree` command: open -> agreed, nothing else. FALSE and *WHY_R as above otherwise. */
gboolean pd_workflow_agent_agree (PdState from, char **why_r);

/* The state names an agent may move to from FROM, in workflow order (for error mails and
 * the notification footer); empty for closed. (transfer full, NULL-terminated, g_strfreev) */
char **pd_workflow_agent_next (PdState from);

/* The same as text: "agreed", "closed or open", "nothing (a closed ticket is final)".
 * (transfer full) */
char *pd_workflow_agent_next_text (PdState from);

/* What a customer reply does to a ticket in STATE. */
#define PD_CUSTOMER_EFFECT_LIST(X) \
	X (KEEP, "keep")             /* the state stays as it is (new stays new) */ \
	X (REOPEN, "reopen")         /* resolved -> open */ \
	X (NEW_TICKET, "new-ticket") /* closed: open a new ticket that references this one */

#define PD_CUSTOMER_EFFECT_ENUM(id, str) PD_CUSTOMER_##id,
typedef enum {
	PD_CUSTOMER_EFFECT_LIST (PD_CUSTOMER_EFFECT_ENUM) PD_CUSTOMER_COUNT
} PdCustomerEffect;
#undef PD_CUSTOMER_EFFECT_ENUM

/* (transfer none) */
const char *pd_customer_effect_name (PdCustomerEffect effect);

PdCustomerEffect pd_workflow_customer_reply (PdState state);

/* A customer says a knowledge-base article answered the ticket (the POST of the signed
 * "this answered my question" link): new, open, agreed and in_progress go straight to
 * resolved (the customer, not an agent, ends it; a later reply reopens it as usual);
 * resolved and closed stay as they are (FALSE). */
gboolean pd_workflow_customer_answered (PdState from);

#endif /* PD_WORKFLOW_H */
