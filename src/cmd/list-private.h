/* list-private.h - what the files of the `postdesk list` command group share and nothing else
 * calls: the subcommands that list.c's table names from list-members.c and list-subscribe.c,
 * and three small helpers, inline here so that neither file needs list.c (whose table needs
 * them). */
#ifndef PD_CMD_LIST_PRIVATE_H
#define PD_CMD_LIST_PRIVATE_H

#include <glib.h>

#include "app/app.h"
#include "core/error.h"
#include "store/lists.h"

/* FALSE with a usage error ("WHAT is/are needed") unless ARGC is WANT. */
static inline gboolean
pd_cmd_list_need_args (int argc, int want, const char *what, GError **error)
{
	if (argc != want) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "%s %s needed", what,
		             want > 2 ? "are" : "is");
		return FALSE;
	}
	return TRUE;
}

/* Open the home (*APP_R, the caller's) and the list NAME in it; NULL with ERROR. (transfer
 * full) */
static inline PdListRow *
pd_cmd_list_open (PdApp **app_r, const char *name, GError **error)
{
	if ((*app_r = pd_app_open (PD_APP_STORE, error)) == NULL)
		return NULL;
	return pd_store_list_get ((*app_r)->store, name, error);
}

/* The ledger's evidence of a change made from the command line: "cli USER". (transfer full) */
static inline char *
pd_cmd_list_admin_evidence (void)
{
	return g_strdup_printf ("cli %s", g_get_user_name ());
}

/* PdCommandFuncs: list-members.c, list-subscribe.c. */
gboolean pd_cmd_list_members (int argc, char **argv, GError **error);
gboolean pd_cmd_list_export (int argc, char **argv, GError **error);
gboolean pd_cmd_list_ledger (int argc, char **argv, GError **error);
gboolean pd_cmd_list_subscribe (int argc, char **argv, GError **error);
gboolean pd_cmd_list_unsubscribe (int argc, char **argv, GError **error);
gboolean pd_cmd_list_import (int argc, char **argv, GError **error);
gboolean pd_cmd_list_links (int argc, char **argv, GError **error);

#endif
