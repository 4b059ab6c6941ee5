/* kb.c - the knowledge base's SQL: articles and their versions, the documents' catalogue and
 * the FTS5 index (kept here, in step with every write). It does not parse Markdown or any
 * import format, and never touches the file system (document bytes are stored by src/kb/). */
#include <string.h>

#include "core/error.h"
#include "store/kb.h"
#include "store/store-private.h"

PdKbArticle *
pd_kb_article_new (void)
{
	return g_new0 (PdKbArticle, 1);
}

PdKbArticle *
pd_kb_article_copy (const PdKbArticle *a)
{
	PdKbArticle *c = g_new0 (PdKbArticle, 1);

	*c = *a;
	c->slug = g_strdup (a->slug);
	c->title = g_strdup (a->title);
	c->body = g_strdup (a->body);
	c->topics = g_strdup (a->topics);
	c->locale = g_strdup (a->locale);
	c->visibility = g_strdup (a->visibility);
	c->status = g_strdup (a->status);
	c->author = g_strdup (a->author);
	return c;
}

void
pd_kb_article_free (PdKbArticle *a)
{
	if (a == NULL)
		return;
	g_free (a->slug);
	g_free (a->title);
	g_free (a->body);
	g_free (a->topics);
	g_free (a->locale);
	g_free (a->visibility);
	g_free (a->status);
	g_free (a->author);
	g_free (a);
}

void
pd_kb_document_free (PdKbDocument *d)
{
	if (d == NULL)
		return;
	g_free (d->name);
	g_free (d->content_type);
	g_free (d->sha256);
	g_free (d->description);
	g_free (d);
}

void
pd_kb_hit_free (PdKbHit *h)
{
	if (h == NULL)
		return;
	g_free (h->slug);
	g_free (h->title);
	g_free (h->locale);
	g_free (h->visibility);
	g_free (h->status);
	g_free (h->snippet);
	g_free (h);
}

#define ARTICLE_COLS \
	"id, slug, title, body, topics, locale, visibility, status, version, created, updated"

gpointer
pd_store_kb_article_from (sqlite3_stmt *stmt)
{
	PdKbArticle *a = pd_kb_article_new ();

	a->id = sqlite3_column_int64 (stmt, 0);
	a->slug = pd_col_text (stmt, 1);
	a->title = pd_col_text (stmt, 2);
	a->body = pd_col_text (stmt, 3);
	a->topics = pd_col_text (stmt, 4);
	a->locale = pd_col_text (stmt, 5);
	a->visibility = pd_col_text (stmt, 6);
	a->status = pd_col_text (stmt, 7);
	a->version = sqlite3_column_int64 (stmt, 8);
	a->created = sqlite3_column_int64 (stmt, 9);
	a->updated = sqlite3_column_int64 (stmt, 10);
	return a;
}

/* The one article STMT (bound) selects, or NULL with PD_ERROR_NOTFOUND naming WHAT. */
static PdKbArticle *
article_one (PdStore *store, sqlite3_stmt *stmt, const char *what, GError **error)
{
	PdKbArticle *a = NULL;
	int rc = pd_store_step (store, stmt, error);

	if (rc == SQLITE_ROW)
		a = pd_store_kb_article_from (stmt);
	else if (rc == SQLITE_DONE)
		g_set_error (error, PD_ERROR, PD_ERROR_NOTFOUND, "no article %s", what);
	sqlite3_reset (stmt);
	return a;
}

PdKbArticle *
pd_store_kb_get (PdStore *store, const char *slug, GError **error)
{
	sqlite3_stmt *stmt =
		pd_store_stmt (store, "SELECT " ARTICLE_COLS " FROM kb_articles WHERE slug = ?", error);
	g_autofree char *what = g_strdup_printf ("\"%s\"", slug);

	if (stmt == NULL)
		return NULL;
	pd_bind_text (stmt, 1, slug);
	return article_one (store, stmt, what, error);
}

GPtrArray *
pd_store_kb_list (PdStore *store, GError **error)
{
	sqlite3_stmt *stmt =
		pd_store_stmt (store, "SELECT " ARTICLE_COLS " FROM kb_articles ORDER BY slug", error);

	if (stmt == NULL)
		return NULL;
	return pd_store_collect (store, stmt, pd_store_kb_article_from,
	                         (GDestroyNotify) pd_kb_article_free, error);
}

gboolean
pd_store_kb_count (PdStore *store, gint64 *count_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (store, "SELECT count(*) FROM kb_articles", error);

	return stmt != NULL && pd_store_lookup_int (store, stmt, count_r, NULL, error);
}

