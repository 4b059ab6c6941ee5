/* article.c - checks on an article's fields, the FTS5 query for typed words, and attaching a
 * document (bytes content-addressed under the attachments directory, like mail attachments). */
#include <gio/gio.h>
#include <string.h>

#include "core/error.h"
#include "core/fsutil.h"
#include "kb/kb.h"

static gboolean
valid_slug (const char *s)
{
	gsize i, n = s ? strlen (s) : 0;

	if (n == 0 || n > 100 || !(g_ascii_islower (s[0]) || g_ascii_isdigit (s[0])))
		return FALSE;
	for (i = 0; i < n; i++)
		if (!(g_ascii_islower (s[i]) || g_ascii_isdigit (s[i]) || s[i] == '-' || s[i] == '_' ||
		      s[i] == '.'))
			return FALSE;
	return TRUE;
}

static gboolean
valid_locale (const char *s)
{
	return s != NULL && g_regex_match_simple ("^[a-z]{2,3}([-_][A-Za-z0-9]{2,8})?$", s, 0, 0);
}

static void fail (GError **error, const char *where, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

static void
fail (GError **error, const char *where, const char *fmt, ...)
{
	g_autofree char *msg = NULL;
	va_list ap;

	va_start (ap, fmt);
	msg = g_strdup_vprintf (fmt, ap);
	va_end (ap);

	if (where)
		g_set_error (error, PD_ERROR, PD_ERROR_DATA, "%s: %s", where, msg);
	else
		g_set_error (error, PD_ERROR, PD_ERROR_DATA, "%s", msg);
}

static char *
normalise_topics (const char *topics)
{
	g_auto (GStrv) parts = g_strsplit (topics ? topics : "", ",", -1);
	GString *out = g_string_new (NULL);
	guint i;

	for (i = 0; parts[i]; i++) {
		g_strstrip (parts[i]);
		if (*parts[i])
			g_string_append_printf (out, "%s%s", out->len ? ", " : "", parts[i]);
	}
	return g_string_free (out, FALSE);
}

gboolean
pd_kb_article_check (PdKbArticle *a, const char *where, GError **error)
{
	char *body, *topics;
	const char *start;

	if (!valid_slug (a->slug)) {
		fail (error, where,
		      "bad slug \"%s\": want lower-case letters, digits, '-', '_' or '.' (at most 100)",
		      a->slug);
		return FALSE;
	}
	if (a->title == NULL || !g_utf8_validate (a->title, -1, NULL) ||
	    *g_strstrip (a->title) == '\0' || strchr (a->title, '\n') != NULL) {
		fail (error, where, "article %s has no title (or one of several lines)", a->slug);
		return FALSE;
	}
	if (a->body == NULL || !g_utf8_validate (a->body, -1, NULL)) {
		fail (error, where, "article %s: the body is not UTF-8", a->slug);
		return FALSE;
	}
	if (a->locale == NULL || *a->locale == '\0') {
		g_free (a->locale);
		a->locale = g_strdup ("en");
	}
	if (!valid_locale (a->locale)) {
		fail (error, where, "bad locale \"%s\": want e.g. en, de or pt-BR", a->locale);
		return FALSE;
	}
	if (a->visibility == NULL)
		a->visibility = g_strdup ("public");
	if (g_strcmp0 (a->visibility, "public") && g_strcmp0 (a->visibility, "customer") &&
	    g_strcmp0 (a->visibility, "internal")) {
		fail (error, where, "bad visibility \"%s\": want public, customer or internal",
		      a->visibility);
		return FALSE;
	}
	if (a->status == NULL)
		a->status = g_strdup ("published");
	if (g_strcmp0 (a->status, "draft") && g_strcmp0 (a->status, "published")) {
		fail (error, where, "bad status \"%s\": want draft or published", a->status);
		return FALSE;
	}
	/* the body: no leading blank lines, no trailing white space, LF line ends */
	{
		g_autofree char *lf = NULL;
		GString *s = g_string_new (a->body);

		g_string_replace (s, "\r\n", "\n", 0);
		lf = g_string_free (s, FALSE);
		start = lf;
		while (*start) {
			const char *nl = strchr (start, '\n');
			const char *p = start;

			while (*p == ' ' || *p == '\t')
				p++;
			if (nl == NULL || p != nl)
				break;
			start = nl + 1;
		}
		body = g_strchomp (g_strdup (start));
	}
	g_free (a->body);
	a->body = body;
	topics = normalise_topics (a->topics);
	g_free (a->topics);
	a->topics = topics;
	if (a->keywords != NULL) { /* the same list form (db/039); NULL: not given */
		topics = normalise_topics (a->keywords);
		g_free (a->keywords);
		a->keywords = topics;
	}
	return TRUE;
}

char *
pd_kb_fts_query (const char *words)
{
	GString *q = g_string_new (NULL);
	const char *p = words ? words : "";
	guint n = 0;

	while (*p) {
		const char *start;
		gunichar c = g_utf8_get_char_validated (p, -1);

		if (c == (gunichar) -1 || c == (gunichar) -2)
			break;
		if (!g_unichar_isalnum (c)) {
			p = g_utf8_next_char (p);
			continue;
		}
		start = p;
		while (*p && g_unichar_isalnum (g_utf8_get_char (p)))
			p = g_utf8_next_char (p);
		g_string_append_printf (q, "%s\"%.*s\"", n++ ? " " : "", (int) (p - start), start);
	}
	if (n == 0) {
		g_string_free (q, TRUE);
		return NULL;
	}
	g_string_append_c (q, '*'); /* the last word may be unfinished */
	return g_string_free (q, FALSE);
}

gboolean
pd_kb_attach (PdStore *store, const char *attach_dir, gint64 article_id, const char *name,
              const char *type, const char *description, GBytes *bytes, gint64 now,
              gboolean *changed_r, GError **error)
{
	g_autofree char *sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
	g_autofree char *guessed = NULL, *mime = NULL;
	PdKbDocument doc = { 0 };
	gsize len;
	const guchar *data = g_bytes_get_data (bytes, &len);

	if (name == NULL || *name == '\0' || strchr (name, '/') != NULL ||
	    !g_utf8_validate (name, -1, NULL)) {
		g_set_error (error, PD_ERROR, PD_ERROR_DATA, "bad document name \"%s\"",
		             name ? name : "");
		return FALSE;
	}
	if (type == NULL) {
		guessed = g_content_type_guess (name, data, len, NULL);
		mime = guessed ? g_content_type_get_mime_type (guessed) : NULL;
		type = mime ? mime : "application/octet-stream";
	}
	if (!pd_fs_store_blob (attach_dir, sha, bytes, error))
		return FALSE;
	doc.article_id = article_id;
	doc.name = (char *) name;
	doc.content_type = (char *) type;
	doc.size = (gint64) len;
	doc.sha256 = sha;
	doc.description = (char *) (description ? description : "");
	return pd_store_kb_document_put (store, &doc, now, changed_r, error);
}

void
pd_kb_suggestion_free (PdKbSuggestion *s)
{
	if (s == NULL)
		return;
	g_free (s->slug);
	g_free (s->title);
	g_free (s);
}
