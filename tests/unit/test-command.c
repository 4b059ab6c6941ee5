/* test-command.c - agent command blocks: each command, case and status variants, bad and
 * missing arguments, unknown commands, '#' lines after text, CRLF, empty input, #comment,
 * the rest kept byte for byte. Table-driven, "got X, want Y"; every input is also parsed cut
 * at every byte. Pure: no store, no mail. */
#include <string.h>
#include <glib.h>
#include "tickets/command.h"

typedef struct {
	const char *name;
	const char *text;
	/* commands as "kind[=arg][/number]@line", space-separated; "" for none */
	const char *want_commands;
	/* substrings of each error, in order; NULL-terminated, at most 3 */
	const char *want_errors[4];
	const char *want_rest;
} Case;

#define KNOWN "known: #status, #take, #assign, #priority, #queue, #comment, #kb, #agree"

static const Case cases[] = {
	/* nothing */
	{ "empty", "", "", { NULL }, "" },
	{ "blank-only", "\n  \n\t\n", "", { NULL }, "" },
	{ "text-only", "Hello,\n\nfixed.\n", "", { NULL }, "Hello,\n\nfixed.\n" },
	{ "text-leading-blank", "\n\nHello\n", "", { NULL }, "Hello\n" },
	{ "text-no-newline", "Hello", "", { NULL }, "Hello" },

	/* each command */
	{ "status", "#status open\nHi\n", "status=open/1@1", { NULL }, "Hi\n" },
	{ "take", "#take\nHi\n", "take@1", { NULL }, "Hi\n" },
	{ "assign-address", "#assign anna@example.com\nHi\n", "assign=anna@example.com@1",
	  { NULL }, "Hi\n" },
	{ "assign-angle", "#assign <anna@example.com>\nHi\n", "assign=anna@example.com@1",
	  { NULL }, "Hi\n" },
	{ "assign-name", "#assign anna\nHi\n", "assign=anna@1", { NULL }, "Hi\n" },
	{ "assign-utf8-name", "#assign Jos\xc3\xa9\nHi\n", "assign=Jos\xc3\xa9@1", { NULL },
	  "Hi\n" },
	{ "priority", "#priority urgent\nHi\n", "priority=urgent/3@1", { NULL }, "Hi\n" },
	{ "priority-low", "#priority low\n", "priority=low@1", { NULL }, "" },
	{ "queue", "#queue billing-eu\nHi\n", "queue=billing-eu@1", { NULL }, "Hi\n" },
	{ "comment", "#comment\nCalled them, waiting.\n", "comment@1", { NULL },
	  "Called them, waiting.\n" },
	{ "comment-inline", "#comment  called them  \nmore\n", "comment=called them@1", { NULL },
	  "more\n" },
	{ "kb", "#kb 42\nSee below.\n", "kb/42@1", { NULL }, "See below.\n" },
	{ "agree", "#agree\nAgreed.\n", "agree@1", { NULL }, "Agreed.\n" },

	/* case and spelling variants */
	{ "case-name", "#STATUS Resolved\n#Take\n#PrIoRiTy HIGH\n", "status=resolved/4@1 take@2 "
	  "priority=high/2@3", { NULL }, "" },
	{ "status-in-progress-space", "#status in progress\n", "status=in_progress/3@1", { NULL },
	  "" },
	{ "status-in-progress-hyphen", "#status in-progress\n", "status=in_progress/3@1", { NULL },
	  "" },
	{ "status-in-progress-underscore", "#status in_progress\n", "status=in_progress/3@1",
	  { NULL }, "" },
	{ "status-in-progress-caps-blanks", "#status   In \t Progress  \n", "status=in_progress/3@1",
	  { NULL }, "" },
	{ "leading-blanks-before-hash", "  #take\n\xc2\xa0#agree\nHi\n", "take@1 agree@2", { NULL },
	  "Hi\n" },

	/* the block */
	{ "several-with-blank-lines", "#status agreed\n\n#priority high\n\n\nDear customer,\n\nok.\n",
	  "status=agreed/2@1 priority=high/2@3", { NULL }, "Dear customer,\n\nok.\n" },
	{ "only-commands", "#take\n#status open", "take@1 status=open/1@2", { NULL }, "" },
	{ "after-text-not-commands", "Hello\n#status closed\n#take\n", "", { NULL },
	  "Hello\n#status closed\n#take\n" },
	{ "command-then-text-then-command", "#take\nHello\n#status closed\n", "take@1", { NULL },
	  "Hello\n#status closed\n" },
	{ "rest-exact", "#take\n\n  Indented first line  \n\n\n> quoted\ttab\n\n", "take@1", { NULL },
	  "  Indented first line  \n\n\n> quoted\ttab\n\n" },
	{ "crlf", "#status open\r\n\r\n#take\r\nHello\r\nBye\r\n", "status=open/1@1 take@3",
	  { NULL }, "Hello\r\nBye\r\n" },
	{ "crlf-arg", "#priority normal\r\n", "priority=normal/1@1", { NULL }, "" },
	{ "bom", "\xef\xbb\xbf#take\nHi\n", "take@1", { NULL }, "Hi\n" },
	{ "status-repeats", "#status agreed\n#status in progress\n",
	  "status=agreed/2@1 status=in_progress/3@2", { NULL }, "" },
	{ "kb-repeats", "#kb 1\n#kb 2\n", "kb/1@1 kb/2@2", { NULL }, "" },
	{ "comment-then-commands", "#comment\n#status resolved\nnote\n",
	  "comment@1 status=resolved/4@2", { NULL }, "note\n" },

	/* unknown commands: the first line "#1 priority..." is a command attempt, not text */
	{ "unknown-number", "#1 priority for us is speed\nthanks\n", "",
	  { "line 1: unknown command #1; " KNOWN, NULL }, "thanks\n" },
	{ "unknown-hashtag", "#hashtag\nHi\n", "", { "line 1: unknown command #hashtag; " KNOWN, NULL },
	  "Hi\n" },
	{ "unknown-typo", "#stauts open\n", "", { "unknown command #stauts", NULL }, "" },
	{ "unknown-colon", "#status: open\n", "", { "unknown command #status:", NULL }, "" },
	{ "hash-alone", "#\nHi\n", "", { "line 1: '#' without a command name; " KNOWN, NULL },
	  "Hi\n" },
	{ "hash-space", "# status open\n", "", { "'#' without a command name", NULL }, "" },
	{ "markdown-heading", "## Summary\nok\n", "", { "unknown command ##", NULL }, "ok\n" },

	/* bad or missing arguments */
	{ "status-missing", "#status\n", "",
	  { "line 1: #status: want new, open, agreed, in_progress, resolved or closed, got nothing",
	    NULL },
	  "" },
	{ "status-bad", "#status done\n", "",
	  { "#status: want new, open, agreed, in_progress, resolved or closed, got \"done\"", NULL },
	  "" },
	{ "status-inprogress-glued", "#status inprogress\n", "", { "got \"inprogress\"", NULL }, "" },
	{ "priority-bad", "#take\n#priority asap\n", "take@1",
	  { "line 2: #priority: want low, normal, high or urgent, got \"asap\"", NULL }, "" },
	{ "priority-missing", "#priority\n", "",
	  { "#priority: want low, normal, high or urgent, got nothing", NULL }, "" },
	{ "take-arg", "#take me\n", "", { "line 1: #take takes no argument, got \"me\"", NULL }, "" },
	{ "agree-arg", "#agree yes\n", "", { "#agree takes no argument, got \"yes\"", NULL }, "" },
	{ "assign-missing", "#assign\n", "", { "#assign: want one agent", NULL }, "" },
	{ "assign-two-words", "#assign John Smith\n", "",
	  { "#assign: want one agent, by address (anna@example.com) or by name (anna), got \"John "
	    "Smith\"",
	    NULL },
	  "" },
	{ "assign-bad-address", "#assign anna@\n", "", { "got \"anna@\"", NULL }, "" },
	{ "assign-two-at", "#assign a@b@c\n", "", { "got \"a@b@c\"", NULL }, "" },
	{ "queue-missing", "#queue\n", "", { "#queue: want one queue name", NULL }, "" },
	{ "queue-two-words", "#queue billing eu\n", "", { "got \"billing eu\"", NULL }, "" },
	{ "kb-zero", "#kb 0\n", "", { "#kb: want an article number (1 or more), its name or some words, got \"0\"", NULL },
	  "" },
	{ "kb-negative", "#kb -3\n", "", { "got \"-3\"", NULL }, "" },
	{ "kb-slug", "#kb reset-password\n", "kb=reset-password@1", { NULL }, "" },
	{ "kb-words", "#kb printer  offline\nSee below.\n", "kb=printer  offline@1", { NULL },
	  "See below.\n" },
	{ "kb-missing", "#kb\n", "", { "got nothing", NULL }, "" },
	{ "kb-huge", "#kb 99999999999999999999\n", "", { "got \"99999999999999999999\"", NULL }, "" },

	/* once-only commands */
	{ "priority-twice", "#priority low\n#priority high\n", "priority=low@1",
	  { "line 2: #priority given twice (first on line 1); give it once", NULL }, "" },
	{ "take-and-assign", "#take\n#assign bob\n", "take@1",
	  { "line 2: #assign and #take (line 1) both set the assignee", NULL }, "" },
	{ "agree-twice", "#agree\n#agree\n", "agree@1", { "#agree given twice", NULL }, "" },

	/* several errors are all reported, the good commands kept */
	{ "errors-collected", "#foo\n#status open\n#priority asap\n#kb 0\nHi\n", "status=open/1@2",
	  { "line 1: unknown command #foo", "line 3: #priority", "line 4: #kb", NULL }, "Hi\n" },
	{ "long-value-cut",
	  "#priority aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
	  "", { "got \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\"", NULL }, "" },
	{ "invalid-utf8-value", "#queue \xff\xfe\n", "", { "#queue: want one queue name", NULL }, "" },
};