gboolean
pd_store_kb_published_count (PdStore *store, gint64 *count_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "SELECT count(*) FROM kb_articles WHERE status = 'published'", error);

	return stmt != NULL && pd_store_lookup_int (store, stmt, count_r, NULL, error);
}

/* The one-row FTS5 table (same tokenizer as kb_fts) whose vocabulary is the set of words of
 * one article: kb_terms is kept by adding and taking away one article's words, not copied
 * from the whole index again (db/019). A temporary table: per connection, never stored. */
static gboolean
one_ready (PdStore *store, GError **error)
{
	char *msg = NULL;
	int rc = sqlite3_exec (
		store->db,
		"CREATE VIRTUAL TABLE IF NOT EXISTS temp.kb_one USING fts5 ("
		" title, body, topics, docs, tokenize = \"unicode61 remove_diacritics 2\");"
		"CREATE VIRTUAL TABLE IF NOT EXISTS temp.kb_one_vocab USING fts5vocab (temp, kb_one, 'row');"
		"DELETE FROM temp.kb_one;",
		NULL, NULL, &msg);

	if (rc != SQLITE_OK) {
		pd_store_set_error (store, rc, "kb_one", error);
		sqlite3_free (msg);
		return FALSE;
	}
	return TRUE;
}

/* Add DELTA (+1 or -1) to the counts of the words of index row ID of kb_fts (none if the row
 * does not exist). */
static gboolean
count_words (PdStore *store, gint64 id, int delta, GError **error)
{
	sqlite3_stmt *fill, *upd, *drop;

	if (!one_ready (store, error))
		return FALSE;
	fill = pd_store_stmt (store,
	                      "INSERT INTO temp.kb_one (title, body, topics, docs)"
	                      " SELECT title, body, topics, docs FROM kb_fts WHERE rowid = ?",
	                      error);
	if (fill == NULL)
		return FALSE;
	pd_bind_int (fill, 1, id);
	if (!pd_store_exec_stmt (store, fill, error))
		return FALSE;
	upd = pd_store_stmt (store,
	                     "INSERT INTO kb_terms (term, docs) SELECT term, ?1 FROM temp.kb_one_vocab WHERE true"
	                     " ON CONFLICT (term) DO UPDATE SET docs = docs + ?1",
	                     error);
	if (upd == NULL)
		return FALSE;
	pd_bind_int (upd, 1, delta);
	if (!pd_store_exec_stmt (store, upd, error))
		return FALSE;
	drop = pd_store_stmt (store, "DELETE FROM kb_terms WHERE docs <= 0 AND term IN"
	                      " (SELECT term FROM temp.kb_one_vocab)", error);
	return drop != NULL && pd_store_exec_stmt (store, drop, error);
}

/* Rebuild the index row of article ID from the article and its documents; a new generation
 * of the knowledge base (db/019: what the suggester keeps in memory is out of date). When
 * kb_terms was current it stays so: the old row's words are taken away, the new row's added. */
static gboolean
reindex (PdStore *store, gint64 id, GError **error)
{
	sqlite3_stmt *del = pd_store_stmt (store, "DELETE FROM kb_fts WHERE rowid = ?", error);
	sqlite3_stmt *ins, *gen, *state;
	g_autofree char *generation = NULL;
	gboolean fresh;
	gint64 existed = 0;

	if (del == NULL)
		return FALSE;
	if (!pd_store_kb_generation (store, &generation, error) ||
	    !pd_store_kb_terms_fresh (store, generation, &fresh, error))
		return FALSE;
	if (fresh) {
		sqlite3_stmt *had = pd_store_stmt (store, "SELECT count(*) FROM kb_fts WHERE rowid = ?", error);

		if (had == NULL)
			return FALSE;
		pd_bind_int (had, 1, id);
		if (!pd_store_lookup_int (store, had, &existed, NULL, error) ||
		    !count_words (store, id, -1, error))
			return FALSE;
	}
	gen = pd_store_stmt (store, "UPDATE kb_generation SET n = n + 1", error);
	if (gen == NULL || !pd_store_exec_stmt (store, gen, error))
		return FALSE;
	pd_bind_int (del, 1, id);
	if (!pd_store_exec_stmt (store, del, error))
		return FALSE;
	ins = pd_store_stmt (
		store,
		"INSERT INTO kb_fts (rowid, title, body, topics, docs, locale)"
		" SELECT a.id, a.title, a.body, a.topics,"
		" (SELECT coalesce (group_concat (d.name || ' ' || d.description, ' '), '')"
		"  FROM kb_documents d WHERE d.article_id = a.id), a.locale"
		" FROM kb_articles a WHERE a.id = ?",
		error);
	if (ins == NULL)
		return FALSE;
	pd_bind_int (ins, 1, id);
	if (!pd_store_exec_stmt (store, ins, error))
		return FALSE;
	if (!fresh)
		return TRUE; /* pd_store_kb_terms_refresh () copies them all */
	if (!count_words (store, id, +1, error))
		return FALSE;
	state = pd_store_stmt (store,
	                       "UPDATE kb_generation SET terms = salt || ':' || n,"
	                       " docs = CASE WHEN docs < 0 THEN -1 ELSE docs + ?1 END",
	                       error);
	if (state == NULL)
		return FALSE;
	pd_bind_int (state, 1, existed ? 0 : 1);
	return pd_store_exec_stmt (store, state, error);
}

