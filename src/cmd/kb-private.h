/* kb-private.h - what the files of the `postdesk kb` command group share and nothing else
 * calls: the subcommands that kb.c's table names from the other files, and three small
 * helpers, inline here so that no file of the group needs kb.c (whose table needs them). */
#ifndef PD_CMD_KB_PRIVATE_H
#define PD_CMD_KB_PRIVATE_H

#include <glib.h>

#include "app/app.h"
#include "core/error.h"

/* AUTHOR, or the user running the command when it is NULL. (transfer none) */
static inline const char *
pd_cmd_kb_author_or_default (const char *author)
{
	return author ? author : g_get_user_name ();
}

/* Where documents (and the logo) are stored: HOME/attachments. (transfer full) */
static inline char *
pd_cmd_kb_attach_dir (PdApp *app)
{
	return g_build_filename (app->home, "attachments", NULL);
}

/* FALSE with a usage error unless ARGV holds exactly one SLUG after the command. */
static inline gboolean
pd_cmd_kb_one_slug (int argc, char **argv, GError **error)
{
	if (argc != 2) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "one article SLUG is needed");
		return FALSE;
	}
	return TRUE;
}

/* PdCommandFuncs: kb-read.c, kb-transfer.c, kb-suggest.c, kb-style.c. */
gboolean pd_cmd_kb_show (int argc, char **argv, GError **error);
gboolean pd_cmd_kb_search (int argc, char **argv, GError **error);
gboolean pd_cmd_kb_history (int argc, char **argv, GError **error);
gboolean pd_cmd_kb_export (int argc, char **argv, GError **error);
gboolean pd_cmd_kb_import (int argc, char **argv, GError **error);
gboolean pd_cmd_kb_suggest (int argc, char **argv, GError **error);
gboolean pd_cmd_kb_style (int argc, char **argv, GError **error);

#endif
