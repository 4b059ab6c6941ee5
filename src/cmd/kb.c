/* kb.c - `postdesk kb add|edit|show|search|publish|unpublish|attach|history|export|import|
 * suggest`: the knowledge base from the command line. Options and output only; the logic is in
 * src/kb/ and the SQL in src/store/kb.c. */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "cmd/cli.h"
#include "core/clock.h"
#include "cmd/kb.h"
#include "cmd/kb-synonym.h"
#include "cmd/report-kb.h"
#include "core/error.h"
#include "core/fsutil.h"
#include "core/json.h"
#include "kb/kb.h"
#include "http/http.h"
#include "kb/markdown.h"
#include "mail/mail.h"

static const char *
author_or_default (const char *author)
{
	return author ? author : g_get_user_name ();
}

static char *
kb_attach_dir (PdApp *app)
{
	return g_build_filename (app->home, "attachments", NULL);
}

static gboolean
read_body (const char *file, char **body_r, GError **error)
{
	g_autoptr (GError) local = NULL;
	gsize len;

	if (!strcmp (file, "-")) {
		GString *s = g_string_new (NULL);
		char buf[4096];
		size_t n;

		while ((n = fread (buf, 1, sizeof buf, stdin)) > 0)
			g_string_append_len (s, buf, n);
		*body_r = g_string_free (s, FALSE);
		return TRUE;
	}
	if (!g_file_get_contents (file, body_r, &len, &local)) {
		g_set_error (error, PD_ERROR, PD_ERROR_NOTFOUND, "%s", local->message);
		return FALSE;
	}
	return TRUE;
}

static gboolean
one_slug (int argc, char **argv, GError **error)
{
	if (argc != 2) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "one article SLUG is needed");
		return FALSE;
	}
	return TRUE;
}

static gboolean
store_article (PdApp *app, PdKbArticle *a, const char *author, gboolean *changed_r,
               GError **error)
{
	gint64 id;

	if (!pd_kb_article_check (a, NULL, error) || !pd_store_begin (app->store, error))
		return FALSE;
	if (!pd_store_kb_put (app->store, a, author_or_default (author), pd_now (), &id, changed_r,
	                      error) ||
	    !pd_kb_stems_save (app->store, id, a, error) ||
	    !pd_store_kb_terms_refresh (app->store, error) ||
	    !pd_kb_related_update (app->store, TRUE, error)) {
		pd_store_rollback (app->store);
		return FALSE;
	}
	return pd_store_commit (app->store, error);
}

static gboolean
kb_add_or_edit (int argc, char **argv, gboolean add, GError **error)
{
	g_autofree char *title = NULL, *body = NULL, *body_file = NULL, *topics = NULL,
	                *locale = NULL, *visibility = NULL, *status = NULL, *author = NULL;
	g_autoptr (PdApp) app = NULL;
	g_autoptr (PdKbArticle) a = NULL;
	g_autoptr (GError) local = NULL;
	gboolean changed;
	const GOptionEntry entries[] = {
		{ "title", 0, 0, G_OPTION_ARG_STRING, &title, "the title", "TEXT" },
		{ "body", 0, 0, G_OPTION_ARG_STRING, &body, "the body (Markdown subset)", "TEXT" },
		{ "body-file", 0, 0, G_OPTION_ARG_FILENAME, &body_file, "read the body from FILE (- = stdin)", "FILE" },
		{ "topics", 0, 0, G_OPTION_ARG_STRING, &topics, "comma-separated topics", "T1,T2" },
		{ "locale", 0, 0, G_OPTION_ARG_STRING, &locale, "language (default en)", "LOCALE" },
		{ "visibility", 0, 0, G_OPTION_ARG_STRING, &visibility, "public, customer or internal (default public)", "LEVEL" },
		{ "status", 0, 0, G_OPTION_ARG_STRING, &status, "draft or published (default draft)", "STATUS" },
		{ "author", 0, 0, G_OPTION_ARG_STRING, &author, "who makes this version (default: the user)", "NAME" },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "SLUG",
	                   add ? "Add an article (a draft unless --status published)."
	                       : "Edit an article: the options given change, the rest stays; a new version is kept.",
	                   entries, error) ||
	    !one_slug (argc, argv, error) || (app = pd_app_open (PD_APP_STORE, error)) == NULL)
		return FALSE;
	if (body_file != NULL && body != NULL) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "--body and --body-file exclude each other");
		return FALSE;
	}
	if (body_file != NULL && !read_body (body_file, &body, error))
		return FALSE;
	a = pd_store_kb_get (app->store, argv[1], &local);
	if (add && a != NULL) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "article %s exists; use kb edit", argv[1]);
		return FALSE;
	}
	if (a == NULL && !g_error_matches (local, PD_ERROR, PD_ERROR_NOTFOUND)) {
		g_propagate_error (error, g_steal_pointer (&local));
		return FALSE;
	}
	if (!add && a == NULL) {
		g_propagate_error (error, g_steal_pointer (&local));
		return FALSE;
	}
	if (add) {
		if (title == NULL) {
			g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "--title is needed");
			return FALSE;
		}
		a = pd_kb_article_new ();
		a->slug = g_strdup (argv[1]);
		a->body = g_strdup ("");
		a->status = g_strdup ("draft");
	}
