/* command.c - split an agent reply's new text into the leading "#command" lines and the
 * rest, checking each command's syntax and saying what is allowed when it is wrong. It does
 * not judge the workflow or know agents and queues; the block owns everything it holds. */
#include "tickets/command.h"

#include <string.h>

#include "tickets/workflow.h"

#define PD_AGENT_COMMAND_STR(id, str) str,
static const char *const command_names[] = { PD_AGENT_COMMAND_LIST (PD_AGENT_COMMAND_STR) };
#undef PD_AGENT_COMMAND_STR

#define PD_PRIORITY_STR(id, str) str,
static const char *const priority_names[] = { PD_PRIORITY_LIST (PD_PRIORITY_STR) };
#undef PD_PRIORITY_STR

G_STATIC_ASSERT (G_N_ELEMENTS (command_names) == PD_AGENT_COMMAND_COUNT);
G_STATIC_ASSERT (G_N_ELEMENTS (priority_names) == PD_PRIORITY_COUNT);

/* Commands that may be given once per reply share a slot; #take and #assign share one. */
enum {
	SLOT_NONE = -1,
	SLOT_ASSIGNEE,
	SLOT_PRIORITY,
	SLOT_QUEUE,
	SLOT_COMMENT,
	SLOT_AGREE,
	SLOT_COUNT
};

static int
command_slot (PdAgentCommandKind kind)
{
	switch (kind) {
	case PD_AGENT_COMMAND_TAKE:
	case PD_AGENT_COMMAND_ASSIGN:
		return SLOT_ASSIGNEE;
	case PD_AGENT_COMMAND_PRIORITY:
		return SLOT_PRIORITY;
	case PD_AGENT_COMMAND_QUEUE:
		return SLOT_QUEUE;
	case PD_AGENT_COMMAND_COMMENT:
		return SLOT_COMMENT;
	case PD_AGENT_COMMAND_AGREE:
		return SLOT_AGREE;
	default:
		return SLOT_NONE;
	}
}

const char *
pd_agent_command_name (PdAgentCommandKind kind)
{
	g_return_val_if_fail (kind < PD_AGENT_COMMAND_COUNT, "?");
	return command_names[kind];
}

const char *
pd_priority_name (PdPriority priority)
{
	g_return_val_if_fail (priority < PD_PRIORITY_COUNT, "?");
	return priority_names[priority];
}

static void
command_free (gpointer data)
{
	PdAgentCommand *cmd = data;

	g_free (cmd->arg);
	g_free (cmd);
}

void
pd_agent_command_block_free (PdAgentCommandBlock *block)
{
	if (block == NULL)
		return;
	g_ptr_array_unref (block->commands);
	g_ptr_array_unref (block->errors);
	g_free (block->rest);
	g_free (block);
}

/* Length of the blank character at P (space, tab, CR, FF, VT, U+00A0 NO-BREAK SPACE as mail
 * clients write it, a byte order mark), 0 if P is not blank. */
static gsize
blank_len (const char *p, const char *end)
{
	const guchar *u = (const guchar *) p;

	if (p >= end)
		return 0;
	if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\f' || *p == '\v')
		return 1;
	if (end - p >= 2 && u[0] == 0xc2 && u[1] == 0xa0)
		return 2;
	if (end - p >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf)
		return 3;
	return 0;
}

static const char *
skip_blank (const char *p, const char *end)
{
	gsize n;

	while ((n = blank_len (p, end)) > 0)
		p += n;
	return p;
}

/* END moved back over trailing blanks (ASCII and U+00A0). */
static const char *
trim_end (const char *start, const char *end)
{
	for (;;) {
		if (end > start && blank_len (end - 1, end) == 1)
			end--;
		else if (end - start >= 2 && blank_len (end - 2, end) == 2)
			end -= 2;
		else
			return end;
	}
}

/* "#status, #take, ..." */
static char *
known_commands_text (void)
{
	GString *s = g_string_new (NULL);
	guint i;

	for (i = 0; i < PD_AGENT_COMMAND_COUNT; i++)
		g_string_append_printf (s, "%s#%s", i ? ", " : "", command_names[i]);
	return g_string_free (s, FALSE);
}

/* A value quoted for an error text: valid UTF-8, at most 60 characters. */
static char *
quote_value (const char *value)
{
	g_autofree char *valid = g_utf8_make_valid (value, -1);

	if (g_utf8_strlen (valid, -1) > 60) {
		g_autofree char *cut = g_utf8_substring (valid, 0, 57);
		return g_strdup_printf ("\"%s...\"", cut);
	}
	return g_strdup_printf ("\"%s\"", valid);
}

