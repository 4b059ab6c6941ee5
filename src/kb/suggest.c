/* suggest.c - which published articles answer a customer's mail. The question is isolated
 * (quotes and signatures via quote.h, then greetings and closings), its words are folded,
 * stemmed and stripped of stop words; candidates come from FTS5, and each is scored against
 * the best possible match: the share of the question's term weight (IDF) the article covers,
 * title matches counting fully and body matches partly, together with how much of the
 * article's title the question covers. Below the threshold nothing is suggested. */
#include <string.h>

#include "core/error.h"
#include "kb/kb.h"
#include "kb/markdown.h"
#include "mail/quote.h"

/* tuned on tests/data/kb (see tests/unit/test-kb-suggest.c for the figures) */
#define THRESHOLD 0.30     /* the least score suggested */
#define BODY_CREDIT 0.55   /* a query word found in the body only counts this much */
#define UNKNOWN_SHARE 0.8  /* a word no article has counts this share of the rarest word */
#define MIX 0.6            /* the question's coverage vs the title's coverage */
#define CANDIDATES 40      /* FTS5 candidates scored per mail */

static const char *const stop_words[] = {
	"a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any",
	"anyone", "anything", "are", "as", "at", "be", "because", "been", "before", "being", "below",
	"between", "both", "but", "by", "can", "cannot", "could", "did", "do", "does", "doing",
	"done", "down", "during", "each", "else", "even", "ever", "every", "few", "for", "from",
	"further", "get", "gets", "getting", "got", "had", "has", "have", "having", "he", "her",
	"here", "hers", "him", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself",
	"just", "know", "let", "like", "me", "might", "more", "most", "much", "must", "my", "myself",
	"need", "no", "nor", "not", "now", "of", "off", "on", "once", "one", "only", "or", "other",
	"our", "ours", "out", "over", "own", "please", "really", "same", "she", "should", "so",
	"some", "someone", "something", "still", "such", "than", "that", "the", "their", "them",
	"then", "there", "these", "they", "thing", "things", "this", "those", "through", "to", "too",
	"try", "tried", "trying", "under", "until", "up", "us", "use", "used", "using", "very", "want",
	"was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will",
	"with", "would", "you", "your", "yours", "yes", "ok", "okay", "hi", "hello", "hey", "dear",
	"thanks", "thank", "thx", "regards", "cheers", "best", "kind", "sir", "madam", "team",
	"support", "help", "question", "questions", "problem", "problems", "issue", "issues",
	"wondering", "wonder", "hope", "hoping", "appreciate", "advance", "anybody", "somebody",
	"way", "there", "able", "seem", "seems", "make", "made", "work", "works", "working",
	"happen", "happens", "lot", "bit", "quite", "maybe", "perhaps", "already", "again", "since",
	"im", "ive", "dont", "doesnt", "didnt", "cant", "isnt", "wont", "thats", "whats", "its",
	"re", "fw", "fwd", "etc", "eg", "ie", "day", "days", "today", "yesterday", "week", "time",
	"good", "morning", "afternoon", "evening", "guys", "folks", "all", "everyone", "sorry",
	"many", "well", "show", "shows", "showing", "says", "run", "runs", "running", "happy", "which", "new", "see", "say", "said", "tell", "told", "find", "found",
	"look", "looking", "looked", "come", "go", "going", "take", "give", "put", "keep", "mean",
	NULL,
};

static GHashTable *stops;

static gboolean
is_stop (const char *w)
{
	if (g_once_init_enter (&stops)) {
		GHashTable *t = g_hash_table_new (g_str_hash, g_str_equal);
		guint i;

		for (i = 0; stop_words[i]; i++)
			g_hash_table_add (t, (gpointer) stop_words[i]);
		g_once_init_leave (&stops, t);
	}
	return g_hash_table_contains (stops, w);
}

/* a light English stemmer: enough to meet plural, -ing, -ed and -ion forms */
static char *
stem (const char *w)
{
	gsize n = strlen (w);
	char *s = g_strdup (w);

#define ENDS(suf) (n > strlen (suf) + 2 && g_str_has_suffix (s, suf))
#define CUT(k) (s[n -= (k)] = '\0')
	if (ENDS ("ies"))
		CUT (3), s[n++] = 'y', s[n] = '\0';
	else if (ENDS ("sses"))
		CUT (2);
	else if (ENDS ("s") && !ENDS ("ss") && !ENDS ("us") && !ENDS ("is"))
		CUT (1);
	if (ENDS ("ing") && n > 5)
		CUT (3);
	else if (ENDS ("ed") && n > 4)
		CUT (2);
	else if (ENDS ("ion") && n > 6)
		CUT (3);
	else if (ENDS ("er") && n > 5)
		CUT (2);
	else if (ENDS ("ly") && n > 5)
		CUT (2);
	if (n > 4 && (s[n - 1] == 'e' || s[n - 1] == 'y'))
		CUT (1);
	if (n > 3 && s[n - 1] == s[n - 2] && !strchr ("aeiouls", s[n - 1]))
		CUT (1);
#undef ENDS
#undef CUT
	return s;
}