#define SET(field)                                                 \
	if (field != NULL) {                                       \
		g_free (a->field);                                 \
		a->field = g_steal_pointer (&field);               \
	}
	SET (title);
	SET (body);
	SET (topics);
	SET (locale);
	SET (visibility);
	SET (status);
#undef SET
	if (!store_article (app, a, author, &changed, error))
		return FALSE;
	printf ("%s %s\n", a->slug, changed ? (add ? "added" : "changed") : "unchanged");
	return TRUE;
}

static gboolean
kb_add (int argc, char **argv, GError **error)
{
	return kb_add_or_edit (argc, argv, TRUE, error);
}

static gboolean
kb_edit (int argc, char **argv, GError **error)
{
	return kb_add_or_edit (argc, argv, FALSE, error);
}

static gboolean
set_status (int argc, char **argv, const char *status, GError **error)
{
	g_autofree char *author = NULL;
	g_autoptr (PdApp) app = NULL;
	g_autoptr (PdKbArticle) a = NULL;
	gboolean changed;
	const GOptionEntry entries[] = {
		{ "author", 0, 0, G_OPTION_ARG_STRING, &author, "who does it (default: the user)", "NAME" },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "SLUG",
	                   !strcmp (status, "published") ? "Publish an article." : "Make an article a draft again.",
	                   entries, error) ||
	    !one_slug (argc, argv, error) || (app = pd_app_open (PD_APP_STORE, error)) == NULL ||
	    (a = pd_store_kb_get (app->store, argv[1], error)) == NULL)
		return FALSE;
	g_free (a->status);
	a->status = g_strdup (status);
	if (!store_article (app, a, author, &changed, error))
		return FALSE;
	printf ("%s %s%s\n", a->slug, status, changed ? "" : " (already)");
	return TRUE;
}

static gboolean
kb_publish (int argc, char **argv, GError **error)
{
	return set_status (argc, argv, "published", error);
}

static gboolean
kb_unpublish (int argc, char **argv, GError **error)
{
	return set_status (argc, argv, "draft", error);
}

static void
json_article (PdJson *j, const PdKbArticle *a)
{
	pd_json_member_int (j, "id", a->id);
	pd_json_member_string (j, "slug", a->slug);
	pd_json_member_string (j, "title", a->title);
	pd_json_member_string (j, "topics", a->topics);
	pd_json_member_string (j, "locale", a->locale);
	pd_json_member_string (j, "visibility", a->visibility);
	pd_json_member_string (j, "status", a->status);
	pd_json_member_int (j, "version", a->version);
}

static char *
utc (gint64 t)
{
	g_autoptr (GDateTime) d = g_date_time_new_from_unix_utc (t);

	return d ? g_date_time_format (d, "%Y-%m-%d %H:%M:%S UTC") : g_strdup ("?");
}