gboolean
pd_store_kb_optimize (PdStore *store, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (store, "INSERT INTO kb_fts (kb_fts) VALUES ('optimize')", error);

	return stmt != NULL && pd_store_exec_stmt (store, stmt, error);
}

gboolean
pd_store_kb_terms_stale (PdStore *store, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (store, "UPDATE kb_generation SET terms = ''", error);

	return stmt != NULL && pd_store_exec_stmt (store, stmt, error);
}

static gboolean
same (const char *a, const char *b)
{
	return g_strcmp0 (a ? a : "", b ? b : "") == 0;
}

static gboolean
add_version (PdStore *store, gint64 id, gint64 version, const PdKbArticle *a,
             const char *author, gint64 now, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"INSERT INTO kb_versions (article_id, version, title, body, topics, locale,"
		" visibility, status, author, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, id);
	pd_bind_int (stmt, 2, version);
	pd_bind_text (stmt, 3, a->title);
	pd_bind_text (stmt, 4, a->body);
	pd_bind_text (stmt, 5, a->topics ? a->topics : "");
	pd_bind_text (stmt, 6, a->locale);
	pd_bind_text (stmt, 7, a->visibility);
	pd_bind_text (stmt, 8, a->status);
	pd_bind_text (stmt, 9, author ? author : "");
	pd_bind_int (stmt, 10, now);
	return pd_store_exec_stmt (store, stmt, error);
}

gboolean
pd_store_kb_put (PdStore *store, const PdKbArticle *a, const char *author, gint64 now,
                 gint64 *id_r, gboolean *changed_r, GError **error)
{
	g_autoptr (GError) local = NULL;
	g_autoptr (PdKbArticle) old = pd_store_kb_get (store, a->slug, &local);
	sqlite3_stmt *stmt;
	gint64 id, version;

	if (changed_r)
		*changed_r = FALSE;
	if (old == NULL && !g_error_matches (local, PD_ERROR, PD_ERROR_NOTFOUND)) {
		g_propagate_error (error, g_steal_pointer (&local));
		return FALSE;
	}
	if (old != NULL && same (old->title, a->title) && same (old->body, a->body) &&
	    same (old->topics, a->topics) && same (old->locale, a->locale) &&
	    same (old->visibility, a->visibility) && same (old->status, a->status)) {
		if (id_r)
			*id_r = old->id;
		return TRUE;
	}
	if (old == NULL) {
		stmt = pd_store_stmt (store,
		                      "INSERT INTO kb_articles (slug, title, body, topics, locale,"
		                      " visibility, status, version, created, updated)"
		                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8, ?8)",
		                      error);
		version = 1;
	} else {
		stmt = pd_store_stmt (store,
		                      "UPDATE kb_articles SET title = ?2, body = ?3, topics = ?4,"
		                      " locale = ?5, visibility = ?6, status = ?7,"
		                      " version = version + 1, updated = ?8 WHERE slug = ?1",
		                      error);
		version = old->version + 1;
	}
	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, a->slug);
	pd_bind_text (stmt, 2, a->title);
	pd_bind_text (stmt, 3, a->body);
	pd_bind_text (stmt, 4, a->topics ? a->topics : "");
	pd_bind_text (stmt, 5, a->locale);
	pd_bind_text (stmt, 6, a->visibility);
	pd_bind_text (stmt, 7, a->status);
	pd_bind_int (stmt, 8, now);
	if (!pd_store_exec_stmt (store, stmt, error))
		return FALSE;
	id = old ? old->id : sqlite3_last_insert_rowid (store->db);
	if (!add_version (store, id, version, a, author, now, error) || !reindex (store, id, error))
		return FALSE;
	if (id_r)
		*id_r = id;
	if (changed_r)
		*changed_r = TRUE;
	return TRUE;
}