static char *
describe_commands (const PdAgentCommandBlock *block)
{
	GString *s = g_string_new (NULL);
	guint i;

	for (i = 0; i < block->commands->len; i++) {
		const PdAgentCommand *c = g_ptr_array_index (block->commands, i);

		if (i)
			g_string_append_c (s, ' ');
		g_string_append (s, pd_agent_command_name (c->kind));
		if (c->arg)
			g_string_append_printf (s, "=%s", c->arg);
		if (c->number)
			g_string_append_printf (s, "/%" G_GINT64_FORMAT, c->number);
		g_string_append_printf (s, "@%u", c->line);
	}
	return g_string_free (s, FALSE);
}

static void
test_cases (void)
{
	guint i;

	for (i = 0; i < G_N_ELEMENTS (cases); i++) {
		const Case *c = &cases[i];
		g_autoptr (PdAgentCommandBlock) block = pd_agent_command_parse (c->text);
		g_autofree char *got = describe_commands (block);
		guint want_n = 0, j;

		if (g_strcmp0 (got, c->want_commands) != 0)
			g_error ("%s: commands: got \"%s\", want \"%s\"", c->name, got, c->want_commands);
		while (c->want_errors[want_n])
			want_n++;
		if (block->errors->len != want_n) {
			g_autofree char *all = NULL;

			g_ptr_array_add (block->errors, NULL);
			all = g_strjoinv (" | ", (char **) block->errors->pdata);
			g_error ("%s: got %u errors (%s), want %u", c->name, block->errors->len - 1, all,
			         want_n);
		}
		for (j = 0; j < want_n; j++) {
			const char *e = g_ptr_array_index (block->errors, j);

			if (strstr (e, c->want_errors[j]) == NULL)
				g_error ("%s: error %u: got \"%s\", want it to contain \"%s\"", c->name, j, e,
				         c->want_errors[j]);
			g_assert_true (g_utf8_validate (e, -1, NULL));
		}
		if (g_strcmp0 (block->rest, c->want_rest) != 0)
			g_error ("%s: rest: got \"%s\", want \"%s\"", c->name, block->rest, c->want_rest);
	}
}