static gboolean
kb_show (int argc, char **argv, GError **error)
{
	gboolean json = FALSE, html = FALSE, raw = FALSE;
	g_autoptr (PdApp) app = NULL;
	g_autoptr (PdKbArticle) a = NULL;
	g_autoptr (GPtrArray) docs = NULL;
	g_autofree char *rendered = NULL, *when = NULL;
	guint i;
	const GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "a JSON object (body as Markdown, text and HTML)", NULL },
		{ "html", 0, 0, G_OPTION_ARG_NONE, &html, "the body as safe HTML", NULL },
		{ "markdown", 0, 0, G_OPTION_ARG_NONE, &raw, "the body as stored (Markdown)", NULL },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "SLUG", "Show an article and its documents.", entries, error) ||
	    !one_slug (argc, argv, error) || (app = pd_app_open (PD_APP_STORE, error)) == NULL ||
	    (a = pd_store_kb_get (app->store, argv[1], error)) == NULL ||
	    (docs = pd_store_kb_documents (app->store, a->id, error)) == NULL)
		return FALSE;
	if (json) {
		PdJson *j = pd_json_new ();
		g_autofree char *text = pd_kb_markdown_to_text (a->body);
		g_autofree char *h = pd_kb_markdown_to_html (a->body);

		pd_json_object_begin (j);
		json_article (j, a);
		pd_json_member_int (j, "created", a->created);
		pd_json_member_int (j, "updated", a->updated);
		pd_json_member_string (j, "body", a->body);
		pd_json_member_string (j, "text", text);
		pd_json_member_string (j, "html", h);
		pd_json_key (j, "documents");
		pd_json_array_begin (j);
		for (i = 0; i < docs->len; i++) {
			const PdKbDocument *d = docs->pdata[i];

			pd_json_object_begin (j);
			pd_json_member_string (j, "name", d->name);
			pd_json_member_string (j, "type", d->content_type);
			pd_json_member_int (j, "size", d->size);
			pd_json_member_string (j, "sha256", d->sha256);
			pd_json_member_string (j, "description", d->description);
			pd_json_object_end (j);
		}
		pd_json_array_end (j);
		pd_json_object_end (j);
		pd_cli_print_json (pd_json_free_to_string (j));
		return TRUE;
	}
	if (html) {
		rendered = pd_kb_markdown_to_html (a->body);
		fputs (rendered, stdout);
		return TRUE;
	}
	rendered = raw ? g_strdup (a->body) : pd_kb_markdown_to_text (a->body);
	when = utc (a->updated);
	printf ("%s\n\n%s\n\n", a->title, rendered);
	printf ("slug: %s  locale: %s  visibility: %s  status: %s  version: %" G_GINT64_FORMAT
	        "  updated: %s\n",
	        a->slug, a->locale, a->visibility, a->status, a->version, when);
	if (a->topics && *a->topics)
		printf ("topics: %s\n", a->topics);
	for (i = 0; i < docs->len; i++) {
		const PdKbDocument *d = docs->pdata[i];

		printf ("document: %s (%s, %" G_GINT64_FORMAT " bytes, sha256 %s)%s%s\n", d->name,
		        d->content_type, d->size, d->sha256, *d->description ? " - " : "", d->description);
	}
	return TRUE;
}

static gboolean
kb_search (int argc, char **argv, GError **error)
{
	gboolean json = FALSE, all = FALSE;
	g_autofree char *locale = NULL, *words = NULL, *query = NULL;
	int limit = 10;
	g_autoptr (PdApp) app = NULL;
	g_autoptr (GPtrArray) hits = NULL;
	guint i;
	const GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "a JSON array", NULL },
		{ "locale", 0, 0, G_OPTION_ARG_STRING, &locale, "only articles in this language", "LOCALE" },
		{ "all", 0, 0, G_OPTION_ARG_NONE, &all, "drafts too", NULL },
		{ "limit", 0, 0, G_OPTION_ARG_INT, &limit, "at most N results (default 10)", "N" },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "WORDS...",
	                   "Search the articles (title above topics, documents and body; diacritics "
	                   "folded). Every word must match; the matched words are shown in [brackets].",
	                   entries, error) ||
	    (app = pd_app_open (PD_APP_STORE, error)) == NULL)
		return FALSE;
	words = g_strjoinv (" ", argv + 1);
	query = pd_kb_fts_query (words);
	if (query == NULL) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "some WORDS to search for are needed");
		return FALSE;
	}
	if ((hits = pd_store_kb_search (app->store, query, locale, !all, limit, error)) == NULL)
		return FALSE;
	if (json) {
		PdJson *j = pd_json_new ();

		pd_json_array_begin (j);
		for (i = 0; i < hits->len; i++) {
			const PdKbHit *h = hits->pdata[i];

			pd_json_object_begin (j);
			pd_json_member_string (j, "slug", h->slug);
			pd_json_member_string (j, "title", h->title);
			pd_json_member_string (j, "locale", h->locale);
			pd_json_member_string (j, "visibility", h->visibility);
			pd_json_member_string (j, "status", h->status);
			pd_json_member_string (j, "snippet", h->snippet);
			pd_json_object_end (j);
		}
		pd_json_array_end (j);
		pd_cli_print_json (pd_json_free_to_string (j));
		return TRUE;
	}
	for (i = 0; i < hits->len; i++) {
		const PdKbHit *h = hits->pdata[i];

		printf ("%-30s %s\n    %s\n", h->slug, h->title, h->snippet);
	}
	return TRUE;
}

