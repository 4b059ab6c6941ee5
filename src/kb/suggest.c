/* suggest.c - which published articles answer a customer's mail. The question is isolated
 * (quotes and signatures via quote.h, then greetings, closings and a trailing block of short
 * signature lines), its words are folded, stemmed and stripped of stop words; candidates come
 * from FTS5 (titles and topics, and the bodies for the rarest words), and each is scored
 * against the best possible match: the share of the question's term weight (IDF) the article
 * covers - of as much weight as one article can be expected to explain - title matches
 * counting fully and body matches partly, a word no article has met by its spelling
 * (spelling.c) and a missing word partly by a related one the knowledge base taught itself
 * (related.c, db/030), together with how much of the article's title the question covers
 * (with a prior of one word a single article has: pd_kb_title_share). Whether anything is
 * suggested is decided once per mail, from its best and second-best scores
 * (pd_kb_suggest_gate); then up to MAX are listed. This file scores and sets the thresholds;
 * the question is isolated by question.c, its words made by words.c, the weights and
 * articles' terms kept by suggest-cache.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "kb/kb.h"
#include "kb/question.h"
#include "kb/related.h"
#include "kb/spelling.h"
#include "kb/suggest-cache.h"
#include "kb/synonyms.h"
#include "store/kb-synonym.h"
#include "kb/words.h"
#include "store/kb-rank.h"
#include "store/kb.h"

/* tuned on tests/data/kb (see tests/unit/test-kb-suggest.c for the figures) */
/* The gate (pd_kb_suggest_gate): whether the mail gets any suggestion, from its best and
 * second-best candidates; fitted on tests/data 001-168 by tests/kb-gate-fit.py (see README) */
#define GATE 0.31          /* best + GATE_MARGIN * (best - second) must reach this */
#define GATE_MARGIN 0.25   /* ... a clear winner needs a little less */
#define LISTED_FLOOR 0.10  /* once the gate is open, an article listed needs at least this */
#define BODY_CREDIT 0.55   /* a query word found in the body only counts this much */
#define UNKNOWN_SHARE 0.8  /* a word no article has counts this share of the rarest word */
#define RELATED_CREDIT 0.5 /* a question word an article lacks, for a related word it has (db/030) */
#define SPELLING_CREDIT 0.75 /* a word no article has, met by its spelling (spelling.c) */
#define MIX 0.6            /* the question's coverage vs the title's coverage */
#define CANDIDATES 20      /* FTS5 candidates scored per mail */
#define MATCH_TERMS 32     /* the most distinctive words of the question that find them */
#define COMMON_SHARE 0.02  /* ... leaving out words in more than this share of the articles */
#define COMMON_MIN 500     /* ... and more than this many */
#define SYNONYM_CREDIT 1.0 /* a phrase of the question met by a managed synonym (db/038) */
#define BODY_TERMS 8       /* the question's rarest words also looked for in the bodies ... */
#define BODY_ROWS 100      /* ... as long as they are in this many articles together ... */
#define BODY_CANDIDATES 10 /* ... for this many more candidates (kbgen) */
/* Both shares are measured in units of one word that a single article has (ln (1 + N), N the
 * articles), so that they mean the same in a knowledge base of 54 articles and of 100,000, and
 * for a two-line mail and a long one (issue 11, kbgen; tests/data/kb-heldout3 showed both were
 * zlib-shaped): */
#define QUESTION_REACH 8.0 /* the question's weight one article can be expected to explain: a
                            * long mail (context, what was tried) is judged by this much of it */
#define TITLE_PRIOR 1.0    /* added to a title's weight: a title of one common word ("Who makes
                            * curl?") is no more said by the question than a specific one */

typedef struct {
	char *term;
	double weight;  /* IDF in the published articles */
	gboolean typo;  /* a word no article has: found by its spelling (spelling.c) */
} Term;

static void
term_free (Term *t)
{
	g_free (t->term);
	g_free (t);
}

#define same_word pd_kb_same_word

static gboolean
contains_prefix (GPtrArray *set, const char *term)
{
	guint i;

	for (i = 0; i < set->len; i++)
		if (same_word (set->pdata[i], term))
			return TRUE;
	return FALSE;
}

/* Whether the question's term T is in SET (an article's stems): the same word, or for a word
 * no article has, one a typo away or two of SET's words written as one (spelling.c). */
