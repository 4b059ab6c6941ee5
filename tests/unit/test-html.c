/* test-html.c - pd_html_to_text and pd_html_sanitize: tables of input and wanted output, XSS
 * vectors, and hostile input (deep nesting, garbage bytes, every prefix of a sample) that must
 * neither crash nor hang. */
#include "mail/html.h"

#include <string.h>
#include <libxml/parser.h>

typedef struct {
	const char *name;
	const char *html;
	const char *want;
} Case;

static const Case text_cases[] = {
	{ "empty", "", "" },
	{ "plain", "hello", "hello" },
	{ "paragraphs", "<p>Hello   <b>world</b></p><p>second</p>", "Hello world\n\nsecond" },
	{ "whitespace", "<p>\n  a\tb  \n c </p>", "a b c" },
	{ "br", "a<br>b", "a\nb" },
	{ "br runs", "a<br><br><br><br>b", "a\n\nb" },
	{ "leading and trailing breaks", "<br><br><p>x</p><br><br>", "x" },
	{ "divs", "<div>a</div><div>b</div>", "a\nb" },
	{ "text before div", "Hi<div>there</div>", "Hi\nthere" },
	{ "empty div line", "<div>a</div><div><br></div><div>b</div>", "a\n\nb" },
	{ "headings", "<h1>Title</h1>text", "Title\n\ntext" },
	{ "list", "<ul><li>one</li><li>two</li></ul>after", "- one\n- two\n\nafter" },
	{ "ordered list", "<ol><li>a<li>b</ol>", "- a\n- b" },
	{ "nested list", "<ul><li>a<ul><li>b</li></ul></li><li>c</li></ul>", "- a\n  - b\n- c" },
	{ "list item lines", "<ul><li>a<br>b</li></ul>", "- a\n  b" },
	{ "link", "<a href=\"http://x.com/a\">click</a>", "click <http://x.com/a>" },
	{ "link same as text", "<a href=\"https://x.com/\">x.com</a>", "x.com" },
	{ "mailto same", "<a href=\"mailto:a@b.c\">a@b.c</a>", "a@b.c" },
	{ "mailto differs", "<a href=\"mailto:a@b.c\">Ann</a>", "Ann <mailto:a@b.c>" },
	{ "empty link", "<a href=\"https://t.example/p\"><img src=x></a>x", "x" },
	{ "deep quote capped", "<blockquote><blockquote><blockquote><blockquote><blockquote><blockquote>"
	  "<blockquote><blockquote><blockquote><blockquote><blockquote><blockquote><blockquote>"
	  "<blockquote><blockquote><blockquote><blockquote><blockquote>q",
	  "> > > > > > > > > > > > > > > > q" },
	{ "javascript link", "<a href=\"javascript:alert(1)\">js</a>", "js" },
	{ "relative link", "<a href=\"/x\">rel</a>", "rel" },
	{ "image link", "<a href=\"https://x.com/\"><img src=a alt=Logo></a>", "Logo <https://x.com/>" },
	{ "image alt", "<img alt=\"A cat\" src=x> sat", "A cat sat" },
	{ "entities", "&lt;&amp;&gt; &eacute;&#x41;&#66; &quot;", "<&> \xc3\xa9" "AB \"" },
	{ "nbsp", "a&nbsp;&nbsp;b", "a  b" },
	{ "nbsp paragraphs", "<p>a</p><p>&nbsp;</p><p>&nbsp;</p><p>b</p>", "a\n\nb" },
	{ "script and style", "<script>bad()</script><style>p{}</style>ok", "ok" },
	{ "head and title", "<html><head><title>T</title><style>x</style></head><body>b</body></html>", "b" },
	{ "template noscript", "<template>t</template><noscript>n</noscript>x", "x" },
	{ "comment", "a<!-- hidden -->b<!--[if mso]>mso<![endif]-->", "ab" },
	{ "pre", "<pre>\n  code\n    more\n\n\n\nend</pre>x", "  code\n    more\n\nend\n\nx" },
	{ "pre tabs", "<pre>a\tb</pre>", "a\tb" },
	{ "blockquote", "<p>x</p><blockquote>q1<br>q2</blockquote><p>y</p>", "x\n\n> q1\n> q2\n\ny" },
	{ "nested blockquote", "<blockquote>a<blockquote>b</blockquote>c</blockquote>",
	  "> a\n>\n> > b\n>\n> c" },
	{ "gmail quote", "On Mon, Bob wrote:<br><blockquote><div>hi</div><div><br></div><div>there</div></blockquote>",
	  "On Mon, Bob wrote:\n\n> hi\n>\n> there" },
	{ "table", "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a b\nc" },
	{ "inline spacing", "<b>a</b>b <i> c </i> d", "ab c d" },
	{ "crlf", "a\r\nb<br>\r\nc", "a b\nc" },
	{ "unclosed", "<p>a<p>b<div>c", "a\n\nb\n\nc" },
	{ "nul bytes", "a\0b", "ab" },
	{ "invalid utf-8", "a\xff\xfe" "b", "a\xef\xbf\xbd\xef\xbf\xbd" "b" },
	{ "charset ignored", "<meta charset=iso-8859-1>\xc3\xa9", "\xc3\xa9" },
	{ "broken tag", "a <b x=\"unterminated>b c", "a" },
	{ "lone angle", "1 < 2 > 0", "1 < 2 > 0" },
};

