/* kb-rank.h - the suggester's candidates ranked from one scan of the index (kb-rank.c). */
#ifndef PD_STORE_KB_RANK_H
#define PD_STORE_KB_RANK_H

#include "store/store.h"

/* pd_store_kb_candidates (store/kb.h), the same rows. MATCH_EXPR is an OR of phrases (PHRASES
 * NULL), or an AND of PHRASES (NULL-terminated, each phrase's own MATCH text in order: its
 * documents are counted apart, not all being in the AND's scan). GENERATION: the
 * knowledge base's ("salt:n"), for what is kept between calls; WARM: a process that suggests
 * often, which reads every article's size once instead of one per matching article.
 * (transfer full) */
GPtrArray *pd_store_kb_candidates_ranked (PdStore *store, const char *generation, gboolean warm,
                                          const char *match_expr, const char *const *phrases,
                                          int limit, int stemmer, GError **error);

#endif
