/* related.c - synonyms learned from the knowledge base itself: two words are related when
 * they name the same articles. Each suggestable article's stems (title, topics and body: the
 * rows of db/027) make a set; a word in at least 2 articles and at most a quarter of them
 * (MAX_SHARE; a word everywhere says nothing of any one article) is a candidate; two
 * candidates that share at least 2 articles and whose article sets overlap by at least
 * half (Jaccard, MIN_OVERLAP) are related with that overlap as the strength. The suggester
 * (suggest.c) then gives an article part of the credit for a question word it lacks when it
 * has a related one ("unpack" asked, "decompress" written). Words are counted per article, so
 * one long article cannot make its words synonyms; pairs are counted only within an article
 * and only among its 24 rarest candidate words (in at most 100 articles), which keeps a
 * rebuild of 100,000 articles short. */
#include <string.h>

#include "kb/related.h"
#include "store/kb.h"

#define MIN_SHARED 2      /* articles the two words must share */
#define MIN_OVERLAP 0.5   /* shared / either's articles (Jaccard) */
#define MAX_SHARE 0.25    /* a word in more than this share of the articles is no candidate, */
#define MAX_DOCS 100      /* ... nor one in more than this many (a large kb: cost, and vagueness) */
#define MAX_RELATED 8     /* kept per word, strongest first */
#define MAX_WORDS 24      /* an article's rarest candidate words that pairs are counted among */
#define SMALL_KB 5000     /* rebuilt after one article's change up to this many articles */

typedef struct {
	GHashTable *ids;      /* stem -> id + 1 (GUINT_TO_POINTER) */
	GPtrArray *stems;     /* id -> stem (owned) */
	GArray *docs;         /* id -> articles holding it (guint) */
	GPtrArray *articles;  /* per article: GArray of stem ids (guint), distinct */
} Learn;

static void
add_words (Learn *l, GArray *ids, GHashTable *seen, const char *list)
{
	const char *p = list ? list : "", *e;

	while (*p) {
		for (e = p; *e && *e != ' '; e++)
			;
		if (e > p && !(e - p == 1 && *p == '|')) { /* "|" parts the keywords (db/039) */
			g_autofree char *w = g_strndup (p, e - p);
			gpointer v = g_hash_table_lookup (l->ids, w);
			guint id;

			if (v == NULL) {
				id = l->stems->len;
				g_ptr_array_add (l->stems, g_strdup (w));
				g_array_append_vals (l->docs, &(guint){ 0 }, 1);
				g_hash_table_insert (l->ids, l->stems->pdata[id], GUINT_TO_POINTER (id + 1));
			} else {
				id = GPOINTER_TO_UINT (v) - 1;
			}
			if (g_hash_table_add (seen, GUINT_TO_POINTER (id + 1))) {
				g_array_append_val (ids, id);
				g_array_index (l->docs, guint, id)++;
			}
		}
		p = *e ? e + 1 : e;
	}
}

static gboolean
read_article (const char *head, const char *body, gpointer data, GError **error)
{
	Learn *l = data;
	GArray *ids = g_array_new (FALSE, FALSE, sizeof (guint));
	g_autoptr (GHashTable) seen = g_hash_table_new (g_direct_hash, g_direct_equal);

	(void) error;
	add_words (l, ids, seen, head);
	add_words (l, ids, seen, body);
	g_ptr_array_add (l->articles, ids);
	return TRUE;
}

static gint
by_strength (gconstpointer a, gconstpointer b)
{
	const PdKbRelated *x = *(PdKbRelated *const *) a, *y = *(PdKbRelated *const *) b;
	int c = strcmp (x->term, y->term);

	if (c != 0)
		return c;
	return x->strength < y->strength ? 1 : x->strength > y->strength ? -1 : strcmp (x->related, y->related);
}

static PdKbRelated *
pd_kb_related_copy (const PdKbRelated *r)
{
	PdKbRelated *c = g_new0 (PdKbRelated, 1);

	c->term = g_strdup (r->term);
	c->related = g_strdup (r->related);
	c->strength = r->strength;
	return c;
}

static void
pair_add (GPtrArray *rows, const char *a, const char *b, double strength)
{
	PdKbRelated *r = g_new0 (PdKbRelated, 1);

	r->term = g_strdup (a);
	r->related = g_strdup (b);
	r->strength = strength;
	g_ptr_array_add (rows, r);
}