/* The words of TEXT: lower case, diacritics folded, split on anything not a letter or digit. */
static GPtrArray *
words (const char *text)
{
	g_autofree char *norm = g_utf8_normalize (text ? text : "", -1, G_NORMALIZE_NFKD);
	GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
	GString *w = g_string_new (NULL);
	const char *p;

	for (p = norm ? norm : ""; ; p = g_utf8_next_char (p)) {
		gunichar c = *p ? g_utf8_get_char (p) : 0;

		if (c != 0 && g_unichar_ismark (c))
			continue;
		if (c != 0 && (g_unichar_isalnum (c) || c == '\'')) {
			if (c != '\'')
				g_string_append_unichar (w, g_unichar_tolower (c));
			continue;
		}
		if (w->len > 0)
			g_ptr_array_add (out, g_strdup (w->str));
		g_string_truncate (w, 0);
		if (c == 0)
			break;
	}
	g_string_free (w, TRUE);
	return out;
}

/* the distinct stems of TEXT's content words, in order */
static GPtrArray *
terms (const char *text)
{
	g_autoptr (GPtrArray) ws = words (text);
	GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
	guint i;

	for (i = 0; i < ws->len; i++) {
		const char *w = ws->pdata[i];
		char *s;

		if (strlen (w) < 2 || is_stop (w) || (g_ascii_isdigit (w[0]) && strlen (w) < 3))
			continue;
		s = stem (w);
		if (g_hash_table_contains (seen, s)) {
			g_free (s);
			continue;
		}
		g_hash_table_add (seen, s);
		g_ptr_array_add (out, s);
	}
	return out;
}

static gboolean
line_matches (const char *line, const char *pattern)
{
	return g_regex_match_simple (pattern, line, G_REGEX_CASELESS, 0);
}

/* The question in a mail's TEXT: the new text (quote.h), without greeting lines at the top
 * and without the closing ("Thanks, Ann") and everything after it. (transfer full) */
static char *
question (const char *text)
{
	g_autofree char *fresh = pd_quote_new_text (text ? text : "", NULL);
	g_auto (GStrv) lines = g_strsplit (fresh, "\n", -1);
	GString *out = g_string_new (NULL);
	guint i, n = g_strv_length (lines);
	gboolean started = FALSE;

	for (i = 0; i < n; i++) {
		char *line = g_strstrip (lines[i]);
		guint nwords = 0;
		const char *p;

		for (p = line; *p; p++)
			nwords += (p == line || g_ascii_isspace (p[-1])) && !g_ascii_isspace (*p);
		if (!started && (*line == '\0' ||
		                 (nwords <= 6 && line_matches (line, "^(hi|hello|hey|dear|good (morning|afternoon|evening|day)|greetings|hallo|to whom)\\b"))))
			continue;
		if (started && nwords <= 6 &&
		    line_matches (line, "^(thanks|thank you|many thanks|thx|ty|cheers|best|regards|kind regards|best regards|warm regards|sincerely|yours|br|greetings|all the best|have a (nice|good|great))\\b"))
			break;
		started = TRUE;
		g_string_append_printf (out, "%s\n", line);
	}
	return g_string_free (out, FALSE);
}

typedef struct {
	char *term;
	double weight; /* IDF in the published articles; 0 = unknown to the knowledge base */
} Term;

static void
term_free (Term *t)
{
	g_free (t->term);
	g_free (t);
}

/* the FTS5 prefix query for a stem: "stem"*; the stem is letters and digits only */
static char *
prefix_query (const char *term)
{
	return g_strdup_printf ("\"%s\"*", term);
}

/* the natural logarithm of X > 0 (a series; keeps the build free of libm) */
static double
ln (double x)
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

