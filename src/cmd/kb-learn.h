/* kb-learn.h - `postdesk kb learn` (kb-learn.c). */
#ifndef PD_CMD_KB_LEARN_H
#define PD_CMD_KB_LEARN_H

#include <glib.h>

/* a PdCommandFunc */
gboolean pd_cmd_kb_learn (int argc, char **argv, GError **error);

#endif