static gpointer
version_from (sqlite3_stmt *stmt)
{
	PdKbArticle *a = pd_kb_article_new ();

	a->id = sqlite3_column_int64 (stmt, 0);
	a->version = sqlite3_column_int64 (stmt, 1);
	a->title = pd_col_text (stmt, 2);
	a->body = pd_col_text (stmt, 3);
	a->topics = pd_col_text (stmt, 4);
	a->locale = pd_col_text (stmt, 5);
	a->visibility = pd_col_text (stmt, 6);
	a->status = pd_col_text (stmt, 7);
	a->author = pd_col_text (stmt, 8);
	a->created = a->updated = sqlite3_column_int64 (stmt, 9);
	a->slug = pd_col_text (stmt, 10);
	return a;
}

GPtrArray *
pd_store_kb_versions (PdStore *store, gint64 id, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT v.article_id, v.version, v.title, v.body, v.topics, v.locale, v.visibility,"
		" v.status, v.author, v.created, a.slug FROM kb_versions v"
		" JOIN kb_articles a ON a.id = v.article_id WHERE v.article_id = ? ORDER BY v.version",
		error);

	if (stmt == NULL)
		return NULL;
	pd_bind_int (stmt, 1, id);
	return pd_store_collect (store, stmt, version_from, (GDestroyNotify) pd_kb_article_free,
	                         error);
}

static gpointer
document_from (sqlite3_stmt *stmt)
{
	PdKbDocument *d = g_new0 (PdKbDocument, 1);

	d->id = sqlite3_column_int64 (stmt, 0);
	d->article_id = sqlite3_column_int64 (stmt, 1);
	d->name = pd_col_text (stmt, 2);
	d->content_type = pd_col_text (stmt, 3);
	d->size = sqlite3_column_int64 (stmt, 4);
	d->sha256 = pd_col_text (stmt, 5);
	d->description = pd_col_text (stmt, 6);
	d->created = sqlite3_column_int64 (stmt, 7);
	return d;
}

GPtrArray *
pd_store_kb_documents (PdStore *store, gint64 id, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT id, article_id, name, content_type, size, sha256, description, created"
		" FROM kb_documents WHERE article_id = ? ORDER BY name",
		error);

	if (stmt == NULL)
		return NULL;
	pd_bind_int (stmt, 1, id);
	return pd_store_collect (store, stmt, document_from, (GDestroyNotify) pd_kb_document_free,
	                         error);
}

gboolean
pd_store_kb_document_put (PdStore *store, const PdKbDocument *doc, gint64 now,
                          gboolean *changed_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT count(*) FROM kb_documents WHERE article_id = ? AND name = ?"
		" AND content_type = ? AND sha256 = ? AND description = ?",
		error);
	gint64 n;

	if (changed_r)
		*changed_r = FALSE;
	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, doc->article_id);
	pd_bind_text (stmt, 2, doc->name);
	pd_bind_text (stmt, 3, doc->content_type);
	pd_bind_text (stmt, 4, doc->sha256);
	pd_bind_text (stmt, 5, doc->description ? doc->description : "");
	if (!pd_store_lookup_int (store, stmt, &n, NULL, error))
		return FALSE;
	if (n > 0)
		return TRUE;
	stmt = pd_store_stmt (
		store,
		"INSERT INTO kb_documents (article_id, name, content_type, size, sha256,"
		" description, created) VALUES (?, ?, ?, ?, ?, ?, ?)"
		" ON CONFLICT (article_id, name) DO UPDATE SET content_type = excluded.content_type,"
		" size = excluded.size, sha256 = excluded.sha256, description = excluded.description,"
		" created = excluded.created",
		error);
	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, doc->article_id);
	pd_bind_text (stmt, 2, doc->name);
	pd_bind_text (stmt, 3, doc->content_type);
	pd_bind_int (stmt, 4, doc->size);
	pd_bind_text (stmt, 5, doc->sha256);
	pd_bind_text (stmt, 6, doc->description ? doc->description : "");
	pd_bind_int (stmt, 7, now);
	if (!pd_store_exec_stmt (store, stmt, error) || !reindex (store, doc->article_id, error))
		return FALSE;
	if (changed_r)
		*changed_r = TRUE;
	return TRUE;
}

static gpointer
hit_from (sqlite3_stmt *stmt)
{
	PdKbHit *h = g_new0 (PdKbHit, 1);

	h->id = sqlite3_column_int64 (stmt, 0);
	h->slug = pd_col_text (stmt, 1);
	h->title = pd_col_text (stmt, 2);
	h->locale = pd_col_text (stmt, 3);
	h->visibility = pd_col_text (stmt, 4);
	h->status = pd_col_text (stmt, 5);
	h->snippet = pd_col_text (stmt, 6);
	h->rank = sqlite3_column_double (stmt, 7);
	return h;
}

