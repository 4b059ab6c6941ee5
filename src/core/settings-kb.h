/* settings-kb.h - the [kb] section: the knowledge-base address, where a mailed question gets
 * the best articles back, and the queue that takes the questions no article answers. */
#ifndef PD_SETTINGS_KB_H
#define PD_SETTINGS_KB_H

#include <glib.h>

typedef struct {
	char *address; /* [kb] address = kb@example.com (lower case); NULL = no kb address */
	char *queue;   /* [kb] queue = NAME: tickets for unanswered questions; NULL = the first queue */
} PdKbSettings;

/* Read [kb] from KF. QUEUES (PdQueueSettings*) must hold the queue named, if any. */
PdKbSettings *pd_kb_settings_load (GKeyFile *kf, GPtrArray *queues, GError **error);
void pd_kb_settings_free (PdKbSettings *kb);

#endif
