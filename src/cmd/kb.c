/* kb.c - `postdesk kb`: the command table, and the commands that write an article (add, edit,
 * publish, unpublish, attach). The rest is one file per group (what they share is
 * kb-private.h): kb-read.c (show, search, history), kb-transfer.c (export, import),
 * kb-suggest.c, kb-style.c, report-kb.c. Options and output only; the logic is in src/kb/ and
 * the SQL in src/store/kb*.c. */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "cmd/cli.h"
#include "core/clock.h"
#include "cmd/kb.h"
#include "cmd/kb-private.h"
#include "cmd/kb-synonym.h"
#include "cmd/kb-learn.h"
#include "cmd/report-kb.h"
#include "core/error.h"
#include "kb/kb.h"

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
store_article (PdApp *app, PdKbArticle *a, const char *author, gboolean *changed_r,
               GError **error)
{
	gint64 id;

	if (!pd_kb_article_check (a, NULL, error) || !pd_store_begin (app->store, error))
		return FALSE;
	if (!pd_store_kb_put (app->store, a, pd_cmd_kb_author_or_default (author), pd_now (), &id,
	                      changed_r, error) ||
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
	g_autofree char *title = NULL, *body = NULL, *body_file = NULL, *topics = NULL, *keywords = NULL,
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
		{ "keywords", 0, 0, G_OPTION_ARG_STRING, &keywords,
		  "comma-separated words customers use for it, searched, never shown (\"\" for none)", "K1,K2" },
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
	    !pd_cmd_kb_one_slug (argc, argv, error) || (app = pd_app_open (PD_APP_STORE, error)) == NULL)
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
	SET (keywords);
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
	    !pd_cmd_kb_one_slug (argc, argv, error) || (app = pd_app_open (PD_APP_STORE, error)) == NULL ||
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
	dir = pd_cmd_kb_attach_dir (app);
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

static const PdCommand kb_commands[] = {
	{ "add", kb_add, "add an article" },
	{ "edit", kb_edit, "change an article (a new version)" },
	{ "show", pd_cmd_kb_show, "show an article" },
	{ "search", pd_cmd_kb_search, "search the articles" },
	{ "publish", kb_publish, "publish an article" },
	{ "unpublish", kb_unpublish, "make an article a draft" },
	{ "attach", kb_attach, "attach a document to an article" },
	{ "history", pd_cmd_kb_history, "the versions of an article" },
	{ "export", pd_cmd_kb_export, "write every article as XML, CSV or Markdown" },
	{ "import", pd_cmd_kb_import, "import XML, CSV or Markdown (all or nothing)" },
	{ "suggest", pd_cmd_kb_suggest, "the articles that answer mails, storing nothing" },
	{ "style", pd_cmd_kb_style, "the look of the web view: colours, fonts, site title" },
	{ "report", pd_report_kb_command, "the most requested articles and the questions nothing answered" },
	{ "synonym", pd_kb_synonym_command, "search synonyms: add, remove, list" },
	{ "learn", pd_cmd_kb_learn, "keywords learned from the questions agents answered with an article" },
	{ NULL, NULL, NULL },
};

gboolean
pd_cmd_kb (int argc, char **argv, GError **error)
{
	return pd_cli_dispatch ("kb", kb_commands, argc, argv, error);
}
