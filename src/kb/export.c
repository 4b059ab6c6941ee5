/* export.c - `kb export`: every article (its current version) as XML (with its documents,
 * base64), CSV, or a folder of Markdown files with front matter: the formats `kb import` reads,
 * so export then import into an empty home gives the same knowledge base. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "core/fsutil.h"
#include "kb/kb.h"

gboolean
pd_kb_format_parse (const char *name, PdKbFormat *format_r, GError **error)
{
	if (!g_strcmp0 (name, "xml"))
		*format_r = PD_KB_FORMAT_XML;
	else if (!g_strcmp0 (name, "csv"))
		*format_r = PD_KB_FORMAT_CSV;
	else if (!g_strcmp0 (name, "md") || !g_strcmp0 (name, "markdown"))
		*format_r = PD_KB_FORMAT_MD;
	else {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "unknown format \"%s\": want xml, csv or md",
		             name ? name : "");
		return FALSE;
	}
	return TRUE;
}

static void
xml_escape (GString *out, const char *s)
{
	g_autofree char *e = g_markup_escape_text (s ? s : "", -1);

	g_string_append (out, e);
}

static gboolean
read_blob (const char *attach_dir, const char *sha, GBytes **bytes_r, GError **error)
{
	char prefix[3] = { sha[0], sha[1], 0 };
	g_autofree char *path = g_build_filename (attach_dir, prefix, sha, NULL);
	g_autoptr (GError) local = NULL;
	char *data;
	gsize len;

	if (!g_file_get_contents (path, &data, &len, &local)) {
		g_set_error (error, PD_ERROR, PD_ERROR_IO, "document %s: %s", sha, local->message);
		return FALSE;
	}
	*bytes_r = g_bytes_new_take (data, len);
	return TRUE;
}

static gboolean
export_xml (PdStore *store, const char *attach_dir, GPtrArray *articles, GString *out,
            GError **error)
{
	guint i, j;

	g_string_append (out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kb version=\"1\">\n");
	for (i = 0; i < articles->len; i++) {
		const PdKbArticle *a = articles->pdata[i];
		g_autoptr (GPtrArray) docs = pd_store_kb_documents (store, a->id, error);

		if (docs == NULL)
			return FALSE;
		g_string_append (out, "  <article slug=\"");
		xml_escape (out, a->slug);
		g_string_append_printf (out, "\" locale=\"%s\" visibility=\"%s\" status=\"%s\">\n",
		                        a->locale, a->visibility, a->status);
		g_string_append (out, "    <title>");
		xml_escape (out, a->title);
		g_string_append (out, "</title>\n");
		if (a->topics && *a->topics) {
			g_string_append (out, "    <topics>");
			xml_escape (out, a->topics);
			g_string_append (out, "</topics>\n");
		}
		if (a->keywords && *a->keywords) {
			g_string_append (out, "    <keywords>");
			xml_escape (out, a->keywords);
			g_string_append (out, "</keywords>\n");
		}
		g_string_append (out, "    <body>");
		xml_escape (out, a->body);
		g_string_append (out, "</body>\n");
		for (j = 0; j < docs->len; j++) {
			const PdKbDocument *d = docs->pdata[j];
			g_autoptr (GBytes) bytes = NULL;
			g_autofree char *b64 = NULL;

			if (!read_blob (attach_dir, d->sha256, &bytes, error))
				return FALSE;
			b64 = g_base64_encode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
			g_string_append (out, "    <document name=\"");
			xml_escape (out, d->name);
			g_string_append (out, "\" type=\"");
			xml_escape (out, d->content_type);
			g_string_append (out, "\" description=\"");
			xml_escape (out, d->description);
			g_string_append_printf (out, "\">%s</document>\n", b64);
		}
		g_string_append (out, "  </article>\n");
	}
	g_string_append (out, "</kb>\n");
	return TRUE;
}

static void
csv_field (GString *out, const char *s, gboolean last)
{
	const char *p;

	g_string_append_c (out, '"');
	for (p = s ? s : ""; *p; p++) {
		if (*p == '"')
			g_string_append_c (out, '"');
		g_string_append_c (out, *p);
	}
	g_string_append (out, last ? "\"\r\n" : "\",");
}

static void
export_csv (GPtrArray *articles, GString *out)
{
	guint i;

	g_string_append (out, "slug,title,body,topics,locale,visibility,status,keywords\r\n");
	for (i = 0; i < articles->len; i++) {
		const PdKbArticle *a = articles->pdata[i];

		csv_field (out, a->slug, FALSE);
		csv_field (out, a->title, FALSE);
		csv_field (out, a->body, FALSE);
		csv_field (out, a->topics, FALSE);
		csv_field (out, a->locale, FALSE);
		csv_field (out, a->visibility, FALSE);
		csv_field (out, a->status, FALSE);
		csv_field (out, a->keywords, TRUE);
	}
}

static char *
markdown_file (const PdKbArticle *a)
{
	g_autofree char *keywords = a->keywords && *a->keywords
	                            ? g_strdup_printf ("keywords: %s\n", a->keywords) : g_strdup ("");

	return g_strdup_printf ("---\nslug: %s\ntitle: %s\ntopics: %s\n%slocale: %s\n"
	                        "visibility: %s\nstatus: %s\n---\n\n%s\n",
	                        a->slug, a->title, a->topics ? a->topics : "", keywords, a->locale,
	                        a->visibility, a->status, a->body);
}

static gboolean
write_out (const char *path, GString *text, GError **error)
{
	if (!strcmp (path, "-")) {
		if (fwrite (text->str, 1, text->len, stdout) != text->len || fflush (stdout) != 0) {
			g_set_error (error, PD_ERROR, PD_ERROR_IO, "writing to stdout: %s",
			             g_strerror (errno));
			return FALSE;
		}
		return TRUE;
	}
	return pd_fs_write_file (path, text->str, text->len, 0644, error);
}

gboolean
pd_kb_export (PdStore *store, const char *attach_dir, PdKbFormat format, const char *path,
              GError **error)
{
	g_autoptr (GPtrArray) articles = pd_store_kb_list (store, error);
	g_autoptr (GString) out = g_string_new (NULL);
	guint i;

	if (articles == NULL)
		return FALSE;
	switch (format) {
	case PD_KB_FORMAT_XML:
		return export_xml (store, attach_dir, articles, out, error) && write_out (path, out, error);
	case PD_KB_FORMAT_CSV:
		export_csv (articles, out);
		return write_out (path, out, error);
	case PD_KB_FORMAT_MD:
		if (!strcmp (path, "-")) {
			g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "Markdown export needs a directory");
			return FALSE;
		}
		if (g_mkdir_with_parents (path, 0755) != 0) {
			g_set_error (error, PD_ERROR, PD_ERROR_IO, "%s: %s", path, g_strerror (errno));
			return FALSE;
		}
		for (i = 0; i < articles->len; i++) {
			const PdKbArticle *a = articles->pdata[i];
			g_autofree char *name = g_strconcat (a->slug, ".md", NULL);
			g_autofree char *file = g_build_filename (path, name, NULL);
			g_autofree char *text = markdown_file (a);

			if (!pd_fs_write_file (file, text, strlen (text), 0644, error))
				return FALSE;
		}
		return TRUE;
	}
	return FALSE;
}