static const Case sanitize_cases[] = {
	{ "empty", "", "" },
	{ "formatting kept", "<p>Hi <b>there</b> <i>a</i><em>b</em><strong>c</strong><u>d</u></p>",
	  "<p>Hi <b>there</b> <i>a</i><em>b</em><strong>c</strong><u>d</u></p>" },
	{ "lists kept", "<ul><li>a</li></ul><ol><li>b</li></ol>", "<ul><li>a</li></ul><ol><li>b</li></ol>" },
	{ "void elements", "a<br>b<hr>", "a<br />b<hr />" },
	{ "link kept", "<a href=\"https://x.com/?a=1&amp;b=2\" title=t target=_blank>x</a>",
	  "<a href=\"https://x.com/?a=1&amp;b=2\" title=\"t\">x</a>" },
	{ "mailto kept", "<a href=\"mailto:a@b.c\">m</a>", "<a href=\"mailto:a@b.c\">m</a>" },
	{ "link spaces trimmed", "<a href=\"  http://x.com/ \">x</a>", "<a href=\"http://x.com/\">x</a>" },
	{ "image kept", "<img src=\"https://e.com/a.png\" alt='a\"b' width=3>",
	  "<img src=\"https://e.com/a.png\" alt=\"a&quot;b\" />" },
	{ "cid image", "<img src=\"cid:part1@x\">", "<img src=\"cid:part1@x\" />" },
	{ "table", "<table><thead><tr><th rowspan=2>h</th></tr></thead><tbody><tr><td colspan=\" 3 \">c</td></tr></tbody></table>",
	  "<table><thead><tr><th rowspan=\"2\">h</th></tr></thead><tbody><tr><td colspan=\"3\">c</td></tr></tbody></table>" },
	{ "bad colspan", "<table><tr><td colspan=0 rowspan=\"2x\">c</td></tr></table>",
	  "<table><tr><td>c</td></tr></table>" },
	{ "pre and code", "<pre><code>a  &lt;b&gt;\n  c</code></pre>", "<pre><code>a  &lt;b&gt;\n  c</code></pre>" },
	{ "headings and quote", "<h1>T</h1><blockquote>q</blockquote>", "<h1>T</h1><blockquote>q</blockquote>" },
	{ "text escaped", "<p>1 &lt; 2 &amp; 3 > \"q\"</p>", "<p>1 &lt; 2 &amp; 3 &gt; \"q\"</p>" },
	{ "unknown tags unwrapped", "<font color=red><center>x</center></font>", "x" },
	{ "document", "<html><head><title>T</title><style>x</style></head><body><h1>a</h1></body></html>", "<h1>a</h1>" },
	{ "unclosed", "<a href=\"http://x.com\"><b>unclosed", "<a href=\"http://x.com\"><b>unclosed</b></a>" },
	/* XSS vectors */
	{ "script", "<p>a<script>alert(1)</script>b</p>", "<p>ab</p>" },
	{ "script upper", "<SCRIPT SRC=//x.js></SCRIPT>x", "x" },
	{ "event handler", "<p onclick=\"x()\" onmouseover=y>p</p>", "<p>p</p>" },
	{ "img onerror", "<img src=x onerror=alert(1)>", "" },
	{ "img onerror valid src", "<img src=\"http://e.com/a\" onerror=alert(1)>", "<img src=\"http://e.com/a\" />" },
	{ "javascript href", "<a href=\"javascript:alert(1)\">x</a>", "x" },
	{ "javascript case", "<a href=\"JaVaScRiPt:alert(1)\">x</a>", "x" },
	{ "javascript tab", "<a href=\"jav&#x09;ascript:alert(1)\">x</a>", "x" },
	{ "javascript newline", "<a href=\"jav\nascript:alert(1)\">x</a>", "x" },
	{ "javascript entity", "<a href=\"&#106;&#97;vascript:alert(1)\">x</a>", "x" },
	{ "javascript hex entity", "<a href=\"&#x6A;avascript&#x3A;alert(1)\">x</a>", "x" },
	{ "javascript leading space", "<a href=\" &#14; javascript:alert(1)\">x</a>", "x" },
	{ "javascript colon entity", "<a href=\"javascript&colon;alert(1)\">x</a>", "x" },
	{ "vbscript", "<a href=\"vbscript:msgbox(1)\">x</a>", "x" },
	{ "data href", "<a href=\"data:text/html;base64,PHNjcmlwdD4=\">x</a>", "x" },
	{ "data img", "<img src=\"data:image/svg+xml,<svg onload=alert(1)>\">", "" },
	{ "svg", "<svg onload=alert(1)><script>alert(1)</script><text>t</text></svg>after", "after" },
	{ "math", "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", "" },
	{ "style attribute", "<div style=\"background:expression(alert(1))\">s</div>", "<div>s</div>" },
	{ "style element", "<style>body{background:url(javascript:x)}</style>s", "s" },
	{ "iframe object embed", "<iframe src=x>i</iframe><object data=x>o</object><embed src=x>t", "t" },
	{ "form", "<form action=x><input value=v><button>b</button>f</form>t", "t" },
	{ "ie conditional comment", "<!--[if IE]><script>alert(1)</script><![endif]-->ok", "ok" },
	{ "downlevel revealed", "<![if !IE]><script>x</script><![endif]>",
	  "&lt;![if !IE]&gt;&lt;![endif]&gt;" },
	{ "comment breakout", "<!-- --!><script>alert(1)</script> -->ok", "--&gt;ok" },
	{ "attribute breakout", "<a href='http://x.com/\"onmouseover=\"alert(1)'>x</a>",
	  "<a href=\"http://x.com/&quot;onmouseover=&quot;alert(1)\">x</a>" },
	{ "unclosed script", "a<script>alert(1)", "a" },
	{ "unclosed tag", "a<img src=x onerror=alert(1)", "a" },
	{ "meta refresh", "<meta http-equiv=refresh content=\"0;url=javascript:x\">m", "m" },
	{ "base", "<base href=\"javascript:x\"><a href=\"http://x.com\">a</a>", "<a href=\"http://x.com\">a</a>" },
	{ "textarea", "<textarea><script>x</script></textarea>t", "t" },
	{ "nul in scheme", "<a href=\"java\0script:x\">x</a>", "x" },
};

