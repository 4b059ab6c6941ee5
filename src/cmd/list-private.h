/* list-private.h - what the files of the `postdesk list` command group share and nothing else
 * calls: the subcommands that list.c's table names from list-members.c and list-subscribe.c,
 * and three small helpers of list.c. */
#ifndef PD_CMD_LIST_PRIVATE_H
#define PD_CMD_LIST_PRIVATE_H

#include <glib.h>

#include "app/app.h"
#include "store/lists.h"

/* FALSE with a usage error ("WHAT is/are needed") unless ARGC is WANT. */
gboolean pd_cmd_list_need_args (int argc, int want, const char *what, GError **error);
/* Open the home (*APP_R, the caller's) and the list NAME in it; NULL with ERROR. (transfer
 * full) */
PdListRow *pd_cmd_list_open (PdApp **app_r, const char *name, GError **error);
/* The ledger's evidence of a change made from the command line: "cli USER". (transfer full) */
char *pd_cmd_list_admin_evidence (void);

/* PdCommandFuncs: list-members.c, list-subscribe.c. */
gboolean pd_cmd_list_members (int argc, char **argv, GError **error);
gboolean pd_cmd_list_export (int argc, char **argv, GError **error);
gboolean pd_cmd_list_ledger (int argc, char **argv, GError **error);
gboolean pd_cmd_list_subscribe (int argc, char **argv, GError **error);
gboolean pd_cmd_list_unsubscribe (int argc, char **argv, GError **error);
gboolean pd_cmd_list_import (int argc, char **argv, GError **error);
gboolean pd_cmd_list_links (int argc, char **argv, GError **error);

#endif
