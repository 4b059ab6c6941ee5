/* suggest-cache.c - what the suggester keeps in memory across mails (serve processes many in
 * one process): the weight (IDF) of each term and the terms of each article, valid while the
 * knowledge base's generation (db/019, changed by every article or document change) stays the
 * same; a warm process reads the whole vocabulary once per generation. */
#include <string.h>

#include "kb/kb.h"
#include "kb/suggest-cache.h"
#include "kb/words.h"
#include "store/kb.h"

/* the FTS5 prefix query for a stem: "stem"*; the stem is letters and digits only */
static char *
prefix_query (const char *term)
{
	return g_strdup_printf ("\"%s\"*", term);
}

/* the natural logarithm of X > 0 (a series; keeps the build free of libm) */
double
pd_kb_ln (double x)
{
	double y, y2, t, sum = 0;
	int k = 0, n;

	while (x > 2) {
		x /= 2;
		k++;
	}
	while (x < 1) {
		x *= 2;
		k--;
	}
	y = (x - 1) / (x + 1);
	y2 = y * y;
	t = y;
	for (n = 1; n < 60; n += 2) {
		sum += t / n;
		t *= y2;
	}
	return 2 * sum + k * 0.69314718055994530942;
}

static void
article_terms_free (PdKbArticleTerms *t)
{
	g_ptr_array_unref (t->head);
	if (t->keys != NULL)
		g_ptr_array_unref (t->keys);
	if (t->body != NULL)
		g_ptr_array_unref (t->body);
	g_free (t->head_buf);
	g_free (t->body_buf);
	g_free (t);
}

PdKbCache pd_kb_cache;

/* Make the cache the one of STORE's current generation (call with the lock held). */
gboolean
pd_kb_cache_check (PdStore *store, GError **error)
{
	g_autofree char *key = NULL;
	gint64 docs;

	/* one query for the generation and, when the word counts are current, the size */
	if (!pd_store_kb_state (store, &key, &docs, error))
		return FALSE;
	if (pd_kb_cache.key != NULL && strcmp (pd_kb_cache.key, key) == 0)
		return TRUE;
	g_clear_pointer (&pd_kb_cache.weights, g_hash_table_unref);
	g_clear_pointer (&pd_kb_cache.articles, g_hash_table_unref);
	g_clear_pointer (&pd_kb_cache.related, g_hash_table_unref);
	g_clear_pointer (&pd_kb_cache.vocab, g_ptr_array_unref);
	g_clear_pointer (&pd_kb_cache.vocab_docs, g_array_unref);
	g_clear_pointer (&pd_kb_cache.synonyms, pd_kb_synonyms_free);
	g_clear_pointer (&pd_kb_cache.key, g_free);
	pd_kb_cache.terms_fresh = docs >= 0;
	pd_kb_cache.n_docs = docs;
	pd_kb_cache.mails = 0;
	if (!pd_kb_cache.terms_fresh && !pd_store_kb_fts_size (store, &pd_kb_cache.n_docs, error))
		return FALSE;
	pd_kb_cache.weights = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	pd_kb_cache.articles = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
	                                        (GDestroyNotify) article_terms_free);
	pd_kb_cache.related = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
	                                       (GDestroyNotify) g_ptr_array_unref);
	pd_kb_cache.key = g_steal_pointer (&key);
	return TRUE;
}

/* remember TERM's weight from DF, the articles that hold it, and return it */
static double
weight_put (const char *term, gint64 df)
{
	double *w = g_new (double, 1);

	/* a word in most articles says little; one in none says nothing we can use */
	*w = df <= 0 ? 0.0 : pd_kb_ln (1.0 + (double) pd_kb_cache.n_docs / (double) df);
	g_hash_table_insert (pd_kb_cache.weights, g_strdup (term), w);
	return *w;
}

