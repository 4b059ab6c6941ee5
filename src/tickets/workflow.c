/* workflow.c - the strict ticket workflow new -> open -> agreed -> in_progress -> resolved
 * -> closed, with the reasons a move is refused worded for the agent's error mail. It does
 * not know commands, mail or the store; callers own every string it returns. */
#include "tickets/workflow.h"

#include <string.h>

#define PD_STATE_STR(id, str) str,
static const char *const state_names[] = { PD_STATE_LIST (PD_STATE_STR) };
#undef PD_STATE_STR

#define PD_CUSTOMER_EFFECT_STR(id, str) str,
static const char *const customer_effect_names[] = { PD_CUSTOMER_EFFECT_LIST (
	PD_CUSTOMER_EFFECT_STR) };
#undef PD_CUSTOMER_EFFECT_STR

G_STATIC_ASSERT (G_N_ELEMENTS (state_names) == PD_STATE_COUNT);
G_STATIC_ASSERT (G_N_ELEMENTS (customer_effect_names) == PD_CUSTOMER_COUNT);

/* Why a state must be reached before going further: indexed by the skipped state. */
static const char *const skipped_reason[PD_STATE_COUNT] = {
	[PD_STATE_OPEN] = "the ticket must be opened first (#status open)",
	[PD_STATE_AGREED] = "the deliverables must be agreed first (#agree or #status agreed)",
	[PD_STATE_IN_PROGRESS] = "work must be in progress first (#status in_progress)",
	[PD_STATE_RESOLVED] = "the ticket must be resolved first (#status resolved)",
};

const char *
pd_state_name (PdState state)
{
	g_return_val_if_fail (state < PD_STATE_COUNT, "?");
	return state_names[state];
}

gboolean
pd_state_from_name (const char *name, PdState *state_r)
{
	guint i;

	for (i = 0; i < PD_STATE_COUNT; i++)
		if (g_strcmp0 (state_names[i], name) == 0) {
			*state_r = (PdState) i;
			return TRUE;
		}
	return FALSE;
}

gboolean
pd_state_parse (const char *text, PdState *state_r)
{
	g_autofree char *norm = NULL;
	char *p;

	if (text == NULL)
		return FALSE;
	norm = g_ascii_strdown (text, -1);
	g_strstrip (norm);
	for (p = norm; *p; p++)
		if (*p == ' ' || *p == '\t' || *p == '-')
			*p = '_';
	return pd_state_from_name (norm, state_r);
}

/* "a, b or c"; "a"; "" for none. */
static char *
join_or (const char *const *names, guint n)
{
	GString *s = g_string_new (NULL);
	guint i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			g_string_append (s, i + 1 == n ? " or " : ", ");
		g_string_append (s, names[i]);
	}
	return g_string_free (s, FALSE);
}

char *
pd_state_names_text (void)
{
	return join_or ((const char *const *) state_names, PD_STATE_COUNT);
}

static gboolean
agent_may (PdState from, PdState to)
{
	if (from >= PD_STATE_COUNT || to >= PD_STATE_COUNT)
		return FALSE;
	if (from != PD_STATE_CLOSED && to == from + 1)
		return TRUE;
	return from == PD_STATE_RESOLVED && to == PD_STATE_OPEN;
}

char **
pd_workflow_agent_next (PdState from)
{
	GPtrArray *next = g_ptr_array_new ();
	guint to;

	g_return_val_if_fail (from < PD_STATE_COUNT, g_new0 (char *, 1));
	for (to = 0; to < PD_STATE_COUNT; to++)
		if (agent_may (from, (PdState) to))
			g_ptr_array_add (next, g_strdup (state_names[to]));
	g_ptr_array_add (next, NULL);
	return (char **) g_ptr_array_free (next, FALSE);
}

char *
pd_workflow_agent_next_text (PdState from)
{
	g_auto (GStrv) next = pd_workflow_agent_next (from);

	if (next[0] == NULL)
		return g_strdup ("nothing (a closed ticket is final)");
	return join_or ((const char *const *) next, g_strv_length (next));
}

gboolean
pd_workflow_agent_move (PdState from, PdState to, char **why_r)
{
	g_autofree char *allowed = NULL;
	g_autofree char *reason = NULL;

	g_return_val_if_fail (from < PD_STATE_COUNT && to < PD_STATE_COUNT, FALSE);
	if (agent_may (from, to))
		return TRUE;
	if (why_r == NULL)
		return FALSE;

	if (to == from)
		reason = g_strdup_printf ("the ticket is already %s", state_names[from]);
	else if (from == PD_STATE_CLOSED)
		reason = g_strdup_printf ("cannot go from closed to %s: the ticket is done "
		                          "(a customer reply to it opens a new ticket)",
		                          state_names[to]);
	else if (to > from)
		reason = g_strdup_printf ("cannot go from %s to %s: %s", state_names[from],
		                          state_names[to], skipped_reason[from + 1]);
	else if (to == PD_STATE_OPEN)
		reason = g_strdup_printf ("cannot go from %s to open: only a resolved ticket can be "
		                          "reopened",
		                          state_names[from]);
	else
		reason = g_strdup_printf ("cannot go from %s back to %s: the workflow only goes "
		                          "forward (a resolved ticket may be reopened)",
		                          state_names[from], state_names[to]);
	allowed = pd_workflow_agent_next_text (from);
	*why_r = g_strdup_printf ("%s; from %s you may go to: %s", reason, state_names[from],
	                          allowed);
	return FALSE;
}

gboolean
pd_workflow_agent_agree (PdState from, char **why_r)
{
	g_autofree char *allowed = NULL;

	g_return_val_if_fail (from < PD_STATE_COUNT, FALSE);
	if (from == PD_STATE_OPEN)
		return TRUE;
	if (why_r == NULL)
		return FALSE;
	allowed = pd_workflow_agent_next_text (from);
	*why_r = g_strdup_printf ("#agree moves an open ticket to agreed, but this ticket is %s; "
	                          "from %s you may go to: %s",
	                          state_names[from], state_names[from], allowed);
	return FALSE;
}

const char *
pd_customer_effect_name (PdCustomerEffect effect)
{
	g_return_val_if_fail (effect < PD_CUSTOMER_COUNT, "?");
	return customer_effect_names[effect];
}

PdCustomerEffect
pd_workflow_customer_reply (PdState state)
{
	g_return_val_if_fail (state < PD_STATE_COUNT, PD_CUSTOMER_KEEP);
	switch (state) {
	case PD_STATE_RESOLVED:
		return PD_CUSTOMER_REOPEN;
	case PD_STATE_CLOSED:
		return PD_CUSTOMER_NEW_TICKET;
	default:
		return PD_CUSTOMER_KEEP;
	}
}

gboolean
pd_workflow_customer_answered (PdState from)
{
	return from < PD_STATE_RESOLVED;
}
