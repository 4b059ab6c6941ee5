/* suggest-plain.c - the baseline for measurements: plain FTS5 BM25 over every word of a mail,
 * no threshold (`kb suggest --plain-bm25`, e2e 542). */
#include "kb/kb.h"
#include "kb/words.h"
#include "store/kb.h"

gboolean
pd_kb_suggest_plain (PdStore *store, const char *text, guint max, GPtrArray **results_r,
                     GError **error)
{
	g_autoptr (GPtrArray) ws = pd_kb_words (text);
	g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
	g_autoptr (GPtrArray) hits = NULL;
	GString *match = g_string_new (NULL);
	GPtrArray *results = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_kb_suggestion_free);
	guint i;

	*results_r = NULL;
	for (i = 0; i < ws->len; i++)
		if (g_hash_table_add (seen, ws->pdata[i]))
			g_string_append_printf (match, "%s\"%s\"", match->len ? " OR " : "",
			                        (char *) ws->pdata[i]);
	if (match->len == 0) {
		g_string_free (match, TRUE);
		*results_r = results;
		return TRUE;
	}
	hits = pd_store_kb_search (store, match->str, NULL, TRUE, (int) max, error);
	g_string_free (match, TRUE);
	if (hits == NULL) {
		g_ptr_array_unref (results);
		return FALSE;
	}
	for (i = 0; i < hits->len; i++) {
		const PdKbHit *h = hits->pdata[i];
		PdKbSuggestion *s = g_new0 (PdKbSuggestion, 1);

		s->slug = g_strdup (h->slug);
		s->title = g_strdup (h->title);
		s->score = -h->rank;
		g_ptr_array_add (results, s);
	}
	*results_r = results;
	return TRUE;
}
