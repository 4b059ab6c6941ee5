/* test-workflow.c - the ticket state machine: every agent move of the 6x6 matrix, the words
 * of each refusal, #agree, and what a customer reply does in each state. Table-driven,
 * "got X, want Y". Pure: no store, no mail. */
#include <string.h>
#include <glib.h>
#include "tickets/workflow.h"

#define N PD_STATE_NEW
#define O PD_STATE_OPEN
#define A PD_STATE_AGREED
#define I PD_STATE_IN_PROGRESS
#define R PD_STATE_RESOLVED
#define C PD_STATE_CLOSED

/* Every (from, to) pair: allowed or not, and for a refusal, substrings the reason must hold
 * (the allowed moves are always checked too). */
typedef struct {
	PdState from, to;
	gboolean want_ok;
	const char *want_why; /* substring of the refusal, or NULL */
} MoveCase;

static const MoveCase moves[] = {
	/* from new */
	{ N, N, FALSE, "the ticket is already new" },
	{ N, O, TRUE, NULL },
	{ N, A, FALSE, "cannot go from new to agreed: the ticket must be opened first (#status open)" },
	{ N, I, FALSE, "cannot go from new to in_progress: the ticket must be opened first" },
	{ N, R, FALSE, "cannot go from new to resolved: the ticket must be opened first" },
	{ N, C, FALSE, "cannot go from new to closed: the ticket must be opened first" },
	/* from open */
	{ O, N, FALSE, "cannot go from open back to new: the workflow only goes forward" },
	{ O, O, FALSE, "the ticket is already open" },
	{ O, A, TRUE, NULL },
	{ O, I, FALSE,
	  "cannot go from open to in_progress: the deliverables must be agreed first (#agree or "
	  "#status agreed); from open you may go to: agreed" },
	{ O, R, FALSE, "cannot go from open to resolved: the deliverables must be agreed first" },
	{ O, C, FALSE, "cannot go from open to closed: the deliverables must be agreed first" },
	/* from agreed */
	{ A, N, FALSE, "cannot go from agreed back to new" },
	{ A, O, FALSE, "cannot go from agreed to open: only a resolved ticket can be reopened" },
	{ A, A, FALSE, "the ticket is already agreed" },
	{ A, I, TRUE, NULL },
	{ A, R, FALSE, "cannot go from agreed to resolved: work must be in progress first" },
	{ A, C, FALSE, "cannot go from agreed to closed: work must be in progress first" },
	/* from in_progress */
	{ I, N, FALSE, "cannot go from in_progress back to new" },
	{ I, O, FALSE, "only a resolved ticket can be reopened" },
	{ I, A, FALSE, "cannot go from in_progress back to agreed" },
	{ I, I, FALSE, "the ticket is already in_progress" },
	{ I, R, TRUE, NULL },
	{ I, C, FALSE, "cannot go from in_progress to closed: the ticket must be resolved first" },
	/* from resolved */
	{ R, N, FALSE, "cannot go from resolved back to new" },
	{ R, O, TRUE, NULL },
	{ R, A, FALSE, "cannot go from resolved back to agreed" },
	{ R, I, FALSE, "cannot go from resolved back to in_progress" },
	{ R, R, FALSE, "the ticket is already resolved" },
	{ R, C, TRUE, NULL },
	/* from closed */
	{ C, N, FALSE,
	  "cannot go from closed to new: the ticket is done (a customer reply to it opens a new "
	  "ticket)" },
	{ C, O, FALSE, "cannot go from closed to open: the ticket is done" },
	{ C, A, FALSE, "a closed ticket is final" },
	{ C, I, FALSE, "a closed ticket is final" },
	{ C, R, FALSE, "a closed ticket is final" },
	{ C, C, FALSE, "the ticket is already closed" },
};

/* What an agent may do from each state: the vector and its text. */
static const struct {
	PdState from;
	const char *want_next; /* the vector joined with "," */
	const char *want_text;
} nexts[] = {
	{ N, "open", "open" },
	{ O, "agreed", "agreed" },
	{ A, "in_progress", "in_progress" },
	{ I, "resolved", "resolved" },
	{ R, "open,closed", "open or closed" },
	{ C, "", "nothing (a closed ticket is final)" },
};

