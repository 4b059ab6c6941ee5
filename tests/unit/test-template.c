/* test-template.c - the {{ }} expander (one table case per rule, "got X, want Y"), its errors,
 * one-line mode for headers, and pd_template_render: a home override, the locale falling back
 * to the built-in en template (compiled in as a GResource), and the parsed header block. */
#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include "core/error.h"
#include "core/template.h"
#include "test-tree.h"

/* name=value; list "items" with two items (title, url) and "empty" with none;
 * flag "yes" = "1", "no" = "" */
static PdTemplateData *
sample_data (void)
{
	PdTemplateData *d = pd_template_data_new ();
	PdTemplateData *item;

	pd_template_data_set (d, "name", "Ann");
	pd_template_data_set (d, "yes", "1");
	pd_template_data_set (d, "no", "");
	pd_template_data_set (d, "null", NULL);
	pd_template_data_set (d, "tag", "SUPPORT");
	pd_template_data_set_int (d, "ticket", 42);
	pd_template_data_set_int (d, "neg", -7);
	pd_template_data_set (d, "multi", "line one\r\nline two\nthree\r");
	item = pd_template_data_add_item (d, "items");
	pd_template_data_set (item, "title", "First");
	pd_template_data_set (item, "url", "https://a.example/1");
	item = pd_template_data_add_item (d, "items");
	pd_template_data_set (item, "title", "Second");
	pd_template_data_set (item, "url", "https://a.example/2");
	pd_template_data_set (item, "name", "Item's own name");
	/* a nested list inside the first list's items */
	item = pd_template_data_add_item (d, "outer");
	pd_template_data_set (item, "o", "A");
	pd_template_data_set (pd_template_data_add_item (item, "inner"), "i", "1");
	pd_template_data_set (pd_template_data_add_item (item, "inner"), "i", "2");
	item = pd_template_data_add_item (d, "outer");
	pd_template_data_set (item, "o", "B");
	return d;
}

typedef struct {
	const char *name;
	const char *text;
	gboolean one_line;
	const char *want;
} Case;

