/* suggest.c - which published articles answer a customer's mail. The question is isolated
 * (quotes and signatures via quote.h, then greetings, closings and a trailing block of short
 * signature lines), its words are folded, stemmed and stripped of stop words; candidates come
 * from FTS5, and each is scored against the best possible match: the share of the question's
 * term weight (IDF) the article covers, title matches counting fully and body matches partly,
 * a word no article has met by its spelling (spelling.c) and a missing word partly by a
 * related one the knowledge base taught itself (related.c, db/030), together with how much of
 * the article's title the question covers. Below the threshold nothing is suggested. */
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "kb/kb.h"
#include "kb/markdown.h"
#include "kb/related.h"
#include "kb/spelling.h"
#include "mail/quote.h"
#include "store/kb-rank.h"
#include "store/kb.h"

/* tuned on tests/data/kb (see tests/unit/test-kb-suggest.c for the figures) */
#define THRESHOLD 0.30     /* the least score suggested */
#define BODY_CREDIT 0.55   /* a query word found in the body only counts this much */
#define UNKNOWN_SHARE 0.8  /* a word no article has counts this share of the rarest word */
#define RELATED_CREDIT 0.5 /* a question word an article lacks, for a related word it has (db/030) */
#define SPELLING_CREDIT 0.75 /* a word no article has, met by its spelling (spelling.c) */
#define MIX 0.6            /* the question's coverage vs the title's coverage */
#define CANDIDATES 20      /* FTS5 candidates scored per mail */
#define MATCH_TERMS 32     /* the most distinctive words of the question that find them */
#define COMMON_SHARE 0.02  /* ... leaving out words in more than this share of the articles */
#define COMMON_MIN 500     /* ... and more than this many */
#define WARM_AFTER 8       /* mails of one generation after which a process counts as warm */
/* The word rules' edition: the stems stored per article (db/027) hold only for the rules they
 * were made with. Change it with stop_words, stem (), words () or terms (). */
#define STEMMER 2

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

/* Add the word W to OUT. A number of one or two digits joined to a unit ("64-bit", "64bit",
 * "4GB": NEXT, the character after it, is a letter, or a hyphen before one AFTER) is marked
 * with '#' for terms (), which keeps it, where other short numbers (versions, counts) go. */
static void
word_add (GPtrArray *out, GString *w, gunichar next, gunichar after)
{
	if (w->len <= 2 && g_ascii_isdigit (w->str[0]) && g_ascii_isdigit (w->str[w->len - 1]) &&
	    (g_unichar_isalpha (next) || (next == '-' && g_unichar_isalpha (after))))
		g_ptr_array_add (out, g_strdup_printf ("#%s", w->str));
	else
		g_ptr_array_add (out, g_strndup (w->str, w->len));
}

/* The words of TEXT: lower case, diacritics folded, split on anything not a letter or digit,
 * where a capital follows a small letter and where a letter follows a digit ("64bit"); a
 * short number joined to a unit is marked (word_add ()). words_ascii (): the same for ASCII
 * TEXT, without normalising it or the Unicode tables. */
static GPtrArray *
words_ascii (const char *text)
{
	GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
	const char *p;
	char prev = 0;
	GString *w = g_string_sized_new (32);

	for (p = text; ; p++) {
		char c = *p;

		if (((g_ascii_isupper (c) && g_ascii_islower (prev)) || (g_ascii_isalpha (c) && g_ascii_isdigit (prev))) &&
		    w->len > 0) {
			word_add (out, w, (guchar) c, 0);
			g_string_truncate (w, 0);
		}
		prev = c;
		if (c != 0 && (g_ascii_isalnum (c) || c == '\'')) {
			if (c != '\'')
				g_string_append_c (w, g_ascii_tolower (c));
			continue;
		}
		if (w->len > 0)
			word_add (out, w, (guchar) c, c ? (guchar) p[1] : 0);
		g_string_truncate (w, 0);
		if (c == 0)
			break;
	}
	g_string_free (w, TRUE);
	return out;
}