static void
test_matrix_complete (void)
{
	gboolean seen[PD_STATE_COUNT][PD_STATE_COUNT] = { { FALSE } };
	guint i, f, t;

	for (i = 0; i < G_N_ELEMENTS (moves); i++) {
		g_assert_false (seen[moves[i].from][moves[i].to]);
		seen[moves[i].from][moves[i].to] = TRUE;
	}
	for (f = 0; f < PD_STATE_COUNT; f++)
		for (t = 0; t < PD_STATE_COUNT; t++)
			if (!seen[f][t])
				g_error ("matrix misses %s -> %s", pd_state_name (f), pd_state_name (t));
}

static void
test_moves (void)
{
	guint i;

	for (i = 0; i < G_N_ELEMENTS (moves); i++) {
		const MoveCase *c = &moves[i];
		g_autofree char *why = NULL;
		g_autofree char *allowed = pd_workflow_agent_next_text (c->from);
		g_autofree char *want_tail = NULL;
		gboolean ok = pd_workflow_agent_move (c->from, c->to, &why);

		if (ok != c->want_ok)
			g_error ("%s -> %s: got %s (%s), want %s", pd_state_name (c->from),
			         pd_state_name (c->to), ok ? "allowed" : "refused", why ? why : "",
			         c->want_ok ? "allowed" : "refused");
		if (ok) {
			if (why != NULL)
				g_error ("%s -> %s: allowed but why set: %s", pd_state_name (c->from),
				         pd_state_name (c->to), why);
			continue;
		}
		g_assert_nonnull (why);
		if (c->want_why && strstr (why, c->want_why) == NULL)
			g_error ("%s -> %s: got \"%s\", want it to contain \"%s\"",
			         pd_state_name (c->from), pd_state_name (c->to), why, c->want_why);
		want_tail = g_strdup_printf ("; from %s you may go to: %s", pd_state_name (c->from),
		                             allowed);
		if (!g_str_has_suffix (why, want_tail))
			g_error ("%s -> %s: got \"%s\", want it to end in \"%s\"",
			         pd_state_name (c->from), pd_state_name (c->to), why, want_tail);
		/* NULL why_r is fine */
		g_assert_false (pd_workflow_agent_move (c->from, c->to, NULL));
	}
}

static void
test_next (void)
{
	guint i;

	for (i = 0; i < G_N_ELEMENTS (nexts); i++) {
		g_auto (GStrv) next = pd_workflow_agent_next (nexts[i].from);
		g_autofree char *joined = g_strjoinv (",", next);
		g_autofree char *text = pd_workflow_agent_next_text (nexts[i].from);
		guint j;

		if (g_strcmp0 (joined, nexts[i].want_next) != 0)
			g_error ("next from %s: got \"%s\", want \"%s\"", pd_state_name (nexts[i].from),
			         joined, nexts[i].want_next);
		if (g_strcmp0 (text, nexts[i].want_text) != 0)
			g_error ("next text from %s: got \"%s\", want \"%s\"",
			         pd_state_name (nexts[i].from), text, nexts[i].want_text);
		/* every listed state is a move the agent may make */
		for (j = 0; next[j]; j++) {
			PdState to;
			g_assert_true (pd_state_from_name (next[j], &to));
			g_assert_true (pd_workflow_agent_move (nexts[i].from, to, NULL));
		}
	}
}

static void
test_agree (void)
{
	guint s;

	for (s = 0; s < PD_STATE_COUNT; s++) {
		g_autofree char *why = NULL;
		gboolean ok = pd_workflow_agent_agree (s, &why);
		gboolean want = s == PD_STATE_OPEN;

		if (ok != want)
			g_error ("#agree on %s: got %s, want %s", pd_state_name (s),
			         ok ? "allowed" : "refused", want ? "allowed" : "refused");
		if (!ok) {
			g_autofree char *allowed = pd_workflow_agent_next_text (s);
			g_autofree char *want_is = g_strdup_printf ("this ticket is %s", pd_state_name (s));

			g_assert_nonnull (strstr (why, "#agree moves an open ticket to agreed"));
			g_assert_nonnull (strstr (why, want_is));
			g_assert_true (g_str_has_suffix (why, allowed));
		} else {
			g_assert_null (why);
		}
	}
}