static char *
escape (const char *s)
{
	return g_strescape (s != NULL ? s : "(null)", "\xc3\xa9");
}

static void
check (const char *what, const char *name, const char *got, const char *want)
{
	if (g_strcmp0 (got, want) != 0) {
		g_autofree char *g = escape (got);
		g_autofree char *w = escape (want);

		g_test_fail_printf ("%s %s: got \"%s\", want \"%s\"", what, name, g, w);
	}
}

static gsize
case_len (const Case *c)
{
	/* cases with NUL bytes are written with one: measure up to the second */
	gsize len = strlen (c->html);

	if (strstr (c->name, "nul") != NULL)
		len += 1 + strlen (c->html + len + 1);
	return len;
}

static void
test_to_text (void)
{
	for (gsize i = 0; i < G_N_ELEMENTS (text_cases); i++) {
		const Case *c = &text_cases[i];
		g_autofree char *got = pd_html_to_text (c->html, case_len (c));

		check ("to_text", c->name, got, c->want);
	}
}

/* A sanitised fragment must parse as XML: balanced, escaped, nothing but the five entities. */
static gboolean
is_well_formed (const char *fragment)
{
	g_autofree char *doc = g_strdup_printf ("<r>%s</r>", fragment);
	xmlDocPtr parsed = xmlReadMemory (doc, strlen (doc), NULL, "UTF-8",
	                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);

	if (parsed == NULL)
		return FALSE;
	xmlFreeDoc (parsed);
	return TRUE;
}