static gboolean
has_term (GPtrArray *set, const Term *t)
{
	return t->typo ? pd_kb_spelled_in (set, t->term) : contains_prefix (set, t->term);
}

/* whether the question's term T is the article's stem S */
static gboolean
is_term (const Term *t, const char *s)
{
	return t->typo ? pd_kb_spelled_like (t->term, s) : same_word (t->term, s);
}

/* Fetch the related pd_kb_words (db/030) of those of TERMS not yet in the cache, in one query. */
static gboolean
related_fetch (PdStore *store, GPtrArray *terms, GError **error)
{
	g_autoptr (GPtrArray) want = g_ptr_array_new ();
	g_autoptr (GPtrArray) rows = NULL;
	guint i;

	for (i = 0; i < terms->len; i++) {
		const Term *t = terms->pdata[i];

		if (!t->typo && !g_hash_table_contains (pd_kb_cache.related, t->term)) {
			g_ptr_array_add (want, t->term);
			g_hash_table_insert (pd_kb_cache.related, g_strdup (t->term),
			                     g_ptr_array_new_with_free_func ((GDestroyNotify) pd_kb_related_free));
		}
	}
	if (want->len == 0)
		return TRUE;
	g_ptr_array_add (want, NULL);
	rows = pd_store_kb_related_for (store, (const char *const *) want->pdata, error);
	if (rows == NULL)
		return FALSE;
	for (i = 0; i < rows->len; i++) {
		PdKbRelated *r = rows->pdata[i];

		g_ptr_array_add (g_hash_table_lookup (pd_kb_cache.related, r->term), r);
		rows->pdata[i] = NULL;
	}
	return TRUE;
}

/* The credit (0..RELATED_CREDIT) for the question's term T, which the article lacks, from the
 * strongest related word the article has in its title or topics (HEAD), or less in its BODY. */
static double
related_credit (const Term *t, GPtrArray *head, GPtrArray *body)
{
	GPtrArray *rel = t->typo ? NULL : g_hash_table_lookup (pd_kb_cache.related, t->term);
	double best = 0;
	guint i;

	for (i = 0; rel != NULL && i < rel->len; i++) {
		const PdKbRelated *r = rel->pdata[i];
		double c = contains_prefix (head, r->related) ? r->strength
		           : contains_prefix (body, r->related) ? BODY_CREDIT * r->strength : 0;

		best = MAX (best, c);
	}
	return RELATED_CREDIT * best;
}

static gint
by_score (gconstpointer a, gconstpointer b)
{
	const PdKbSuggestion *x = *(PdKbSuggestion *const *) a, *y = *(PdKbSuggestion *const *) b;

	return x->score < y->score ? 1 : x->score > y->score ? -1 : strcmp (x->slug, y->slug);
}

static gint
by_weight (gconstpointer a, gconstpointer b)
{
	const Term *x = *(Term *const *) a, *y = *(Term *const *) b;

	return x->weight < y->weight ? 1 : x->weight > y->weight ? -1 : strcmp (x->term, y->term);
}

typedef struct {
	const PdKbCandidate *a;
	PdKbArticleTerms *at;
	double qshare;       /* the question's weight the article covers, 0..1 */
	guint matches;       /* question words found in it */
	guint title_matches; /* ... in its title or topics (known before the body is read) */
	double bound;        /* the most its score can be */
} Scored;

static int
by_bound (const void *a, const void *b)
{
	const Scored *x = a, *y = b;

	return x->bound < y->bound ? 1 : x->bound > y->bound ? -1 : strcmp (x->a->slug, y->a->slug);
}

/* SCORE with the penalties: one shared word is no answer (when the question has more than one
 * content word, known to the articles or not), nor is an article whose title
 * shares none of the question's words */
static double
penalised (double score, guint matches, guint title_matches, guint n_known)
{
	if (matches < 2 && n_known > 1)
		score *= 0.5;
	if (title_matches == 0)
		score *= 0.6;
	return score;
}

/* the lowest score among the first MAX of RESULTS (sorted best first) */
static double
least_listed (GPtrArray *results, guint max)
{
	return ((PdKbSuggestion *) results->pdata[MIN (max, results->len) - 1])->score;
}