static GHashTable *
weight_cache_new (void)
{
	return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static gboolean
term_weight (PdStore *store, GHashTable *cache, const char *term, gint64 n_docs,
             double *weight_r, GError **error)
{
	double *cached = g_hash_table_lookup (cache, term);
	g_autofree char *q = NULL;
	gint64 df;

	if (cached) {
		*weight_r = *cached;
		return TRUE;
	}
	q = prefix_query (term);
	if (!pd_store_kb_match_count (store, q, &df, error))
		return FALSE;
	/* a word in most articles says little; one in none says nothing we can use */
	*weight_r = df == 0 ? 0.0 : ln (1.0 + (double) n_docs / (double) df);
	cached = g_new (double, 1);
	*cached = *weight_r;
	g_hash_table_insert (cache, g_strdup (term), cached);
	return TRUE;
}

/* Two stems are one word when equal, or when one extends the other by a few letters and the
 * shorter is no mere fragment ("compress" ~ "compressor", but not "app" ~ "applicat"). */
static gboolean
same_word (const char *a, const char *b)
{
	gsize la = strlen (a), lb = strlen (b);

	if (la > lb) {
		const char *t = a;
		gsize lt = la;
		a = b, la = lb;
		b = t, lb = lt;
	}
	return g_str_has_prefix (b, a) && (la == lb || (la >= 4 && lb - la <= 3));
}

static gboolean
contains_prefix (GPtrArray *set, const char *term)
{
	guint i;

	for (i = 0; i < set->len; i++)
		if (same_word (set->pdata[i], term))
			return TRUE;
	return FALSE;
}

static gint
by_score (gconstpointer a, gconstpointer b)
{
	const PdKbSuggestion *x = *(PdKbSuggestion *const *) a, *y = *(PdKbSuggestion *const *) b;

	return x->score < y->score ? 1 : x->score > y->score ? -1 : strcmp (x->slug, y->slug);
}

gboolean
pd_kb_suggest (PdStore *store, const char *text, guint max, GPtrArray **results_r,
               GError **error)
{
	g_autofree char *q = question (text);
	g_autoptr (GPtrArray) qterms = terms (q);
	g_autoptr (GPtrArray) known = g_ptr_array_new_with_free_func ((GDestroyNotify) term_free);
	g_autoptr (GHashTable) cache = weight_cache_new ();
	g_autoptr (GPtrArray) hits = NULL;
	GPtrArray *results = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_kb_suggestion_free);
	GString *match = g_string_new (NULL);
	gint64 n_docs;
	double total = 0;
	guint i, j;

	*results_r = NULL;
	if (!pd_store_kb_published_count (store, &n_docs, error))
		goto fail;
	for (i = 0; i < qterms->len; i++) {
		double w;

		if (!term_weight (store, cache, qterms->pdata[i], n_docs, &w, error))
			goto fail;
		if (w <= 0) {
			/* a word the knowledge base never uses: the question is partly about something
			 * it does not know (or a typo); it counts against the coverage */
			total += UNKNOWN_SHARE * ln (1.0 + (double) n_docs);
			continue;
		}
		Term *t = g_new0 (Term, 1);
		t->term = g_strdup (qterms->pdata[i]);
		t->weight = w;
		total += w;
		g_ptr_array_add (known, t);
		g_string_append_printf (match, "%s\"%s\"*", match->len ? " OR " : "", t->term);
	}
	if (known->len == 0 || max == 0) {
		g_string_free (match, TRUE);
		*results_r = results;
		return TRUE;
	}
	hits = pd_store_kb_search (store, match->str, NULL, TRUE, CANDIDATES, error);
	g_string_free (match, TRUE);
	match = NULL;
	if (hits == NULL)
		goto fail;
	for (i = 0; i < hits->len; i++) {
		const PdKbHit *h = hits->pdata[i];
		g_autoptr (PdKbArticle) a = pd_store_kb_get (store, h->slug, error);
		g_autofree char *body_text = NULL, *title_topics = NULL;
		g_autoptr (GPtrArray) tt = NULL, bt = NULL;
		double covered = 0, title_total = 0, title_hit = 0, score, qshare, tshare;
		guint title_matches = 0, matches = 0;

		if (a == NULL)
			goto fail;
		if (g_strcmp0 (a->visibility, "internal") == 0)
			continue; /* customers never see internal articles */
		title_topics = g_strconcat (a->title, " ", a->topics, NULL);
		tt = terms (title_topics);
		body_text = pd_kb_markdown_to_text (a->body);
		bt = terms (body_text);
		for (j = 0; j < known->len; j++) {
			const Term *t = known->pdata[j];

			if (contains_prefix (tt, t->term)) {
				covered += t->weight;
				matches++;
			} else if (contains_prefix (bt, t->term)) {
				covered += BODY_CREDIT * t->weight;
				matches++;
			}
		}
		for (j = 0; j < tt->len; j++) {
			double w;
			guint k;
			gboolean in_q = FALSE;

			if (!term_weight (store, cache, tt->pdata[j], n_docs, &w, error))
				goto fail;
			title_total += w;
			for (k = 0; k < known->len && !in_q; k++) {
				const char *qt = ((Term *) known->pdata[k])->term;
				in_q = same_word (qt, tt->pdata[j]);
			}
			if (in_q) {
				title_hit += w;
				title_matches++;
			}
		}
		qshare = covered / total;
		tshare = title_total > 0 ? title_hit / title_total : 0;
		/* the question explained by the article, and the article's title found in the question */
		score = MIX * qshare + (1 - MIX) * tshare;
		if (matches < 2 && known->len > 1)
			score *= 0.5; /* one shared word is not an answer */
		if (title_matches == 0)
			score *= 0.6;
		if (score >= THRESHOLD) {
			PdKbSuggestion *s = g_new0 (PdKbSuggestion, 1);
			s->slug = g_strdup (a->slug);
			s->title = g_strdup (a->title);
			s->score = score;
			g_ptr_array_add (results, s);
		}
	}
	g_ptr_array_sort (results, by_score);
	if (results->len > max)
		g_ptr_array_set_size (results, max);
	*results_r = results;
	return TRUE;
fail:
	if (match)
		g_string_free (match, TRUE);
	g_ptr_array_unref (results);
	return FALSE;
}

gboolean
pd_kb_suggest_plain (PdStore *store, const char *text, guint max, GPtrArray **results_r,
                     GError **error)
{
	g_autoptr (GPtrArray) ws = words (text);
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