static const Case cases[] = {
	{ "plain text", "no tags at all\n", FALSE, "no tags at all\n" },
	{ "empty", "", FALSE, "" },
	{ "variable", "Hello {{name}}!", FALSE, "Hello Ann!" },
	{ "variable with blanks", "Hello {{ name }}!", FALSE, "Hello Ann!" },
	{ "int variable", "#{{ticket}} {{neg}}", FALSE, "#42 -7" },
	{ "missing variable is empty", "a{{nothing}}b", FALSE, "ab" },
	{ "NULL value is empty", "a{{null}}b", FALSE, "ab" },
	{ "single braces untouched", "a {b} c}", FALSE, "a {b} c}" },
	{ "adjacent", "{{name}}{{ticket}}", FALSE, "Ann42" },
	{ "values are not re-expanded", "{{tag}}", FALSE, "SUPPORT" },
	{ "list iterates", "{{#items}}[{{title}}]{{/items}}", FALSE, "[First][Second]" },
	{ "item sees parent", "{{#items}}{{title}}:{{ticket}} {{/items}}", FALSE,
	  "First:42 Second:42 " },
	{ "item value shadows parent", "{{#items}}{{name}};{{/items}}", FALSE,
	  "Ann;Item's own name;" },
	{ "list lines, tags alone on their lines",
	  "Links:\n{{#items}}\n- {{title}} {{url}}\n{{/items}}\nEnd\n", FALSE,
	  "Links:\n- First https://a.example/1\n- Second https://a.example/2\nEnd\n" },
	{ "empty list hides", "a{{#empty}}X{{/empty}}b", FALSE, "ab" },
	{ "unknown section hides", "a{{#unknown}}X{{/unknown}}b", FALSE, "ab" },
	{ "scalar section shown when non-empty", "a{{#name}}<{{name}}>{{/name}}b", FALSE, "a<Ann>b" },
	{ "scalar section hidden when empty", "a{{#no}}X{{/no}}b", FALSE, "ab" },
	{ "inverted on empty", "a{{^no}}X{{/no}}b", FALSE, "aXb" },
	{ "inverted on missing", "a{{^nothing}}X{{/nothing}}b", FALSE, "aXb" },
	{ "inverted on empty list", "a{{^empty}}X{{/empty}}b", FALSE, "aXb" },
	{ "inverted on value", "a{{^yes}}X{{/yes}}b", FALSE, "ab" },
	{ "inverted on list", "a{{^items}}X{{/items}}b", FALSE, "ab" },
	{ "section then inverted", "{{#yes}}Y{{/yes}}{{^yes}}N{{/yes}}", FALSE, "Y" },
	{ "nested sections", "{{#yes}}1{{#name}}2{{^no}}3{{/no}}{{/name}}{{/yes}}", FALSE, "123" },
	{ "nested hidden", "{{#no}}1{{#name}}2{{/name}}{{/no}}|", FALSE, "|" },
	{ "nested lists", "{{#outer}}{{o}}({{#inner}}{{i}}{{o}}{{/inner}}){{/outer}}", FALSE,
	  "A(1A2A)B()" },
	{ "same-name nested section", "{{#yes}}a{{#yes}}b{{/yes}}c{{/yes}}", FALSE, "abc" },
	/* braces next to tags: as the expander has always read them (pinned when its close
	 * search learnt to jump from "{{" to "{{") */
	{ "brace before tags", "{{#yes}}{{{#yes}}x{{{/yes}}}{{/yes}}", FALSE, "x}" },
	{ "section alone on its line eats its newlines",
	  "Hello\n{{#yes}}\nshown\n{{/yes}}\n{{#no}}\nhidden\n{{/no}}\nBye\n", FALSE,
	  "Hello\nshown\nBye\n" },
	{ "inverted alone on its line", "A\n{{^no}}\nshown\n{{/no}}\nB", FALSE, "A\nshown\nB" },
	{ "section at end of text", "A\n{{#yes}}\nx\n{{/yes}}", FALSE, "A\nx\n" },
	{ "multi-line value in body kept", "[{{multi}}]", FALSE, "[line one\r\nline two\nthree\r]" },
	{ "one_line: CR/LF become spaces", "[{{multi}}]", TRUE, "[line one  line two three ]" },
	{ "one_line: header injection",
	  "Subject: {{multi}}", TRUE, "Subject: line one  line two three " },
	{ "one_line: template's own newlines kept", "A: {{name}}\nB: {{ticket}}", TRUE,
	  "A: Ann\nB: 42" },
	{ "one_line: in list items", "{{#items}}{{multi}}|{{/items}}", TRUE,
	  "line one  line two three |line one  line two three |" },
};

/* "a section tag alone on its line takes its line break with it": one that is NOT alone on
 * its line must keep the text's line break, or two lines (two header lines!) become one. */
static const Case inline_cases[] = {
	{ "inline section keeps the line break after it", "A {{#yes}}x{{/yes}}\nB", FALSE,
	  "A x\nB" },
	{ "inline hidden section keeps the line break after it",
	  "Subject: hi{{#no}} there{{/no}}\nTo: b", TRUE, "Subject: hi\nTo: b" },
	{ "inline list keeps the line break after it",
	  "Titles:{{#items}} {{title}}{{/items}}\nEnd", FALSE, "Titles: First Second\nEnd" },
	{ "text before an opening tag: its line break is kept",
	  "Items: {{#yes}}\nx\n{{/yes}}\nEnd", FALSE, "Items: \nx\nEnd" },
};

static void
run_cases (const Case *table, gsize n)
{
	g_autoptr (PdTemplateData) d = sample_data ();
	g_autoptr (GString) failures = g_string_new (NULL);
	gsize i;

	for (i = 0; i < n; i++) {
		g_autoptr (GError) error = NULL;
		g_autofree char *got = NULL;

		g_autofree char *want_esc = g_strescape (table[i].want, NULL);

		got = pd_template_expand (table[i].text, d, table[i].one_line, &error);
		if (error != NULL) {
			g_string_append_printf (failures, " [case %s: got error \"%s\", want \"%s\"]",
			                        table[i].name, error->message, want_esc);
		} else if (g_strcmp0 (got, table[i].want) != 0) {
			g_autofree char *got_esc = g_strescape (got, NULL);
			g_string_append_printf (failures, " [case %s: got \"%s\", want \"%s\"]",
			                        table[i].name, got_esc, want_esc);
		}
	}
	if (failures->len > 0)
		g_test_fail_printf ("%s", failures->str);
}

