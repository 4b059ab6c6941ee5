/* kb-rank.h - the suggester's candidate query, ranked like FTS5's bm25 () with what stays the
 * same between mails kept per knowledge-base generation (kb-rank.c). */
#ifndef PD_STORE_KB_RANK_H
#define PD_STORE_KB_RANK_H

#include "store/store.h"

/* pd_store_kb_candidates (store/kb.h), the same rows: ranked by bm25 () as FTS5 computes it, the
 * document count of each phrase of MATCH_EXPR remembered under KEYS (NULL-terminated, one per
 * phrase in order, or NULL) while GENERATION (the kb's, "salt:n") stays the same; WARM: a
 * process that suggests often, which may read every article's size once instead of one per
 * matching article. (transfer full) */
GPtrArray *pd_store_kb_candidates_ranked (PdStore *store, const char *generation, gboolean warm,
                                          const char *match_expr, const char *const *keys,
                                          int limit, int stemmer, GError **error);

#endif