static gboolean
kb_attach (int argc, char **argv, GError **error)
{
	g_autofree char *name = NULL, *type = NULL, *description = NULL, *data = NULL, *dir = NULL;
	g_autoptr (PdApp) app = NULL;
	g_autoptr (PdKbArticle) a = NULL;
	g_autoptr (GBytes) bytes = NULL;
	g_autoptr (GError) local = NULL;
	gboolean changed;
	gsize len;
	const GOptionEntry entries[] = {
		{ "name", 0, 0, G_OPTION_ARG_STRING, &name, "the document's name (default: the file name)", "NAME" },
		{ "type", 0, 0, G_OPTION_ARG_STRING, &type, "its MIME type (default: guessed)", "TYPE" },
		{ "description", 0, 0, G_OPTION_ARG_STRING, &description, "what it is (searchable)", "TEXT" },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "SLUG FILE",
	                   "Attach a document (PDF, image, schematic) to an article; a document of "
	                   "the same name is replaced.",
	                   entries, error) ||
	    (app = pd_app_open (PD_APP_STORE, error)) == NULL)
		return FALSE;
	if (argc != 3) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "an article SLUG and a FILE are needed");
		return FALSE;
	}
	if ((a = pd_store_kb_get (app->store, argv[1], error)) == NULL)
		return FALSE;
	if (!g_file_get_contents (argv[2], &data, &len, &local)) {
		g_set_error (error, PD_ERROR, PD_ERROR_NOTFOUND, "%s", local->message);
		return FALSE;
	}
	bytes = g_bytes_new_take (g_steal_pointer (&data), len);
	if (name == NULL)
		name = g_path_get_basename (argv[2]);
	dir = kb_attach_dir (app);
	if (!pd_store_begin (app->store, error))
		return FALSE;
	if (!pd_kb_attach (app->store, dir, a->id, name, type, description, bytes, pd_now (), &changed,
	                   error) ||
	    !pd_store_kb_terms_refresh (app->store, error)) {
		pd_store_rollback (app->store);
		return FALSE;
	}
	if (!pd_store_commit (app->store, error))
		return FALSE;
	printf ("%s: %s %s\n", a->slug, name, changed ? "attached" : "unchanged");
	return TRUE;
}

static gboolean
kb_history (int argc, char **argv, GError **error)
{
	gboolean json = FALSE;
	g_autoptr (PdApp) app = NULL;
	g_autoptr (PdKbArticle) a = NULL;
	g_autoptr (GPtrArray) versions = NULL;
	guint i;
	const GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "a JSON array, oldest first", NULL },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "SLUG", "Every version of an article: who and when.",
	                   entries, error) ||
	    !one_slug (argc, argv, error) || (app = pd_app_open (PD_APP_STORE, error)) == NULL ||
	    (a = pd_store_kb_get (app->store, argv[1], error)) == NULL ||
	    (versions = pd_store_kb_versions (app->store, a->id, error)) == NULL)
		return FALSE;
	if (json) {
		PdJson *j = pd_json_new ();

		pd_json_array_begin (j);
		for (i = 0; i < versions->len; i++) {
			const PdKbArticle *v = versions->pdata[i];

			pd_json_object_begin (j);
			json_article (j, v);
			pd_json_member_string (j, "author", v->author);
			pd_json_member_int (j, "at", v->created);
			pd_json_member_string (j, "body", v->body);
			pd_json_object_end (j);
		}
		pd_json_array_end (j);
		pd_cli_print_json (pd_json_free_to_string (j));
		return TRUE;
	}
	for (i = 0; i < versions->len; i++) {
		const PdKbArticle *v = versions->pdata[i];
		g_autofree char *when = utc (v->created);

		printf ("%3" G_GINT64_FORMAT "  %s  %-16s %-9s %-8s %s\n", v->version, when, v->author,
		        v->status, v->visibility, v->title);
	}
	return TRUE;
}

