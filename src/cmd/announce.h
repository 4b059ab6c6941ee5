/* announce.h - `postdesk announce`: campaigns to a list (announce.c,
 * announce-status.c). */
#ifndef PD_CMD_ANNOUNCE_H
#define PD_CMD_ANNOUNCE_H

#include <glib.h>

gboolean pd_cmd_announce (int argc, char **argv, GError **error);

#endif