/* The managed synonyms (db/038), read once per generation. */
static gboolean
synonyms_load (PdStore *store, GError **error)
{
	g_autoptr (GPtrArray) rows = NULL;
	g_autoptr (GPtrArray) groups = NULL;
	guint i;

	if (pd_kb_cache.synonyms != NULL)
		return TRUE;
	if ((rows = pd_store_kb_synonym_list (store, error)) == NULL)
		return FALSE;
	groups = g_ptr_array_new ();
	for (i = 0; i < rows->len; i++)
		g_ptr_array_add (groups, ((PdKbSynonymRow *) rows->pdata[i])->phrases);
	pd_kb_cache.synonyms = pd_kb_synonyms_new ((const char *const *) groups->pdata, groups->len);
	return TRUE;
}

/* A phrase of the question that a managed synonym says otherwise: the weight its words carry
 * in the question, and its other phrases as the words an article may say instead. */
typedef struct {
	const PdKbSynonymMatch *m;
	double weight;    /* the question's weight of the phrase's words (in total) */
	GPtrArray *alts;  /* those of m->alts whose every word some article has */
} Said;

/* whether SET (an article's stems) holds STEM itself: a synonym names its words exactly
 * (no longer forms: "docs" is not "documents") */
static gboolean
contains_exact (GPtrArray *set, const char *stem)
{
	guint i;

	for (i = 0; i < set->len; i++)
		if (strcmp (set->pdata[i], stem) == 0)
			return TRUE;
	return FALSE;
}

/* How well the article (HEAD, BODY) says one of SAID's other phrases: 1 when every word of
 * one is in its title or topics, BODY_CREDIT when in it at all, else 0. */
static double
said_otherwise (const Said *said, GPtrArray *head, GPtrArray *body)
{
	double best = 0;
	guint i, j;

	for (i = 0; i < said->alts->len && best < 1; i++) {
		GPtrArray *alt = said->alts->pdata[i];
		double c = 1;

		for (j = 0; j < alt->len && c > 0; j++)
			c = contains_exact (head, alt->pdata[j]) ? c
			    : body != NULL && contains_exact (body, alt->pdata[j]) ? MIN (c, BODY_CREDIT) : 0;
		if (body == NULL && c == 0)
			c = BODY_CREDIT; /* the body is not read yet: it may be there */
		best = MAX (best, c);
	}
	return best;
}

/* whether HEAD (an article's title and topics) holds a word of one of X's other phrases */
static gboolean
said_in_head (const Said *x, GPtrArray *head)
{
	guint j, k;

	for (j = 0; j < x->alts->len; j++) {
		GPtrArray *alt = x->alts->pdata[j];

		for (k = 0; k < alt->len; k++)
			if (contains_exact (head, alt->pdata[k]))
				return TRUE;
	}
	return FALSE;
}

/* whether STEM, a word of an article's title, is a word of a phrase the question says
 * otherwise: found in the question for the title's share */
static gboolean
in_said (GArray *said, const char *stem)
{
	guint i, j, k;

	for (i = 0; i < said->len; i++) {
		const Said *x = &g_array_index (said, Said, i);

		for (j = 0; j < x->alts->len; j++) {
			GPtrArray *alt = x->alts->pdata[j];

			for (k = 0; k < alt->len; k++)
				if (strcmp (alt->pdata[k], stem) == 0)
					return TRUE;
		}
	}
	return FALSE;
}

static void
said_clear (gpointer p)
{
	Said *x = p;

	g_ptr_array_unref (x->alts);
}

/* Add to CANDS the BODY_CANDIDATES articles FTS5's bm25 ranks first for the BODY_TERMS rarest
 * of the question's words BY_W (sorted by weight, those under COMMON_WEIGHT left out) in
 * their bodies, those not there yet. The words are taken rarest first while the articles they
 * are in (known from their weight) add up to BODY_ROWS at most: the bodies' index lists are
 * long in a large knowledge base, and reading them is what this costs (in a small one every
 * word fits). */
