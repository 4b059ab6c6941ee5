/* spelling.h - how the suggester (suggest.c) meets a customer's word that no article has:
 * a typo ("paralel"), or two words written as one ("multithreaded" for "multi-threaded"). */
#ifndef PD_KB_SPELLING_H
#define PD_KB_SPELLING_H

#include <glib.h>

/* Two stems are one word: equal, or one extends the other by a few letters and the shorter
 * is no mere fragment ("compress" ~ "compressor", but not "app" ~ "applicat"). */
gboolean pd_kb_same_word (const char *a, const char *b);

/* Whether STEM, a word no article has, is worth looking for by its spelling (long enough
 * that one changed letter still leaves a word, and not a number). */
gboolean pd_kb_spelling_worth (const char *stem);

/* Whether the unknown STEM is WORD misspelled: one letter left out, added, changed, or two
 * neighbours swapped (Damerau); the same word by pd_kb_same_word; or WORD shortened (its
 * first 4 or more letters: "stat" for "statistic"). */
gboolean pd_kb_spelled_like (const char *stem, const char *word);

/* Whether the unknown STEM is in WORDS (an article's stems): pd_kb_spelled_like one of them,
 * or two of them run together. */
gboolean pd_kb_spelled_in (GPtrArray *words, const char *stem);

#endif