static void
test_expand (void)
{
	run_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_expand_inline_sections (void)
{
	run_cases (inline_cases, G_N_ELEMENTS (inline_cases));
}

static void
test_expand_errors (void)
{
	static const struct {
		const char *name;
		const char *text;
	} bad[] = {
		{ "unclosed {{", "Hello {{name" },
		{ "unclosed {{ at end", "Hello {{" },
		{ "single brace close", "Hello {{name}" },
		{ "unclosed section", "{{#yes}}never closed" },
		{ "unclosed inverted", "{{^no}}never closed" },
		{ "mismatched close", "{{#yes}}x{{/no}}" },
		{ "stray close", "text {{/x}} more" },
		{ "stray close only", "{{/yes}}" },
		{ "crossed sections", "{{#yes}}{{#name}}x{{/yes}}{{/name}}" },
		{ "unclosed inside section", "{{#yes}}{{name{{/yes}}" },
		{ "unclosed nested", "{{#yes}}{{#name}}x{{/yes}}" },
		{ "stray close inside list", "{{#items}}{{/x}}{{/items}}" },
	};
	g_autoptr (PdTemplateData) d = sample_data ();
	guint i;

	for (i = 0; i < G_N_ELEMENTS (bad); i++) {
		g_autoptr (GError) error = NULL;
		g_autofree char *got = NULL;

		g_test_message ("case %s", bad[i].name);
		got = pd_template_expand (bad[i].text, d, FALSE, &error);
		if (got != NULL)
			g_test_fail_printf ("case %s: got \"%s\", want an error", bad[i].name, got);
		else
			g_assert_error (error, PD_ERROR, PD_ERROR_CONFIG);
	}
}

/* A list section inside itself multiplies: 22 levels of a two-item list would be 2^22
 * expansions (and 40 would never end). The expander stops with an error instead. */
static void
test_expand_blowup (void)
{
	g_autoptr (PdTemplateData) d = sample_data ();
	g_autoptr (GError) error = NULL;
	g_autoptr (GString) text = g_string_new (NULL);
	g_autofree char *got = NULL;
	guint depths[] = { 22, 40 };
	guint i, k;

	for (i = 0; i < G_N_ELEMENTS (depths); i++) {
		g_string_truncate (text, 0);
		for (k = 0; k < depths[i]; k++)
			g_string_append (text, "{{#items}}");
		g_string_append (text, "x");
		for (k = 0; k < depths[i]; k++)
			g_string_append (text, "{{/items}}");
		g_test_message ("depth %u", depths[i]);
		got = pd_template_expand (text->str, d, FALSE, &error);
		if (got != NULL)
			g_test_fail_printf ("depth %u: got %zu bytes, want an error", depths[i], strlen (got));
		g_assert_error (error, PD_ERROR, PD_ERROR_CONFIG);
		g_clear_error (&error);
		g_clear_pointer (&got, g_free);
	}
	/* an ordinary list of many items is fine */
	{
		g_autoptr (PdTemplateData) many = pd_template_data_new ();

		for (k = 0; k < 20000; k++)
			pd_template_data_set_int (pd_template_data_add_item (many, "errors"), "n", k);
		got = pd_template_expand ("{{#errors}}  - line {{n}}: bad\n{{/errors}}", many, FALSE,
		                          &error);
		g_assert_no_error (error);
		g_assert_nonnull (strstr (got, "  - line 19999: bad\n"));
	}
}

/* Every prefix of a template either expands or fails with an error; never both, never a crash. */
static void
test_expand_prefixes (void)
{
	const char *text = "Subject: [{{tag}} #{{ticket}}] {{name}}\n\nHi{{#name}} {{name}}{{/name}},\n"
	                   "{{#items}}\n- {{title}}\n{{^no}}x{{/no}}{{/items}}\n{{^empty}}none{{/empty}}\n";
	g_autoptr (PdTemplateData) d = sample_data ();
	gsize n = strlen (text), len;

	for (len = 0; len <= n; len++) {
		g_autofree char *prefix = g_strndup (text, len);
		g_autoptr (GError) error = NULL;
		g_autofree char *got = pd_template_expand (prefix, d, FALSE, &error);

		g_assert_true ((got == NULL) != (error == NULL));
	}
}

static void
test_data_replace (void)
{
	g_autoptr (PdTemplateData) d = pd_template_data_new ();
	g_autofree char *got = NULL;

	pd_template_data_set (d, "x", "one");
	pd_template_data_set (d, "x", "two");
	pd_template_data_set_int (d, "n", 1);
	pd_template_data_set_int (d, "n", G_MAXINT64);
	got = pd_template_expand ("{{x}} {{n}}", d, FALSE, NULL);
	g_assert_cmpstr (got, ==, "two 9223372036854775807");
}

static PdTemplateData *
ack_data (void)
{
	PdTemplateData *d = pd_template_data_new ();

	pd_template_data_set (d, "tag", "SUPPORT");
	pd_template_data_set_int (d, "ticket", 42);
	pd_template_data_set (d, "subject", "Printer\r\nBcc: victim@example.org");
	pd_template_data_set (d, "customer_name", "Ann");
	pd_template_data_set (d, "signature", "The Support Team");
	return d;
}

static void
write_file (const char *dir, const char *rel, const char *text)
{
	g_autofree char *path = g_build_filename (dir, rel, NULL);
	g_autofree char *parent = g_path_get_dirname (path);
	g_autoptr (GError) error = NULL;

	g_assert_cmpint (g_mkdir_with_parents (parent, 0700), ==, 0);
	g_file_set_contents (path, text, -1, &error);
	g_assert_no_error (error);
}

static void
test_render_home_override (void)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *home = g_dir_make_tmp ("postdesk-test-XXXXXX", &error);
	g_autoptr (PdTemplateData) d = ack_data ();
	g_autoptr (PdRendered) r = NULL;

	g_assert_no_error (error);
	write_file (home, "templates/fr/ack.txt",
	            "Subject: Re: {{subject}} [{{tag}} #{{ticket}}]\n"
	            "X-Custom:   padded value  \n"
	            "\n"
	            "Bonjour {{customer_name}},\n{{#articles}}\n- {{title}}\n{{/articles}}\n"
	            "Ticket {{ticket}}.\n");
	r = pd_template_render (home, "fr", "ack", d, &error);
	g_assert_no_error (error);
	g_assert_nonnull (r);
	/* a value with a line break cannot add a header */
	g_assert_cmpstr (pd_rendered_header (r, "Subject"), ==,
	                 "Re: Printer  Bcc: victim@example.org [SUPPORT #42]");
	g_assert_cmpstr (pd_rendered_header (r, "subject"), ==, pd_rendered_header (r, "SUBJECT"));
	g_assert_cmpstr (pd_rendered_header (r, "X-Custom"), ==, "padded value");
	g_assert_null (pd_rendered_header (r, "Bcc"));
	g_assert_null (pd_rendered_header (r, "From"));
	g_assert_cmpuint (r->headers->len, ==, 4);
	g_assert_cmpstr (r->body, ==, "Bonjour Ann,\nTicket 42.\n");

	/* en from the home folder overrides the built-in en too */
	write_file (home, "templates/en/ack.txt", "Subject: home en\n\nbody\n");
	{
		g_autoptr (PdRendered) en = pd_template_render (home, "de", "ack", d, &error);

		g_assert_no_error (error);
		g_assert_cmpstr (pd_rendered_header (en, "Subject"), ==, "home en");
		g_assert_cmpstr (en->body, ==, "body\n");
	}
	remove_tree (home);
}

