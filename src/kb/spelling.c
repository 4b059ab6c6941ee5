/* spelling.c - a customer's word that no article has, met anyway: one typo away from an
 * article's word, or two of its words written as one. Only the words of the articles being
 * scored are compared (a few hundred at most), so no dictionary is loaded: the cost stays
 * with the mails that have such words, and a fresh process pays nothing to prepare. */
#include <string.h>

#include "kb/spelling.h"

#define TYPO_MIN 5  /* the shortest word whose typo is still recognisable */
#define ABBREV_MIN 4 /* the shortest word taken for a longer one's start */
#define PART_MIN 3  /* the shortest part of two words written as one */

gboolean
pd_kb_same_word (const char *a, const char *b)
{
	gsize la, lb;

	/* most pairs differ at once: no lengths needed (either prefix of the other starts alike) */
	if (a[0] != b[0])
		return FALSE;
	la = strlen (a);
	lb = strlen (b);

	if (la > lb) {
		const char *t = a;
		gsize lt = la;
		a = b, la = lb;
		b = t, lb = lt;
	}
	return g_str_has_prefix (b, a) && (la == lb || (la >= 4 && lb - la <= 3));
}

gboolean
pd_kb_spelling_worth (const char *stem)
{
	return strlen (stem) >= PART_MIN * 2 - 2 && !g_ascii_isdigit (stem[0]);
}

/* whether A and B (lengths LA, LB) differ by one edit: an insertion, a deletion, a
 * substitution or the swap of two neighbours */
static gboolean
one_edit (const char *a, gsize la, const char *b, gsize lb)
{
	gsize i = 0;

	if (la > lb)
		return one_edit (b, lb, a, la);
	if (lb - la > 1)
		return FALSE;
	while (i < la && a[i] == b[i])
		i++;
	if (i == la)
		return lb - la == 1; /* one letter added at the end (equal: not a typo) */
	if (la == lb) {
		/* a changed letter, or two swapped */
		if (strcmp (a + i + 1, b + i + 1) == 0)
			return TRUE;
		return i + 1 < la && a[i] == b[i + 1] && a[i + 1] == b[i] &&
		       strcmp (a + i + 2, b + i + 2) == 0;
	}
	return strcmp (a + i, b + i + 1) == 0; /* a letter left out of A */
}

gboolean
pd_kb_spelled_like (const char *stem, const char *word)
{
	gsize ls = strlen (stem), lw = strlen (word);

	if (pd_kb_same_word (stem, word))
		return TRUE;
	/* the article's word shortened: "stats" for "statistics", "config" for "configuration" */
	if (lw >= ABBREV_MIN && lw < ls && strncmp (stem, word, lw) == 0)
		return TRUE;
	return MIN (ls, lw) >= TYPO_MIN && one_edit (stem, ls, word, lw);
}

/* whether WORDS holds PART, the end of a run-together word (stemmed with it: "thread" may
 * stand for "threaded") */
static gboolean
holds_part (GPtrArray *words, const char *part, gsize len)
{
	guint i;

	for (i = 0; i < words->len; i++) {
		const char *w = words->pdata[i];

		if (strncmp (w, part, len) == 0 && (w[len] == '\0' || (len >= 4 && strlen (w) - len <= 3)))
			return TRUE;
	}
	return FALSE;
}

gboolean
pd_kb_spelled_in (GPtrArray *words, const char *stem)
{
	gsize n = strlen (stem), k;
	guint i;

	for (i = 0; i < words->len; i++)
		if (pd_kb_spelled_like (stem, words->pdata[i]))
			return TRUE;
	/* "bigendian" = "big" + "endian", when the article has both: each of its words that starts
	 * STEM, then the rest (one pass over the words each, not one per split) */
	for (i = 0; i < words->len; i++) {
		const char *w = words->pdata[i];

		k = strlen (w);
		if (k >= PART_MIN && k + PART_MIN <= n && strncmp (stem, w, k) == 0 &&
		    holds_part (words, stem + k, n - k))
			return TRUE;
	}
	return FALSE;
}