static GPtrArray *
words (const char *text)
{
	g_autofree char *norm = NULL;
	GPtrArray *out;
	GString *w;
	const char *p;
	gunichar prev = 0;

	for (p = text ? text : ""; *p && !(*p & 0x80); p++)
		;
	if (*p == '\0')
		return words_ascii (text ? text : ""); /* the same words, without the Unicode tables */
	norm = g_utf8_normalize (text, -1, G_NORMALIZE_NFKD);
	if (norm == NULL)
		return g_ptr_array_new_with_free_func (g_free);
	out = g_ptr_array_new_with_free_func (g_free);
	w = g_string_new (NULL);

	for (p = norm ? norm : ""; ; p = g_utf8_next_char (p)) {
		gunichar c = *p ? g_utf8_get_char (p) : 0;

		if (c != 0 && g_unichar_ismark (c))
			continue;
		/* an identifier's parts are words: "FlateDecode", "inflateInit" */
		if (((g_unichar_isupper (c) && g_unichar_islower (prev)) ||
		     (g_unichar_isalpha (c) && g_unichar_isdigit (prev))) && w->len > 0) {
			word_add (out, w, c, 0);
			g_string_truncate (w, 0);
		}
		prev = c;
		if (c != 0 && (g_unichar_isalnum (c) || c == '\'')) {
			if (c != '\'')
				g_string_append_unichar (w, g_unichar_tolower (c));
			continue;
		}
		if (w->len > 0)
			word_add (out, w, c, c ? g_utf8_get_char (g_utf8_next_char (p)) : 0);
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

		if (w[0] == '#') /* a short number joined to a unit (word_add ()) */
			w++;
		else if (strlen (w) < 2 || is_stop (w) || (g_ascii_isdigit (w[0]) && strlen (w) < 3))
			continue;
		/* a number is no word to stem ("2000" is not "200"); a stop word's other forms
		 * ("needs", "looks") are stop words too */
		s = g_ascii_isdigit (w[0]) ? g_strdup (w) : stem (w);
		if (is_stop (s) || g_hash_table_contains (seen, s)) {
			g_free (s);
			continue;
		}
		g_hash_table_add (seen, s);
		g_ptr_array_add (out, s);
	}
	return out;
}

/* A signature without its "-- " line: the short lines that end the mail ("Tina", "Raj Patel /
 * Senior Developer / +44 20 ...") once a longer line has said something. A short last line
 * that asks ("Why?") stays. */
#define SIGNATURE_WORDS 4
static void
drop_signature (GString *q)
{
	gsize end = q->len;

	while (end > 0) {
		gsize start = end - 1, i;
		guint nwords = 0;

		while (start > 0 && q->str[start - 1] != '\n')
			start--;
		for (i = start; i < end; i++)
			nwords += (i == start || g_ascii_isspace (q->str[i - 1])) && !g_ascii_isspace (q->str[i]);
		if (nwords > SIGNATURE_WORDS)
			break; /* the question's last line */
		if (start == 0 || (end >= 2 && q->str[end - 2] == '?'))
			return; /* nothing but short lines, or a short question: keep them all */
		end = start;
	}
	if (end < q->len)
		g_string_truncate (q, end);
}

#define GREETING "(hi|hello|hey|dear|good (morning|afternoon|evening|day)|greetings|hallo|to whom)\\b"

/* The question in a mail's TEXT: the new text (quote.h), without greeting lines ("Hello Ann,"
 * wherever it stands: after the subject line too), a greeting that opens a line cut from it
 * ("Hi, my printer..."), and without the closing ("Thanks, Ann") and everything after it.
 * (transfer full) */
