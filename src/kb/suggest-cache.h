/* suggest-cache.h - what the suggester keeps in memory across mails (suggest-cache.c), valid
 * for one generation of the knowledge base. Inside kb only; every call with pd_kb_cache.lock
 * held. */
#ifndef PD_KB_SUGGEST_CACHE_H
#define PD_KB_SUGGEST_CACHE_H

#include <glib.h>

#include "kb/synonyms.h"
#include "store/kb-rank.h"
#include "store/store.h"

#define PD_KB_WARM_AFTER 8          /* mails of one generation after which a process counts as warm */
#define PD_KB_CACHED_ARTICLES 20000 /* articles' terms forgotten all at once past this */

typedef struct {
	GPtrArray *head; /* the stems of the title and topics (the first n_title), then of the keywords */
	guint n_title;
	GPtrArray *keys; /* per keyword (db/039): a GPtrArray of its stems (pointing into head's) */
	GPtrArray *body; /* the stems of the body; NULL until needed */
	char *head_buf;  /* what split_stems () points into, or NULL */
	char *body_buf;
} PdKbArticleTerms;

/* One lock: suggestions are short, and threads rarely ask at the same moment. */
typedef struct {
	GMutex lock;
	char *key;            /* the generation's "salt:n"; NULL = empty */
	gboolean terms_fresh; /* kb_terms holds this generation's word counts */
	gint64 n_docs;        /* articles in the index */
	GHashTable *weights;  /* stem -> double* */
	GHashTable *articles; /* gint64* id -> PdKbArticleTerms* */
	GHashTable *related;  /* stem -> GPtrArray* of PdKbRelated (db/030), empty: none */
	guint mails;          /* suggested for in this generation (PD_KB_WARM_AFTER) */
	GPtrArray *vocab;     /* warm: every term of kb_terms, in byte order; NULL: not read */
	GArray *vocab_docs;   /* ... and the documents counted up to each (gint64, one more) */
	PdKbSynonyms *synonyms; /* the managed synonyms (db/038); NULL: not read */
} PdKbCache;

extern PdKbCache pd_kb_cache;

/* the natural logarithm of X > 0 (a series; keeps the build free of libm) */
double pd_kb_ln (double x);

/* Make the cache the one of STORE's current generation. */
gboolean pd_kb_cache_check (PdStore *store, GError **error);

/* TERM's weight: ln (1 + articles / articles that hold it), 0 when none does. */
gboolean pd_kb_term_weight (PdStore *store, const char *term, double *weight_r, GError **error);

/* Weigh those of TERMS (stems) not weighed yet, in one query when the word counts allow. */
gboolean pd_kb_weights_prefetch (PdStore *store, GPtrArray *terms, GError **error);

/* The terms of A's title and topics (cached); its body's wait for pd_kb_article_body (). */
PdKbArticleTerms *pd_kb_article_terms (const PdKbCandidate *a);
GPtrArray *pd_kb_article_body (const PdKbCandidate *a, PdKbArticleTerms *t);

/* the terms of a body in Markdown (stems.c) (transfer full) */
GPtrArray *pd_kb_body_terms (const char *markdown);

#endif