static gboolean
format_for (const char *format, const char *path, PdKbFormat *f_r, GError **error)
{
	if (format != NULL)
		return pd_kb_format_parse (format, f_r, error);
	if (g_str_has_suffix (path, ".csv"))
		*f_r = PD_KB_FORMAT_CSV;
	else if (g_str_has_suffix (path, ".xml") || !strcmp (path, "-"))
		*f_r = PD_KB_FORMAT_XML;
	else
		*f_r = PD_KB_FORMAT_MD; /* a directory */
	return TRUE;
}

static gboolean
kb_export (int argc, char **argv, GError **error)
{
	g_autofree char *format = NULL, *dir = NULL;
	g_autoptr (PdApp) app = NULL;
	PdKbFormat f;
	const GOptionEntry entries[] = {
		{ "format", 0, 0, G_OPTION_ARG_STRING, &format,
		  "xml, csv or md (default: from PATH: .xml, .csv, - is XML, else a directory of .md)", "FORMAT" },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "PATH",
	                   "Export every article in a format `kb import` reads (XML also carries the "
	                   "documents). PATH - writes to stdout.",
	                   entries, error) ||
	    (app = pd_app_open (PD_APP_STORE, error)) == NULL)
		return FALSE;
	if (argc != 2) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "one PATH is needed");
		return FALSE;
	}
	dir = kb_attach_dir (app);
	return format_for (format, argv[1], &f, error) &&
	       pd_kb_export (app->store, dir, f, argv[1], error);
}

static gboolean
kb_import (int argc, char **argv, GError **error)
{
	gboolean json = FALSE;
	g_autofree char *author = NULL, *dir = NULL;
	g_autoptr (PdApp) app = NULL;
	PdKbImportStats st;
	const GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "the counts as a JSON object", NULL },
		{ "author", 0, 0, G_OPTION_ARG_STRING, &author, "who makes the new versions (default: the user)", "NAME" },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "FILE|DIR",
	                   "Import articles: an XML file (kb.xsd), a CSV file (header slug,title,body"
	                   "[,topics,locale,visibility,status]), or a Markdown file or a directory of "
	                   "them. All or nothing; articles are matched by slug.",
	                   entries, error) ||
	    (app = pd_app_open (PD_APP_STORE, error)) == NULL)
		return FALSE;
	if (argc != 2) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "one FILE or DIR is needed");
		return FALSE;
	}
	dir = kb_attach_dir (app);
	if (!pd_kb_import (app->store, dir, argv[1], author_or_default (author), &st, error))
		return FALSE;
	if (json) {
		PdJson *j = pd_json_new ();

		pd_json_object_begin (j);
		pd_json_member_int (j, "articles", st.articles);
		pd_json_member_int (j, "created", st.created);
		pd_json_member_int (j, "updated", st.updated);
		pd_json_member_int (j, "unchanged", st.unchanged);
		pd_json_member_int (j, "documents", st.documents);
		pd_json_object_end (j);
		pd_cli_print_json (pd_json_free_to_string (j));
	} else
		printf ("%u articles: %u created, %u updated, %u unchanged; %u documents\n", st.articles,
		        st.created, st.updated, st.unchanged, st.documents);
	return TRUE;
}

/* a JSON string literal for S (the writer escapes; no double writer exists, so suggest
 * assembles its lines itself) */
static char *
json_str (const char *s)
{
	PdJson *j = pd_json_new ();

	pd_json_string (j, s);
	return pd_json_free_to_string (j);
}

