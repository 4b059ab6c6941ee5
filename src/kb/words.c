/* words.c - the words of a text as the suggester counts them: lower case, diacritics folded,
 * split where a word's parts meet ("FlateDecode", "64bit"), stemmed lightly, stop words left
 * out. The same rules make the stems stored per article (db/027, stems.c) and the question's. */
#include <string.h>

#include "kb/words.h"

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

gboolean
pd_kb_is_stop (const char *w)
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
char *
pd_kb_stem (const char *w)
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
 * with '#' for pd_kb_terms (), which keeps it, where other short numbers (versions, counts) go. */
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

GPtrArray *
pd_kb_words (const char *text)
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
GPtrArray *
pd_kb_terms (const char *text)
{
	g_autoptr (GPtrArray) ws = pd_kb_words (text);
	GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
	guint i;

	for (i = 0; i < ws->len; i++) {
		const char *w = ws->pdata[i];
		char *s;

		if (w[0] == '#') /* a short number joined to a unit (word_add ()) */
			w++;
		else if (strlen (w) < 2 || pd_kb_is_stop (w) || (g_ascii_isdigit (w[0]) && strlen (w) < 3))
			continue;
		/* a number is no word to stem ("2000" is not "200"); a stop word's other forms
		 * ("needs", "looks") are stop words too */
		s = g_ascii_isdigit (w[0]) ? g_strdup (w) : pd_kb_stem (w);
		if (pd_kb_is_stop (s) || g_hash_table_contains (seen, s)) {
			g_free (s);
			continue;
		}
		g_hash_table_add (seen, s);
		g_ptr_array_add (out, s);
	}
	return out;
}
