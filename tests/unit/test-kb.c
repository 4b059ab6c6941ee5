/* test-kb.c - the knowledge base's logic: Markdown to safe HTML and to text (table-driven,
 * XSS attempts inert), FTS5 query quoting, article checks, and the importers fed whole and
 * cut at every byte (never a crash; a broken input applies nothing and names file and line). */
#include <glib/gstdio.h>
#include <string.h>

#include "core/error.h"
#include "kb/kb.h"
#include "kb/markdown.h"
#include "store/kb.h"
#include "test-tree.h"

typedef struct {
	const char *md;
	const char *html;
	const char *text;
} MdCase;

static const MdCase md_cases[] = {
	{ "Hello *world*", "<p>Hello <em>world</em></p>\n", "Hello world" },
	{ "**bold** and `a<b`", "<p><strong>bold</strong> and <code>a&lt;b</code></p>\n", "bold and a<b" },
	{ "# Title\n\ntext", "<h1>Title</h1>\n<p>text</p>\n", "Title\n\ntext" },
	{ "- a\n- b\n\n1. x\n2. y", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<ol>\n<li>x</li>\n<li>y</li>\n</ol>\n",
	  "- a\n- b\n\n1. x\n2. y" },
	{ "```\n<b>code</b>\n```", "<pre><code>&lt;b&gt;code&lt;/b&gt;\n</code></pre>\n", "    <b>code</b>" },
	{ "[site](https://example.com/a?b=1&c=2)", "<p><a href=\"https://example.com/a?b=1&amp;c=2\">site</a></p>\n",
	  "site <https://example.com/a?b=1&c=2>" },
	{ "[rel](/kb/x) [mail](mailto:a@b.c)", "<p><a href=\"/kb/x\">rel</a> <a href=\"mailto:a@b.c\">mail</a></p>\n",
	  "rel </kb/x> mail <mailto:a@b.c>" },
	/* XSS attempts: inert */
	{ "<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n", "<script>alert(1)</script>" },
	{ "[x](javascript:alert(1))", "<p>x)</p>\n", "x)" },
	{ "[x](JavaScript:alert`1`)", "<p>x</p>\n", "x" },
	{ "[x](data:text/html,hi)", "<p>x</p>\n", "x" },
	{ "[x](//evil.example/)", "<p>x</p>\n", "x" },
	{ "<img src=x onerror=alert(1)>", "<p>&lt;img src=x onerror=alert(1)&gt;</p>\n", "<img src=x onerror=alert(1)>" },
	{ "[a\"b](https://e.x/\"onmouseover=\"x)", "<p><a href=\"https://e.x/&quot;onmouseover=&quot;x\">a&quot;b</a></p>\n",
	  "a\"b <https://e.x/\"onmouseover=\"x>" },
	{ "snake_case_name and 2*3*4", "<p>snake_case_name and 2*3*4</p>\n", "snake_case_name and 2*3*4" },
	{ "", "", "" },
};

static void
test_markdown (void)
{
	guint i;

	for (i = 0; i < G_N_ELEMENTS (md_cases); i++) {
		g_autofree char *html = pd_kb_markdown_to_html (md_cases[i].md);
		g_autofree char *text = pd_kb_markdown_to_text (md_cases[i].md);

		if (strcmp (html, md_cases[i].html) != 0)
			g_error ("html of \"%s\": got \"%s\", want \"%s\"", md_cases[i].md, html, md_cases[i].html);
		if (strcmp (text, md_cases[i].text) != 0)
			g_error ("text of \"%s\": got \"%s\", want \"%s\"", md_cases[i].md, text, md_cases[i].text);
	}
}

