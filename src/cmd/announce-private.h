/* announce-private.h - what the files of the `postdesk announce` command group share and
 * nothing else calls: the subcommands that announce.c's table names from announce-status.c. */
#ifndef PD_CMD_ANNOUNCE_PRIVATE_H
#define PD_CMD_ANNOUNCE_PRIVATE_H

#include <glib.h>

/* PdCommandFuncs: announce-status.c. */
gboolean pd_cmd_announce_status (int argc, char **argv, GError **error);
gboolean pd_cmd_announce_list (int argc, char **argv, GError **error);

#endif