/* the first of the vocabulary's pd_kb_terms (sorted by bytes) not below KEY */
static guint
vocab_find (const char *key)
{
	guint lo = 0, hi = pd_kb_cache.vocab->len;

	while (lo < hi) {
		guint mid = lo + (hi - lo) / 2;

		if (strcmp (pd_kb_cache.vocab->pdata[mid], key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* pd_store_kb_terms_docs from the vocabulary in memory: the same range, the same sum */
static gint64
vocab_docs (const char *prefix)
{
	g_autofree char *end = g_strconcat (prefix, "\xf4\x8f\xbf\xbf", NULL);

	return g_array_index (pd_kb_cache.vocab_docs, gint64, vocab_find (end)) -
	       g_array_index (pd_kb_cache.vocab_docs, gint64, vocab_find (prefix));
}

gboolean
pd_kb_term_weight (PdStore *store, const char *term, double *weight_r, GError **error)
{
	double *cached = g_hash_table_lookup (pd_kb_cache.weights, term);
	g_autofree char *q = NULL;
	gint64 df;

	if (cached) {
		*weight_r = *cached;
		return TRUE;
	}
	if (pd_kb_cache.vocab != NULL) {
		df = MIN (vocab_docs (term), pd_kb_cache.n_docs);
	} else if (pd_kb_cache.terms_fresh) {
		if (!pd_store_kb_terms_docs (store, term, &df, error))
			return FALSE;
		df = MIN (df, pd_kb_cache.n_docs); /* a sum over the word's forms */
	} else {
		q = prefix_query (term);
		if (!pd_store_kb_fts_count (store, q, &df, error))
			return FALSE;
	}
	*weight_r = weight_put (term, df);
	return TRUE;
}

/* Weigh those of TERMS (stems) not weighed yet, in one query: a
 * fresh process (one `deliver`) pays for one statement instead of one per word. Only with
 * current word counts; else pd_kb_term_weight () counts each in the index. */
gboolean
pd_kb_weights_prefetch (PdStore *store, GPtrArray *terms, GError **error)
{
	g_autoptr (GPtrArray) want = NULL;
	g_autoptr (GHashTable) seen = NULL;
	g_autofree gint64 *docs = NULL;
	guint i;

	if (!pd_kb_cache.terms_fresh || pd_kb_cache.vocab != NULL)
		return TRUE; /* counted one by one (the vocabulary in memory is quicker still) */
	want = g_ptr_array_new ();
	seen = g_hash_table_new (g_str_hash, g_str_equal);
	for (i = 0; i < terms->len; i++) {
		const char *t = terms->pdata[i];

		if (!g_hash_table_contains (pd_kb_cache.weights, t) && g_hash_table_add (seen, (gpointer) t))
			g_ptr_array_add (want, (gpointer) t);
	}
	if (want->len < 2)
		return TRUE; /* pd_kb_term_weight () does one as cheaply */
	docs = g_new0 (gint64, want->len);
	g_ptr_array_add (want, NULL);
	if (!pd_store_kb_terms_docs_many (store, (const char *const *) want->pdata, docs, error))
		return FALSE;
	for (i = 0; i + 1 < want->len; i++)
		weight_put (want->pdata[i], MIN (docs[i], pd_kb_cache.n_docs));
	return TRUE;
}

/* the stems of a stored list (db/027: space-separated): pointers into *BUF_R, a copy of LIST
 * the caller frees after the array (one allocation instead of one per stem) */
static GPtrArray *
split_stems (const char *list, char **buf_r)
{
	GPtrArray *out = g_ptr_array_new ();
	char *p = *buf_r = g_strdup (list), *e;

	while (*p) {
		for (e = p; *e && *e != ' '; e++)
			;
		if (e > p)
			g_ptr_array_add (out, p);
		if (*e == '\0')
			break;
		*e = '\0';
		p = e + 1;
	}
	return out;
}

/* The terms of A's title and topics; its body's terms wait for pd_kb_article_body (). Stored stems
 * when the candidate has them, else the text tokenised: the same terms either way. */
PdKbArticleTerms *
pd_kb_article_terms (const PdKbCandidate *a)
{
	PdKbArticleTerms *t = g_hash_table_lookup (pd_kb_cache.articles, &a->id);

	if (t != NULL)
		return t;
	t = g_new0 (PdKbArticleTerms, 1);
	if (a->head_stems != NULL) {
		t->head = split_stems (a->head_stems, &t->head_buf);
	} else {
		g_autofree char *head = pd_kb_head_stems (a->title, a->topics, a->keywords);

		t->head = split_stems (head, &t->head_buf);
	}
	/* the keywords' stems follow the title's, each after a "|" (pd_kb_head_stems) */
	{
		GPtrArray *key = NULL;
		guint i, n = 0;

		for (i = 0; i < t->head->len; i++) {
			char *w = t->head->pdata[i];

			if (strcmp (w, "|") == 0) {
				if (t->keys == NULL)
					t->keys = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
				key = g_ptr_array_new ();
				g_ptr_array_add (t->keys, key);
				continue;
			}
			if (key == NULL)
				t->n_title++;
			else
				g_ptr_array_add (key, w);
			t->head->pdata[n++] = w;
		}
		g_ptr_array_set_size (t->head, n);
	}
	g_hash_table_insert (pd_kb_cache.articles, g_memdup2 (&a->id, sizeof a->id), t);
	return t;
}

GPtrArray *
pd_kb_article_body (const PdKbCandidate *a, PdKbArticleTerms *t)
{
	if (t->body == NULL)
		t->body = a->body_stems != NULL ? split_stems (a->body_stems, &t->body_buf)
		                                : pd_kb_body_terms (a->body);
	return t->body;
}
