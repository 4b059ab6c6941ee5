/* main.c - the command table, and the one place where an error becomes an exit status
 * (sysexits.h, via pd_error_exit_code). */
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "cmd/cli.h"
#include "core/error.h"

static const PdCommand commands[] = {
	{ "init", pd_cmd_init, "create the config, secret key and database in POSTDESK_HOME" },
	{ "deliver", pd_cmd_deliver, "take one message on stdin (for an MTA's pipe transport)" },
	{ "classify", pd_cmd_classify, "what the filter chain makes of messages; stores nothing" },
	{ "ticket", pd_cmd_ticket, "list and show tickets" },
	{ "agent", pd_cmd_agent, "add, list and disable agents" },
	{ "outbox", pd_cmd_outbox, "list outgoing mail and its state, show one as it will be sent" },
	{ "send", pd_cmd_send, "deliver the outbox now" },
	{ "quarantine", pd_cmd_quarantine, "list, show and retry quarantined mail" },
	{ "serve", pd_cmd_serve, "run the gateway: LMTP/SMTP listeners, IMAP fetchers, processing, outbox sender" },
	{ NULL, NULL, NULL },
};

static void
usage (FILE *out)
{
	guint i;

	fprintf (out, "Usage: postdesk COMMAND [OPTION...]\n\n"
	              "postdesk turns a support mailbox into tickets. POSTDESK_HOME (default ./var)\n"
	              "holds postdesk.conf, the database and the secret key.\n\nCommands:\n");
	for (i = 0; commands[i].name; i++)
		fprintf (out, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fprintf (out, "\n'postdesk COMMAND --help' tells more.\n");
}

int
main (int argc, char **argv)
{
	g_autoptr (GError) error = NULL;
	guint i;

	setlocale (LC_ALL, "");
	if (argc < 2) {
		usage (stderr);
		return EX_USAGE;
	}
	if (!strcmp (argv[1], "--help") || !strcmp (argv[1], "-h") || !strcmp (argv[1], "help")) {
		usage (stdout);
		return EX_OK;
	}
	for (i = 0; commands[i].name; i++) {
		if (strcmp (argv[1], commands[i].name) == 0) {
			g_autofree char *path = g_strdup_printf ("postdesk %s", argv[1]);

			argv[1] = path;
			if (commands[i].run (argc - 1, argv + 1, &error))
				return EX_OK;
			fprintf (stderr, "postdesk %s: %s\n", commands[i].name, error->message);
			return pd_error_exit_code (error);
		}
	}
	fprintf (stderr, "postdesk: unknown command '%s'\n", argv[1]);
	usage (stderr);
	return EX_USAGE;
}
