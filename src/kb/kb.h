/* kb.h - the knowledge base's logic over the store: article checks, bulk import and export
 * (XML validated against the compiled-in kb.xsd, CSV, a folder of Markdown files with front
 * matter), search queries, and suggestions for a customer's mail. Layer: kb -> store/mail -> core. */
#ifndef PD_KB_H
#define PD_KB_H

#include <glib.h>

#include "store/kb.h"
#include "store/store.h"

/* Check an article's fields (slug, title, locale, visibility, status) before it is stored;
 * WHERE ("file:line") prefixes the error when not NULL. Normalises the body (trailing white
 * space, leading blank lines) and topics ("a, b" -> "a, b") in place. */
gboolean pd_kb_article_check (PdKbArticle *a, const char *where, GError **error);

/* An FTS5 query for WORDS typed by a person: every word must match (prefix for the last
 * one), quoted so that no character is FTS5 syntax. NULL when WORDS has no word. (transfer full) */
char *pd_kb_fts_query (const char *words);

/* Store BYTES as a document NAME of article ARTICLE_ID under ATTACH_DIR (content-addressed)
 * and catalogue it. TYPE NULL guesses from the name and bytes. */
gboolean pd_kb_attach (PdStore *store, const char *attach_dir, gint64 article_id,
                       const char *name, const char *type, const char *description,
                       GBytes *bytes, gint64 now, gboolean *changed_r, GError **error);

typedef struct {
	guint articles;  /* read from the input */
	guint created;
	guint updated;   /* got a new version */
	guint unchanged;
	guint documents; /* document entries added or changed */
} PdKbImportStats;

/* Import PATH: a directory of *.md files, or a file *.xml, *.csv or *.md. Everything in ONE
 * transaction: on any error nothing is applied, and the error names the file and line.
 * Articles are matched by slug; an unchanged one stays as it is. */
gboolean pd_kb_import (PdStore *store, const char *attach_dir, const char *path,
                       const char *author, PdKbImportStats *stats_r, GError **error);

typedef enum { PD_KB_FORMAT_XML, PD_KB_FORMAT_CSV, PD_KB_FORMAT_MD } PdKbFormat;

gboolean pd_kb_format_parse (const char *name, PdKbFormat *format_r, GError **error);
/* Export every article to PATH: XML or CSV to a file ("-" = stdout), Markdown to a directory
 * (created; one SLUG.md each). XML carries the documents too (base64). */
gboolean pd_kb_export (PdStore *store, const char *attach_dir, PdKbFormat format,
                       const char *path, GError **error);

/* The compiled-in XML schema of the import format. (transfer none) */
GBytes *pd_kb_xsd (GError **error);

typedef struct {
	char *slug;
	char *title;
	double score; /* 0..1: share of the best possible match */
	gint64 id;    /* the article's id (pd_kb_suggest only) */
} PdKbSuggestion;

void pd_kb_suggestion_free (PdKbSuggestion *s);

/* Up to MAX published articles that answer TEXT (a customer's mail: the subject on its first
 * line if wanted, then the body; quotes, signatures and greetings are ignored), best first,
 * none unless the best ones pass the gate (pd_kb_suggest_gate). RESULTS_R: PdKbSuggestion*,
 * maybe empty. Stores nothing. PD_KB_FEATURES set: every candidate's figures on stderr, for
 * tests/kb-gate-fit.py. (transfer full) */
gboolean pd_kb_suggest (PdStore *store, const char *text, guint max, GPtrArray **results_r,
                        GError **error);

/* Whether a mail gets any suggestion, from the scores of its BEST candidate and the SECOND
 * (0 if none). */
gboolean pd_kb_suggest_gate (double best, double second);

/* The scale of the suggester's two shares (issue 11, kbgen), UNIT being ln (1 + articles), the
 * weight of a word one article has: the question's weight (TOTAL) one article can be expected to
 * explain, and the share of an article's title of weight TOTAL that HIT of it is. */
double pd_kb_question_reach (double total, double unit);
double pd_kb_title_share (double hit, double total, double unit);

/* Store the suggester's stems of article ID (db/027), just stored as A, unless those stored
 * hold for its version: call after pd_store_kb_put, in its transaction. Without them
 * pd_kb_suggest tokenises the article itself (slower, same suggestions). */
gboolean pd_kb_stems_save (PdStore *store, gint64 id, const PdKbArticle *a, GError **error);

/* What pd_kb_stems_save stores as an article's head: the distinct stems of TITLE and TOPICS,
 * space-separated, then each of KEYWORDS' (comma-separated, db/039) after a "|" word:
 * "access random compress stream zlib | jump middle | seek offset". (transfer full) */
char *pd_kb_head_stems (const char *title, const char *topics, const char *keywords);

/* Learn the knowledge base's own synonyms again (db/030, kb/related.c) from the stored stems,
 * in the transaction that changed articles, after pd_kb_stems_save: when ONE is FALSE (an
 * import) unless already learned from this generation and word rules, and after ONE article's
 * change only while the knowledge base is small. */
gboolean pd_kb_related_update (PdStore *store, gboolean one, GError **error);

/* The question in a mail's TEXT as pd_kb_suggest sees it (greetings, quotes and signatures
 * removed) in *QUESTION_R (may be NULL), and its content words: lower case, diacritics folded,
 * no stop words, each once, space-separated; "" when there is none. For counting the questions
 * nothing answered without keeping the mail. (transfer full) */
char *pd_kb_question_words (const char *text, char **question_r);

/* The baseline for measurements: plain FTS5 BM25 over every word of TEXT, no threshold. */
gboolean pd_kb_suggest_plain (PdStore *store, const char *text, guint max,
                              GPtrArray **results_r, GError **error);

#endif
