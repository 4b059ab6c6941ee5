/* cli.c - option parsing (with the global --config FILE every command accepts), subcommand
 * dispatch and output helpers for the files of src/cmd/. */
#include "cmd/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/settings.h"

static gboolean
config_option (const char *name G_GNUC_UNUSED, const char *value, gpointer data G_GNUC_UNUSED,
               GError **error G_GNUC_UNUSED)
{
	pd_settings_use_config (value);
	return TRUE;
}

/* accepted by every command, as well as before it (main.c) */
static const GOptionEntry global_entries[] = {
	{ "config", 0, 0, G_OPTION_ARG_CALLBACK, (gpointer) config_option,
	  "the config file (default: $POSTDESK_CONFIG, $POSTDESK_HOME/postdesk.conf, the system "
	  "config, ./var/postdesk.conf; see postdesk --help)",
	  "FILE" },
	{ NULL },
};

gboolean
pd_cli_parse (int *argc, char ***argv, const char *usage, const char *summary,
              const GOptionEntry *entries, GError **error)
{
	g_autoptr (GOptionContext) ctx = g_option_context_new (usage);
	g_autoptr (GError) local = NULL;

	g_option_context_set_summary (ctx, summary);
	if (entries)
		g_option_context_add_main_entries (ctx, entries, NULL);
	g_option_context_add_main_entries (ctx, global_entries, NULL);
	if (!g_option_context_parse (ctx, argc, argv, &local)) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "%s", local->message);
		return FALSE;
	}
	return TRUE;
}

gboolean
pd_cli_dispatch (const char *group, const PdCommand *table, int argc, char **argv,
                 GError **error)
{
	guint i;
	GString *names = g_string_new (NULL);

	for (i = 0; table[i].name; i++) {
		if (argc >= 2 && strcmp (argv[1], table[i].name) == 0) {
			g_autofree char *path = g_strdup_printf ("postdesk %s %s", group, table[i].name);
			char *saved = argv[1];
			gboolean ok;

			g_string_free (names, TRUE);
			argv[1] = path;
			ok = table[i].run (argc - 1, argv + 1, error);
			argv[1] = saved;
			return ok;
		}
		g_string_append_printf (names, "  %-12s %s\n", table[i].name, table[i].summary);
	}
	if (argc >= 2 && (!strcmp (argv[1], "--help") || !strcmp (argv[1], "-h"))) {
		printf ("Usage: postdesk %s COMMAND [OPTION...]\n\nCommands:\n%s", group, names->str);
		g_string_free (names, TRUE);
		return TRUE;
	}
	g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "%s %s: unknown command; one of:\n%s", group,
	             argc >= 2 ? argv[1] : "(none)", names->str);
	g_string_free (names, TRUE);
	return FALSE;
}

void
pd_cli_print_json (char *text)
{
	fputs (text, stdout);
	fputc ('\n', stdout);
	g_free (text);
}

gboolean
pd_cli_id (const char *arg, gint64 *id_r, GError **error)
{
	char *end;
	gint64 id;

	if (arg == NULL) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "an id is needed");
		return FALSE;
	}
	id = g_ascii_strtoll (arg, &end, 10);
	if (*arg == '\0' || *end != '\0' || id <= 0) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "not an id: %s", arg);
		return FALSE;
	}
	*id_r = id;
	return TRUE;
}
