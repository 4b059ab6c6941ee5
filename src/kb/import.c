/* import.c - `kb import`: reads XML (validated against the compiled-in kb.xsd), CSV, or
 * Markdown files with front matter into articles, checks them all, then applies them in ONE
 * transaction. Any error names the file and line and leaves the knowledge base as it was
 * (document bytes already written under attachments/ are content-addressed and harmless). */
#include <errno.h>
#include <gio/gio.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <string.h>

#include "core/error.h"
#include "kb/kb.h"
#include "mail/xml-lazy.h"

typedef struct {
	char *name;
	char *type;
	char *description;
	GBytes *data;
} ImportDoc;

typedef struct {
	PdKbArticle *article;
	GPtrArray *docs; /* ImportDoc* */
	char *where;     /* "file:line" */
} Item;

static void
import_doc_free (ImportDoc *d)
{
	g_free (d->name);
	g_free (d->type);
	g_free (d->description);
	g_bytes_unref (d->data);
	g_free (d);
}

static void
item_free (Item *it)
{
	pd_kb_article_free (it->article);
	g_ptr_array_unref (it->docs);
	g_free (it->where);
	g_free (it);
}

static Item *
item_new (const char *file, long line)
{
	Item *it = g_new0 (Item, 1);

	it->article = pd_kb_article_new ();
	it->docs = g_ptr_array_new_with_free_func ((GDestroyNotify) import_doc_free);
	it->where = g_strdup_printf ("%s:%ld", file, line);
	return it;
}

static gboolean
data_error (GError **error, const char *file, long line, const char *fmt, ...) G_GNUC_PRINTF (4, 5);

static gboolean
data_error (GError **error, const char *file, long line, const char *fmt, ...)
{
	va_list ap;
	g_autofree char *msg = NULL;

	va_start (ap, fmt);
	msg = g_strdup_vprintf (fmt, ap);
	va_end (ap);
	g_set_error (error, PD_ERROR, PD_ERROR_DATA, "%s:%ld: %s", file, line, msg);
	return FALSE;
}

/* ---- Markdown with front matter ---- */

static gboolean
set_field (PdKbArticle *a, const char *key, const char *value)
{
	char **slot = !strcmp (key, "slug")         ? &a->slug
	              : !strcmp (key, "title")      ? &a->title
	              : !strcmp (key, "topics")     ? &a->topics
	              : !strcmp (key, "keywords")   ? &a->keywords
	              : !strcmp (key, "locale")     ? &a->locale
	              : !strcmp (key, "visibility") ? &a->visibility
	              : !strcmp (key, "status")     ? &a->status
	                                            : NULL;

	if (slot == NULL)
		return FALSE;
	g_free (*slot);
	*slot = g_strdup (value);
	return TRUE;
}

/* one Markdown file: optional front matter between "---" lines (key: value), then the body.
 * Without a title in it, the first "# " line is the title (and leaves the body). */
