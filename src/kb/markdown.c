/* markdown.c - renders the knowledge base's Markdown subset to safe HTML and to plain text.
 * A line-based block pass (fences, headings, lists, paragraphs) and an inline pass; no raw
 * HTML is ever passed through, so a body holding <script> or javascript: renders inert. */
#include <string.h>

#include "kb/markdown.h"

typedef enum { OUT_HTML, OUT_TEXT } OutKind;

static void
escape (GString *out, const char *s, gsize len)
{
	gsize i;

	for (i = 0; i < len; i++) {
		switch (s[i]) {
		case '<': g_string_append (out, "&lt;"); break;
		case '>': g_string_append (out, "&gt;"); break;
		case '&': g_string_append (out, "&amp;"); break;
		case '"': g_string_append (out, "&quot;"); break;
		case '\'': g_string_append (out, "&#39;"); break;
		default: g_string_append_c (out, s[i]);
		}
	}
}

/* http, https, mailto, or relative (no scheme, not protocol-relative) */
static gboolean
safe_url (const char *url, gsize len)
{
	gsize i;

	if (len == 0 || (len >= 2 && url[0] == '/' && url[1] == '/'))
		return FALSE;
	if (g_ascii_strncasecmp (url, "http://", 7) == 0 || g_ascii_strncasecmp (url, "https://", 8) == 0 ||
	    g_ascii_strncasecmp (url, "mailto:", 7) == 0)
		return TRUE;
	for (i = 0; i < len; i++) {
		if (url[i] == ':')
			return FALSE; /* some other scheme: javascript:, data:, vbscript: ... */
		if (url[i] == '/' || url[i] == '?' || url[i] == '#')
			break;
		if (g_ascii_isspace (url[i]) || (unsigned char) url[i] < 0x20)
			return FALSE;
	}
	return TRUE;
}

static void inline_render (GString *out, const char *s, gsize len, OutKind kind);

/* the closing delimiter DELIM (length DL) after S[from], on the same text, or -1 */
static gssize
find_close (const char *s, gsize len, gsize from, const char *delim, gsize dl)
{
	gsize i;

	for (i = from; i + dl <= len; i++)
		if (memcmp (s + i, delim, dl) == 0 && i > from)
			return (gssize) i;
	return -1;
}

static void
inline_render (GString *out, const char *s, gsize len, OutKind kind)
{
	gsize i = 0;

	while (i < len) {
		char c = s[i];
		gssize end;

		if (c == '`' && (end = find_close (s, len, i + 1, "`", 1)) > 0) {
			if (kind == OUT_HTML) {
				g_string_append (out, "<code>");
				escape (out, s + i + 1, end - i - 1);
				g_string_append (out, "</code>");
			} else
				g_string_append_len (out, s + i + 1, end - i - 1);
			i = end + 1;
			continue;
		}
		if (c == '*' && i + 1 < len && s[i + 1] == '*' &&
		    (end = find_close (s, len, i + 2, "**", 2)) > 0) {
			if (kind == OUT_HTML)
				g_string_append (out, "<strong>");
			inline_render (out, s + i + 2, end - i - 2, kind);
			if (kind == OUT_HTML)
				g_string_append (out, "</strong>");
			i = end + 2;
			continue;
		}
		if ((c == '*' || c == '_') && i + 1 < len && !g_ascii_isspace (s[i + 1]) &&
		    (i == 0 || !g_ascii_isalnum (s[i - 1])) &&
		    (end = find_close (s, len, i + 1, c == '*' ? "*" : "_", 1)) > 0 &&
		    !g_ascii_isspace (s[end - 1]) && ((gsize) end + 1 >= len || !g_ascii_isalnum (s[end + 1]))) {
			if (kind == OUT_HTML)
				g_string_append (out, "<em>");
			inline_render (out, s + i + 1, end - i - 1, kind);
			if (kind == OUT_HTML)
				g_string_append (out, "</em>");
			i = end + 1;
			continue;
		}
		if (c == '[') {
			gssize close = find_close (s, len, i + 1, "]", 1);

			if (close > 0 && (gsize) close + 1 < len && s[close + 1] == '(') {
				gssize paren = find_close (s, len, close + 2, ")", 1);

				if (paren > 0) {
					const char *url = s + close + 2;
					gsize ul = paren - close - 2;

					while (ul > 0 && g_ascii_isspace (*url))
						url++, ul--;
					while (ul > 0 && g_ascii_isspace (url[ul - 1]))
						ul--;
					if (kind == OUT_HTML && safe_url (url, ul)) {
						g_string_append (out, "<a href=\"");
						escape (out, url, ul);
						g_string_append (out, "\">");
						inline_render (out, s + i + 1, close - i - 1, kind);
						g_string_append (out, "</a>");
					} else if (kind == OUT_HTML) {
						inline_render (out, s + i + 1, close - i - 1, kind);
					} else {
						inline_render (out, s + i + 1, close - i - 1, kind);
						if (safe_url (url, ul)) {
							g_string_append (out, " <");
							g_string_append_len (out, url, ul);
							g_string_append (out, ">");
						}
					}
					i = paren + 1;
					continue;
				}
			}
		}
		if (kind == OUT_HTML)
			escape (out, &c, 1);
		else
			g_string_append_c (out, c);
		i++;
	}
}

static int
heading_level (const char *line)
{
	int n = 0;

	while (line[n] == '#')
		n++;
	return n >= 1 && n <= 6 && line[n] == ' ' ? n : 0;
}

