/* words.h - the words of a text as the suggester counts them (words.c). Inside kb only. */
#ifndef PD_KB_WORDS_H
#define PD_KB_WORDS_H

#include <glib.h>

/* The word rules' edition: the stems stored per article (db/027) hold only for the rules they
 * were made with. Change it with words.c's stop words, stem (), pd_kb_words () or pd_kb_terms (). */
#define PD_KB_STEMMER 2

/* whether W (lower case) is a stop word: a greeting, a filler, a word that names no topic */
gboolean pd_kb_is_stop (const char *w);

/* a light English stemmer: enough to meet plural, -ing, -ed and -ion forms (transfer full) */
char *pd_kb_stem (const char *w);

/* The words of TEXT: lower case, diacritics folded, split on anything not a letter or digit,
 * where a capital follows a small letter and where a letter follows a digit ("64bit"); a
 * number of one or two digits joined to a unit ("64-bit", "4GB") is marked with a leading
 * '#'. (transfer full) */
GPtrArray *pd_kb_words (const char *text);

/* the distinct stems of TEXT's content words, in order (transfer full) */
GPtrArray *pd_kb_terms (const char *text);

#endif
