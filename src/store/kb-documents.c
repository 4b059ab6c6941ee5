/* kb-documents.c - the catalogue of an article's documents (kb_documents): a document's name,
 * type, size, hash and description. The bytes are files that src/kb/ writes; a changed entry
 * indexes its article again, since a document's name and description are searched. */
#include "store/kb.h"
#include "store/kb-private.h"
#include "store/store-private.h"

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
	if (!pd_store_exec_stmt (store, stmt, error) ||
	    !pd_store_kb_reindex (store, doc->article_id, error))
		return FALSE;
	if (changed_r)
		*changed_r = TRUE;
	return TRUE;
}
