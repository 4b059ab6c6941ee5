/* kb-private.h - what the kb-*.c files of the store share and nothing else calls: indexing an
 * article again after any write to it or its documents, turning an FTS5 syntax error into
 * the caller's usage error, and a list of words as the JSON array that json_each () reads. */
#ifndef PD_STORE_KB_PRIVATE_H
#define PD_STORE_KB_PRIVATE_H

#include <glib.h>

#include "store/store.h"

/* Rebuild the index row of article ID from the article and its documents (kb-index.c); a new
 * generation of the knowledge base. Call inside the write's transaction. */
gboolean pd_store_kb_reindex (PdStore *store, gint64 id, GError **error);

/* When ERROR is FTS5's complaint about EXPR, make it PD_ERROR_USAGE "bad search query"
 * (kb-search.c). */
void pd_store_kb_query_error (GError **error, const char *expr);

/* TERMS (NULL-terminated) as a JSON array of strings (kb-related.c). (transfer full) */
char *pd_store_kb_json_strings (const char *const *terms);

#endif
