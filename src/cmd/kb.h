/* kb.h - the `postdesk kb` command group (src/cmd/kb.c). */
#ifndef PD_CMD_KB_H
#define PD_CMD_KB_H

#include <glib.h>

gboolean pd_cmd_kb (int argc, char **argv, GError **error);

#endif
