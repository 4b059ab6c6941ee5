/* kb-synonym.h - the SQL of the knowledge base's managed search synonyms (db/038). */
#ifndef PD_STORE_KB_SYNONYM_H
#define PD_STORE_KB_SYNONYM_H

#include "store/store.h"

typedef struct {
	gint64 id;
	char *phrases;    /* "log in, sign in, login": lower case, ", " between phrases */
	gboolean shipped; /* from the default list */
} PdKbSynonymRow;

void pd_kb_synonym_row_free (PdKbSynonymRow *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdKbSynonymRow, pd_kb_synonym_row_free)

/* Store a group of PHRASES (normalised: kb/synonyms.h) and bump the knowledge base's
 * generation, in one transaction. An existing equal group is PD_ERROR_DATA. */
gboolean pd_store_kb_synonym_add (PdStore *store, const char *phrases, gint64 *id_r, GError **error);

/* Remove group ID (bumping the generation); PD_ERROR_NOTFOUND when there is none. */
gboolean pd_store_kb_synonym_remove (PdStore *store, gint64 id, GError **error);

/* Every group, by id. (transfer full: PdKbSynonymRow*) */
GPtrArray *pd_store_kb_synonym_list (PdStore *store, GError **error);

#endif