static gboolean
more_candidates (PdStore *store, GPtrArray *by_w, double common_weight, GPtrArray *cands,
                 GError **error)
{
	g_autoptr (GString) match = g_string_new (NULL);
	g_autoptr (GPtrArray) more = NULL;
	g_autoptr (GHashTable) have = g_hash_table_new (g_int64_hash, g_int64_equal);
	double rows = 0; /* the articles the words taken are in, together */
	guint i;

	for (i = 0; i < by_w->len && i < BODY_TERMS; i++) {
		const Term *t = by_w->pdata[i];

		/* w = ln (1 + N / df) (suggest-cache.c) */
		rows += (double) pd_kb_cache.n_docs / MAX (exp (t->weight) - 1.0, 1e-9);
		if (t->weight < common_weight || rows > BODY_ROWS)
			break;
		g_string_append_printf (match, "%s\"%s\"*", match->len ? " OR " : "{body} : (", t->term);
	}
	if (match->len == 0)
		return TRUE;
	g_string_append_c (match, ')');
	more = pd_store_kb_candidates_ranked (store, pd_kb_cache.key, pd_kb_cache.mails > PD_KB_WARM_AFTER,
	                                      match->str, NULL, BODY_CANDIDATES, PD_KB_STEMMER, error);
	if (more == NULL)
		return FALSE;
	for (i = 0; i < cands->len; i++)
		g_hash_table_add (have, &((PdKbCandidate *) cands->pdata[i])->id);
	for (i = 0; i < more->len; i++) {
		PdKbCandidate *c = more->pdata[i];

		if (g_hash_table_contains (have, &c->id))
			continue;
		g_ptr_array_add (cands, c);
		more->pdata[i] = NULL; /* now CANDS' */
	}
	return TRUE;
}

/* How much of the keyword KEY (its stems) the question's terms KNOWN say, by weight like the
 * title's share (SHARE_R, pd_kb_title_share with UNIT), and in how many of its words (HITS_R). */
static gboolean
key_share (PdStore *store, GPtrArray *key, GPtrArray *known, double unit, double *share_r,
           guint *hits_r, GError **error)
{
	double all = 0, hit = 0;
	guint i, k;

	*hits_r = 0;
	for (i = 0; i < key->len; i++) {
		double w;
		gboolean in_q = FALSE;

		if (!pd_kb_term_weight (store, key->pdata[i], &w, error))
			return FALSE;
		all += w;
		for (k = 0; k < known->len && !in_q; k++)
			in_q = is_term (known->pdata[k], key->pdata[i]);
		if (in_q) {
			hit += w;
			(*hits_r)++;
		}
	}
	*share_r = pd_kb_title_share (hit, all, unit);
	return TRUE;
}

static guint
pos_in (GPtrArray *a, gconstpointer p)
{
	guint i;

	for (i = 0; i < a->len && a->pdata[i] != p; i++)
		;
	return i;
}

