/* learn.h - keywords learned from the customers' own words (learn.c): the questions nothing
 * was suggested for that an agent then answered with an article. */
#ifndef PD_KB_LEARN_H
#define PD_KB_LEARN_H

#include <glib.h>

#include "store/store.h"

typedef struct {
	gint64 article_id;
	char *slug;
	guint questions;  /* the missed questions an agent answered with it */
	GPtrArray *words; /* char*: the words learned for it, in most questions first */
	GArray *counts;   /* guint: ... in how many of them each */
} PdKbLearned;

void pd_kb_learned_free (PdKbLearned *l);

/* The words customers used for each article, where nothing was suggested and an agent sent
 * (or the customer marked) the article afterwards: a word in at least MIN of its questions,
 * in at least twice the share of its questions as of the other questions nothing was
 * suggested for (answered or not), not already in its title, topics or keywords, and not a word in more than a
 * quarter of the articles. Articles with no word learned are left out. (transfer full) */
GPtrArray *pd_kb_learn_keywords (PdStore *store, guint min, GError **error);

/* KEYWORDS (comma-separated, may be NULL) with WORDS added as one more keyword. */
char *pd_kb_keywords_with (const char *keywords, GPtrArray *words);

#endif
