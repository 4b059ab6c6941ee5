/* related.h - synonyms the knowledge base teaches itself (db/030 kb_related). */
#ifndef PD_KB_RELATED_H
#define PD_KB_RELATED_H

#include "store/store.h"

/* Learn again which words the articles use alike, from their stored stems (db/027, rules
 * edition STEMMER), and store them: call in the transaction that changed the articles, after
 * their stems are stored. */
gboolean pd_kb_related_rebuild (PdStore *store, int stemmer, GError **error);

/* Rebuild unless the table was learned from the current generation and word rules (an
 * import that changed nothing, and wrote no stems, leaves it alone). */
gboolean pd_kb_related_refresh (PdStore *store, int stemmer, GError **error);

/* The same after one article's change: rebuilt while the knowledge base is small enough for
 * that to cost little (a few milliseconds), else left to the next `kb import` (one article
 * moves the statistics of thousands little). */
gboolean pd_kb_related_follow (PdStore *store, int stemmer, GError **error);

#endif