static gboolean
parse_markdown (const char *file, const char *text, GPtrArray *items, GError **error)
{
	g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
	Item *it = item_new (file, 1);
	GString *body = g_string_new (NULL);
	guint i = 0, n = g_strv_length (lines);
	gboolean ok = FALSE;

	if (n > 0 && g_str_has_prefix (lines[0], "---") && *g_strstrip (lines[0] + 3) == '\0') {
		for (i = 1; i < n; i++) {
			char *line = g_strchomp (lines[i]);
			char *colon;

			if (!strcmp (line, "---"))
				break;
			if (*line == '\0' || *line == '#')
				continue;
			colon = strchr (line, ':');
			if (colon == NULL) {
				data_error (error, file, i + 1, "front matter: want \"key: value\", got \"%s\"",
				            line);
				goto out;
			}
			*colon = '\0';
			if (!set_field (it->article, g_strstrip (line), g_strstrip (colon + 1))) {
				data_error (error, file, i + 1,
				            "front matter: unknown key \"%s\" (want slug, title, topics, "
				            "keywords, locale, visibility, status)",
				            line);
				goto out;
			}
		}
		if (i >= n) {
			data_error (error, file, 1, "front matter is not closed by a \"---\" line");
			goto out;
		}
		i++;
	}
	for (; i < n; i++) {
		g_strchomp (lines[i]);
		if (it->article->title == NULL && g_str_has_prefix (lines[i], "# ")) {
			it->article->title = g_strdup (g_strstrip (lines[i] + 2));
			continue;
		}
		g_string_append_printf (body, "%s\n", lines[i]);
	}
	if (it->article->slug == NULL) {
		g_autofree char *base = g_path_get_basename (file);
		char *dot = strrchr (base, '.');

		if (dot)
			*dot = '\0';
		it->article->slug = g_ascii_strdown (base, -1);
	}
	if (it->article->title == NULL) {
		data_error (error, file, 1, "no title: want \"title:\" in the front matter or a \"# \" line");
		goto out;
	}
	it->article->body = g_strdup (body->str);
	if (!pd_kb_article_check (it->article, it->where, error))
		goto out;
	g_ptr_array_add (items, g_steal_pointer (&it));
	ok = TRUE;
out:
	g_string_free (body, TRUE);
	if (it)
		item_free (it);
	return ok;
}

/* ---- CSV (RFC 4180: a header row, "" inside quoted fields, line breaks in quotes) ---- */

/* The next record of TEXT at *POS into FIELDS; *LINE counts lines. FALSE at the end. */
static gboolean
csv_record (const char *file, const char *text, gsize *pos, long *line, GPtrArray *fields,
            gboolean *bad_r, GError **error)
{
	GString *f = g_string_new (NULL);
	gsize i = *pos;
	long start = *line;

	*bad_r = FALSE;
	g_ptr_array_set_size (fields, 0);
	if (text[i] == '\0') {
		g_string_free (f, TRUE);
		return FALSE;
	}
	for (;;) {
		if (text[i] == '"') {
			i++;
			for (;;) {
				if (text[i] == '\0') {
					*bad_r = TRUE;
					data_error (error, file, start, "a quoted field is not closed");
					g_string_free (f, TRUE);
					return FALSE;
				}
				if (text[i] == '"' && text[i + 1] == '"') {
					g_string_append_c (f, '"');
					i += 2;
				} else if (text[i] == '"') {
					i++;
					break;
				} else {
					if (text[i] == '\n')
						(*line)++;
					if (!(text[i] == '\r' && text[i + 1] == '\n'))
						g_string_append_c (f, text[i]);
					i++;
				}
			}
			if (text[i] != ',' && text[i] != '\n' && text[i] != '\r' && text[i] != '\0') {
				*bad_r = TRUE;
				data_error (error, file, *line, "text after a closing quote");
				g_string_free (f, TRUE);
				return FALSE;
			}
		} else {
			while (text[i] && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
				if (text[i] == '"') {
					*bad_r = TRUE;
					data_error (error, file, *line, "a quote inside an unquoted field");
					g_string_free (f, TRUE);
					return FALSE;
				}
				g_string_append_c (f, text[i++]);
			}
		}
		g_ptr_array_add (fields, g_strdup (f->str));
		g_string_truncate (f, 0);
		if (text[i] == ',') {
			i++;
			continue;
		}
		if (text[i] == '\r')
			i++;
		if (text[i] == '\n') {
			i++;
			(*line)++;
		}
		break;
	}
	g_string_free (f, TRUE);
	*pos = i;
	return TRUE;
}