static void
test_null (void)
{
	g_autoptr (PdAgentCommandBlock) block = pd_agent_command_parse (NULL);

	g_assert_cmpuint (block->commands->len, ==, 0);
	g_assert_cmpuint (block->errors->len, ==, 0);
	g_assert_cmpstr (block->rest, ==, "");
	pd_agent_command_block_free (NULL);
}

/* Cut at every byte: never crashes, rest is always a suffix of the input, and the lines
 * before it hold only blanks and '#' lines. */
static void
test_cut (void)
{
	guint i;

	for (i = 0; i < G_N_ELEMENTS (cases); i++) {
		gsize len = strlen (cases[i].text), cut;

		for (cut = 0; cut <= len; cut++) {
			g_autofree char *text = g_strndup (cases[i].text, cut);
			g_autoptr (PdAgentCommandBlock) block = pd_agent_command_parse (text);

			g_assert_nonnull (block->rest);
			if (!g_str_has_suffix (text, block->rest))
				g_error ("%s cut at %" G_GSIZE_FORMAT ": rest \"%s\" is not a suffix of \"%s\"",
				         cases[i].name, cut, block->rest, text);
		}
	}
}

static void
test_names (void)
{
	g_assert_cmpstr (pd_agent_command_name (PD_AGENT_COMMAND_STATUS), ==, "status");
	g_assert_cmpstr (pd_agent_command_name (PD_AGENT_COMMAND_AGREE), ==, "agree");
	g_assert_cmpstr (pd_priority_name (PD_PRIORITY_URGENT), ==, "urgent");
	g_assert_cmpint (PD_AGENT_COMMAND_COUNT, ==, 8);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/command/cases", test_cases);
	g_test_add_func ("/command/null", test_null);
	g_test_add_func ("/command/cut-at-every-byte", test_cut);
	g_test_add_func ("/command/names", test_names);
	return g_test_run ();
}
