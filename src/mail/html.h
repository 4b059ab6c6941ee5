/* html.h - HTML mail bodies: readable plain text, and an allow-list sanitiser for HTML we pass on.
 * Both stream the input through libxml2's HTML SAX parser; neither builds a tree, fetches anything,
 * or honours the document's own charset: input must already be UTF-8 (invalid bytes are repaired).
 * Both return a newly allocated UTF-8 string, never NULL (transfer full, free with g_free). */
#ifndef PD_HTML_H
#define PD_HTML_H

#include <glib.h>

/* Readable text for an HTML body, as a mail client would show it: script, style, head, title,
 * template, noscript and comments dropped; blocks on their own lines, at most one blank line in a
 * row; whitespace collapsed except in <pre>; list items "- "; links "text <url>" when the URL
 * (http, https, mailto only) differs from the text; blockquote lines prefixed "> "; images as
 * their alt text; &nbsp; as a plain space. No leading or trailing blank lines, no final newline.
 * LEN < 0 means HTML is NUL-terminated. (transfer full) */
char *pd_html_to_text (const char *html, gssize len);

/* An HTML fragment keeping only safe formatting elements (p, br, b, i, em, strong, u, ul, ol, li,
 * a, blockquote, pre, code, h1-h6, table, thead, tbody, tfoot, tr, td, th, span, div, img, hr) and
 * attributes (a href: http/https/mailto; img src: http/https/cid, alt, title; td/th colspan,
 * rowspan). Other elements are dropped but their text kept, except for script, style, iframe,
 * object, embed, form, svg, math and the like, whose contents go too. Text and attributes are
 * re-escaped, every element is closed, nesting beyond PD_HTML_MAX_DEPTH is flattened.
 * (transfer full) */
char *pd_html_sanitize (const char *html, gssize len);

/* Deepest element nesting the sanitiser reproduces. */
#define PD_HTML_MAX_DEPTH 256

/* Internal to html*.c: the shared SAX driver and URL check. */
typedef struct {
	/* ATTRS: NULL or a NULL-terminated array of name, value pairs (a value may be NULL).
	 * Names are lower-case; entities in values are decoded. Start and end calls balance. */
	void (*start) (gpointer data, const char *name, const char *const *attrs);
	void (*end) (gpointer data, const char *name);
	/* Text with entities decoded (not NUL-terminated), including script and style contents. */
	void (*text) (gpointer data, const char *text, gsize len);
} PdHtmlSax;

void pd_html_parse (const char *html, gssize len, const PdHtmlSax *sax, gpointer data);

/* VALUE cleaned of ASCII control characters and surrounding spaces, if its scheme is one of the
 * NULL-terminated lower-case SCHEMES (e.g. "https"); NULL otherwise (relative URLs included).
 * (transfer full) */
char *pd_html_url_clean (const char *value, const char *const *schemes);

#endif