/* whatever the input, the HTML holds no tag outside the allow-list and no unsafe href */
static void
test_markdown_allow_list (void)
{
	static const char *const inputs[] = {
		"<a href=x>[y](z)</a>", "**<i>**", "[[x](y)](javascript:z)", "`<` ``` <", "*[x](vbscript:y)*",
		"- <li>\n1. </ol>", "```\n</code></pre><script>\n```", "[x]( javascript:y)",
	};
	static const char *const allowed[] = { "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol",
		                               "li", "pre", "code", "a", "em", "strong", NULL };
	guint i;

	for (i = 0; i < G_N_ELEMENTS (inputs); i++) {
		g_autofree char *html = pd_kb_markdown_to_html (inputs[i]);
		const char *p;

		for (p = strchr (html, '<'); p; p = strchr (p + 1, '<')) {
			const char *name = p[1] == '/' ? p + 2 : p + 1;
			gsize n = strcspn (name, " >");
			g_autofree char *tag = g_strndup (name, n);

			if (!g_strv_contains (allowed, tag))
				g_error ("input \"%s\": tag <%s> in %s", inputs[i], tag, html);
		}
		g_assert_null (strstr (html, "href=\"javascript"));
		g_assert_null (strstr (html, "href=\" javascript"));
		g_assert_null (strstr (html, "href=\"vbscript"));
	}
}

static void
test_fts_query (void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "reset password", "\"reset\" \"password\"*" },
		{ "a\"b OR NOT c*", "\"a\" \"b\" \"OR\" \"NOT\" \"c\"*" },
		{ "café", "\"café\"*" },
		{ " ,;- ", NULL },
	};
	guint i;

	for (i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autofree char *got = pd_kb_fts_query (cases[i].in);
		g_assert_cmpstr (got, ==, cases[i].want);
	}
}

static void
test_article_check (void)
{
	static const struct {
		const char *slug, *title, *locale, *visibility, *status;
		gboolean ok;
	} cases[] = {
		{ "reset-password", "Reset", NULL, NULL, NULL, TRUE },
		{ "v1.2_notes", "Notes", "pt-BR", "internal", "draft", TRUE },
		{ "Reset", "Reset", NULL, NULL, NULL, FALSE },
		{ "-x", "X", NULL, NULL, NULL, FALSE },
		{ "a b", "X", NULL, NULL, NULL, FALSE },
		{ "ok", "  ", NULL, NULL, NULL, FALSE },
		{ "ok", "two\nlines", NULL, NULL, NULL, FALSE },
		{ "ok", "X", "english", NULL, NULL, FALSE },
		{ "ok", "X", NULL, "secret", NULL, FALSE },
		{ "ok", "X", NULL, NULL, "live", FALSE },
	};
	guint i;

	for (i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autoptr (PdKbArticle) a = pd_kb_article_new ();
		g_autoptr (GError) error = NULL;
		gboolean ok;

		a->slug = g_strdup (cases[i].slug);
		a->title = g_strdup (cases[i].title);
		a->body = g_strdup ("\n\n  \nbody  \n\n");
		a->topics = g_strdup (" a ,, b ");
		a->locale = g_strdup (cases[i].locale);
		a->visibility = g_strdup (cases[i].visibility);
		a->status = g_strdup (cases[i].status);
		ok = pd_kb_article_check (a, "f.md:3", &error);
		if (ok != cases[i].ok)
			g_error ("case %u (%s): got %s, want %s", i, cases[i].slug, ok ? "ok" : error->message,
			         cases[i].ok ? "ok" : "an error");
		if (ok) {
			g_assert_cmpstr (a->body, ==, "body");
			g_assert_cmpstr (a->topics, ==, "a, b");
		} else {
			g_assert_true (g_error_matches (error, PD_ERROR, PD_ERROR_DATA));
			g_assert_true (g_str_has_prefix (error->message, "f.md:3: "));
		}
	}
}

typedef struct {
	char *dir;
	PdStore *store;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *db = NULL;

	f->dir = g_dir_make_tmp ("test-kb-XXXXXX", &error);
	g_assert_no_error (error);
	db = g_build_filename (f->dir, "kb.db", NULL);
	f->store = pd_store_open (db, 1000, &error);
	g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
	pd_store_close (f->store);
	remove_tree (f->dir);
	g_free (f->dir);
}

static gint64
count (Fixture *f)
{
	g_autoptr (GError) error = NULL;
	gint64 n;

	g_assert_true (pd_store_kb_count (f->store, &n, &error));
	return n;
}