gboolean
pd_kb_related_rebuild (PdStore *store, int stemmer, GError **error)
{
	Learn l = { 0 };
	g_autoptr (GHashTable) pairs = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
	g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_kb_related_free);
	g_autoptr (GPtrArray) kept = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_kb_related_free);
	GHashTableIter it;
	gpointer key, value;
	guint i, j, k, max_docs;
	gboolean ok;

	l.ids = g_hash_table_new (g_str_hash, g_str_equal);
	l.stems = g_ptr_array_new_with_free_func (g_free);
	l.docs = g_array_new (FALSE, FALSE, sizeof (guint));
	l.articles = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
	ok = pd_store_kb_stems_each (store, stemmer, read_article, &l, error);
	/* a tiny kb: still some */
	max_docs = MAX (MIN ((guint) (MAX_SHARE * l.articles->len), MAX_DOCS), MIN_SHARED + 1);
	for (i = 0; ok && i < l.articles->len; i++) {
		GArray *ids = l.articles->pdata[i];
		guint cand[MAX_WORDS], n = 0;

		/* the article's rarest candidates (a word in few articles tells most about them),
		 * kept sorted by how many articles hold them */
		for (j = 0; j < ids->len; j++) {
			guint id = g_array_index (ids, guint, j), d = g_array_index (l.docs, guint, id), m;

			if (d < MIN_SHARED || d > max_docs)
				continue;
			if (n == MAX_WORDS && d >= g_array_index (l.docs, guint, cand[n - 1]))
				continue;
			m = n < MAX_WORDS ? n++ : n - 1;
			while (m > 0 && g_array_index (l.docs, guint, cand[m - 1]) > d) {
				cand[m] = cand[m - 1];
				m--;
			}
			cand[m] = id;
		}
		for (j = 0; j < n; j++)
			for (k = j + 1; k < n; k++) {
				guint a = MIN (cand[j], cand[k]), b = MAX (cand[j], cand[k]);
				gint64 pk = ((gint64) a << 32) | b;
				guint *c = g_hash_table_lookup (pairs, &pk);

				if (c == NULL) {
					c = g_new0 (guint, 1);
					g_hash_table_insert (pairs, g_memdup2 (&pk, sizeof pk), c);
				}
				(*c)++;
			}
	}
	g_hash_table_iter_init (&it, pairs);
	while (ok && g_hash_table_iter_next (&it, &key, &value)) {
		gint64 pk = *(gint64 *) key;
		guint a = (guint) (pk >> 32), b = (guint) (pk & 0xffffffff), shared = *(guint *) value;
		double overlap;

		if (shared < MIN_SHARED)
			continue;
		overlap = (double) shared /
		          (g_array_index (l.docs, guint, a) + g_array_index (l.docs, guint, b) - shared);
		if (overlap < MIN_OVERLAP)
			continue;
		pair_add (rows, l.stems->pdata[a], l.stems->pdata[b], overlap);
		pair_add (rows, l.stems->pdata[b], l.stems->pdata[a], overlap);
	}
	/* the strongest few per word, in a stable order */
	g_ptr_array_sort (rows, by_strength);
	for (i = 0, k = 0; i < rows->len; i++) {
		PdKbRelated *r = rows->pdata[i];

		k = (i > 0 && strcmp (r->term, ((PdKbRelated *) rows->pdata[i - 1])->term) == 0) ? k + 1 : 0;
		if (k < MAX_RELATED)
			g_ptr_array_add (kept, pd_kb_related_copy (r));
	}
	if (ok)
		ok = pd_store_kb_related_replace (store, kept, error) &&
		     pd_store_kb_related_mark (store, stemmer, error);
	g_ptr_array_unref (l.articles);
	g_array_unref (l.docs);
	g_hash_table_unref (l.ids);
	g_ptr_array_unref (l.stems);
	return ok;
}

gboolean
pd_kb_related_refresh (PdStore *store, int stemmer, GError **error)
{
	gboolean current;

	if (!pd_store_kb_related_current (store, stemmer, &current, error))
		return FALSE;
	return current || pd_kb_related_rebuild (store, stemmer, error);
}

gboolean
pd_kb_related_follow (PdStore *store, int stemmer, GError **error)
{
	gint64 n;

	if (!pd_store_kb_terms_size (store, &n, error))
		return FALSE;
	return n > SMALL_KB || pd_kb_related_refresh (store, stemmer, error);
}