static void
set_query_error (GError **error, const char *expr)
{
	/* an FTS5 syntax error is the caller's bad query, not a store failure */
	if (error && *error && strstr ((*error)->message, "fts5") != NULL) {
		g_autofree char *msg = g_strdup ((*error)->message);
		g_clear_error (error);
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "bad search query \"%s\": %s", expr, msg);
	}
}

GPtrArray *
pd_store_kb_search (PdStore *store, const char *match_expr, const char *locale,
                    gboolean published_only, int limit, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT a.id, a.slug, a.title, a.locale, a.visibility, a.status,"
		" snippet (kb_fts, -1, '[', ']', '...', 12), bm25 (kb_fts, 10.0, 1.0, 4.0, 2.0) AS r"
		" FROM kb_fts JOIN kb_articles a ON a.id = kb_fts.rowid"
		" WHERE kb_fts MATCH ?1 AND (?2 IS NULL OR kb_fts.locale = ?2)"
		" AND (?3 = 0 OR a.status = 'published') ORDER BY r, a.slug LIMIT ?4",
		error);
	GPtrArray *rows;

	if (stmt == NULL)
		return NULL;
	pd_bind_text (stmt, 1, match_expr);
	pd_bind_text (stmt, 2, locale);
	sqlite3_bind_int (stmt, 3, published_only ? 1 : 0);
	sqlite3_bind_int (stmt, 4, limit > 0 ? limit : 20);
	rows = pd_store_collect (store, stmt, hit_from, (GDestroyNotify) pd_kb_hit_free, error);
	if (rows == NULL)
		set_query_error (error, match_expr);
	return rows;
}

gboolean
pd_store_kb_match_count (PdStore *store, const char *match_expr, gint64 *count_r,
                         GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT count(*) FROM kb_fts JOIN kb_articles a ON a.id = kb_fts.rowid"
		" WHERE kb_fts MATCH ? AND a.status = 'published'",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, match_expr);
	if (!pd_store_lookup_int (store, stmt, count_r, NULL, error)) {
		set_query_error (error, match_expr);
		return FALSE;
	}
	return TRUE;
}

PdKbArticle *
pd_store_kb_get_by_id (PdStore *store, gint64 id, GError **error)
{
	sqlite3_stmt *stmt =
		pd_store_stmt (store, "SELECT " ARTICLE_COLS " FROM kb_articles WHERE id = ?", error);
	g_autofree char *what = g_strdup_printf ("%" G_GINT64_FORMAT, id);

	if (stmt == NULL)
		return NULL;
	pd_bind_int (stmt, 1, id);
	return article_one (store, stmt, what, error);
}

/* ---- the web view's style (db/013) ---- */

gboolean
pd_store_kb_style_set (PdStore *store, const char *key, const char *value, GError **error)
{
	sqlite3_stmt *stmt;

	if (value == NULL) {
		stmt = pd_store_stmt (store, "DELETE FROM kb_style WHERE key = ?", error);
		if (stmt == NULL)
			return FALSE;
		pd_bind_text (stmt, 1, key);
		return pd_store_exec_stmt (store, stmt, error);
	}
	stmt = pd_store_stmt (store,
	                      "INSERT INTO kb_style (key, value) VALUES (?, ?) "
	                      "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	                      error);
	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, key);
	pd_bind_text (stmt, 2, value);
	return pd_store_exec_stmt (store, stmt, error);
}

GHashTable *
pd_store_kb_style_get (PdStore *store, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (store, "SELECT key, value FROM kb_style", error);
	g_autoptr (GHashTable) style = NULL;
	int rc;

	if (stmt == NULL)
		return NULL;
	style = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	while ((rc = pd_store_step (store, stmt, error)) == SQLITE_ROW)
		g_hash_table_replace (style, pd_col_text (stmt, 0), pd_col_text (stmt, 1));
	sqlite3_reset (stmt);
	if (rc != SQLITE_DONE)
		return NULL;
	return g_steal_pointer (&style);
}

gboolean
pd_store_kb_fts_count (PdStore *store, const char *match_expr, gint64 *count_r, GError **error)
{
	/* the index alone: no row of kb_articles is read, so a common word costs little */
	sqlite3_stmt *stmt = pd_store_stmt (store, "SELECT count(*) FROM kb_fts WHERE kb_fts MATCH ?",
	                                    error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, match_expr);
	if (!pd_store_lookup_int (store, stmt, count_r, NULL, error)) {
		set_query_error (error, match_expr);
		return FALSE;
	}
	return TRUE;
}

gboolean
pd_store_kb_fts_size (PdStore *store, gint64 *count_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (store, "SELECT count(*) FROM kb_articles", error);

	return stmt != NULL && pd_store_lookup_int (store, stmt, count_r, NULL, error);
}