static char *
render_subject (const char *home)
{
	g_autoptr (PdTemplateData) d = pd_template_data_new ();
	g_autoptr (GError) error = NULL;
	g_autoptr (PdRendered) r = pd_template_render (home, "en", "ack", d, &error);

	g_assert_no_error (error);
	return g_strdup (pd_rendered_header (r, "Subject"));
}

/* Templates are kept per process while their file is unchanged: every edit must still reach
 * the next render, also one that keeps the size, also one written in place with the old
 * modification time put back; a removed file falls back to the built-in template. */
static void
test_render_edits (void)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *home = g_dir_make_tmp ("postdesk-test-XXXXXX", &error);
	g_autofree char *path = g_build_filename (home, "templates/en/ack.txt", NULL);
	char *s;
	struct stat st;
	struct timespec times[2];
	FILE *f;

	g_assert_no_error (error);
	write_file (home, "templates/en/ack.txt", "Subject: one\n\nbody\n");
	g_assert_cmpstr ((s = render_subject (home)), ==, "one");
	g_free (s);
	g_assert_cmpstr ((s = render_subject (home)), ==, "one");
	g_free (s);
	/* replaced (a new file), same size */
	write_file (home, "templates/en/ack.txt", "Subject: two\n\nbody\n");
	g_assert_cmpstr ((s = render_subject (home)), ==, "two");
	g_free (s);
	/* written in place, same size, the modification time put back */
	g_assert_cmpint (g_stat (path, &st), ==, 0);
	g_usleep (50000); /* a later change time, also where the clock is coarse */
	f = fopen (path, "r+");
	g_assert_nonnull (f);
	g_assert_cmpint (fputs ("Subject: six\n\nbody\n", f), >=, 0);
	g_assert_cmpint (fclose (f), ==, 0);
	times[0] = st.st_atim;
	times[1] = st.st_mtim;
	g_assert_cmpint (utimensat (AT_FDCWD, path, times, 0), ==, 0);
	g_assert_cmpstr ((s = render_subject (home)), ==, "six");
	g_free (s);
	/* removed: the built-in one */
	g_assert_cmpint (g_unlink (path), ==, 0);
	s = render_subject (home);
	g_assert_true (g_str_has_prefix (s, "["));
	g_free (s);
	write_file (home, "templates/en/ack.txt", "Subject: back\n\nbody\n");
	g_assert_cmpstr ((s = render_subject (home)), ==, "back");
	g_free (s);
	remove_tree (home);
}

