/* learn.c - keywords learned from the customers' own words. A question nothing was
 * suggested for (db/019 kb_misses) that an agent then answered with an article (`#kb`,
 * kb_usage 'sent', or the customer's "this answered my question", 'answered') says how
 * customers ask for that article when its title says it otherwise. A word that comes back in
 * several such questions of one article, more often than in other articles' (a lift, so
 * "hello", "please" or the product's name do not count), and that the article's title,
 * topics or keywords do not already say, is proposed as a keyword (db/039): `kb learn`
 * prints them, `kb learn --apply` adds them. Nothing here is tied to one knowledge base's
 * vocabulary: the words come from its own answered mail. */
#include <string.h>

#include "kb/kb.h"
#include "kb/learn.h"
#include "kb/spelling.h"
#include "kb/suggest-cache.h"
#include "kb/words.h"
#include "store/kb-learn.h"
#include "store/kb.h"

#define MAX_WORDS 5      /* learned per article, most questions first */
#define MIN_LIFT 2.0     /* its share of the article's questions vs of the others' */
#define MAX_KB_SHARE 0.25 /* a word in more than this share of the articles names none */

void
pd_kb_learned_free (PdKbLearned *l)
{
	if (l == NULL)
		return;
	g_free (l->slug);
	g_ptr_array_unref (l->words);
	g_array_unref (l->counts);
	g_free (l);
}

typedef struct {
	char *word; /* the shortest form seen */
	guint n;    /* questions */
} Seen;

static void
seen_free (Seen *s)
{
	g_free (s->word);
	g_free (s);
}

/* count each stem of WORDS once into COUNTS (stem -> Seen) */
static void
count_question (GHashTable *counts, const char *words)
{
	g_auto (GStrv) ws = g_strsplit (words ? words : "", " ", -1);
	g_autoptr (GHashTable) once = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	guint i;

	for (i = 0; ws[i] != NULL; i++) {
		char *stem;
		Seen *s;

		if (strlen (ws[i]) < 3 || pd_kb_is_stop (ws[i]))
			continue;
		stem = pd_kb_stem (ws[i]);
		if (!g_hash_table_add (once, stem))
			continue;
		s = g_hash_table_lookup (counts, stem);
		if (s == NULL) {
			s = g_new0 (Seen, 1);
			s->word = g_strdup (ws[i]);
			g_hash_table_insert (counts, g_strdup (stem), s);
		}
		else if (strlen (ws[i]) < strlen (s->word)) {
			g_free (s->word); /* the shortest form: "sell" for "selling", "sells" */
			s->word = g_strdup (ws[i]);
		}
		s->n++;
	}
}

static gint
by_count (gconstpointer a, gconstpointer b)
{
	const Seen *x = *(Seen *const *) a, *y = *(Seen *const *) b;

	return x->n != y->n ? (x->n < y->n ? 1 : -1) : strcmp (x->word, y->word);
}

/* whether the article ID already says STEM in its title, topics or keywords */
static gboolean
head_says (PdStore *store, gint64 id, const char *stem, GError **error, gboolean *says_r)
{
	g_autoptr (PdKbArticle) a = pd_store_kb_get_by_id (store, id, error);
	g_autofree char *head = NULL;
	g_auto (GStrv) hs = NULL;
	guint i;

	if (a == NULL)
		return FALSE;
	head = pd_kb_head_stems (a->title, a->topics, a->keywords);
	hs = g_strsplit (head, " ", -1);
	*says_r = FALSE;
	for (i = 0; hs[i] != NULL && !*says_r; i++)
		*says_r = *hs[i] && strcmp (hs[i], "|") != 0 && pd_kb_same_word (hs[i], stem);
	return TRUE;
}

