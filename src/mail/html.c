/* html.c - the SAX driver shared by html-text.c and html-sanitize.c: repairs the input (UTF-8,
 * NUL bytes, line ends), bounds libxml2's worst case, and feeds libxml2's HTML parser.
 * It keeps no tree and no state between calls; callers own whatever their callbacks build. */
#include "mail/html.h"

#include <string.h>
#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>

#include "core/log.h"
#include "mail/xml-lazy.h"

/* Bigger bodies are cut: nobody reads the 17th megabyte of an HTML mail. */
#define PD_HTML_MAX_INPUT (16 * 1024 * 1024)

/* libxml2 2.9 looks up every end tag in its whole stack of open elements, so end tags under deep
 * nesting cost time in proportion to the depth. We estimate that cost (sum over end tags of the
 * open start tags before them) and parse only the prefix of the input within this budget. Real
 * mail stays far below it; 10,000 nested divs with their end tags cost 5e7. */
#define PD_HTML_WORK_BUDGET ((guint64) 200000000)

static const char *const void_elements[] = {
	"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
	"source", "track", "wbr", NULL,
};

static gboolean
is_void_element (const char *name, gsize len)
{
	for (guint i = 0; void_elements[i] != NULL; i++)
		if (strlen (void_elements[i]) == len && g_ascii_strncasecmp (void_elements[i], name, len) == 0)
			return TRUE;
	return FALSE;
}

/* Length of the prefix of S (NUL-terminated, LEN bytes) that libxml2 parses within budget. */
static gsize
affordable_length (const char *s, gsize len)
{
	guint64 work = 0, depth = 0;

	for (gsize i = 0; i + 1 < len; i++) {
		if (s[i] != '<')
			continue;
		if (g_ascii_isalpha (s[i + 1])) {
			gsize n = 1;
			while (i + 1 + n < len && g_ascii_isalnum (s[i + 1 + n]))
				n++;
			/* p closes p and most things around it: sloppy mail leaves it open */
			if (!is_void_element (s + i + 1, n) && !(n == 1 && g_ascii_tolower (s[i + 1]) == 'p'))
				depth++;
		} else if (s[i + 1] == '/') {
			work += depth;
			if (depth > 0)
				depth--;
			if (work > PD_HTML_WORK_BUDGET)
				return i;
		} else if (strncmp (s + i, "<!--", 4) == 0) {
			const char *close = strstr (s + i + 4, "-->");
			if (close == NULL)
				break;
			i = close - s + 2;
		}
	}
	return len;
}

/* HTML as valid UTF-8 without NUL bytes, other C0 controls or CR; cut at PD_HTML_MAX_INPUT. */
static GString *
repair_input (const char *html, gsize len)
{
	GString *s = g_string_sized_new (MIN (len, (gsize) PD_HTML_MAX_INPUT) + 1);
	const char *p = html, *end = html + MIN (len, (gsize) PD_HTML_MAX_INPUT);
	gsize i, j;

	while (p < end) {
		const char *valid_end;

		g_utf8_validate (p, end - p, &valid_end);
		g_string_append_len (s, p, valid_end - p);
		p = valid_end;
		if (p < end) {
			if (*p != '\0')
				g_string_append (s, "\xef\xbf\xbd"); /* U+FFFD */
			p++;
		}
	}
	for (i = j = 0; i < s->len; i++) {
		guchar c = s->str[i];

		if (c == '\r') {
			s->str[j++] = '\n';
			if (i + 1 < s->len && s->str[i + 1] == '\n')
				i++;
		} else if (c == '\f' || c == '\v') {
			s->str[j++] = ' ';
		} else if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f) {
			continue;
		} else {
			s->str[j++] = c;
		}
	}
	g_string_truncate (s, j);
	return s;
}

typedef struct {
	const PdHtmlSax *sax;
	gpointer data;
	const PdXml *xml;
	htmlParserCtxtPtr ctxt;
	guint depth;         /* open elements */
	guint implied_depth; /* DEPTH inside the open implied <p>, or 0 */
} Trampoline;

/* libxml2 wraps text outside any element ("Hi<div>...") in a <p> of its own, which a browser does
 * not: we hide it. It is started while the parser stands on text, not on the '>' of a tag. */