/* 1 for a bullet item, 2 for a numbered one; *TEXT_R is where the item's text starts */
static int
list_item (const char *line, const char **text_r)
{
	const char *p = line;

	while (*p == ' ')
		p++;
	if ((*p == '-' || *p == '*' || *p == '+') && p[1] == ' ') {
		*text_r = p + 2;
		return 1;
	}
	if (g_ascii_isdigit (*p)) {
		while (g_ascii_isdigit (*p))
			p++;
		if ((*p == '.' || *p == ')') && p[1] == ' ') {
			*text_r = p + 2;
			return 2;
		}
	}
	return 0;
}

static gboolean
blank (const char *line)
{
	while (*line && g_ascii_isspace (*line))
		line++;
	return *line == '\0';
}

static char *
render (const char *md, OutKind kind)
{
	g_auto (GStrv) lines = NULL;
	GString *out = g_string_new (NULL);
	GString *para = g_string_new (NULL);
	int list = 0, number = 0;
	guint i;

	lines = g_strsplit (md ? md : "", "\n", -1);
#define FLUSH_PARA()                                                          \
	do {                                                                  \
		if (para->len > 0) {                                          \
			if (kind == OUT_HTML)                                 \
				g_string_append (out, "<p>");                 \
			inline_render (out, para->str, para->len, kind);      \
			g_string_append (out, kind == OUT_HTML ? "</p>\n" : "\n\n"); \
			g_string_truncate (para, 0);                          \
		}                                                             \
	} while (0)
#define CLOSE_LIST()                                                                    \
	do {                                                                            \
		if (list) {                                                             \
			if (kind == OUT_HTML)                                           \
				g_string_append (out, list == 1 ? "</ul>\n" : "</ol>\n"); \
			else                                                            \
				g_string_append_c (out, '\n');                          \
			list = 0;                                                       \
		}                                                                       \
	} while (0)
	for (i = 0; lines[i]; i++) {
		char *line = lines[i];
		const char *text;
		int level, item;

		g_strchomp (line);
		if (g_str_has_prefix (line, "```")) {
			FLUSH_PARA ();
			CLOSE_LIST ();
			if (kind == OUT_HTML)
				g_string_append (out, "<pre><code>");
			for (i++; lines[i] && !g_str_has_prefix (lines[i], "```"); i++) {
				g_strchomp (lines[i]);
				if (kind == OUT_HTML)
					escape (out, lines[i], strlen (lines[i]));
				else
					g_string_append_printf (out, "    %s", lines[i]);
				g_string_append_c (out, '\n');
			}
			g_string_append (out, kind == OUT_HTML ? "</code></pre>\n" : "\n");
			if (lines[i] == NULL)
				break;
			continue;
		}
		if (blank (line)) {
			FLUSH_PARA ();
			CLOSE_LIST ();
			continue;
		}
		if ((level = heading_level (line)) > 0) {
			const char *h = g_strstrip (line + level + 1);
			FLUSH_PARA ();
			CLOSE_LIST ();
			if (kind == OUT_HTML)
				g_string_append_printf (out, "<h%d>", level);
			inline_render (out, h, strlen (h), kind);
			if (kind == OUT_HTML)
				g_string_append_printf (out, "</h%d>\n", level);
			else
				g_string_append (out, "\n\n");
			continue;
		}
		if ((item = list_item (line, &text)) > 0) {
			FLUSH_PARA ();
			if (list != item) {
				CLOSE_LIST ();
				list = item;
				number = 0;
				if (kind == OUT_HTML)
					g_string_append (out, item == 1 ? "<ul>\n" : "<ol>\n");
			}
			number++;
			if (kind == OUT_HTML)
				g_string_append (out, "<li>");
			else if (item == 1)
				g_string_append (out, "- ");
			else
				g_string_append_printf (out, "%d. ", number);
			inline_render (out, text, strlen (text), kind);
			g_string_append (out, kind == OUT_HTML ? "</li>\n" : "\n");
			continue;
		}
		if (list && line[0] == ' ') {
			/* a continuation of the last list item */
			gsize at = out->len;
			const char *t = g_strstrip (line);

			if (kind == OUT_HTML && g_str_has_suffix (out->str, "</li>\n"))
				g_string_truncate (out, at - strlen ("</li>\n"));
			else if (kind == OUT_TEXT)
				g_string_truncate (out, at - 1);
			g_string_append_c (out, ' ');
			inline_render (out, t, strlen (t), kind);
			g_string_append (out, kind == OUT_HTML ? "</li>\n" : "\n");
			continue;
		}
		CLOSE_LIST ();
		if (para->len > 0)
			g_string_append_c (para, kind == OUT_HTML ? ' ' : '\n');
		g_string_append (para, g_strstrip (line));
	}
	FLUSH_PARA ();
	CLOSE_LIST ();
#undef FLUSH_PARA
#undef CLOSE_LIST
	g_string_free (para, TRUE);
	if (kind == OUT_TEXT)
		while (out->len > 0 && out->str[out->len - 1] == '\n')
			g_string_truncate (out, out->len - 1);
	return g_string_free (out, FALSE);
}

char *
pd_kb_markdown_to_html (const char *md)
{
	return render (md, OUT_HTML);
}

char *
pd_kb_markdown_to_text (const char *md)
{
	return render (md, OUT_TEXT);
}