/* whether STEM is in more than MAX_KB_SHARE of the published articles (COMMON_R) */
static gboolean
kb_common (PdStore *store, const char *stem, gboolean *common_r, GError **error)
{
	double w;
	gboolean ok;

	g_mutex_lock (&pd_kb_cache.lock);
	ok = pd_kb_cache_check (store, error) && pd_kb_term_weight (store, stem, &w, error);
	g_mutex_unlock (&pd_kb_cache.lock);
	/* w = ln (1 + articles / articles with it): more than a share <=> w below ln (1 + 1/share) */
	*common_r = ok && w > 0 && w < pd_kb_ln (1.0 + 1.0 / MAX_KB_SHARE);
	return ok;
}

GPtrArray *
pd_kb_learn_keywords (PdStore *store, guint min, GError **error)
{
	g_autoptr (GPtrArray) rows = pd_store_kb_answered_misses (store, error);
	g_autoptr (GPtrArray) missed = rows ? pd_store_kb_missed_words (store, error) : NULL;
	g_autoptr (GHashTable) all = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) seen_free);
	GPtrArray *out;
	guint i, j, start;

	if (missed == NULL)
		return NULL;
	out = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_kb_learned_free);
	/* the background: every question nothing was suggested for, answered or not (a question
	 * answered with two articles counts for each) */
	for (i = 0; i < missed->len; i++)
		count_question (all, missed->pdata[i]);
	/* the rows come by article: one run each */
	for (start = 0; start < rows->len; start = i) {
		const PdKbAnsweredMiss *first = rows->pdata[start];
		g_autoptr (GHashTable) mine = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) seen_free);
		g_autoptr (GPtrArray) kept = g_ptr_array_new ();
		GHashTableIter it;
		gpointer key, value;
		guint n, others;
		PdKbLearned *l;

		for (i = start; i < rows->len && ((PdKbAnsweredMiss *) rows->pdata[i])->article_id == first->article_id; i++)
			count_question (mine, ((PdKbAnsweredMiss *) rows->pdata[i])->words);
		n = i - start;
		others = missed->len > n ? missed->len - n : 0;
		g_hash_table_iter_init (&it, mine);
		while (g_hash_table_iter_next (&it, &key, &value)) {
			Seen *s = value, *everywhere = g_hash_table_lookup (all, key);
			guint elsewhere = everywhere != NULL && everywhere->n > s->n ? everywhere->n - s->n : 0;
			gboolean says, common;

			if (s->n < min)
				continue;
			/* as common in other articles' questions: a word of every question */
			if (others > 0 && (double) s->n / n < MIN_LIFT * elsewhere / others)
				continue;
			if (!head_says (store, first->article_id, key, error, &says) ||
			    !kb_common (store, key, &common, error)) {
				g_ptr_array_unref (out);
				return NULL;
			}
			if (!says && !common)
				g_ptr_array_add (kept, s);
		}
		if (kept->len == 0)
			continue;
		g_ptr_array_sort (kept, by_count);
		l = g_new0 (PdKbLearned, 1);
		l->article_id = first->article_id;
		l->slug = g_strdup (first->slug);
		l->questions = n;
		l->words = g_ptr_array_new_with_free_func (g_free);
		l->counts = g_array_new (FALSE, FALSE, sizeof (guint));
		for (j = 0; j < kept->len && j < MAX_WORDS; j++) {
			g_ptr_array_add (l->words, g_strdup (((Seen *) kept->pdata[j])->word));
			g_array_append_val (l->counts, ((Seen *) kept->pdata[j])->n);
		}
		g_ptr_array_add (out, l);
	}
	return out;
}

char *
pd_kb_keywords_with (const char *keywords, GPtrArray *words)
{
	GString *s = g_string_new (keywords ? keywords : "");
	guint i;

	/* one keyword of them all: the title's share it gives is the share of them a question
	 * says (a word alone, "possible" say, is no other title) */
	for (i = 0; i < words->len; i++)
		g_string_append_printf (s, "%s%s", i == 0 ? (s->len ? ", " : "") : " ", (char *) words->pdata[i]);
	return g_string_free (s, FALSE);
}
