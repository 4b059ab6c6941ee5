/* kb-related.c - the synonyms learned from the articles (db/030 kb_related, src/kb/related.c):
 * the stems they are learned from, the table replaced, the rows for a mail's words, and
 * whether the table was learned from the current generation. */
#include "store/kb.h"
#include "store/kb-private.h"
#include "store/store-private.h"

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
char *
pd_store_kb_json_strings (const char *const *terms)
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

GPtrArray *
pd_store_kb_related_for (PdStore *store, const char *const *terms, GError **error)
{
	/* one query for all of a mail's words: the words go in as one JSON array */
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT term, related, strength FROM kb_related"
		" WHERE term IN (SELECT value FROM json_each (?1)) ORDER BY term, strength DESC, related",
		error);
	g_autofree char *json = pd_store_kb_json_strings (terms);

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