static gboolean
suggest_locked (PdStore *store, const char *text, guint max, GPtrArray *results, GError **error)
{
	g_autofree char *q = pd_kb_question (text);
	g_autoptr (GPtrArray) qterms = pd_kb_terms (q);
	g_autoptr (GPtrArray) known = g_ptr_array_new_with_free_func ((GDestroyNotify) term_free);
	g_autoptr (GPtrArray) by_w = NULL;
	g_autoptr (GPtrArray) cands = NULL;
	g_autoptr (GString) match = g_string_new (NULL);
	Scored *scored;
	double total = 0, common_weight, unit, reach;
	guint i, j, n_real = 0;
	gboolean related_ready = FALSE;
	g_autoptr (GHashTable) counted = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free); /* stem -> its weight in total */
	g_autoptr (GPtrArray) found = NULL;
	g_autoptr (GArray) said = g_array_new (FALSE, TRUE, sizeof (Said));
	g_autoptr (GPtrArray) alt_terms = g_ptr_array_new_with_free_func ((GDestroyNotify) term_free);
	double *contrib = NULL;
	static int features = -1;
	guint need = MAX (max, 2); /* the gate looks at the second best too */

	if (features < 0)
		features = g_getenv ("PD_KB_FEATURES") != NULL;
	if (!pd_kb_cache_check (store, error))
		return FALSE;
	/* a warm process weighs words from the whole vocabulary, read once per generation */
	if (pd_kb_cache.terms_fresh && pd_kb_cache.vocab == NULL && pd_kb_cache.mails >= PD_KB_WARM_AFTER &&
	    !pd_store_kb_terms_all (store, &pd_kb_cache.vocab, &pd_kb_cache.vocab_docs, error))
		return FALSE;
	if (!pd_kb_weights_prefetch (store, qterms, error))
		return FALSE;
	for (i = 0; i < qterms->len; i++) {
		double w;
		Term *t;

		if (!pd_kb_term_weight (store, qterms->pdata[i], &w, error))
			return FALSE;
		if (w <= 0) {
			/* a word the knowledge base never uses: the question is partly about something
			 * it does not know, and it counts against the coverage; unless it is a typo of
			 * (or two run-together) words of an article, found when the article is scored */
			if (g_ascii_isdigit (((char *) qterms->pdata[i])[0]))
				continue; /* a number no article has (a size, a count) names no topic */
			w = UNKNOWN_SHARE * pd_kb_ln (1.0 + (double) pd_kb_cache.n_docs);
			total += w;
			g_hash_table_insert (counted, qterms->pdata[i], g_memdup2 (&w, sizeof w));
			if (!pd_kb_spelling_worth (qterms->pdata[i]))
				continue;
			t = g_new0 (Term, 1);
			t->term = g_strdup (qterms->pdata[i]);
			t->weight = w;
			t->typo = TRUE;
			g_ptr_array_add (known, t);
			continue;
		}
		t = g_new0 (Term, 1);
		t->term = g_strdup (qterms->pdata[i]);
		t->weight = w;
		total += w;
		g_hash_table_insert (counted, qterms->pdata[i], g_memdup2 (&w, sizeof w));
		g_ptr_array_add (known, t);
		n_real++;
	}
	/* the phrases a managed synonym says otherwise (db/038), with the other phrases' words
	 * that some article has */
	g_array_set_clear_func (said, said_clear);
	if (!synonyms_load (store, error))
		return FALSE;
	found = pd_kb_synonyms_find (pd_kb_cache.synonyms, q); /* none when the list is empty */
	for (i = 0; i < found->len; i++) {
		const PdKbSynonymMatch *m = found->pdata[i];
		Said x = { m, 0, g_ptr_array_new () };

		for (j = 0; j < m->origin->len; j++) {
			double *w = g_hash_table_lookup (counted, m->origin->pdata[j]);

			x.weight += w ? *w : 0;
		}
		for (j = 0; j < m->alts->len && x.weight > 0; j++) {
			GPtrArray *alt = m->alts->pdata[j];
			guint k;
			gboolean known_all = TRUE;

			for (k = 0; k < alt->len && known_all; k++) {
				double w;

				if (!pd_kb_term_weight (store, alt->pdata[k], &w, error)) {
					g_ptr_array_unref (x.alts);
					return FALSE;
				}
				known_all = w > 0;
			}
			if (!known_all)
				continue;
			g_ptr_array_add (x.alts, alt);
			for (k = 0; k < alt->len; k++) {
				Term *t = g_new0 (Term, 1);

				t->term = g_strdup (alt->pdata[k]);
				pd_kb_term_weight (store, t->term, &t->weight, NULL);
				g_ptr_array_add (alt_terms, t);
			}
		}
		if (x.alts->len == 0) {
			g_ptr_array_unref (x.alts);
			continue;
		}
		g_array_append_val (said, x);
		n_real++;
	}
	if (features) {
		double unknown = total;

		for (i = 0; i < known->len; i++)
			if (!((Term *) known->pdata[i])->typo)
				unknown -= ((Term *) known->pdata[i])->weight;
		g_printerr ("F\tmail\t%u\t%u\t%u\t%.6f\t%.6f\t%u\n", qterms->len, known->len, n_real, total, unknown, said->len);
		if (g_getenv ("PD_KB_TERMS"))
			for (i = 0; i < qterms->len; i++) {
				double *w = g_hash_table_lookup (counted, qterms->pdata[i]);
				double w2 = 0;
				pd_kb_term_weight (store, qterms->pdata[i], &w2, NULL);
				g_printerr ("T\t%s\t%.2f\t%s\n", (char *) qterms->pdata[i], w ? *w : -1, w2 > 0 ? "" : "UNKNOWN");
			}
	}
	if (n_real == 0 || max == 0)
		return TRUE;
	unit = pd_kb_ln (1.0 + (double) pd_kb_cache.n_docs);
	reach = pd_kb_question_reach (total, unit);
	/* Candidates come from the title and topics columns: an article whose title and topics
	 * share no word of the question is never suggested (penalised () and the title's share
	 * keep its score under 0.6 * MIX * BODY_CREDIT = 0.198, and the gate needs a best of at
	 * least GATE / (1 + GATE_MARGIN) = 0.248), so looking for the words there loses no
	 * first suggestion (a second or third one is chosen among these candidates), and FTS5
	 * ranks far fewer articles than over the bodies; the bodies are asked only for the
	 * question's rarest words (more_candidates ()), for an article whose title shares a
	 * common word with the question and whose body says its rare ones.
	 * And from the most distinctive words: a common word would make FTS5 rank much of the
	 * index and adds little to which articles are worth scoring. */
	common_weight = pd_kb_ln (1.0 + (double) pd_kb_cache.n_docs / MAX (COMMON_SHARE * pd_kb_cache.n_docs, COMMON_MIN));
	by_w = g_ptr_array_sized_new (known->len); /* borrows the terms */
	for (i = 0; i < known->len; i++)
		if (!((Term *) known->pdata[i])->typo) /* not in the index: finds nothing there */
			g_ptr_array_add (by_w, known->pdata[i]);
	for (i = 0; i < alt_terms->len; i++) /* an article that says it otherwise */
		g_ptr_array_add (by_w, alt_terms->pdata[i]);
	g_ptr_array_sort (by_w, by_weight);
	for (i = 0; i < by_w->len && i < MATCH_TERMS; i++) {
		const Term *t = by_w->pdata[i];

		/* a word in more than a share of the articles finds too many to rank quickly */
		if (t->weight < common_weight)
			break;
		g_string_append_printf (match, "%s\"%s\"*", match->len ? " OR " : "{title topics} : (", t->term);
	}
	pd_kb_cache.mails++;
	if (match->len > 0) {
		g_string_append_c (match, ')');
		/* an OR: ranked from one scan of the index (store/kb-rank.c), the same candidates */
		cands = pd_store_kb_candidates_ranked (store, pd_kb_cache.key, pd_kb_cache.mails > PD_KB_WARM_AFTER,
		                                       match->str, NULL, CANDIDATES, PD_KB_STEMMER, error);
	} else {
		/* only common words: the articles that have all of (up to 3 of) them */
		char *phrases[4] = { NULL };

		for (i = 0; i < by_w->len && i < 3; i++) {
			phrases[i] = g_strdup_printf ("\"%s\"*", ((Term *) by_w->pdata[i])->term);
			g_string_append_printf (match, "%s%s", i ? " AND " : "", phrases[i]);
		}
		cands = pd_store_kb_candidates_ranked (store, pd_kb_cache.key, pd_kb_cache.mails > PD_KB_WARM_AFTER,
		                                       match->str, (const char *const *) phrases,
		                                       CANDIDATES, PD_KB_STEMMER, error);
		for (i = 0; i < 3; i++)
			g_free (phrases[i]);
	}
	if (cands == NULL)
		return FALSE;
	/* The customer often says in other words what the title asks ("cancel a download" for "How
	 * do I stop an ongoing transfer?", "export classification" for "curl's ECCN number?"), and
	 * the article's body says it in theirs: the articles whose bodies have the question's
	 * rarest words are candidates too. Only the rarest: they are the few long lists of the
	 * bodies' index worth reading, and what tells the answer from its neighbours. */
	if (!more_candidates (store, by_w, common_weight, cands, error))
		return FALSE;
	if (cands->len == 0)
		return TRUE;
	/* forgotten here, never while this mail's candidates point into the cache */
	if (g_hash_table_size (pd_kb_cache.articles) + cands->len > PD_KB_CACHED_ARTICLES)
		g_hash_table_remove_all (pd_kb_cache.articles);
	/* First what the title and topics alone tell: the question's weight they cover, whether
	 * they share a word (without one the title's share is 0), and so the most the article
	 * can score with every other question word in its body. Bodies are read, and the title's
	 * own weights fetched (one lookup per new word), only for candidates whose bound can
	 * still reach the list, best bound first. Exact: the same articles and scores as scoring
	 * every candidate fully. */
	scored = g_new0 (Scored, cands->len);
	for (i = 0; i < cands->len; i++) {
		Scored *c = &scored[i];
		double head = 0, rest = 0;
		guint rest_n = 0;

		c->a = cands->pdata[i];
		c->at = pd_kb_article_terms (c->a);
		for (j = 0; j < known->len; j++) {
			const Term *t = known->pdata[j];

			if (has_term (c->at->head, t)) {
				head += t->weight;
				c->title_matches++;
			} else {
				rest += t->weight;
				rest_n++;
			}
		}
		/* a phrase said otherwise: at most its weight again, an upper bound */
		for (j = 0; j < said->len; j++) {
			const Said *x = &g_array_index (said, Said, j);
			double o = said_otherwise (x, c->at->head, NULL);

			if (o >= 1)
				head += SYNONYM_CREDIT * x->weight;
			else
				rest += SYNONYM_CREDIT * x->weight;
			/* a title word of another phrase counts as the question's (in_said ()) */
			if (said_in_head (x, c->at->head))
				c->title_matches++;
			else
				rest_n++;
		}
		c->bound = penalised (MIX * MIN (1.0, (head + BODY_CREDIT * rest) / reach) +
		                      (c->title_matches ? 1 - MIX : 0),
		                      c->title_matches + rest_n, c->title_matches, qterms->len);
	}
	qsort (scored, cands->len, sizeof *scored, by_bound);
	/* no candidate can open the gate: the best with no rival scores at most its bound */
	if (!features && !pd_kb_suggest_gate (scored[0].bound, 0)) {
		g_free (scored);
		return TRUE;
	}
	/* the title words of the candidates that may be scored, weighed in one query */
	{
		g_autoptr (GPtrArray) heads = g_ptr_array_new ();

		for (i = 0; i < cands->len && scored[i].bound >= LISTED_FLOOR; i++)
			for (j = 0; j < scored[i].at->head->len; j++)
				g_ptr_array_add (heads, scored[i].at->head->pdata[j]);
		if (!pd_kb_weights_prefetch (store, heads, error)) {
			g_free (scored);
			return FALSE;
		}
	}
	contrib = g_new0 (double, known->len);
	for (i = 0; i < cands->len; i++) {
		Scored *c = &scored[i];
		double title_total = 0, title_hit = 0, title_share, score, covered = 0;
		guint title_matches = 0;
		GPtrArray *body;

		if (!features && (c->bound < LISTED_FLOOR ||
		    (results->len >= need && c->bound < least_listed (results, need))))
			break; /* sorted by bound: no later candidate can get in either */
		body = pd_kb_article_body (c->a, c->at);
		for (j = 0; j < known->len; j++) {
			const Term *t = known->pdata[j];

			/* a word met by its spelling is weaker evidence than the word itself */
			double sure = t->typo ? SPELLING_CREDIT : 1.0;

			contrib[j] = 0;
			if (has_term (c->at->head, t)) {
				contrib[j] = sure * t->weight;
				c->matches++;
			} else if (has_term (body, t)) {
				contrib[j] = sure * BODY_CREDIT * t->weight;
				c->matches++;
			} else {
				double r;

				if (!related_ready) {
					if (!related_fetch (store, known, error)) {
						g_free (scored);
						g_free (contrib);
						return FALSE;
					}
					related_ready = TRUE;
				}
				r = related_credit (t, c->at->head, body);
				contrib[j] = r * t->weight;
				c->matches += r > 0;
			}
			covered += contrib[j];
		}
		/* a phrase the article says otherwise counts as said, unless its own words did better */
		for (j = 0; j < said->len; j++) {
			const Said *x = &g_array_index (said, Said, j);
			double own = 0, other = SYNONYM_CREDIT * x->weight * said_otherwise (x, c->at->head, body);
			guint k, l;

			for (k = 0; k < known->len; k++)
				for (l = 0; l < x->m->origin->len; l++)
					if (strcmp (((Term *) known->pdata[k])->term, x->m->origin->pdata[l]) == 0)
						own += contrib[k];
			if (other > own) {
				covered += other - own;
				c->matches += own == 0;
			}
		}
		c->qshare = MIN (1.0, covered / reach);
		for (j = 0; j < c->at->n_title; j++) {
			double w;
			guint k;
			gboolean in_q = FALSE;

			if (!pd_kb_term_weight (store, c->at->head->pdata[j], &w, error)) {
				g_free (scored);
				g_free (contrib);
				return FALSE;
			}
			title_total += w;
			for (k = 0; k < known->len && !in_q; k++)
				in_q = is_term (known->pdata[k], c->at->head->pdata[j]);
			if (!in_q && said->len > 0)
				in_q = in_said (said, c->at->head->pdata[j]);
			if (in_q) {
				title_hit += w;
				title_matches++;
			}
		}
		title_share = pd_kb_title_share (title_hit, title_total, unit);
		/* a keyword (db/039) is another way of saying the title: the best said counts */
		for (j = 0; c->at->keys != NULL && j < c->at->keys->len; j++) {
			double share;
			guint hits;

			if (!key_share (store, c->at->keys->pdata[j], known, unit, &share, &hits, error)) {
				g_free (scored);
				g_free (contrib);
				return FALSE;
			}
			if (share > title_share) {
				title_share = share;
				title_matches = MAX (title_matches, hits);
			}
		}
		/* the question explained by the article, and the article's title found in the question */
		score = penalised (MIX * c->qshare + (1 - MIX) * title_share,
		                   c->matches, title_matches, qterms->len);
		if (features)
			g_printerr ("F\tcand\t%s\t%u\t%.6f\t%.6f\t%.6f\t%u\t%u\t%u\t%.6f\t%.6f\t%.6f\t%u\n", c->a->slug,
			            pos_in (cands, c->a), score, c->qshare,
			            title_share, c->matches, title_matches,
			            (guint) c->at->head->len, title_hit, title_total, covered, (guint) pd_kb_cache.n_docs);
		if (score >= LISTED_FLOOR) {
			PdKbSuggestion *s = g_new0 (PdKbSuggestion, 1);
			s->slug = g_strdup (c->a->slug);
			s->title = g_strdup (c->a->title);
			s->score = score;
			s->id = c->a->id;
			g_ptr_array_add (results, s);
			g_ptr_array_sort (results, by_score);
		}
	}
	g_free (scored);
	g_free (contrib);
	g_ptr_array_sort (results, by_score);
	if (results->len > 0 &&
	    !pd_kb_suggest_gate (((PdKbSuggestion *) results->pdata[0])->score,
	                         results->len > 1 ? ((PdKbSuggestion *) results->pdata[1])->score : 0))
		g_ptr_array_set_size (results, 0);
	if (results->len > max)
		g_ptr_array_set_size (results, max);
	return TRUE;
}

