/* synonyms.h - the search synonyms the team manages (db/038, `kb synonym`): groups of phrases
 * that mean the same, and where a customer's question uses one of them (synonyms.c). */
#ifndef PD_KB_SYNONYMS_H
#define PD_KB_SYNONYMS_H

#include <glib.h>

/* PHRASES (N of them, as typed) as one stored group: each lower case, white space collapsed,
 * ", " between them, each once. PD_ERROR_USAGE unless there are two or more different
 * phrases, none holds a comma, and each has a word the suggester counts (not only stop words
 * or short numbers). (transfer full) */
char *pd_kb_synonym_normalise (const char *const *phrases, guint n, GError **error);

typedef struct _PdKbSynonyms PdKbSynonyms;

/* The stored groups (each "a, b, c") ready to be looked for. */
PdKbSynonyms *pd_kb_synonyms_new (const char *const *groups, guint n);
void pd_kb_synonyms_free (PdKbSynonyms *s);
guint pd_kb_synonyms_size (const PdKbSynonyms *s);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdKbSynonyms, pd_kb_synonyms_free)

typedef struct {
	GPtrArray *origin; /* the stems (char*) of the question's content words the phrase holds */
	GPtrArray *alts;   /* the other phrases of its group: GPtrArray* of stems, none empty */
} PdKbSynonymMatch;

void pd_kb_synonym_match_free (PdKbSynonymMatch *m);

/* Where QUESTION (the isolated question) says a phrase of a group: its words stemmed, in a
 * row. One match per phrase met, in the groups' order. (transfer full) */
GPtrArray *pd_kb_synonyms_find (const PdKbSynonyms *s, const char *question);

#endif