static gboolean
parse_csv (const char *file, const char *text, GPtrArray *items, GError **error)
{
	static const char *const known[] = { "slug", "title", "body", "topics", "locale",
		                             "visibility", "status", "keywords", NULL };
	g_autoptr (GPtrArray) header = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
	gsize pos = 0;
	long line = 1, start;
	gboolean bad;
	guint i;

	if (g_str_has_prefix (text, "\xef\xbb\xbf"))
		pos = 3;
	if (!csv_record (file, text, &pos, &line, header, &bad, error))
		return bad ? FALSE : data_error (error, file, 1, "empty file: want a header row");
	for (i = 0; i < header->len; i++)
		if (!g_strv_contains (known, g_strstrip ((char *) header->pdata[i])))
			return data_error (error, file, 1,
			                   "unknown column \"%s\" (want slug, title, body, topics, "
			                   "locale, visibility, status, keywords)",
			                   (char *) header->pdata[i]);
	for (i = 0; i < 3; i++) {
		guint j;
		gboolean found = FALSE;

		for (j = 0; j < header->len; j++)
			found |= !strcmp (header->pdata[j], known[i]);
		if (!found)
			return data_error (error, file, 1, "no \"%s\" column", known[i]);
	}
	for (;;) {
		Item *it;

		start = line;
		if (!csv_record (file, text, &pos, &line, fields, &bad, error)) {
			if (bad)
				return FALSE;
			break;
		}
		if (fields->len == 1 && *(char *) fields->pdata[0] == '\0')
			continue; /* a blank line */
		if (fields->len != header->len)
			return data_error (error, file, start, "%u fields, the header has %u", fields->len,
			                   header->len);
		it = item_new (file, start);
		for (i = 0; i < header->len; i++)
			set_field (it->article, header->pdata[i], fields->pdata[i]);
		g_free (it->article->body);
		for (i = 0; i < header->len; i++)
			if (!strcmp (header->pdata[i], "body"))
				it->article->body = g_strdup (fields->pdata[i]);
		if (!pd_kb_article_check (it->article, it->where, error)) {
			item_free (it);
			return FALSE;
		}
		g_ptr_array_add (items, it);
	}
	return TRUE;
}

/* ---- XML, validated against kb.xsd ---- */

static void
collect_error (void *data, xmlErrorPtr e)
{
	GString *errs = data;

	if (errs->len == 0 && e != NULL)
		g_string_append_printf (errs, "%d:%s", e->line, e->message ? e->message : "invalid");
}

static char *
child_text (const PdXml *xml, xmlNode *node, const char *name)
{
	xmlNode *c;

	for (c = node->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !strcmp ((const char *) c->name, name)) {
			xmlChar *t = xml->xmlNodeGetContent (c);
			char *s = g_strdup ((const char *) t);

			xml->free (t);
			return s;
		}
	return NULL;
}

static char *
attr (const PdXml *xml, xmlNode *node, const char *name)
{
	xmlChar *v = xml->xmlGetProp (node, (const xmlChar *) name);
	char *s = v ? g_strdup ((const char *) v) : NULL;

	xml->free (v);
	return s;
}