/* What the question's words of weight TOTAL can be expected to find explained by one article,
 * UNIT being the weight of a word that one article has: all of a short question, the weight of
 * QUESTION_REACH such words of a longer one. The question's share an article covers is measured
 * against this: a long mail's context no longer drowns its answer. */
double
pd_kb_question_reach (double total, double unit)
{
	return MIN (total, QUESTION_REACH * unit);
}

/* The share of an article's title (and topics) the question says, HIT of TOTAL weight, with a
 * prior of TITLE_PRIOR words of weight UNIT that it does not say: a title of a few words that
 * every article has ("Who makes curl?" in a curl FAQ) is no longer fully said by any mail naming
 * the product, while a specific title said in full still counts nearly fully. */
double
pd_kb_title_share (double hit, double total, double unit)
{
	return total > 0 ? hit / (total + TITLE_PRIOR * unit) : 0;
}

/* Whether a mail whose best candidate scores BEST and the next SECOND gets suggestions at all.
 * Apart from the order of the articles (their scores): a near miss often has an article or
 * two that share a word or two, about as good as each other; an answer usually stands out.
 * Fitted on tests/data 001-168 (tests/kb-gate-fit.py): the most answers in the three listed
 * with at most 5% of the unanswerable mails given a suggestion. */
gboolean
pd_kb_suggest_gate (double best, double second)
{
	return best + GATE_MARGIN * (best - second) >= GATE;
}

gboolean
pd_kb_suggest (PdStore *store, const char *text, guint max, GPtrArray **results_r,
               GError **error)
{
	GPtrArray *results = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_kb_suggestion_free);
	gboolean ok;

	g_mutex_lock (&pd_kb_cache.lock);
	ok = suggest_locked (store, text, max, results, error);
	g_mutex_unlock (&pd_kb_cache.lock);
	if (!ok) {
		g_ptr_array_unref (results);
		*results_r = NULL;
		return FALSE;
	}
	*results_r = results;
	return TRUE;
}
