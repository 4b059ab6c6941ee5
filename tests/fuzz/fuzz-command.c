/* fuzz-command.c - libFuzzer target for the agent command parser (src/tickets/command.c):
 * the input is the new text of an agent's reply. Beyond "no crash, no leak" it checks what
 * command.h promises: the rest is the input's tail byte for byte, commands come in line
 * order within the text, error texts (mailed back to the agent) are valid UTF-8, and so is
 * every argument when the input was. */
#include "fuzz-common.h"

#include <string.h>

#include "core/log.h"
#include "tickets/command.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
	(void) argc;
	(void) argv;
	fuzz_quiet_logs ();
	pd_log_set_quiet (TRUE);
	return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	g_autofree char *text = fuzz_string (data, size);
	gsize len = strlen (text);
	gboolean valid = g_utf8_validate (text, -1, NULL);
	g_autoptr (PdAgentCommandBlock) block = pd_agent_command_parse (text);
	guint lines = 1, last = 0, i;
	gsize rest_len;
	const char *c;

	for (c = text; (c = strchr (c, '\n')) != NULL; c++)
		lines++;
	if (block == NULL || block->commands == NULL || block->errors == NULL || block->rest == NULL)
		abort ();
	rest_len = strlen (block->rest);
	if (rest_len > len || memcmp (text + len - rest_len, block->rest, rest_len) != 0)
		abort (); /* the rest is the text after the block, byte for byte */
	for (i = 0; i < block->commands->len; i++) {
		const PdAgentCommand *cmd = block->commands->pdata[i];

		if (cmd->kind >= PD_AGENT_COMMAND_COUNT || cmd->line < 1 || cmd->line > lines ||
		    cmd->line <= last)
			abort ();
		if (valid && cmd->arg != NULL && !g_utf8_validate (cmd->arg, -1, NULL))
			abort ();
		if (cmd->kind == PD_AGENT_COMMAND_PRIORITY &&
		    (cmd->number < 0 || cmd->number >= PD_PRIORITY_COUNT ||
		     strcmp (cmd->arg, pd_priority_name (cmd->number)) != 0))
			abort ();
		/* #kb: an article number, or a name or words (then number 0) */
		if (cmd->kind == PD_AGENT_COMMAND_KB &&
		    !(cmd->number >= 1 && cmd->arg == NULL) &&
		    !(cmd->number == 0 && cmd->arg != NULL && *cmd->arg != '\0'))
			abort ();
		last = cmd->line;
	}
	for (i = 0; i < block->errors->len; i++)
		if (!g_utf8_validate (block->errors->pdata[i], -1, NULL))
			abort ();
	return 0;
}