static gboolean
kb_suggest (int argc, char **argv, GError **error)
{
	gboolean json = FALSE, plain = FALSE;
	int max = 3;
	g_autoptr (PdApp) app = NULL;
	guint failures = 0;
	int i;
	const GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "JSON Lines: file, suggestions [{slug, title, score}]", NULL },
		{ "max", 0, 0, G_OPTION_ARG_INT, &max, "at most N articles per mail (default 3)", "N" },
		{ "plain-bm25", 0, 0, G_OPTION_ARG_NONE, &plain, "the baseline: plain FTS5 BM25 over every word, no threshold (for measurements)", NULL },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "FILE...",
	                   "The articles an acknowledgement would list for each mail (published, "
	                   "above the relevance threshold). Stores nothing.",
	                   entries, error) ||
	    (app = pd_app_open (PD_APP_STORE, error)) == NULL)
		return FALSE;
	if (argc < 2 || max < 1) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "one or more FILEs are needed");
		return FALSE;
	}
	for (i = 1; i < argc; i++) {
		g_autofree char *data = NULL, *text = NULL, *file = NULL;
		g_autoptr (GError) local = NULL;
		g_autoptr (GBytes) raw = NULL;
		g_autoptr (PdMail) mail = NULL;
		g_autoptr (GPtrArray) res = NULL;
		PdMailLimits limits = { app->settings->max_message_size, app->settings->max_mime_depth,
			                app->settings->max_mime_parts };
		gsize len;
		guint k;

		if (!g_file_get_contents (argv[i], &data, &len, &local)) {
			failures++;
			fprintf (stderr, "%s: %s\n", argv[i], local->message);
			continue;
		}
		raw = g_bytes_new_take (g_steal_pointer (&data), len);
		if ((mail = pd_mail_parse (raw, &limits, &local)) == NULL) {
			failures++;
			fprintf (stderr, "%s: unparsable: %s\n", argv[i], local->message);
			continue;
		}
		text = g_strdup_printf ("%s\n\n%s", mail->subject, mail->body_text);
		if (!(plain ? pd_kb_suggest_plain : pd_kb_suggest) (app->store, text, (guint) max, &res,
		                                                   error))
			return FALSE;
		if (json) {
			GString *line = g_string_new ("{\"file\":");

			file = json_str (argv[i]);
			g_string_append_printf (line, "%s,\"suggestions\":[", file);
			for (k = 0; k < res->len; k++) {
				const PdKbSuggestion *s = res->pdata[k];
				g_autofree char *slug = json_str (s->slug), *title = json_str (s->title);
				char score[G_ASCII_DTOSTR_BUF_SIZE];

				g_ascii_formatd (score, sizeof score, "%.3f", s->score);
				g_string_append_printf (line, "%s{\"slug\":%s,\"title\":%s,\"score\":%s}",
				                        k ? "," : "", slug, title, score);
			}
			g_string_append (line, "]}");
			pd_cli_print_json (g_string_free (line, FALSE));
		} else {
			printf ("%s:%s\n", argv[i], res->len ? "" : " (no article good enough)");
			for (k = 0; k < res->len; k++) {
				const PdKbSuggestion *s = res->pdata[k];

				printf ("  %.3f  %-30s %s\n", s->score, s->slug, s->title);
			}
		}
		fflush (stdout); /* one line per mail as it is judged (tests/bench/kb times them) */
	}
	if (failures > 0) {
		g_set_error (error, PD_ERROR, PD_ERROR_DATA, "%u of %d files could not be read",
		             failures, argc - 1);
		return FALSE;
	}
	return TRUE;
}

static gboolean
store_logo (PdApp *app, const char *file, GError **error)
{
	g_autofree char *data = NULL, *sha = NULL, *dir = NULL, *name = g_path_get_basename (file);
	g_autofree char *lower = g_ascii_strdown (name, -1), *path = NULL;
	g_autoptr (GBytes) bytes = NULL;
	gsize len;

	if (pd_http_logo_type (lower) == NULL) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE,
		             "logo: %s is not a .png, .jpg, .jpeg, .gif, .webp or .svg file", file);
		return FALSE;
	}
	if (!g_file_get_contents (file, &data, &len, error))
		return FALSE;
	if (len > 1024 * 1024) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "logo: %s is over 1 MiB", file);
		return FALSE;
	}
	bytes = g_bytes_new_take (g_steal_pointer (&data), len);
	sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
	dir = kb_attach_dir (app);
	path = pd_http_logo_path (sha, lower);
	if (!pd_fs_store_blob (dir, sha, bytes, error) ||
	    !pd_store_kb_style_set (app->store, "logo", path, error))
		return FALSE;
	printf ("%s\n", path);
	return TRUE;
}

