/* kb.h - the knowledge base's SQL: articles with every version kept, their documents'
 * catalogue, and FTS5 search. Only rows and strings here; Markdown, formats and the
 * suggestion scoring live in src/kb/. Returned rows are (transfer full). One interface for
 * the files src/store/kb*.c, one job each: kb.c (articles, versions), kb-documents.c,
 * kb-index.c (the index and word counts kept), kb-terms.c (the counts read), kb-search.c,
 * kb-candidates.c (and kb-rank.c), kb-related.c, kb-style.c. */
#ifndef PD_STORE_KB_H
#define PD_STORE_KB_H

#include <glib.h>

#include "store/store.h"

typedef struct {
	gint64 id;
	char *slug;
	char *title;
	char *body;       /* Markdown subset */
	char *topics;     /* comma-separated, "" for none */
	char *keywords;   /* comma-separated words customers use for it, never shown; "" for none (db/039) */
	char *locale;     /* "en" */
	char *visibility; /* public | customer | internal */
	char *status;     /* draft | published */
	gint64 version;   /* current version number (1 = first) */
	gint64 created;
	gint64 updated;
	char *author;     /* for versions: who made it; NULL in article rows */
} PdKbArticle;

PdKbArticle *pd_kb_article_new (void);
PdKbArticle *pd_kb_article_copy (const PdKbArticle *a);
void pd_kb_article_free (PdKbArticle *a);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdKbArticle, pd_kb_article_free)

typedef struct {
	gint64 id;
	gint64 article_id;
	char *name;
	char *content_type;
	gint64 size;
	char *sha256;
	char *description;
	gint64 created;
} PdKbDocument;

void pd_kb_document_free (PdKbDocument *d);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdKbDocument, pd_kb_document_free)

typedef struct {
	gint64 id;
	char *slug;
	char *title;
	char *locale;
	char *visibility;
	char *status;
	char *snippet; /* body excerpt with matched words between [ and ] */
	double rank;   /* bm25 (lower is better), title weighted 10, topics 4, documents 2, body 1 */
} PdKbHit;

void pd_kb_hit_free (PdKbHit *h);

/* The article SLUG, or NULL with PD_ERROR_NOTFOUND. */
PdKbArticle *pd_store_kb_get (PdStore *store, const char *slug, GError **error);
/* Every article, by slug. */
GPtrArray *pd_store_kb_list (PdStore *store, GError **error);
/* How many articles there are. */
gboolean pd_store_kb_count (PdStore *store, gint64 *count_r, GError **error);

/* Create ARTICLE (by its slug) or update it. Nothing happens when every field is as stored
 * (CHANGED_R FALSE); otherwise a new version is recorded with AUTHOR and NOW. ID_R and
 * CHANGED_R may be NULL. Call inside a transaction. */
gboolean pd_store_kb_put (PdStore *store, const PdKbArticle *article, const char *author,
                          gint64 now, gint64 *id_r, gboolean *changed_r, GError **error);

/* Every version of article ID, oldest first (PdKbArticle rows with author set). */
GPtrArray *pd_store_kb_versions (PdStore *store, gint64 id, GError **error);

/* Catalogue a document of article DOC->article_id (replacing one of the same name).
 * CHANGED_R (may be NULL) is FALSE when the same entry was already there. */
gboolean pd_store_kb_document_put (PdStore *store, const PdKbDocument *doc, gint64 now,
                                   gboolean *changed_r, GError **error);
/* The documents of article ID, by name. */
GPtrArray *pd_store_kb_documents (PdStore *store, gint64 id, GError **error);

/* FTS5 search: MATCH_EXPR is an FTS5 query expression (the caller builds it; see
 * pd_kb_fts_query). LOCALE NULL = any; PUBLISHED_ONLY hides drafts. Best first. PdKbHit. */
GPtrArray *pd_store_kb_search (PdStore *store, const char *match_expr, const char *locale,
                               gboolean published_only, int limit, GError **error);

/* How many published articles match MATCH_EXPR (for term weights). */
gboolean pd_store_kb_match_count (PdStore *store, const char *match_expr, gint64 *count_r,
                                  GError **error);
/* How many published articles there are. */
gboolean pd_store_kb_published_count (PdStore *store, gint64 *count_r, GError **error);

/* For the suggester (fast at 100,000 articles): how many articles of any status match
 * MATCH_EXPR, read from the index alone; how many articles there are; up to LIMIT published,
 * not internal, articles among the best LIMIT matches by BM25 (no snippet), in no order, as
 * PdKbCandidate (below); and
 * the knowledge base's generation (db/019: "SALT:N", SALT random per database, N changed by
 * every article or document change). (transfer full) */
gboolean pd_store_kb_fts_count (PdStore *store, const char *match_expr, gint64 *count_r,
                                GError **error);
gboolean pd_store_kb_fts_size (PdStore *store, gint64 *count_r, GError **error);
GPtrArray *pd_store_kb_candidates (PdStore *store, const char *match_expr, int limit,
                                   int stemmer, GError **error);
gboolean pd_store_kb_generation (PdStore *store, char **generation_r, GError **error);