static void
test_sanitize (void)
{
	for (gsize i = 0; i < G_N_ELEMENTS (sanitize_cases); i++) {
		const Case *c = &sanitize_cases[i];
		g_autofree char *got = pd_html_sanitize (c->html, case_len (c));
		g_autofree char *again = pd_html_sanitize (got, -1);
		g_autofree char *lower = g_ascii_strdown (got, -1);

		check ("sanitize", c->name, got, c->want);
		check ("sanitize twice", c->name, again, got);
		if (!is_well_formed (got))
			g_test_fail_printf ("sanitize %s: not well-formed: %s", c->name, got);
		if (strstr (lower, "<script") || strstr (lower, "javascript:") || strstr (lower, "style=") ||
		    g_regex_match_simple ("<[^>]*\\son[a-z]+\\s*=", lower, 0, 0))
			g_test_fail_printf ("sanitize %s: unsafe output: %s", c->name, got);
	}
}

static char *
repeat (const char *s, guint n)
{
	GString *out = g_string_sized_new (strlen (s) * n);

	for (guint i = 0; i < n; i++)
		g_string_append (out, s);
	return g_string_free (out, FALSE);
}

static guint
count (const char *haystack, const char *needle)
{
	guint n = 0;

	for (const char *p = strstr (haystack, needle); p != NULL; p = strstr (p + 1, needle))
		n++;
	return n;
}

static void
test_deep_nesting (void)
{
	const char *const open[] = { "<div>", "<blockquote>", "<ul><li>", "<b>", "<a href=\"http://x\">", "<table><tr><td>" };

	for (gsize i = 0; i < G_N_ELEMENTS (open); i++) {
		g_autofree char *head = repeat (open[i], 10000);
		g_autofree char *html = g_strconcat (head, "deep", NULL);
		g_autofree char *text = pd_html_to_text (html, -1);
		g_autofree char *clean = pd_html_sanitize (html, -1);

		if (strstr (text, "deep") == NULL || strlen (text) > 100)
			g_test_fail_printf ("to_text %s x 10000: got \"%.200s\"", open[i], text);
		if (strstr (clean, "deep") == NULL || !is_well_formed (clean))
			g_test_fail_printf ("sanitize %s x 10000: lost the text or not well-formed", open[i]);
	}

	{
		g_autofree char *head = repeat ("<div>", 10000);
		g_autofree char *tail = repeat ("</div>", 10000);
		g_autofree char *html = g_strconcat (head, "deep", tail, "after", NULL);
		g_autofree char *text = pd_html_to_text (html, -1);
		g_autofree char *clean = pd_html_sanitize (html, -1);

		check ("to_text", "10000 closed divs", text, "deep\nafter");
		if (count (clean, "<div>") != PD_HTML_MAX_DEPTH || count (clean, "</div>") != PD_HTML_MAX_DEPTH)
			g_test_fail_printf ("sanitize 10000 divs: %u open, %u close tags, want %u",
			                    count (clean, "<div>"), count (clean, "</div>"), PD_HTML_MAX_DEPTH);
	}
}