static gboolean
has_blank (const char *s)
{
	return strpbrk (s, " \t") != NULL;
}

static gboolean
is_name_token (const char *s, gboolean allow_utf8)
{
	const guchar *p;

	if (*s == '\0' || !g_utf8_validate (s, -1, NULL))
		return FALSE;
	for (p = (const guchar *) s; *p; p++)
		if (!(g_ascii_isalnum (*p) || *p == '.' || *p == '_' || *p == '-' ||
		      (allow_utf8 && *p >= 0x80)))
			return FALSE;
	return TRUE;
}

/* addr-spec-ish: one '@', something either side, no blanks, commas or quotes. */
static gboolean
is_address (const char *s)
{
	const char *at = strchr (s, '@');

	return at != NULL && at != s && at[1] != '\0' && strchr (at + 1, '@') == NULL &&
	       strpbrk (s, " \t,;<>\"()[]\\") == NULL && g_utf8_validate (s, -1, NULL);
}

/* Check ARGS (trimmed, "" if none) for KIND and fill CMD; or return the error text, without
 * the line number. (transfer full) */
static char *
parse_argument (PdAgentCommandKind kind, const char *args, PdAgentCommand *cmd)
{
	const char *name = command_names[kind];
	g_autofree char *got = *args ? quote_value (args) : g_strdup ("nothing");

	switch (kind) {
	case PD_AGENT_COMMAND_STATUS: {
		g_auto (GStrv) words = g_strsplit_set (args, " \t", -1);
		GString *joined = g_string_new (NULL);
		g_autofree char *norm = NULL;
		g_autofree char *all = NULL;
		PdState state;
		guint i;

		for (i = 0; words[i]; i++)
			if (words[i][0]) /* runs of blanks split into empty words */
				g_string_append_printf (joined, "%s%s", joined->len ? "_" : "", words[i]);
		norm = g_string_free (joined, FALSE);
		if (pd_state_parse (norm, &state)) {
			cmd->arg = g_strdup (pd_state_name (state));
			cmd->number = state;
			return NULL;
		}
		all = pd_state_names_text ();
		return g_strdup_printf ("#status: want %s, got %s", all, got);
	}
	case PD_AGENT_COMMAND_TAKE:
	case PD_AGENT_COMMAND_AGREE:
		if (*args == '\0')
			return NULL;
		return g_strdup_printf ("#%s takes no argument, got %s", name, got);
	case PD_AGENT_COMMAND_ASSIGN: {
		g_autofree char *value = NULL;
		gsize len = strlen (args);

		if (len >= 2 && args[0] == '<' && args[len - 1] == '>')
			value = g_strndup (args + 1, len - 2);
		else
			value = g_strdup (args);
		if (!has_blank (value) && (is_address (value) || is_name_token (value, TRUE))) {
			cmd->arg = g_steal_pointer (&value);
			return NULL;
		}
		return g_strdup_printf ("#assign: want one agent, by address (anna@example.com) or "
		                        "by name (anna), got %s",
		                        got);
	}
	case PD_AGENT_COMMAND_PRIORITY: {
		guint i;

		for (i = 0; i < PD_PRIORITY_COUNT; i++)
			if (g_ascii_strcasecmp (args, priority_names[i]) == 0) {
				cmd->arg = g_strdup (priority_names[i]);
				cmd->number = i;
				return NULL;
			}
		return g_strdup_printf ("#priority: want low, normal, high or urgent, got %s", got);
	}
	case PD_AGENT_COMMAND_QUEUE:
		if (is_name_token (args, FALSE)) {
			cmd->arg = g_strdup (args);
			return NULL;
		}
		return g_strdup_printf ("#queue: want one queue name (letters, digits, '.', '_', '-'), "
		                        "got %s",
		                        got);
	case PD_AGENT_COMMAND_COMMENT:
		cmd->arg = *args ? g_strdup (args) : NULL;
		return NULL;
	case PD_AGENT_COMMAND_KB: {
		guint64 id;

		if (g_ascii_string_to_unsigned (args, 10, 1, G_MAXINT64, &id, NULL)) {
			cmd->number = (gint64) id;
			return NULL;
		}
		if (g_ascii_isalpha (*args) || (guchar) *args >= 0x80) {
			cmd->arg = g_strdup (args); /* a slug, or words for the best match */
			return NULL;
		}
		return g_strdup_printf ("#kb: want an article number (1 or more), its name or some words, "
		                        "got %s",
		                        got);
	}
	default:
		g_return_val_if_reached (g_strdup ("internal error: unknown command kind"));
	}
}

