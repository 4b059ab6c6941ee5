/* kb.c - the knowledge base's articles in SQL: an article's row, every version kept, and the
 * reads by slug and by id. A write indexes the article again (kb-index.c). The documents'
 * catalogue, search, the suggester's reads and the web style are in the other kb-*.c files
 * (kb.h is the interface of all of them). It does not parse Markdown or any import format,
 * and never touches the file system (document bytes are stored by src/kb/). */
#include "core/error.h"
#include "store/kb.h"
#include "store/kb-private.h"
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
	c->keywords = g_strdup (a->keywords);
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
	g_free (a->keywords);
	g_free (a->locale);
	g_free (a->visibility);
	g_free (a->status);
	g_free (a->author);
	g_free (a);
}

#define ARTICLE_COLS \
	"id, slug, title, body, topics, locale, visibility, status, version, created, updated, keywords"

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
	/* a caller elsewhere may select the first 11 only (store/list-feedback.c) */
	a->keywords = sqlite3_column_count (stmt) > 11 ? pd_col_text (stmt, 11) : g_strdup ("");
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
		" visibility, status, author, created, keywords) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
	pd_bind_text (stmt, 11, a->keywords ? a->keywords : "");
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
	    same (old->topics, a->topics) && same (old->keywords, a->keywords) && same (old->locale, a->locale) &&
	    same (old->visibility, a->visibility) && same (old->status, a->status)) {
		if (id_r)
			*id_r = old->id;
		return TRUE;
	}
	if (old == NULL) {
		stmt = pd_store_stmt (store,
		                      "INSERT INTO kb_articles (slug, title, body, topics, locale,"
		                      " visibility, status, version, created, updated, keywords)"
		                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8, ?8, ?9)",
		                      error);
		version = 1;
	} else {
		stmt = pd_store_stmt (store,
		                      "UPDATE kb_articles SET title = ?2, body = ?3, topics = ?4,"
		                      " locale = ?5, visibility = ?6, status = ?7, keywords = ?9,"
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
	pd_bind_text (stmt, 9, a->keywords ? a->keywords : "");
	if (!pd_store_exec_stmt (store, stmt, error))
		return FALSE;
	id = old ? old->id : sqlite3_last_insert_rowid (store->db);
	if (!add_version (store, id, version, a, author, now, error) ||
	    !pd_store_kb_reindex (store, id, error))
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
	a->keywords = pd_col_text (stmt, 11);
	return a;
}

GPtrArray *
pd_store_kb_versions (PdStore *store, gint64 id, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT v.article_id, v.version, v.title, v.body, v.topics, v.locale, v.visibility,"
		" v.status, v.author, v.created, a.slug, v.keywords FROM kb_versions v"
		" JOIN kb_articles a ON a.id = v.article_id WHERE v.article_id = ? ORDER BY v.version",
		error);

	if (stmt == NULL)
		return NULL;
	pd_bind_int (stmt, 1, id);
	return pd_store_collect (store, stmt, version_from, (GDestroyNotify) pd_kb_article_free,
	                         error);
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
