/* kb-read.c - `postdesk kb show|search|history`: an article (as text, Markdown, HTML or JSON
 * with its documents), a search with the matched words marked, and every version of an
 * article. They read and never write. */
#include <stdio.h>

#include "app/app.h"
#include "cmd/cli.h"
#include "cmd/kb-private.h"
#include "core/error.h"
#include "core/json.h"
#include "kb/kb.h"
#include "kb/markdown.h"

static void
json_article (PdJson *j, const PdKbArticle *a)
{
	pd_json_member_int (j, "id", a->id);
	pd_json_member_string (j, "slug", a->slug);
	pd_json_member_string (j, "title", a->title);
	pd_json_member_string (j, "topics", a->topics);
	pd_json_member_string (j, "keywords", a->keywords ? a->keywords : "");
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

gboolean
pd_cmd_kb_show (int argc, char **argv, GError **error)
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
	    !pd_cmd_kb_one_slug (argc, argv, error) || (app = pd_app_open (PD_APP_STORE, error)) == NULL ||
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
	if (a->keywords && *a->keywords)
		printf ("keywords: %s\n", a->keywords);
	for (i = 0; i < docs->len; i++) {
		const PdKbDocument *d = docs->pdata[i];

		printf ("document: %s (%s, %" G_GINT64_FORMAT " bytes, sha256 %s)%s%s\n", d->name,
		        d->content_type, d->size, d->sha256, *d->description ? " - " : "", d->description);
	}
	return TRUE;
}

gboolean
pd_cmd_kb_search (int argc, char **argv, GError **error)
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

gboolean
pd_cmd_kb_history (int argc, char **argv, GError **error)
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
	    !pd_cmd_kb_one_slug (argc, argv, error) || (app = pd_app_open (PD_APP_STORE, error)) == NULL ||
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