/* Parse one '#' line: P just after the '#', END its trimmed end. Adds a command or an
 * error. SLOT_LINE remembers which line filled each once-only slot. */
static void
parse_line (PdAgentCommandBlock *block, guint line, const char *p, const char *end,
            guint slot_line[SLOT_COUNT], PdAgentCommandKind slot_kind[SLOT_COUNT])
{
	const char *word_end = p;
	g_autofree char *word = NULL;
	g_autofree char *args = NULL;
	g_autofree char *error = NULL;
	PdAgentCommand *cmd;
	guint kind;
	int slot;

	while (word_end < end && blank_len (word_end, end) == 0)
		word_end++;
	word = g_strndup (p, word_end - p);
	args = g_strndup (skip_blank (word_end, end), end - skip_blank (word_end, end));

	for (kind = 0; kind < PD_AGENT_COMMAND_COUNT; kind++)
		if (g_ascii_strcasecmp (word, command_names[kind]) == 0)
			break;
	if (kind == PD_AGENT_COMMAND_COUNT) {
		g_autofree char *known = known_commands_text ();
		g_autofree char *shown = g_utf8_make_valid (word, -1);

		if (*word == '\0')
			g_ptr_array_add (block->errors,
			                 g_strdup_printf ("line %u: '#' without a command name; known: %s "
			                                  "(a reply that starts with '#' text needs "
			                                  "another line first)",
			                                  line, known));
		else
			g_ptr_array_add (block->errors,
			                 g_strdup_printf ("line %u: unknown command #%s; known: %s (a "
			                                  "reply that starts with '#' text needs another "
			                                  "line first)",
			                                  line, shown, known));
		return;
	}

	cmd = g_new0 (PdAgentCommand, 1);
	cmd->kind = kind;
	cmd->line = line;
	error = parse_argument (kind, args, cmd);
	if (error != NULL) {
		g_ptr_array_add (block->errors, g_strdup_printf ("line %u: %s", line, error));
		command_free (cmd);
		return;
	}

	slot = command_slot (kind);
	if (slot != SLOT_NONE && slot_line[slot] != 0) {
		if (slot_kind[slot] != kind)
			g_ptr_array_add (block->errors,
			                 g_strdup_printf ("line %u: #%s and #%s (line %u) both set the "
			                                  "assignee; give one of them",
			                                  line, command_names[kind],
			                                  command_names[slot_kind[slot]], slot_line[slot]));
		else
			g_ptr_array_add (block->errors,
			                 g_strdup_printf ("line %u: #%s given twice (first on line %u); "
			                                  "give it once",
			                                  line, command_names[kind], slot_line[slot]));
		command_free (cmd);
		return;
	}
	if (slot != SLOT_NONE) {
		slot_line[slot] = line;
		slot_kind[slot] = kind;
	}
	g_ptr_array_add (block->commands, cmd);
}

PdAgentCommandBlock *
pd_agent_command_parse (const char *new_text)
{
	PdAgentCommandBlock *block = g_new0 (PdAgentCommandBlock, 1);
	guint slot_line[SLOT_COUNT] = { 0 };
	PdAgentCommandKind slot_kind[SLOT_COUNT] = { 0 };
	const char *text = new_text ? new_text : "";
	const char *line_start = text;
	const char *rest = NULL;
	guint line = 0;

	block->commands = g_ptr_array_new_with_free_func (command_free);
	block->errors = g_ptr_array_new_with_free_func (g_free);

	while (*line_start != '\0') {
		const char *nl = strchr (line_start, '\n');
		const char *end = nl ? nl : line_start + strlen (line_start);
		const char *p = skip_blank (line_start, end);

		line++;
		if (p == end) {
			/* blank: part of the block, and dropped from the rest */
		} else if (*p == '#') {
			parse_line (block, line, p + 1, trim_end (p + 1, end), slot_line, slot_kind);
		} else {
			rest = line_start;
			break;
		}
		if (nl == NULL)
			break;
		line_start = nl + 1;
	}
	block->rest = g_strdup (rest ? rest : "");
	return block;
}