static gboolean
is_implied_p (Trampoline *t, const xmlChar *name, const xmlChar **attrs)
{
	const xmlChar *cur = t->ctxt->input->cur;

	return attrs == NULL && t->implied_depth == 0 && t->xml->xmlStrEqual (name, BAD_CAST "p") &&
	       cur != NULL && cur[0] != '>' && !(cur[0] == '/' && cur[1] == '>');
}

static void
sax_start (void *ctx, const xmlChar *name, const xmlChar **attrs)
{
	Trampoline *t = ctx;

	t->depth++;
	if (is_implied_p (t, name, attrs))
		t->implied_depth = t->depth;
	else
		t->sax->start (t->data, (const char *) name, (const char *const *) attrs);
}

static void
sax_end (void *ctx, const xmlChar *name)
{
	Trampoline *t = ctx;

	if (t->depth > 0 && t->depth == t->implied_depth)
		t->implied_depth = 0;
	else
		t->sax->end (t->data, (const char *) name);
	if (t->depth > 0)
		t->depth--;
}

static void
sax_text (void *ctx, const xmlChar *text, int len)
{
	Trampoline *t = ctx;

	if (len > 0)
		t->sax->text (t->data, (const char *) text, len);
}

void
pd_html_parse (const char *html, gssize len, const PdHtmlSax *sax, gpointer data)
{
	g_autoptr (GString) input = NULL;
	g_autoptr (GError) error = NULL;
	Trampoline t = { sax, data, NULL, NULL, 0, 0 };
	htmlParserCtxtPtr ctxt;
	gsize n;

	g_return_if_fail (html != NULL || len == 0);
	g_return_if_fail (sax != NULL);

	/* loaded on the first HTML part (mail/xml-lazy.h). pd_mail_parse checks first, so a mail
	 * is quarantined with the reason rather than read as empty; other callers get no text */
	t.xml = pd_xml (&error);
	if (t.xml == NULL) {
		pd_log_error ("%s", error->message);
		return;
	}
	if (len < 0)
		len = strlen (html);
	input = repair_input (html, len);
	n = affordable_length (input->str, input->len);
	if (n == 0)
		return;

	ctxt = t.xml->htmlCreateMemoryParserCtxt (input->str, (int) n);
	if (ctxt == NULL)
		return;
	memset (ctxt->sax, 0, sizeof *ctxt->sax);
	ctxt->sax->startElement = sax_start;
	ctxt->sax->endElement = sax_end;
	ctxt->sax->characters = sax_text;
	ctxt->sax->ignorableWhitespace = sax_text;
	ctxt->sax->initialized = 1;
	ctxt->userData = &t;
	t.ctxt = ctxt;
	t.xml->htmlCtxtUseOptions (ctxt, HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
	                                         HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC);
	t.xml->xmlSwitchEncoding (ctxt, XML_CHAR_ENCODING_UTF8);
	t.xml->htmlParseDocument (ctxt);
	if (ctxt->myDoc != NULL)
		t.xml->xmlFreeDoc (ctxt->myDoc);
	t.xml->htmlFreeParserCtxt (ctxt);
}

char *
pd_html_url_clean (const char *value, const char *const *schemes)
{
	GString *url;
	gsize i, colon;

	if (value == NULL)
		return NULL;
	/* Browsers drop tabs and newlines anywhere and controls and spaces around a URL. */
	url = g_string_new (NULL);
	for (const char *p = value; *p != '\0'; p++)
		if ((guchar) *p > 0x20 && *p != 0x7f)
			g_string_append_c (url, *p);
		else if (*p == ' ' && url->len > 0)
			g_string_append_c (url, *p);
	while (url->len > 0 && url->str[url->len - 1] == ' ')
		g_string_truncate (url, url->len - 1);

	for (colon = 0; colon < url->len; colon++) {
		char c = url->str[colon];

		if (!(g_ascii_isalnum (c) || c == '+' || c == '-' || c == '.'))
			break;
	}
	if (colon > 0 && colon < url->len && url->str[colon] == ':' && g_ascii_isalpha (url->str[0])) {
		for (i = 0; schemes[i] != NULL; i++)
			if (strlen (schemes[i]) == colon &&
			    g_ascii_strncasecmp (url->str, schemes[i], colon) == 0)
				return g_string_free (url, FALSE);
	}
	g_string_free (url, TRUE);
	return NULL;
}