gboolean
pd_store_kb_terms_size (PdStore *store, gint64 *count_r, GError **error)
{
	/* kept with the word counts (db/024); counted when they are out of date */
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "SELECT CASE WHEN terms = salt || ':' || n THEN docs ELSE -1 END FROM kb_generation",
		error);

	if (stmt == NULL || !pd_store_lookup_int (store, stmt, count_r, NULL, error))
		return FALSE;
	return *count_r >= 0 || pd_store_kb_fts_size (store, count_r, error);
}

void
pd_kb_candidate_free (PdKbCandidate *c)
{
	if (c == NULL)
		return;
	g_free (c->slug);
	g_free (c->title);
	g_free (c->head_stems);
	g_free (c->body_stems);
	g_free (c->topics);
	g_free (c->body);
	g_free (c);
}

/* A PdKbCandidate from a row of the candidates' columns (id, slug, title, head and body
 * stems, topics, body): pd_store_kb_candidates and kb-rank.c select the same ones. */
gpointer
pd_store_kb_candidate_row (sqlite3_stmt *stmt)
{
	PdKbCandidate *c = g_new0 (PdKbCandidate, 1);

	c->id = sqlite3_column_int64 (stmt, 0);
	c->slug = pd_col_text (stmt, 1);
	c->title = pd_col_text (stmt, 2);
	c->head_stems = pd_col_text (stmt, 3);
	c->body_stems = pd_col_text (stmt, 4);
	c->topics = pd_col_text (stmt, 5);
	c->body = pd_col_text (stmt, 6);
	return c;
}

GPtrArray *
pd_store_kb_candidates (PdStore *store, const char *match_expr, int limit, int stemmer,
                        GError **error)
{
	/* the body is read only when its stems are not stored (a CASE column: SQLite leaves an
	 * unread body's overflow pages alone) */
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT a.id, a.slug, a.title, s.head, s.body,"
		" CASE WHEN s.head IS NULL THEN a.topics END, CASE WHEN s.head IS NULL THEN a.body END"
		" FROM kb_articles a LEFT JOIN kb_stems s"
		"  ON s.article_id = a.id AND s.version = a.version AND s.stemmer = ?3"
		" WHERE a.id IN"
		" (SELECT rowid FROM kb_fts WHERE kb_fts MATCH ?1"
		"  ORDER BY bm25 (kb_fts, 10.0, 1.0, 4.0, 2.0) LIMIT ?2)"
		" AND a.status = 'published' AND a.visibility != 'internal'",
		error);
	GPtrArray *rows;

	if (stmt == NULL)
		return NULL;
	pd_bind_text (stmt, 1, match_expr);
	sqlite3_bind_int (stmt, 2, limit);
	sqlite3_bind_int (stmt, 3, stemmer);
	rows = pd_store_collect (store, stmt, pd_store_kb_candidate_row,
	                         (GDestroyNotify) pd_kb_candidate_free, error);
	if (rows == NULL)
		set_query_error (error, match_expr);
	return rows;
}

gboolean
pd_store_kb_stems_current (PdStore *store, gint64 id, int stemmer, gboolean *current_r,
                           GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT count(*) FROM kb_articles a JOIN kb_stems s ON s.article_id = a.id"
		" WHERE a.id = ?1 AND s.version = a.version AND s.stemmer = ?2",
		error);
	gint64 n;

	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, id);
	sqlite3_bind_int (stmt, 2, stemmer);
	if (!pd_store_lookup_int (store, stmt, &n, NULL, error))
		return FALSE;
	*current_r = n > 0;
	return TRUE;
}

gboolean
pd_store_kb_stems_put (PdStore *store, gint64 id, int stemmer, const char *head,
                       const char *body, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"INSERT OR REPLACE INTO kb_stems (article_id, version, stemmer, head, body)"
		" SELECT id, version, ?2, ?3, ?4 FROM kb_articles WHERE id = ?1",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, id);
	sqlite3_bind_int (stmt, 2, stemmer);
	pd_bind_text (stmt, 3, head);
	pd_bind_text (stmt, 4, body);
	return pd_store_exec_stmt (store, stmt, error);
}

gboolean
pd_store_kb_generation (PdStore *store, char **generation_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (store, "SELECT salt || ':' || n FROM kb_generation", error);
	int rc;

	*generation_r = NULL;
	if (stmt == NULL)
		return FALSE;
	rc = pd_store_step (store, stmt, error);
	if (rc == SQLITE_ROW)
		*generation_r = pd_col_text (stmt, 0);
	sqlite3_reset (stmt);
	if (rc == SQLITE_ROW)
		return TRUE;
	if (rc == SQLITE_DONE)
		g_set_error (error, PD_ERROR, PD_ERROR_INTERNAL, "kb_generation has no row");
	return FALSE;
}