static char *
question (const char *text)
{
	g_autofree char *fresh = pd_quote_new_text (text ? text : "", NULL);
	g_auto (GStrv) lines = g_strsplit (fresh, "\n", -1);
	GString *out = g_string_new (NULL);
	guint i, n = g_strv_length (lines);
	gboolean started = FALSE;
	static GRegex *greeting_line, *greeting_start, *closing;

	if (g_once_init_enter (&greeting_line)) {
		/* compiled once: a mail's every line is matched against it */
		closing = g_regex_new ("^(thanks|thank you|many thanks|thx|ty|cheers|best|regards|kind regards|best regards|warm regards|sincerely|yours|br|greetings|all the best|have a (nice|good|great))\\b",
		                       G_REGEX_CASELESS, 0, NULL);
		greeting_start = g_regex_new ("^" GREETING "[ \t]*(there|all|team|everyone|guys|folks)?[ \t]*[,!:;.-]+[ \t]*",
		                              G_REGEX_CASELESS, 0, NULL);
		g_once_init_leave (&greeting_line,
		                   g_regex_new ("^" GREETING "[^,!.:;?]{0,30}[,!.:;-]*$", G_REGEX_CASELESS, 0, NULL));
	}
	for (i = 0; i < n; i++) {
		char *line = g_strstrip (lines[i]);
		g_autofree char *rest = NULL;
		guint nwords = 0;
		const char *p;

		for (p = line; *p; p++)
			nwords += (p == line || g_ascii_isspace (p[-1])) && !g_ascii_isspace (*p);
		if (*line == '\0' && !started)
			continue;
		if (nwords <= 6 && g_regex_match (greeting_line, line, 0, NULL))
			continue;
		if (started && nwords <= 6 && g_regex_match (closing, line, 0, NULL))
			break;
		rest = g_regex_replace_literal (greeting_start, line, -1, 0, "", 0, NULL);
		started = TRUE;
		g_string_append_printf (out, "%s\n", rest ? rest : line);
	}
	drop_signature (out);
	return g_string_free (out, FALSE);
}

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

/* What the suggester keeps in memory across mails (serve processes many in one process):
 * the weight of each term and the terms of each article, valid while the knowledge base's
 * generation (db/019, changed by every article or document change) stays the same. One
 * lock: suggestions are short, and threads rarely ask at the same moment. */
typedef struct {
	GPtrArray *head; /* the stems of the title and topics */
	GPtrArray *body; /* the stems of the body; NULL until needed */
	char *head_buf;  /* what split_stems () points into, or NULL */
	char *body_buf;
} ArticleTerms;

static void
article_terms_free (ArticleTerms *t)
{
	g_ptr_array_unref (t->head);
	if (t->body != NULL)
		g_ptr_array_unref (t->body);
	g_free (t->head_buf);
	g_free (t->body_buf);
	g_free (t);
}

#define CACHED_ARTICLES 20000 /* forgotten all at once past this */

static struct {
	GMutex lock;
	char *key;            /* the generation's "salt:n"; NULL = empty */
	gboolean terms_fresh; /* kb_terms holds this generation's word counts */
	gint64 n_docs;        /* articles in the index */
	GHashTable *weights;  /* stem -> double* */
	GHashTable *articles; /* gint64* id -> ArticleTerms* */
	GHashTable *related;  /* stem -> GPtrArray* of PdKbRelated (db/030), empty: none */
	guint mails;          /* suggested for in this generation (WARM_AFTER) */
	GPtrArray *vocab;     /* warm: every term of kb_terms, in byte order; NULL: not read */
	GArray *vocab_docs;   /* ... and the documents counted up to each (gint64, one more) */
} cache;

/* Make the cache the one of STORE's current generation (call with the lock held). */
static gboolean
cache_check (PdStore *store, GError **error)
{
	g_autofree char *key = NULL;
	gint64 docs;

	/* one query for the generation and, when the word counts are current, the size */
	if (!pd_store_kb_state (store, &key, &docs, error))
		return FALSE;
	if (cache.key != NULL && strcmp (cache.key, key) == 0)
		return TRUE;
	g_clear_pointer (&cache.weights, g_hash_table_unref);
	g_clear_pointer (&cache.articles, g_hash_table_unref);
	g_clear_pointer (&cache.related, g_hash_table_unref);
	g_clear_pointer (&cache.vocab, g_ptr_array_unref);
	g_clear_pointer (&cache.vocab_docs, g_array_unref);
	g_clear_pointer (&cache.key, g_free);
	cache.terms_fresh = docs >= 0;
	cache.n_docs = docs;
	cache.mails = 0;
	if (!cache.terms_fresh && !pd_store_kb_fts_size (store, &cache.n_docs, error))
		return FALSE;
	cache.weights = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	cache.articles = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
	                                        (GDestroyNotify) article_terms_free);
	cache.related = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
	                                       (GDestroyNotify) g_ptr_array_unref);
	cache.key = g_steal_pointer (&key);
	return TRUE;
}

