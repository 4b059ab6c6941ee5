/* cli.h - what the command files share: the command signature, option parsing with --help,
 * and printing. Commands return FALSE with a GError; only main() picks the exit code. */
#ifndef PD_CLI_H
#define PD_CLI_H

#include <glib.h>

typedef gboolean (*PdCommandFunc) (int argc, char **argv, GError **error);

typedef struct {
	const char *name;
	PdCommandFunc run;
	const char *summary;
} PdCommand;

/* Parse ARGV (argv[0] is the command path, e.g. "ticket list") with ENTRIES; --help prints
 * and exits 0 (the one exit() outside main, as GOption does). */
gboolean pd_cli_parse (int *argc, char ***argv, const char *usage, const char *summary,
                       const GOptionEntry *entries, GError **error);

/* Dispatch to a subcommand of a group ("ticket list"), or fail with usage. */
gboolean pd_cli_dispatch (const char *group, const PdCommand *table, int argc, char **argv,
                          GError **error);

/* Write TEXT and a newline to stdout. */
void pd_cli_print_json (char *text);

/* Parse a positive id argument. */
gboolean pd_cli_id (const char *arg, gint64 *id_r, GError **error);

gboolean pd_cmd_init (int argc, char **argv, GError **error);
gboolean pd_cmd_deliver (int argc, char **argv, GError **error);
gboolean pd_cmd_classify (int argc, char **argv, GError **error);
gboolean pd_cmd_ticket (int argc, char **argv, GError **error);
gboolean pd_cmd_outbox (int argc, char **argv, GError **error);
gboolean pd_cmd_send (int argc, char **argv, GError **error);
gboolean pd_cmd_quarantine (int argc, char **argv, GError **error);
gboolean pd_cmd_serve (int argc, char **argv, GError **error);
gboolean pd_cmd_agent (int argc, char **argv, GError **error);
gboolean pd_cmd_tick (int argc, char **argv, GError **error);
gboolean pd_cmd_list_feedback (int argc, char **argv, GError **error); /* issue 12 */

gboolean pd_cmd_list (int argc, char **argv, GError **error); /* lists (issue 12) */

gboolean pd_cmd_report (int argc, char **argv, GError **error);
/* queues, retention, personal data, migration (issue 13) */
gboolean pd_cmd_queue (int argc, char **argv, GError **error);
gboolean pd_cmd_purge (int argc, char **argv, GError **error);
gboolean pd_cmd_person (int argc, char **argv, GError **error);
gboolean pd_cmd_import (int argc, char **argv, GError **error);

#endif