gboolean
pd_store_kb_terms_refresh (PdStore *store, GError **error)
{
	sqlite3_stmt *del, *ins, *state;
	g_autofree char *generation = NULL;
	gboolean fresh;

	if (!pd_store_kb_generation (store, &generation, error) ||
	    !pd_store_kb_terms_fresh (store, generation, &fresh, error))
		return FALSE;
	if (fresh)
		return TRUE; /* nothing changed since the last copy */
	del = pd_store_stmt (store, "DELETE FROM kb_terms", error);
	if (del == NULL || !pd_store_exec_stmt (store, del, error))
		return FALSE;
	ins = pd_store_stmt (store, "INSERT INTO kb_terms (term, docs) SELECT term, doc FROM kb_fts_vocab",
	                     error);
	if (ins == NULL || !pd_store_exec_stmt (store, ins, error))
		return FALSE;
	state = pd_store_stmt (store,
	                       "UPDATE kb_generation SET terms = salt || ':' || n,"
	                       " docs = (SELECT count(*) FROM kb_fts)",
	                       error);
	return state != NULL && pd_store_exec_stmt (store, state, error);
}

gboolean
pd_store_kb_terms_fresh (PdStore *store, const char *generation, gboolean *fresh_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "SELECT count(*) FROM kb_generation WHERE terms = ?", error);
	gint64 n;

	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, generation);
	if (!pd_store_lookup_int (store, stmt, &n, NULL, error))
		return FALSE;
	*fresh_r = n > 0;
	return TRUE;
}

gboolean
pd_store_kb_terms_docs (PdStore *store, const char *prefix, gint64 *docs_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "SELECT coalesce (sum (docs), 0) FROM kb_terms WHERE term >= ?1 AND term < ?2",
		error);
	/* every term that starts with PREFIX sorts below PREFIX + the last code point */
	g_autofree char *end = g_strconcat (prefix, "\xf4\x8f\xbf\xbf", NULL);

	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, prefix);
	pd_bind_text (stmt, 2, end);
	return pd_store_lookup_int (store, stmt, docs_r, NULL, error);
}

void
pd_kb_related_free (PdKbRelated *r)
{
	if (r == NULL)
		return;
	g_free (r->term);
	g_free (r->related);
	g_free (r);
}

gboolean
pd_store_kb_stems_each (PdStore *store, int stemmer, PdKbStemsFunc func, gpointer data,
                        GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT s.head, s.body FROM kb_stems s JOIN kb_articles a ON a.id = s.article_id"
		" WHERE s.version = a.version AND s.stemmer = ?1"
		" AND a.status = 'published' AND a.visibility != 'internal'",
		error);
	int rc;

	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_int (stmt, 1, stemmer);
	while ((rc = pd_store_step (store, stmt, error)) == SQLITE_ROW)
		if (!func ((const char *) sqlite3_column_text (stmt, 0),
		           (const char *) sqlite3_column_text (stmt, 1), data, error)) {
			sqlite3_reset (stmt);
			return FALSE;
		}
	sqlite3_reset (stmt);
	return rc == SQLITE_DONE;
}

gboolean
pd_store_kb_related_replace (PdStore *store, GPtrArray *rows, GError **error)
{
	sqlite3_stmt *del = pd_store_stmt (store, "DELETE FROM kb_related", error);
	sqlite3_stmt *ins;
	guint i;

	if (del == NULL || !pd_store_exec_stmt (store, del, error))
		return FALSE;
	ins = pd_store_stmt (store, "INSERT INTO kb_related (term, related, strength) VALUES (?, ?, ?)",
	                     error);
	if (ins == NULL)
		return FALSE;
	for (i = 0; i < rows->len; i++) {
		const PdKbRelated *r = rows->pdata[i];

		pd_bind_text (ins, 1, r->term);
		pd_bind_text (ins, 2, r->related);
		sqlite3_bind_double (ins, 3, r->strength);
		if (!pd_store_exec_stmt (store, ins, error))
			return FALSE;
	}
	return TRUE;
}

static gpointer
related_from (sqlite3_stmt *stmt)
{
	PdKbRelated *r = g_new0 (PdKbRelated, 1);

	r->term = pd_col_text (stmt, 0);
	r->related = pd_col_text (stmt, 1);
	r->strength = sqlite3_column_double (stmt, 2);
	return r;
}