static gboolean
parse_xml (const char *file, const char *text, gsize len, GPtrArray *items, GError **error)
{
	g_autoptr (GString) errs = g_string_new (NULL);
	GBytes *xsd;
	xmlParserCtxtPtr pctx = NULL;
	xmlDocPtr doc = NULL;
	xmlSchemaParserCtxtPtr sp = NULL;
	xmlSchemaPtr schema = NULL;
	xmlSchemaValidCtxtPtr vc = NULL;
	xmlNode *root, *n;
	gboolean ok = FALSE;
	/* libxml2 is loaded only now: most commands never parse XML (mail/xml-lazy.h) */
	const PdXml *xml = pd_xml (error);

	if (xml == NULL)
		return FALSE;
	if ((xsd = pd_kb_xsd (error)) == NULL)
		return FALSE;
	pctx = xml->xmlNewParserCtxt ();
	doc = xml->xmlCtxtReadMemory (pctx, text, (int) len, file, NULL,
	                         XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR);
	if (doc == NULL) {
		const xmlError *e = xml->xmlCtxtGetLastError (pctx);

		data_error (error, file, e ? e->line : 1, "not well-formed XML: %s",
		            e && e->message ? g_strchomp (e->message) : "unreadable");
		goto out;
	}
	sp = xml->xmlSchemaNewMemParserCtxt (g_bytes_get_data (xsd, NULL), (int) g_bytes_get_size (xsd));
	schema = sp ? xml->xmlSchemaParse (sp) : NULL;
	if (schema == NULL) {
		g_set_error (error, PD_ERROR, PD_ERROR_INTERNAL, "the compiled-in kb.xsd does not parse");
		goto out;
	}
	vc = xml->xmlSchemaNewValidCtxt (schema);
	xml->xmlSchemaSetValidStructuredErrors (vc, collect_error, errs);
	if (xml->xmlSchemaValidateDoc (vc, doc) != 0) {
		char *colon = strchr (errs->str, ':');

		data_error (error, file, colon ? atol (errs->str) : 1, "does not match kb.xsd: %s",
		            colon ? g_strchomp (colon + 1) : "invalid");
		goto out;
	}
	root = xml->xmlDocGetRootElement (doc);
	for (n = root->children; n; n = n->next) {
		Item *it;
		xmlNode *c;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		it = item_new (file, xml->xmlGetLineNo (n));
		it->article->slug = attr (xml, n, "slug");
		it->article->locale = attr (xml, n, "locale");
		it->article->visibility = attr (xml, n, "visibility");
		it->article->status = attr (xml, n, "status");
		it->article->title = child_text (xml, n, "title");
		it->article->topics = child_text (xml, n, "topics");
		it->article->keywords = child_text (xml, n, "keywords");
		it->article->body = child_text (xml, n, "body");
		for (c = n->children; c; c = c->next) {
			ImportDoc *d;
			xmlChar *t;
			gsize dl;
			guchar *raw;

			if (c->type != XML_ELEMENT_NODE || strcmp ((const char *) c->name, "document"))
				continue;
			d = g_new0 (ImportDoc, 1);
			d->name = attr (xml, c, "name");
			d->type = attr (xml, c, "type");
			d->description = attr (xml, c, "description");
			t = xml->xmlNodeGetContent (c);
			raw = g_base64_decode ((const char *) t, &dl);
			xml->free (t);
			d->data = g_bytes_new_take (raw, dl);
			g_ptr_array_add (it->docs, d);
		}
		if (!pd_kb_article_check (it->article, it->where, error)) {
			item_free (it);
			goto out;
		}
		g_ptr_array_add (items, it);
	}
	ok = TRUE;
out:
	if (vc)
		xml->xmlSchemaFreeValidCtxt (vc);
	if (schema)
		xml->xmlSchemaFree (schema);
	if (sp)
		xml->xmlSchemaFreeParserCtxt (sp);
	if (doc)
		xml->xmlFreeDoc (doc);
	xml->xmlFreeParserCtxt (pctx);
	return ok;
}

/* ---- driver ---- */

static gboolean
read_one (const char *file, GPtrArray *items, GError **error)
{
	g_autofree char *text = NULL;
	gsize len;
	g_autoptr (GError) local = NULL;

	if (!g_file_get_contents (file, &text, &len, &local)) {
		g_set_error (error, PD_ERROR, PD_ERROR_NOTFOUND, "%s", local->message);
		return FALSE;
	}
	if (g_str_has_suffix (file, ".xml"))
		return parse_xml (file, text, len, items, error);
	if (memchr (text, '\0', len) != NULL || !g_utf8_validate (text, len, NULL))
		return data_error (error, file, 1, "not UTF-8 text");
	if (g_str_has_suffix (file, ".csv"))
		return parse_csv (file, text, items, error);
	if (g_str_has_suffix (file, ".md"))
		return parse_markdown (file, text, items, error);
	g_set_error (error, PD_ERROR, PD_ERROR_USAGE,
	             "%s: unknown format: want a directory of .md files, or a .xml, .csv or .md file",
	             file);
	return FALSE;
}

static gint
compare_str (gconstpointer a, gconstpointer b)
{
	return strcmp (*(const char *const *) a, *(const char *const *) b);
}