/* Import TEXT as NAME cut at every byte: each prefix either imports (and is then removed
 * again by a fresh store) or fails with a PD_ERROR naming NAME:LINE, applying nothing. */
static void
cut_everywhere (Fixture *f, const char *name, const char *text, guint want_articles)
{
	g_autofree char *path = g_build_filename (f->dir, name, NULL);
	g_autofree char *att = g_build_filename (f->dir, "attachments", NULL);
	gsize len = strlen (text), cut;
	g_autofree char *prefix = g_strconcat (path, ":", NULL);

	for (cut = 0; cut <= len; cut++) {
		g_autoptr (GError) error = NULL;
		PdKbImportStats st;
		gint64 before = count (f);

		g_assert_true (g_file_set_contents (path, text, (gssize) cut, NULL));
		if (pd_kb_import (f->store, att, path, "test", &st, &error)) {
			if (cut == len)
				g_assert_cmpuint (st.articles, ==, want_articles);
		} else {
			g_assert_true (error->domain == PD_ERROR);
			if (!g_str_has_prefix (error->message, prefix))
				g_error ("%s cut at %" G_GSIZE_FORMAT ": error \"%s\" does not name the file",
				         name, cut, error->message);
			g_assert_cmpint (count (f), ==, before);
			g_assert_true (cut < len);
		}
	}
}

static void
test_import_cut (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
	cut_everywhere (f, "a.csv",
	                "slug,title,body,status\r\nx-1,\"One, two\",\"a \"\"b\"\"\nc\",published\r\n"
	                "x-2,Two,plain,draft\r\n",
	                2);
	cut_everywhere (f, "b.xml",
	                "<?xml version=\"1.0\"?>\n<kb version=\"1\">\n<article slug=\"y-1\">"
	                "<title>T &amp; U</title><topics>t</topics><body>*b*</body>"
	                "<document name=\"d.txt\" type=\"text/plain\">aGk=</document></article>\n</kb>\n",
	                1);
	cut_everywhere (f, "z-3.md", "---\ntitle: Zed\nstatus: draft\n---\n\n# Heading\n\nBody.\n", 1);
}

static void
test_import_all_or_nothing (Fixture *f, gconstpointer data G_GNUC_UNUSED)
{
	g_autofree char *dir = g_build_filename (f->dir, "md", NULL);
	g_autofree char *att = g_build_filename (f->dir, "attachments", NULL);
	g_autofree char *one = g_build_filename (dir, "one.md", NULL);
	g_autofree char *two = g_build_filename (dir, "two.md", NULL);
	g_autoptr (GError) error = NULL;

	g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
	g_assert_true (g_file_set_contents (one, "# One\n\nfirst\n", -1, NULL));
	/* a title in the front matter is fine; an unclosed front matter is not */
	g_assert_true (g_file_set_contents (two, "---\ntitle: Two\ntopics: x\n", -1, NULL));
	g_assert_false (pd_kb_import (f->store, att, dir, "t", NULL, &error));
	g_assert_nonnull (strstr (error->message, "two.md:1: front matter is not closed"));
	g_assert_cmpint (count (f), ==, 0);
	g_clear_error (&error);
	/* a slug used twice names both places */
	g_assert_true (g_file_set_contents (two, "---\nslug: one\ntitle: Two\n---\nbody\n", -1, NULL));
	g_assert_false (pd_kb_import (f->store, att, dir, "t", NULL, &error));
	g_assert_nonnull (strstr (error->message, "two.md:1: slug \"one\" is already used at"));
	g_assert_nonnull (strstr (error->message, "one.md:1"));
	g_assert_cmpint (count (f), ==, 0);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/kb/markdown", test_markdown);
	g_test_add_func ("/kb/markdown-allow-list", test_markdown_allow_list);
	g_test_add_func ("/kb/fts-query", test_fts_query);
	g_test_add_func ("/kb/article-check", test_article_check);
	g_test_add ("/kb/import-cut", Fixture, NULL, fixture_set_up, test_import_cut, fixture_tear_down);
	g_test_add ("/kb/import-all-or-nothing", Fixture, NULL, fixture_set_up,
	            test_import_all_or_nothing, fixture_tear_down);
	return g_test_run ();
}