static void
check_builtin_ack (PdRendered *r)
{
	g_assert_nonnull (r);
	g_assert_cmpstr (pd_rendered_header (r, "Subject"), ==,
	                 "[SUPPORT #42] Printer  Bcc: victim@example.org");
	g_assert_null (pd_rendered_header (r, "Bcc"));
	g_assert_true (g_str_has_prefix (r->body, "Hello Ann,\n"));
	g_assert_nonnull (strstr (r->body, "ticket #42"));
	g_assert_true (g_str_has_suffix (r->body, "-- \nThe Support Team\n"));
	/* no articles: the article block is gone */
	g_assert_null (strstr (r->body, "knowledge base"));
}

static void
test_render_builtin_fallback (void)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *home = g_dir_make_tmp ("postdesk-test-XXXXXX", &error);
	g_autoptr (PdTemplateData) d = ack_data ();
	const char *locales[] = { "en", "fr", "xx_YY", "../en", "a/b", "" };
	guint i;

	g_assert_no_error (error);
	for (i = 0; i < G_N_ELEMENTS (locales); i++) {
		g_autoptr (PdRendered) r = NULL;

		g_test_message ("locale \"%s\"", locales[i]);
		r = pd_template_render (home, locales[i], "ack", d, &error);
		g_assert_no_error (error);
		check_builtin_ack (r);
	}
	/* a home that does not exist at all */
	{
		g_autoptr (PdRendered) r = pd_template_render ("/nonexistent/postdesk", "fr", "ack", d,
		                                               &error);
		g_assert_no_error (error);
		check_builtin_ack (r);
	}
	remove_tree (home);
}

static void
test_render_articles (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (PdTemplateData) d = ack_data ();
	g_autoptr (PdRendered) r = NULL;
	PdTemplateData *a;

	pd_template_data_set (d, "has_articles", "1");
	a = pd_template_data_add_item (d, "articles");
	pd_template_data_set (a, "title", "Reset your password");
	pd_template_data_set (a, "url", "https://kb.example.com/1");
	pd_template_data_set (a, "answered_url", "https://kb.example.com/1/answered?t=x");
	r = pd_template_render ("/nonexistent/postdesk", "en", "ack", d, &error);
	g_assert_no_error (error);
	g_assert_nonnull (strstr (r->body, "knowledge base may already answer your question:\n"
	                                   "  - Reset your password\n"
	                                   "    https://kb.example.com/1\n"
	                                   "    This answered my question: https://kb.example.com/1/answered?t=x\n"
	                                   "\n-- \n"));
}