/* The word counts (db/019 kb_terms): copy them from the FTS5 index unless they are current
 * (call after changing articles, in the same transaction); whether they are those of GENERATION; and how many
 * articles hold words starting with PREFIX (a sum over the words: an article with two of
 * them counts twice). */
gboolean pd_store_kb_terms_refresh (PdStore *store, GError **error);
/* Merge the FTS5 index into one segment (after a large import): the same index, and a query
 * reads each word's list from one place instead of several (the suggester's candidate query
 * costs about 0.2 ms less per mail at 100,000 articles). */
gboolean pd_store_kb_optimize (PdStore *store, GError **error);
/* Re-indexing an article keeps current word counts current (its words only); before
 * re-indexing many, mark them out of date instead, so one copy at the end does it all. */
gboolean pd_store_kb_terms_stale (PdStore *store, GError **error);
/* How many articles the index holds: read with the word counts when they are current
 * (db/024), else counted. */
gboolean pd_store_kb_terms_size (PdStore *store, gint64 *count_r, GError **error);
gboolean pd_store_kb_terms_fresh (PdStore *store, const char *generation, gboolean *fresh_r,
                                  GError **error);
gboolean pd_store_kb_terms_docs (PdStore *store, const char *prefix, gint64 *docs_r,
                                 GError **error);

/* A candidate of pd_store_kb_candidates: the stored stems (db/027) when they hold for the
 * article's version and the suggester's word rules STEMMER, else its topics and Markdown
 * body for the suggester to tokenise (the other pair is then NULL). */
typedef struct {
	gint64 id;
	char *slug;
	char *title;
	char *head_stems; /* the title's and topics' stems, space-separated, then each keyword's
	                   * after a "|" (stems.c) */
	char *body_stems; /* the body's */
	char *topics;
	char *body;
	char *keywords;   /* with topics and body: the keywords (db/039) */
} PdKbCandidate;

void pd_kb_candidate_free (PdKbCandidate *c);

/* Whether article ID's stored stems hold for its current version and STEMMER (CURRENT_R);
 * store them (HEAD, BODY: space-separated stems) for its current version. */
gboolean pd_store_kb_stems_current (PdStore *store, gint64 id, int stemmer, gboolean *current_r,
                                    GError **error);
gboolean pd_store_kb_stems_put (PdStore *store, gint64 id, int stemmer, const char *head,
                                const char *body, GError **error);

/* What the suggester checks first, in one query: the generation (as pd_store_kb_generation)
 * and the number of indexed articles when the word counts are current, else -1. And the word
 * counts of many PREFIXES (NULL-terminated; as pd_store_kb_terms_docs) in one query, into
 * DOCS_R[i]. */
gboolean pd_store_kb_state (PdStore *store, char **generation_r, gint64 *docs_r, GError **error);
gboolean pd_store_kb_terms_docs_many (PdStore *store, const char *const *prefixes, gint64 *docs_r,
                                      GError **error);
/* Every word count (kb_terms), in the order of the terms (SQLite's BINARY: bytes): TERMS_R
 * (strings) and, into DOCS_R (gint64), the counts so far, one more than TERMS_R: the terms
 * from i to j (excluded) are in DOCS_R[j] - DOCS_R[i] documents (a sum over forms). */
gboolean pd_store_kb_terms_all (PdStore *store, GPtrArray **terms_r, GArray **docs_r,
                                GError **error);

/* Synonyms learned from the articles (db/030 kb_related, src/kb/related.c). STEMS_EACH calls
 * FUNC with the stored stems (head, body) of every suggestable article (published, not
 * internal) whose row holds for STEMMER; FALSE from FUNC stops with ERROR set by it.
 * RELATED_REPLACE: the table becomes ROWS (PdKbRelated). RELATED_FOR: the rows whose term is
 * one of TERMS (NULL-terminated), in one query. */
typedef struct {
	char *term;
	char *related;
	double strength;
} PdKbRelated;

void pd_kb_related_free (PdKbRelated *r);
typedef gboolean (*PdKbStemsFunc) (const char *head, const char *body, gpointer data,
                                   GError **error);
gboolean pd_store_kb_stems_each (PdStore *store, int stemmer, PdKbStemsFunc func, gpointer data,
                                 GError **error);
gboolean pd_store_kb_related_replace (PdStore *store, GPtrArray *rows, GError **error);
/* Whether kb_related was learned from the current generation with word rules STEMMER
 * (CURRENT_R); mark it so. */
gboolean pd_store_kb_related_current (PdStore *store, int stemmer, gboolean *current_r,
                                      GError **error);
gboolean pd_store_kb_related_mark (PdStore *store, int stemmer, GError **error);
GPtrArray *pd_store_kb_related_for (PdStore *store, const char *const *terms, GError **error);

/* The article with ID, or NULL with PD_ERROR_NOTFOUND. */
PdKbArticle *pd_store_kb_get_by_id (PdStore *store, gint64 id, GError **error);

/* The web view's style parameters (db/013): set KEY to VALUE, or remove it when VALUE is NULL. */
gboolean pd_store_kb_style_set (PdStore *store, const char *key, const char *value,
                                GError **error);
/* Every style parameter: key -> value (transfer full; both strings owned by the table). */
GHashTable *pd_store_kb_style_get (PdStore *store, GError **error);

#endif