/* TERMS (NULL-terminated) as a JSON array of strings (transfer full) */
static char *
json_strings (const char *const *terms)
{
	GString *json = g_string_new ("[");
	guint i;

	for (i = 0; terms[i]; i++) {
		const char *p;

		g_string_append (json, i ? ",\"" : "\"");
		for (p = terms[i]; *p; p++) /* stems: letters and digits; escape anyway */
			if (*p == '"' || *p == '\\')
				g_string_append_printf (json, "\\%c", *p);
			else if ((guchar) *p >= 0x20)
				g_string_append_c (json, *p);
		g_string_append_c (json, '"');
	}
	g_string_append_c (json, ']');
	return g_string_free (json, FALSE);
}

gboolean
pd_store_kb_state (PdStore *store, char **generation_r, gint64 *docs_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT salt || ':' || n, CASE WHEN terms = salt || ':' || n THEN docs ELSE -1 END"
		" FROM kb_generation",
		error);
	int rc;

	*generation_r = NULL;
	if (stmt == NULL)
		return FALSE;
	rc = pd_store_step (store, stmt, error);
	if (rc == SQLITE_ROW) {
		*generation_r = pd_col_text (stmt, 0);
		*docs_r = sqlite3_column_int64 (stmt, 1);
	}
	sqlite3_reset (stmt);
	if (rc == SQLITE_DONE)
		g_set_error (error, PD_ERROR, PD_ERROR_INTERNAL, "kb_generation has no row");
	return rc == SQLITE_ROW;
}

gboolean
pd_store_kb_terms_docs_many (PdStore *store, const char *const *prefixes, gint64 *docs_r,
                             GError **error)
{
	/* every term that starts with a prefix sorts below it + the last code point */
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT j.key, (SELECT coalesce (sum (docs), 0) FROM kb_terms"
		"  WHERE term >= j.value AND term < j.value || ?2)"
		" FROM json_each (?1) j",
		error);
	g_autofree char *json = json_strings (prefixes);
	guint n = g_strv_length ((char **) prefixes);
	int rc;

	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, json);
	pd_bind_text (stmt, 2, "\xf4\x8f\xbf\xbf");
	while ((rc = pd_store_step (store, stmt, error)) == SQLITE_ROW) {
		gint64 i = sqlite3_column_int64 (stmt, 0);

		if (i >= 0 && i < n)
			docs_r[i] = sqlite3_column_int64 (stmt, 1);
	}
	sqlite3_reset (stmt);
	return rc == SQLITE_DONE;
}

GPtrArray *
pd_store_kb_related_for (PdStore *store, const char *const *terms, GError **error)
{
	/* one query for all of a mail's words: the words go in as one JSON array */
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT term, related, strength FROM kb_related"
		" WHERE term IN (SELECT value FROM json_each (?1)) ORDER BY term, strength DESC, related",
		error);
	g_autofree char *json = json_strings (terms);

	if (stmt == NULL)
		return NULL;
	pd_bind_text (stmt, 1, json);
	return pd_store_collect (store, stmt, related_from, (GDestroyNotify) pd_kb_related_free, error);
}

gboolean
pd_store_kb_related_current (PdStore *store, int stemmer, gboolean *current_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "SELECT count(*) FROM kb_generation WHERE related = salt || ':' || n || ':' || ?1",
		error);
	gint64 n;

	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_int (stmt, 1, stemmer);
	if (!pd_store_lookup_int (store, stmt, &n, NULL, error))
		return FALSE;
	*current_r = n > 0;
	return TRUE;
}

gboolean
pd_store_kb_related_mark (PdStore *store, int stemmer, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "UPDATE kb_generation SET related = salt || ':' || n || ':' || ?1", error);

	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_int (stmt, 1, stemmer);
	return pd_store_exec_stmt (store, stmt, error);
}

gboolean
pd_store_kb_terms_all (PdStore *store, GPtrArray **terms_r, GArray **docs_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (store, "SELECT term, docs FROM kb_terms ORDER BY term", error);
	g_autoptr (GPtrArray) terms = NULL;
	g_autoptr (GArray) docs = NULL;
	gint64 sum = 0;
	int rc;

	if (stmt == NULL)
		return FALSE;
	terms = g_ptr_array_new_with_free_func (g_free);
	docs = g_array_new (FALSE, FALSE, sizeof (gint64));
	g_array_append_val (docs, sum);
	while ((rc = pd_store_step (store, stmt, error)) == SQLITE_ROW) {
		g_ptr_array_add (terms, pd_col_text (stmt, 0));
		sum += sqlite3_column_int64 (stmt, 1);
		g_array_append_val (docs, sum);
	}
	sqlite3_reset (stmt);
	if (rc != SQLITE_DONE)
		return FALSE;
	*terms_r = g_steal_pointer (&terms);
	*docs_r = g_steal_pointer (&docs);
	return TRUE;
}
