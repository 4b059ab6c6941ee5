/* bounce-decay.h - the periodic pass that decays stored bounce scores between bounces, so
 * that a subscriber who stopped bouncing is 'active' again (and shown with the score of now)
 * without waiting for a next bounce that may never come. Called by the scheduler. */
#ifndef PD_LIST_BOUNCE_DECAY_H
#define PD_LIST_BOUNCE_DECAY_H

#include <glib.h>

#include "core/settings.h"
#include "store/store.h"

/* Decay every scored subscriber to NOW, and keep the status in step: 'active' with a score
 * above 0 is 'bouncing', 'bouncing' at 0 is 'active' (each change with its consent row).
 * Batches of a few hundred rows, a transaction each: memory stays bounded. CHANGED_R (may be
 * NULL): how many statuses changed. */
gboolean pd_list_bounce_decay_run (PdStore *store, const PdSettings *s, gint64 now,
                                   guint *changed_r, GError **error);

#endif