static void
test_customer (void)
{
	static const struct {
		PdState state;
		PdCustomerEffect want;
	} cases[] = {
		{ N, PD_CUSTOMER_KEEP },   { O, PD_CUSTOMER_KEEP },   { A, PD_CUSTOMER_KEEP },
		{ I, PD_CUSTOMER_KEEP },   { R, PD_CUSTOMER_REOPEN }, { C, PD_CUSTOMER_NEW_TICKET },
	};
	guint i;

	g_assert_cmpuint (G_N_ELEMENTS (cases), ==, PD_STATE_COUNT);
	for (i = 0; i < G_N_ELEMENTS (cases); i++) {
		PdCustomerEffect got = pd_workflow_customer_reply (cases[i].state);

		if (got != cases[i].want)
			g_error ("customer reply on %s: got %s, want %s", pd_state_name (cases[i].state),
			         pd_customer_effect_name (got), pd_customer_effect_name (cases[i].want));
	}
	g_assert_cmpstr (pd_customer_effect_name (PD_CUSTOMER_NEW_TICKET), ==, "new-ticket");
}

static void
test_names (void)
{
	static const struct {
		const char *text;
		gboolean want_exact; /* pd_state_from_name accepts it */
		gboolean want_ok;    /* pd_state_parse accepts it */
		PdState want;
	} cases[] = {
		{ "new", TRUE, TRUE, N },
		{ "open", TRUE, TRUE, O },
		{ "agreed", TRUE, TRUE, A },
		{ "in_progress", TRUE, TRUE, I },
		{ "resolved", TRUE, TRUE, R },
		{ "closed", TRUE, TRUE, C },
		{ "in progress", FALSE, TRUE, I },
		{ "in-progress", FALSE, TRUE, I },
		{ "In Progress", FALSE, TRUE, I },
		{ " OPEN\t", FALSE, TRUE, O },
		{ "Closed", FALSE, TRUE, C },
		{ "inprogress", FALSE, FALSE, N },
		{ "done", FALSE, FALSE, N },
		{ "", FALSE, FALSE, N },
		{ "in__progress", FALSE, FALSE, N },
	};
	guint i;
	g_autofree char *all = pd_state_names_text ();

	for (i = 0; i < G_N_ELEMENTS (cases); i++) {
		PdState got = PD_STATE_COUNT;
		gboolean ok = pd_state_from_name (cases[i].text, &got);

		if (ok != cases[i].want_exact || (ok && got != cases[i].want))
			g_error ("from_name \"%s\": got %d/%s, want %d/%s", cases[i].text, ok,
			         ok ? pd_state_name (got) : "-", cases[i].want_exact,
			         pd_state_name (cases[i].want));
		got = PD_STATE_COUNT;
		ok = pd_state_parse (cases[i].text, &got);
		if (ok != cases[i].want_ok || (ok && got != cases[i].want))
			g_error ("parse \"%s\": got %d/%s, want %d/%s", cases[i].text, ok,
			         ok ? pd_state_name (got) : "-", cases[i].want_ok,
			         pd_state_name (cases[i].want));
	}
	g_assert_false (pd_state_parse (NULL, &(PdState) { 0 }));
	g_assert_false (pd_state_from_name (NULL, &(PdState) { 0 }));
	g_assert_cmpstr (all, ==, "new, open, agreed, in_progress, resolved or closed");
}

/* Walking the whole workflow one step at a time must work and reach closed. */
static void
test_walk (void)
{
	PdState s = PD_STATE_NEW;
	guint steps = 0;

	while (s != PD_STATE_CLOSED) {
		g_assert_true (pd_workflow_agent_move (s, s + 1, NULL));
		s++;
		steps++;
	}
	g_assert_cmpuint (steps, ==, PD_STATE_COUNT - 1);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/workflow/matrix-complete", test_matrix_complete);
	g_test_add_func ("/workflow/agent-moves", test_moves);
	g_test_add_func ("/workflow/agent-next", test_next);
	g_test_add_func ("/workflow/agree", test_agree);
	g_test_add_func ("/workflow/customer-reply", test_customer);
	g_test_add_func ("/workflow/state-names", test_names);
	g_test_add_func ("/workflow/walk", test_walk);
	return g_test_run ();
}