/* A header line with leading blanks: whatever the renderer makes of it (an error, or the
 * header), a header name never carries the colon or blanks. */
static void
test_render_header_names (void)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *home = g_dir_make_tmp ("postdesk-test-XXXXXX", &error);
	g_autoptr (PdTemplateData) d = ack_data ();
	g_autoptr (PdRendered) r = NULL;

	g_assert_no_error (error);
	write_file (home, "templates/en/indented.txt",
	            "Subject: x\n   X-Indented: bar\nX-Spaced  :  baz\n\nbody\n");
	r = pd_template_render (home, "en", "indented", d, &error);
	if (r != NULL) {
		guint i;

		for (i = 0; i < r->headers->len; i += 2) {
			const char *name = r->headers->pdata[i];

			if (strpbrk (name, ": \t") != NULL)
				g_test_fail_printf ("header name \"%s\" (value \"%s\"), want no ':' or blanks",
				                    name, (const char *) r->headers->pdata[i + 1]);
		}
		g_assert_cmpstr (pd_rendered_header (r, "X-Spaced"), ==, "baz");
		/* a line starting with blanks is a folded continuation (RFC 5322 2.2.3) */
		g_assert_cmpstr (pd_rendered_header (r, "Subject"), ==, "x X-Indented: bar");
		g_assert_null (pd_rendered_header (r, "X-Indented"));
	}
	remove_tree (home);
}

static void
test_render_errors (void)
{
	static const struct {
		const char *name;
		const char *text;
	} bad[] = {
		{ "no blank line", "Subject: x\nbody without separator\n" },
		{ "header without colon", "Subject: x\nNot a header\n\nbody\n" },
		{ "header with empty name", ": value\n\nbody\n" },
		{ "unclosed section in body", "Subject: x\n\n{{#name}}body\n" },
		{ "unclosed tag in header", "Subject: {{name\n\nbody\n" },
	};
	g_autoptr (GError) error = NULL;
	g_autofree char *home = g_dir_make_tmp ("postdesk-test-XXXXXX", &error);
	g_autoptr (PdTemplateData) d = ack_data ();
	guint i;

	g_assert_no_error (error);
	for (i = 0; i < G_N_ELEMENTS (bad); i++) {
		g_autoptr (GError) err = NULL;
		g_autoptr (PdRendered) r = NULL;

		g_test_message ("case %s", bad[i].name);
		write_file (home, "templates/en/bad.txt", bad[i].text);
		r = pd_template_render (home, "en", "bad", d, &err);
		if (r != NULL)
			g_test_fail_printf ("case %s: rendered, want an error", bad[i].name);
		else
			g_assert_error (err, PD_ERROR, PD_ERROR_CONFIG);
	}
	/* no such template anywhere */
	{
		g_autoptr (GError) err = NULL;
		g_autoptr (PdRendered) r = pd_template_render (home, "fr", "nosuch", d, &err);

		g_assert_null (r);
		g_assert_error (err, PD_ERROR, PD_ERROR_CONFIG);
	}
	remove_tree (home);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/template/expand", test_expand);
	g_test_add_func ("/template/expand-inline-sections", test_expand_inline_sections);
	g_test_add_func ("/template/expand-errors", test_expand_errors);
	g_test_add_func ("/template/expand-prefixes", test_expand_prefixes);
	g_test_add_func ("/template/expand-blowup", test_expand_blowup);
	g_test_add_func ("/template/data-replace", test_data_replace);
	g_test_add_func ("/template/render/home-override", test_render_home_override);
	g_test_add_func ("/template/render/builtin-fallback", test_render_builtin_fallback);
	g_test_add_func ("/template/render/articles", test_render_articles);
	g_test_add_func ("/template/render/header-names", test_render_header_names);
	g_test_add_func ("/template/render/errors", test_render_errors);
	g_test_add_func ("/template/render/edits", test_render_edits);
	return g_test_run ();
}
