/* main.c - the command table, the global --config option, and the one place where an error
 * becomes an exit status (sysexits.h, via pd_error_exit_code, or pd_error_exit_code_mta for
 * the commands an MTA runs). Built twice: postdesk (no network client libraries; it execs
 * postdesk-net for serve and send) and postdesk-net (PD_NET_BINARY: every command). */
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cmd/cli.h"
#include "cmd/kb.h"
#include "cmd/announce.h"
#include "core/error.h"
#include "core/settings.h"

typedef struct {
	const char *name;
	PdCommandFunc run;
	const char *summary;
	gboolean mta; /* run by an MTA: every local fault is a tempfail (75), never a bounce */
} MainCommand;

/* The commands that need the IMAP/SMTP clients: in postdesk their entry has no function and
 * main() execs postdesk-net with the same arguments. */
#ifdef PD_NET_BINARY
#define NET_COMMAND(func) (func)
#else
#define NET_COMMAND(func) NULL
#endif

static const MainCommand commands[] = {
	{ "init", pd_cmd_init, "create the home: config, secret key and database", FALSE },
	{ "deliver", pd_cmd_deliver, "take one message on stdin (for an MTA's pipe transport)", TRUE },
	{ "classify", pd_cmd_classify, "what the filter chain makes of messages; stores nothing", FALSE },
	{ "ticket", pd_cmd_ticket, "list and show tickets", FALSE },
	{ "agent", pd_cmd_agent, "add, list and disable agents", FALSE },
	{ "outbox", pd_cmd_outbox, "list outgoing mail and its state, show one as it will be sent", FALSE },
	{ "send", NET_COMMAND (pd_cmd_send), "deliver the outbox now", FALSE },
	{ "quarantine", pd_cmd_quarantine, "list, show and retry quarantined mail", FALSE },
	{ "kb", pd_cmd_kb, "the knowledge base: articles, search, import, export, suggest", FALSE },
	{ "serve", NET_COMMAND (pd_cmd_serve), "run the gateway: LMTP/SMTP listeners, IMAP fetchers, processing, outbox sender, SLA scheduler, knowledge-base web view", FALSE },
	{ "list", pd_cmd_list, "subscriber lists: create, members, import, export, the consent ledger", FALSE },
	{ "announce", pd_cmd_announce, "campaigns to a list: create, start, pause, resume, cancel, status", FALSE },
	{ "tick", pd_cmd_tick, "run the scheduler once (SLA reminders, escalations), for cron", FALSE },
	{ "list-feedback", NET_COMMAND (pd_cmd_list_feedback), "list mail helpers: a delivery's VERP address, a DKIM signature, one kb-mailer run", FALSE },
	{ "report", pd_cmd_report, "reports: sla, volume, agents, bounces, usage (text, CSV, JSON, HTML, by mail)", FALSE },
	{ "queue", pd_cmd_queue, "the queues, their addresses and tickets, and the routing rules", FALSE },
	{ "purge", pd_cmd_purge, "remove what the [retention] policies keep no longer", FALSE },
	{ "person", pd_cmd_person, "export or erase everything held about one address", FALSE },
	{ "import", pd_cmd_import, "thread an mbox or maildir archive into tickets, sending nothing", FALSE },
	{ NULL, NULL, NULL, FALSE },
};

static void
usage (FILE *out)
{
	guint i;

	fprintf (out,
	         "Usage: postdesk [--config FILE] COMMAND [OPTION...]\n\n"
	         "postdesk turns a support mailbox into tickets. Its home directory holds the\n"
	         "database, the secret key and attachments. Only `postdesk init` creates a home;\n"
	         "every other command fails on a home that is not there (deliver exits 75, so the\n"
	         "MTA retries). The home and its config are found so, the first that is given wins:\n"
	         "  1. --config FILE (before or after COMMAND)\n"
	         "  2. $POSTDESK_CONFIG, a config file\n"
	         "  3. $POSTDESK_HOME, a home; its config is HOME/postdesk.conf\n"
	         "  4. the system config %s, if it exists\n"
	         "  5. ./var, if it exists (init creates it when nothing else is given)\n"
	         "A config file of 1, 2 or 4 names its home with `home = DIR` in [postdesk]\n"
	         "(default: the file's directory).\n\nCommands:\n",
	         pd_settings_system_config ());
	for (i = 0; commands[i].name; i++)
		fprintf (out, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fprintf (out, "\n'postdesk COMMAND --help' tells more.\n");
}

/* The global options before COMMAND: --config FILE or --config=FILE. Returns how many
 * arguments they took, or -1 when one is incomplete. */
static int
global_options (int argc, char **argv)
{
	int i = 1;

	while (i < argc) {
		if (!strcmp (argv[i], "--config")) {
			if (i + 1 >= argc)
				return -1;
			pd_settings_use_config (argv[i + 1]);
			i += 2;
		} else if (g_str_has_prefix (argv[i], "--config=")) {
			pd_settings_use_config (argv[i] + strlen ("--config="));
			i++;
		} else
			break;
	}
	return i - 1;
}

/* Replace this process by postdesk-net with the same arguments: first beside this binary
 * (the build tree, or an install that puts both in one directory), then in PD_PKGLIBEXECDIR.
 * argv[0] becomes postdesk-net's path, so ps and `pkill -f postdesk-net` see what runs.
 * Returns only on failure. */
static void
exec_net (char **argv, GError **error)
{
	g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
	g_autofree char *beside = NULL;
	const char *path = PD_PKGLIBEXECDIR "/postdesk-net";

	if (self) {
		g_autofree char *dir = g_path_get_dirname (self);

		beside = g_build_filename (dir, "postdesk-net", NULL);
		if (g_file_test (beside, G_FILE_TEST_IS_EXECUTABLE))
			path = beside;
	}
	argv[0] = (char *) path;
	execv (path, argv);
	g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
	             "cannot run %s: %s", path, g_strerror (errno));
}

int
main (int argc, char **argv)
{
	g_autoptr (GError) error = NULL;
	char **all_argv = argv;
	guint i;
	int taken;

	setlocale (LC_ALL, "");
	taken = global_options (argc, argv);
	if (taken < 0) {
		fprintf (stderr, "postdesk: --config needs a FILE\n");
		return EX_USAGE;
	}
	argc -= taken;
	argv += taken;
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
			int code;

			if (!commands[i].run) {
				exec_net (all_argv, &error);
				fprintf (stderr, "postdesk %s: %s\n", commands[i].name, error->message);
				return pd_error_exit_code (error);
			}
			argv[1] = path;
			if (commands[i].run (argc - 1, argv + 1, &error))
				return EX_OK;
			if (!commands[i].mta) {
				fprintf (stderr, "postdesk %s: %s\n", commands[i].name, error->message);
				return pd_error_exit_code (error);
			}
			code = pd_error_exit_code_mta (error);
			fprintf (stderr, "postdesk %s: %s%s\n", commands[i].name, error->message,
			         code == EX_TEMPFAIL ? " (temporary failure, exit 75: the MTA keeps the "
			                               "mail and retries once this is fixed)"
			                             : "");
			return code;
		}
	}
	fprintf (stderr, "postdesk: unknown command '%s'\n", argv[1]);
	usage (stderr);
	return EX_USAGE;
}
