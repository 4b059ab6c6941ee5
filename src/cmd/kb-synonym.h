/* kb-synonym.h - `postdesk kb synonym add|remove|list` (kb-synonym.c). */
#ifndef PD_CMD_KB_SYNONYM_H
#define PD_CMD_KB_SYNONYM_H

#include <glib.h>

/* a PdCommandFunc: dispatches to add, remove and list */
gboolean pd_kb_synonym_command (int argc, char **argv, GError **error);

#endif