/* Stray end tags under deep nesting are quadratic in libxml2: this must stay quick. */
static void
test_stray_end_tags (void)
{
	g_autofree char *head = repeat ("<div>", 20000);
	g_autofree char *tail = repeat ("</x>", 200000);
	g_autofree char *html = g_strconcat (head, "deep", tail, NULL);
	gint64 start = g_get_monotonic_time ();
	g_autofree char *text = pd_html_to_text (html, -1);

	check ("to_text", "stray end tags", text, "deep");
	if (g_get_monotonic_time () - start > 60 * G_USEC_PER_SEC)
		g_test_fail_printf ("stray end tags: took %" G_GINT64_FORMAT " s",
		                    (g_get_monotonic_time () - start) / G_USEC_PER_SEC);
}

static void
test_garbage (void)
{
	GRand *rand = g_rand_new_with_seed (4711);
	const char *const pieces[] = { "<", ">", "</", "<p>", "<pre>", "<a href=x>", "&", "&#", "&#x",
	                               ";", "\"", "'", "=", "<!--", "-->", "<script>", "\0", "\xff",
	                               "\xc3", "<blockquote>", "<li>", "\n", " ", "x" };

	for (guint round = 0; round < 200; round++) {
		GString *html = g_string_new (NULL);
		guint n = g_rand_int_range (rand, 0, 300);
		g_autofree char *text = NULL;
		g_autofree char *clean = NULL;

		for (guint i = 0; i < n; i++) {
			guint which = g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces) + 1);

			if (which == G_N_ELEMENTS (pieces))
				g_string_append_c (html, (char) g_rand_int_range (rand, 0, 256));
			else
				g_string_append_len (html, pieces[which], MAX (strlen (pieces[which]), 1));
		}
		text = pd_html_to_text (html->str, html->len);
		clean = pd_html_sanitize (html->str, html->len);
		if (!g_utf8_validate (text, -1, NULL) || !g_utf8_validate (clean, -1, NULL))
			g_test_fail_printf ("garbage round %u: output not UTF-8", round);
		if (!is_well_formed (clean))
			g_test_fail_printf ("garbage round %u: sanitised output not well-formed", round);
		g_string_free (html, TRUE);
	}
	g_rand_free (rand);
}

static const char sample[] =
	"<html><head><title>T</title><style>p{}</style></head><body>"
	"<p>Dear <b>Ann</b>,&nbsp;thanks &amp; regards.</p><ul><li>one<li>two</ul>"
	"<a href=\"https://example.com/x?a=1&amp;b=2\">link</a><br><img alt=\"\xc3\xa9t\xc3\xa9\" src=cid:a>"
	"<blockquote>quoted<br>text</blockquote><pre>  a\n  b</pre><!-- c -->"
	"<table><tr><td colspan=2>x</td></tr></table><script>alert(1)</script></body></html>";

static void
test_every_prefix (void)
{
	for (gsize len = 0; len <= strlen (sample); len++) {
		g_autofree char *text = pd_html_to_text (sample, len);
		g_autofree char *clean = pd_html_sanitize (sample, len);

		if (!g_utf8_validate (text, -1, NULL) || strstr (text, "alert") != NULL)
			g_test_fail_printf ("to_text of %zu bytes: %s", len, text);
		if (!is_well_formed (clean) || strstr (clean, "alert") != NULL)
			g_test_fail_printf ("sanitize of %zu bytes: %s", len, clean);
	}
}

static void
test_huge (void)
{
	g_autofree char *html = repeat ("<p>Lorem <b>ipsum</b> dolor sit amet, <a href=\"http://e.com\">e</a></p>\n", 20000);
	g_autofree char *text = pd_html_to_text (html, -1);
	g_autofree char *clean = pd_html_sanitize (html, -1);

	g_assert_cmpuint (count (text, "Lorem ipsum dolor sit amet, e <http://e.com>"), ==, 20000);
	g_assert_cmpuint (count (clean, "<p>Lorem <b>ipsum</b>"), ==, 20000);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/html/to-text", test_to_text);
	g_test_add_func ("/html/sanitize", test_sanitize);
	g_test_add_func ("/html/deep-nesting", test_deep_nesting);
	g_test_add_func ("/html/stray-end-tags", test_stray_end_tags);
	g_test_add_func ("/html/garbage", test_garbage);
	g_test_add_func ("/html/every-prefix", test_every_prefix);
	g_test_add_func ("/html/huge", test_huge);
	return g_test_run ();
}