gboolean
pd_kb_import (PdStore *store, const char *attach_dir, const char *path, const char *author,
              PdKbImportStats *stats_r, GError **error)
{
	g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) item_free);
	g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
	PdKbImportStats stats = { 0 };
	gint64 now = g_get_real_time () / G_USEC_PER_SEC;
	guint i, j;

	if (g_file_test (path, G_FILE_TEST_IS_DIR)) {
		g_autoptr (GError) local = NULL;
		g_autoptr (GDir) dir = g_dir_open (path, 0, &local);
		g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
		const char *name;

		if (dir == NULL) {
			g_set_error (error, PD_ERROR, PD_ERROR_NOTFOUND, "%s", local->message);
			return FALSE;
		}
		while ((name = g_dir_read_name (dir)) != NULL)
			if (g_str_has_suffix (name, ".md") && name[0] != '.')
				g_ptr_array_add (names, g_build_filename (path, name, NULL));
		g_ptr_array_sort (names, compare_str);
		if (names->len == 0) {
			g_set_error (error, PD_ERROR, PD_ERROR_DATA, "%s: no .md files in it", path);
			return FALSE;
		}
		for (i = 0; i < names->len; i++)
			if (!read_one (names->pdata[i], items, error))
				return FALSE;
	} else if (!read_one (path, items, error))
		return FALSE;
	for (i = 0; i < items->len; i++) {
		Item *it = items->pdata[i];
		Item *other = g_hash_table_lookup (seen, it->article->slug);

		if (other != NULL) {
			g_set_error (error, PD_ERROR, PD_ERROR_DATA,
			             "%s: slug \"%s\" is already used at %s", it->where, it->article->slug,
			             other->where);
			return FALSE;
		}
		g_hash_table_insert (seen, it->article->slug, it);
	}
	if (!pd_store_begin (store, error))
		return FALSE;
	for (i = 0; i < items->len; i++) {
		Item *it = items->pdata[i];
		gboolean changed, existed;
		gint64 id;
		g_autoptr (GError) local = NULL;
		g_autoptr (PdKbArticle) old = pd_store_kb_get (store, it->article->slug, &local);

		if (old == NULL && !g_error_matches (local, PD_ERROR, PD_ERROR_NOTFOUND)) {
			g_propagate_error (error, g_steal_pointer (&local));
			goto fail;
		}
		existed = old != NULL;
		/* a file that names no keywords leaves those set with `kb edit --keywords` alone */
		if (it->article->keywords == NULL && old != NULL)
			it->article->keywords = g_strdup (old->keywords);
		if (!pd_store_kb_put (store, it->article, author, now, &id, &changed, error) ||
		    !pd_kb_stems_save (store, id, it->article, error))
			goto fail;
		stats.articles++;
		if (!existed)
			stats.created++;
		else if (changed)
			stats.updated++;
		else
			stats.unchanged++;
		/* many changed articles: one copy of the word counts at the end (refresh below)
		 * beats one update per article */
		if ((!existed || changed) && stats.created + stats.updated == 64 &&
		    !pd_store_kb_terms_stale (store, error))
			goto fail;
		for (j = 0; j < it->docs->len; j++) {
			ImportDoc *d = it->docs->pdata[j];
			gboolean dchanged;

			if (!pd_kb_attach (store, attach_dir, id, d->name, d->type, d->description, d->data,
			                   now, &dchanged, error))
				goto fail;
			stats.documents += dchanged;
		}
	}
	/* the suggester's word counts follow the articles in the same transaction; after many
	 * changes the index is merged into one segment (cheaper queries, the same results) */
	if (!pd_store_kb_terms_refresh (store, error) || !pd_kb_related_update (store, FALSE, error) ||
	    (stats.created + stats.updated >= 64 && !pd_store_kb_optimize (store, error)) ||
	    !pd_store_commit (store, error))
		goto fail;
	if (stats_r)
		*stats_r = stats;
	return TRUE;
fail:
	pd_store_rollback (store);
	if (i < items->len)
		g_prefix_error (error, "%s: ", ((Item *) items->pdata[i])->where);
	return FALSE;
}

GBytes *
pd_kb_xsd (GError **error)
{
	static GBytes *xsd;

	if (xsd == NULL)
		xsd = g_resources_lookup_data ("/org/postdesk/schema/kb.xsd", 0, error);
	return xsd;
}