/* `kb style [--json] [KEY [VALUE]]`, `kb style --unset KEY`: the web view's look (db/013) */
static gboolean
cmd_kb_style (int argc, char **argv, GError **error)
{
	gboolean json = FALSE, unset = FALSE;
	g_autoptr (PdApp) app = NULL;
	g_autoptr (GHashTable) style = NULL;
	g_autofree char *summary = g_strdup_printf (
		"Without KEY: every parameter set; with KEY: its value; with VALUE: set it.\n"
		"Keys (an unset key takes the built-in default):\n%s", pd_http_style_help ());
	const GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "an object {key: value}", NULL },
		{ "unset", 0, 0, G_OPTION_ARG_NONE, &unset, "remove KEY: back to the default", NULL },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "[KEY [VALUE]]", summary, entries, error))
		return FALSE;
	if (argc > 3 || (unset && argc != 2)) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "usage: kb style [KEY [VALUE]] | --unset KEY");
		return FALSE;
	}
	if (argc == 3 && strcmp (argv[1], "logo") == 0 && g_file_test (argv[2], G_FILE_TEST_IS_REGULAR)) {
		/* an image file: stored under the home like a document, served at /kb/logo/SHA.EXT */
		if ((app = pd_app_open (PD_APP_STORE, error)) == NULL)
			return FALSE;
		return store_logo (app, argv[2], error);
	}
	if (argc >= 2 && !pd_http_style_check (argv[1], argc == 3 ? argv[2] : NULL, error))
		return FALSE;
	if ((app = pd_app_open (PD_APP_STORE, error)) == NULL)
		return FALSE;
	if (argc == 3 || unset)
		return pd_store_kb_style_set (app->store, argv[1], unset ? NULL : argv[2], error);
	if ((style = pd_store_kb_style_get (app->store, error)) == NULL)
		return FALSE;
	if (argc == 2) {
		const char *v = g_hash_table_lookup (style, argv[1]);

		if (v == NULL) {
			g_set_error (error, PD_ERROR, PD_ERROR_NOTFOUND, "%s is not set (the default applies)",
			             argv[1]);
			return FALSE;
		}
		printf ("%s\n", v);
		return TRUE;
	}
	{
		g_autoptr (GList) keys = g_list_sort (g_hash_table_get_keys (style), (GCompareFunc) strcmp);
		PdJson *j = json ? pd_json_new () : NULL;
		GList *l;

		if (j)
			pd_json_object_begin (j);
		for (l = keys; l; l = l->next) {
			if (j)
				pd_json_member_string (j, l->data, g_hash_table_lookup (style, l->data));
			else
				printf ("%s = %s\n", (char *) l->data, (char *) g_hash_table_lookup (style, l->data));
		}
		if (j) {
			g_autofree char *out = NULL;

			pd_json_object_end (j);
			out = pd_json_free_to_string (j);
			printf ("%s\n", out);
		}
	}
	return TRUE;
}

static const PdCommand kb_commands[] = {
	{ "add", kb_add, "add an article" },
	{ "edit", kb_edit, "change an article (a new version)" },
	{ "show", kb_show, "show an article" },
	{ "search", kb_search, "search the articles" },
	{ "publish", kb_publish, "publish an article" },
	{ "unpublish", kb_unpublish, "make an article a draft" },
	{ "attach", kb_attach, "attach a document to an article" },
	{ "history", kb_history, "the versions of an article" },
	{ "export", kb_export, "write every article as XML, CSV or Markdown" },
	{ "import", kb_import, "import XML, CSV or Markdown (all or nothing)" },
	{ "suggest", kb_suggest, "the articles that answer mails, storing nothing" },
	{ "style", cmd_kb_style, "the look of the web view: colours, fonts, site title" },
	{ "report", pd_report_kb_command, "the most requested articles and the questions nothing answered" },
	{ "synonym", pd_kb_synonym_command, "search synonyms: add, remove, list" },
	{ NULL, NULL, NULL },
};

gboolean
pd_cmd_kb (int argc, char **argv, GError **error)
{
	return pd_cli_dispatch ("kb", kb_commands, argc, argv, error);
}
