/* kb-private.h - what the files of the `postdesk kb` command group share and nothing else
 * calls: the subcommands that kb.c's table names from the other files, and three small
 * helpers of kb.c. */
#ifndef PD_CMD_KB_PRIVATE_H
#define PD_CMD_KB_PRIVATE_H

#include <glib.h>

#include "app/app.h"

/* AUTHOR, or the user running the command when it is NULL. (transfer none) */
const char *pd_cmd_kb_author_or_default (const char *author);
/* Where documents (and the logo) are stored: HOME/attachments. (transfer full) */
char *pd_cmd_kb_attach_dir (PdApp *app);
/* FALSE with a usage error unless ARGV holds exactly one SLUG after the command. */
gboolean pd_cmd_kb_one_slug (int argc, char **argv, GError **error);

/* PdCommandFuncs: kb-read.c, kb-transfer.c, kb-suggest.c, kb-style.c. */
gboolean pd_cmd_kb_show (int argc, char **argv, GError **error);
gboolean pd_cmd_kb_search (int argc, char **argv, GError **error);
gboolean pd_cmd_kb_history (int argc, char **argv, GError **error);
gboolean pd_cmd_kb_export (int argc, char **argv, GError **error);
gboolean pd_cmd_kb_import (int argc, char **argv, GError **error);
gboolean pd_cmd_kb_suggest (int argc, char **argv, GError **error);
gboolean pd_cmd_kb_style (int argc, char **argv, GError **error);

#endif