/* remember TERM's weight from DF, the articles that hold it, and return it */
static double
weight_put (const char *term, gint64 df)
{
	double *w = g_new (double, 1);

	/* a word in most articles says little; one in none says nothing we can use */
	*w = df <= 0 ? 0.0 : ln (1.0 + (double) cache.n_docs / (double) df);
	g_hash_table_insert (cache.weights, g_strdup (term), w);
	return *w;
}

/* the first of the vocabulary's terms (sorted by bytes) not below KEY */
static guint
vocab_find (const char *key)
{
	guint lo = 0, hi = cache.vocab->len;

	while (lo < hi) {
		guint mid = lo + (hi - lo) / 2;

		if (strcmp (cache.vocab->pdata[mid], key) < 0)
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

	return g_array_index (cache.vocab_docs, gint64, vocab_find (end)) -
	       g_array_index (cache.vocab_docs, gint64, vocab_find (prefix));
}

static gboolean
term_weight (PdStore *store, const char *term, double *weight_r, GError **error)
{
	double *cached = g_hash_table_lookup (cache.weights, term);
	g_autofree char *q = NULL;
	gint64 df;

	if (cached) {
		*weight_r = *cached;
		return TRUE;
	}
	if (cache.vocab != NULL) {
		df = MIN (vocab_docs (term), cache.n_docs);
	} else if (cache.terms_fresh) {
		if (!pd_store_kb_terms_docs (store, term, &df, error))
			return FALSE;
		df = MIN (df, cache.n_docs); /* a sum over the word's forms */
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
 * current word counts; else term_weight () counts each in the index. */
static gboolean
weights_prefetch (PdStore *store, GPtrArray *terms, GError **error)
{
	g_autoptr (GPtrArray) want = NULL;
	g_autoptr (GHashTable) seen = NULL;
	g_autofree gint64 *docs = NULL;
	guint i;

	if (!cache.terms_fresh || cache.vocab != NULL)
		return TRUE; /* counted one by one (the vocabulary in memory is quicker still) */
	want = g_ptr_array_new ();
	seen = g_hash_table_new (g_str_hash, g_str_equal);
	for (i = 0; i < terms->len; i++) {
		const char *t = terms->pdata[i];

		if (!g_hash_table_contains (cache.weights, t) && g_hash_table_add (seen, (gpointer) t))
			g_ptr_array_add (want, (gpointer) t);
	}
	if (want->len < 2)
		return TRUE; /* term_weight () does one as cheaply */
	docs = g_new0 (gint64, want->len);
	g_ptr_array_add (want, NULL);
	if (!pd_store_kb_terms_docs_many (store, (const char *const *) want->pdata, docs, error))
		return FALSE;
	for (i = 0; i + 1 < want->len; i++)
		weight_put (want->pdata[i], MIN (docs[i], cache.n_docs));
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

/* The terms of A's title and topics; its body's terms wait for article_body (). Stored stems
 * when the candidate has them, else the text tokenised: the same terms either way. */
static ArticleTerms *
article_terms (const PdKbCandidate *a)
{
	ArticleTerms *t = g_hash_table_lookup (cache.articles, &a->id);

	if (t != NULL)
		return t;
	t = g_new0 (ArticleTerms, 1);
	if (a->head_stems != NULL) {
		t->head = split_stems (a->head_stems, &t->head_buf);
	} else {
		g_autofree char *head = g_strconcat (a->title, " ", a->topics ? a->topics : "", NULL);

		t->head = terms (head);
	}
	g_hash_table_insert (cache.articles, g_memdup2 (&a->id, sizeof a->id), t);
	return t;
}

/* the terms of a body in Markdown */
static GPtrArray *
body_terms (const char *markdown)
{
	g_autofree char *body = pd_kb_markdown_to_text (markdown ? markdown : "");

	return terms (body);
}

static GPtrArray *
article_body (const PdKbCandidate *a, ArticleTerms *t)
{
	if (t->body == NULL)
		t->body = a->body_stems != NULL ? split_stems (a->body_stems, &t->body_buf)
		                                : body_terms (a->body);
	return t->body;
}

static char *
join_stems (GPtrArray *stems)
{
	GString *out = g_string_new (NULL);
	guint i;

	for (i = 0; i < stems->len; i++)
		g_string_append_printf (out, "%s%s", i ? " " : "", (char *) stems->pdata[i]);
	return g_string_free (out, FALSE);
}

gboolean
pd_kb_stems_save (PdStore *store, gint64 id, const PdKbArticle *a, GError **error)
{
	g_autofree char *head = NULL, *head_list = NULL, *body_list = NULL;
	g_autoptr (GPtrArray) head_terms = NULL;
	g_autoptr (GPtrArray) body = NULL;
	gboolean current;

	if (!pd_store_kb_stems_current (store, id, STEMMER, &current, error))
		return FALSE;
	if (current)
		return TRUE;
	head = g_strconcat (a->title, " ", a->topics ? a->topics : "", NULL);
	head_terms = terms (head);
	body = body_terms (a->body);
	head_list = join_stems (head_terms);
	body_list = join_stems (body);
	return pd_store_kb_stems_put (store, id, STEMMER, head_list, body_list, error);
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

/* Fetch the related words (db/030) of those of TERMS not yet in the cache, in one query. */
static gboolean
related_fetch (PdStore *store, GPtrArray *terms, GError **error)
{
	g_autoptr (GPtrArray) want = g_ptr_array_new ();
	g_autoptr (GPtrArray) rows = NULL;
	guint i;

	for (i = 0; i < terms->len; i++) {
		const Term *t = terms->pdata[i];

		if (!t->typo && !g_hash_table_contains (cache.related, t->term)) {
			g_ptr_array_add (want, t->term);
			g_hash_table_insert (cache.related, g_strdup (t->term),
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

		g_ptr_array_add (g_hash_table_lookup (cache.related, r->term), r);
		rows->pdata[i] = NULL;
	}
	return TRUE;
}

/* The credit (0..RELATED_CREDIT) for the question's term T, which the article lacks, from the
 * strongest related word the article has in its title or topics (HEAD), or less in its BODY. */
static double
related_credit (const Term *t, GPtrArray *head, GPtrArray *body)
{
	GPtrArray *rel = t->typo ? NULL : g_hash_table_lookup (cache.related, t->term);
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
	ArticleTerms *at;
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

static gboolean
suggest_locked (PdStore *store, const char *text, guint max, GPtrArray *results, GError **error)
{
	g_autofree char *q = question (text);
	g_autoptr (GPtrArray) qterms = terms (q);
	g_autoptr (GPtrArray) known = g_ptr_array_new_with_free_func ((GDestroyNotify) term_free);
	g_autoptr (GPtrArray) by_w = NULL;
	g_autoptr (GPtrArray) cands = NULL;
	g_autoptr (GString) match = g_string_new (NULL);
	Scored *scored;
	double total = 0, common_weight;
	guint i, j, n_real = 0;
	gboolean related_ready = FALSE;

	if (!cache_check (store, error))
		return FALSE;
	/* a warm process weighs words from the whole vocabulary, read once per generation */
	if (cache.terms_fresh && cache.vocab == NULL && cache.mails >= WARM_AFTER &&
	    !pd_store_kb_terms_all (store, &cache.vocab, &cache.vocab_docs, error))
		return FALSE;
	if (!weights_prefetch (store, qterms, error))
		return FALSE;
	for (i = 0; i < qterms->len; i++) {
		double w;
		Term *t;

		if (!term_weight (store, qterms->pdata[i], &w, error))
			return FALSE;
		if (w <= 0) {
			/* a word the knowledge base never uses: the question is partly about something
			 * it does not know, and it counts against the coverage; unless it is a typo of
			 * (or two run-together) words of an article, found when the article is scored */
			if (g_ascii_isdigit (((char *) qterms->pdata[i])[0]))
				continue; /* a number no article has (a size, a count) names no topic */
			w = UNKNOWN_SHARE * ln (1.0 + (double) cache.n_docs);
			total += w;
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
		g_ptr_array_add (known, t);
		n_real++;
	}
	if (n_real == 0 || max == 0)
		return TRUE;
	/* Candidates come from the title and topics columns: an article whose title and topics
	 * share no word of the question is never suggested (penalised () and the title's share
	 * keep its score under 0.6 * MIX * BODY_CREDIT < THRESHOLD), so looking for the words
	 * there alone loses nothing, and FTS5 ranks far fewer articles than over the bodies.
	 * And from the most distinctive words: a common word would make FTS5 rank much of the
	 * index and adds little to which articles are worth scoring. */
	common_weight = ln (1.0 + (double) cache.n_docs / MAX (COMMON_SHARE * cache.n_docs, COMMON_MIN));
	by_w = g_ptr_array_sized_new (known->len); /* borrows the terms */
	for (i = 0; i < known->len; i++)
		if (!((Term *) known->pdata[i])->typo) /* not in the index: finds nothing there */
			g_ptr_array_add (by_w, known->pdata[i]);
	g_ptr_array_sort (by_w, by_weight);
	for (i = 0; i < by_w->len && i < MATCH_TERMS; i++) {
		const Term *t = by_w->pdata[i];

		/* a word in more than a share of the articles finds too many to rank quickly */
		if (t->weight < common_weight)
			break;
		g_string_append_printf (match, "%s\"%s\"*", match->len ? " OR " : "{title topics} : (", t->term);
	}
	cache.mails++;
	if (match->len > 0) {
		g_string_append_c (match, ')');
		/* an OR: ranked from one scan of the index (store/kb-rank.c), the same candidates */
		cands = pd_store_kb_candidates_ranked (store, cache.key, cache.mails > WARM_AFTER,
		                                       match->str, NULL, CANDIDATES, STEMMER, error);
	} else {
		/* only common words: the articles that have all of (up to 3 of) them */
		char *phrases[4] = { NULL };

		for (i = 0; i < by_w->len && i < 3; i++) {
			phrases[i] = g_strdup_printf ("\"%s\"*", ((Term *) by_w->pdata[i])->term);
			g_string_append_printf (match, "%s%s", i ? " AND " : "", phrases[i]);
		}
		cands = pd_store_kb_candidates_ranked (store, cache.key, cache.mails > WARM_AFTER,
		                                       match->str, (const char *const *) phrases,
		                                       CANDIDATES, STEMMER, error);
		for (i = 0; i < 3; i++)
			g_free (phrases[i]);
	}
	if (cands == NULL)
		return FALSE;
	if (cands->len == 0)
		return TRUE;
	/* forgotten here, never while this mail's candidates point into the cache */
	if (g_hash_table_size (cache.articles) + cands->len > CACHED_ARTICLES)
		g_hash_table_remove_all (cache.articles);
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
		c->at = article_terms (c->a);
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
		c->bound = penalised (MIX * (head + BODY_CREDIT * rest) / total +
		                      (c->title_matches ? 1 - MIX : 0),
		                      c->title_matches + rest_n, c->title_matches, qterms->len);
	}
	qsort (scored, cands->len, sizeof *scored, by_bound);
	/* the title words of the candidates that may be scored, weighed in one query */
	{
		g_autoptr (GPtrArray) heads = g_ptr_array_new ();

		for (i = 0; i < cands->len && scored[i].bound >= THRESHOLD; i++)
			for (j = 0; j < scored[i].at->head->len; j++)
				g_ptr_array_add (heads, scored[i].at->head->pdata[j]);
		if (!weights_prefetch (store, heads, error)) {
			g_free (scored);
			return FALSE;
		}
	}
	for (i = 0; i < cands->len; i++) {
		Scored *c = &scored[i];
		double title_total = 0, title_hit = 0, score, covered = 0;
		guint title_matches = 0;
		GPtrArray *body;

		if (c->bound < THRESHOLD ||
		    (results->len >= max && c->bound < least_listed (results, max)))
			break; /* sorted by bound: no later candidate can get in either */
		body = article_body (c->a, c->at);
		for (j = 0; j < known->len; j++) {
			const Term *t = known->pdata[j];

			/* a word met by its spelling is weaker evidence than the word itself */
			double sure = t->typo ? SPELLING_CREDIT : 1.0;

			if (has_term (c->at->head, t)) {
				covered += sure * t->weight;
				c->matches++;
			} else if (has_term (body, t)) {
				covered += sure * BODY_CREDIT * t->weight;
				c->matches++;
			} else {
				double r;

				if (!related_ready) {
					if (!related_fetch (store, known, error)) {
						g_free (scored);
						return FALSE;
					}
					related_ready = TRUE;
				}
				r = related_credit (t, c->at->head, body);
				covered += r * t->weight;
				c->matches += r > 0;
			}
		}
		c->qshare = covered / total;
		for (j = 0; j < c->at->head->len; j++) {
			double w;
			guint k;
			gboolean in_q = FALSE;

			if (!term_weight (store, c->at->head->pdata[j], &w, error)) {
				g_free (scored);
				return FALSE;
			}
			title_total += w;
			for (k = 0; k < known->len && !in_q; k++)
				in_q = is_term (known->pdata[k], c->at->head->pdata[j]);
			if (in_q) {
				title_hit += w;
				title_matches++;
			}
		}
		/* the question explained by the article, and the article's title found in the question */
		score = penalised (MIX * c->qshare + (1 - MIX) * (title_total > 0 ? title_hit / title_total : 0),
		                   c->matches, title_matches, qterms->len);
		if (score >= THRESHOLD) {
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
	g_ptr_array_sort (results, by_score);
	if (results->len > max)
		g_ptr_array_set_size (results, max);
	return TRUE;
}

gboolean
pd_kb_suggest (PdStore *store, const char *text, guint max, GPtrArray **results_r,
               GError **error)
{
	GPtrArray *results = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_kb_suggestion_free);
	gboolean ok;

	g_mutex_lock (&cache.lock);
	ok = suggest_locked (store, text, max, results, error);
	g_mutex_unlock (&cache.lock);
	if (!ok) {
		g_ptr_array_unref (results);
		*results_r = NULL;
		return FALSE;
	}
	*results_r = results;
	return TRUE;
}

char *
pd_kb_question_words (const char *text, char **question_r)
{
	g_autofree char *q = question (text);
	g_autoptr (GPtrArray) ws = words (q);
	g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
	GString *out = g_string_new (NULL);
	guint i;

	for (i = 0; i < ws->len; i++) {
		const char *w = ws->pdata[i];

		if (strlen (w) < 2 || is_stop (w) || g_ascii_isdigit (w[0]) || w[0] == '#' ||
		    !g_hash_table_add (seen, (gpointer) w))
			continue;
		g_string_append_printf (out, "%s%s", out->len ? " " : "", w);
	}
	if (question_r != NULL)
		*question_r = g_steal_pointer (&q);
	return g_string_free (out, FALSE);
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

gboolean
pd_kb_related_update (PdStore *store, gboolean one, GError **error)
{
	return one ? pd_kb_related_follow (store, STEMMER, error)
	           : pd_kb_related_refresh (store, STEMMER, error);
}
