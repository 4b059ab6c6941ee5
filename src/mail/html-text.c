/* html-text.c - pd_html_to_text: an HTML body as the plain text a mail client would show.
 * It does not lay out tables or number ordered lists, and keeps no tree: one pass over the SAX
 * events into a line writer. The caller owns the returned string. */
#include "mail/html.h"

#include <string.h>

/* Link text longer than this is never compared with its URL. */
#define LINK_TEXT_MAX 2048
/* Deeper quotes and lists are shown at these depths, so that a line costs at most ~50 bytes. */
#define QUOTE_MAX 16
#define INDENT_MAX 8

enum {
	SKIP = 1 << 0,      /* drop the contents */
	BLOCK = 1 << 1,     /* starts and ends a line */
	PARA = 1 << 2,      /* and a blank line around it */
	LIST = 1 << 3,      /* ul, ol */
	ITEM = 1 << 4,      /* li */
	QUOTE = 1 << 5,     /* blockquote */
	PRE = 1 << 6,       /* whitespace kept */
	BREAK = 1 << 7,     /* br */
	CELL = 1 << 8,      /* td, th: a space after */
	LINK = 1 << 9,      /* a */
	IMAGE = 1 << 10,    /* img: its alt text */
};

static const struct {
	const char *name;
	guint flags;
} elements[] = {
	{ "a", LINK }, { "address", BLOCK }, { "article", BLOCK }, { "aside", BLOCK },
	{ "blockquote", BLOCK | PARA | QUOTE }, { "br", BREAK }, { "caption", BLOCK },
	{ "center", BLOCK }, { "dd", BLOCK }, { "details", BLOCK }, { "dialog", BLOCK },
	{ "div", BLOCK }, { "dl", BLOCK | PARA }, { "dt", BLOCK }, { "fieldset", BLOCK },
	{ "figcaption", BLOCK }, { "figure", BLOCK | PARA }, { "footer", BLOCK }, { "form", BLOCK },
	{ "h1", BLOCK | PARA }, { "h2", BLOCK | PARA }, { "h3", BLOCK | PARA },
	{ "h4", BLOCK | PARA }, { "h5", BLOCK | PARA }, { "h6", BLOCK | PARA },
	{ "head", SKIP }, { "header", BLOCK }, { "hgroup", BLOCK }, { "hr", BLOCK | PARA },
	{ "img", IMAGE }, { "legend", BLOCK }, { "li", BLOCK | ITEM }, { "listing", BLOCK | PRE },
	{ "main", BLOCK }, { "nav", BLOCK }, { "noscript", SKIP }, { "ol", BLOCK | LIST },
	{ "option", BLOCK }, { "p", BLOCK | PARA }, { "plaintext", BLOCK | PRE },
	{ "pre", BLOCK | PARA | PRE }, { "script", SKIP }, { "section", BLOCK },
	{ "style", SKIP }, { "summary", BLOCK }, { "table", BLOCK }, { "tbody", BLOCK },
	{ "td", CELL }, { "template", SKIP }, { "tfoot", BLOCK }, { "th", CELL },
	{ "thead", BLOCK }, { "title", SKIP }, { "tr", BLOCK }, { "ul", BLOCK | LIST },
	{ "xmp", BLOCK | PRE },
};

static guint
element_flags (const char *name)
{
	for (gsize i = 0; i < G_N_ELEMENTS (elements); i++)
		if (elements[i].name[0] == name[0] && strcmp (elements[i].name, name) == 0)
			return elements[i].flags;
	return 0;
}

typedef struct {
	char *href;    /* shown after the text when it differs; NULL if not shown */
	GString *text; /* the link text so far, collapsed */
} Link;

typedef struct {
	GString *out;
	gsize line_start;      /* offset in OUT of the line being written */
	gboolean line_open;    /* its prefix has been written */
	gboolean line_content; /* it holds more than prefix and spaces */
	gboolean have_text;    /* some line with content has been written */
	gboolean last_blank;   /* the last line written was blank */
	guint pending;         /* before the next text: 1 new line, 2 blank line */
	gboolean space;        /* collapsed white space before the next word */
	guint quote;           /* blockquote depth */
	guint quote_min;       /* least blockquote depth since the last line began */
	guint items;           /* open li elements */
	gboolean bullet;       /* the next line starts with "- " */
	guint pre;             /* open pre elements */
	guint skip;            /* open elements whose contents we drop */
	GPtrArray *links;      /* Link*, open a elements */
} Writer;

static void
link_free (Link *link)
{
	g_free (link->href);
	g_string_free (link->text, TRUE);
	g_free (link);
}

/* Blank lines are written only before text, so none trail and none repeat. */
static void
write_blank_line (Writer *w)
{
	if (!w->have_text || w->last_blank)
		return;
	for (guint i = 0; i < MIN (MIN (w->quote_min, w->quote), QUOTE_MAX); i++)
		g_string_append (w->out, i == 0 ? ">" : " >");
	g_string_append_c (w->out, '\n');
	w->last_blank = TRUE;
	w->line_start = w->out->len;
}

/* Ends the open line; one without content is dropped, and a blank line wanted instead. */
static void
end_line (Writer *w)
{
	if (w->line_open && w->line_content) {
		gsize len = w->out->len;

		while (len > w->line_start && (w->out->str[len - 1] == ' ' || w->out->str[len - 1] == '\t'))
			len--;
		g_string_truncate (w->out, len);
		g_string_append_c (w->out, '\n');
		w->have_text = TRUE;
		w->last_blank = FALSE;
		w->line_start = w->out->len;
	} else {
		g_string_truncate (w->out, w->line_start);
		w->pending = 2;
	}
	w->line_open = w->line_content = w->space = FALSE;
}

static void
request_break (Writer *w, guint n)
{
	if (w->bullet && !w->line_open)
		n = 1; /* <li><p>: the paragraph goes next to its bullet */
	w->pending = MAX (w->pending, n);
	w->space = FALSE;
}

/* Before text: the pending breaks, then the line prefix. */
static void
begin_text (Writer *w)
{
	if (w->pending > 0 && w->line_open)
		end_line (w);
	if (w->pending > 1)
		write_blank_line (w);
	w->pending = 0;
	if (w->line_open)
		return;
	for (guint i = 0; i < MIN (w->quote, QUOTE_MAX); i++)
		g_string_append (w->out, "> ");
	for (guint i = w->bullet ? 1 : 0; i < MIN (w->items, INDENT_MAX); i++)
		g_string_append (w->out, "  ");
	if (w->bullet)
		g_string_append (w->out, "- ");
	w->bullet = FALSE;
	w->line_open = TRUE;
	w->quote_min = w->quote;
}

static void
link_text (Writer *w, const char *text, gsize len, gboolean space)
{
	Link *link;

	if (w->links->len == 0)
		return;
	link = g_ptr_array_index (w->links, w->links->len - 1);
	if (link->text->len > LINK_TEXT_MAX)
		return;
	if (space && link->text->len > 0)
		g_string_append_c (link->text, ' ');
	g_string_append_len (link->text, text, len);
}

/* A word (no collapsible white space in it) of normal flow. */
static void
write_word (Writer *w, const char *word, gsize len)
{
	gboolean space = w->space;

	begin_text (w);
	if (space && w->line_content)
		g_string_append_c (w->out, ' ');
	w->space = FALSE;
	link_text (w, word, len, space);
	for (gsize i = 0; i < len; i++) {
		if (word[i] == '\xc2' && i + 1 < len && word[i + 1] == '\xa0') { /* &nbsp; */
			g_string_append_c (w->out, ' ');
			i++;
		} else {
			g_string_append_c (w->out, word[i]);
			w->line_content = TRUE;
		}
	}
}

static gboolean
is_space (char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

static void
write_flow (Writer *w, const char *text, gsize len)
{
	gsize i = 0;

	while (i < len) {
		gsize start = i;

		if (is_space (text[i])) {
			w->space = TRUE;
			i++;
			continue;
		}
		while (i < len && !is_space (text[i]))
			i++;
		write_word (w, text + start, i - start);
	}
}

/* <br> or a new line in <pre>: ends the line, or makes a blank one if the line was empty. */
static void
line_break (Writer *w)
{
	if (w->line_open && w->pending == 0) {
		end_line (w);
	} else {
		if (w->line_open)
			end_line (w);
		w->pending = 2;
	}
}

static void
write_pre (Writer *w, const char *text, gsize len)
{
	link_text (w, text, len, FALSE);
	for (gsize i = 0; i < len; i++) {
		if (text[i] == '\n') {
			line_break (w);
			continue;
		}
		begin_text (w);
		g_string_append_c (w->out, text[i]);
		if (text[i] != ' ' && text[i] != '\t')
			w->line_content = TRUE;
	}
}

static void
on_text (gpointer data, const char *text, gsize len)
{
	Writer *w = data;

	if (w->skip > 0)
		return;
	if (w->pre > 0)
		write_pre (w, text, len);
	else
		write_flow (w, text, len);
}

static const char *
attr (const char *const *attrs, const char *name)
{
	for (gsize i = 0; attrs != NULL && attrs[i] != NULL; i += 2)
		if (g_ascii_strcasecmp (attrs[i], name) == 0)
			return attrs[i + 1];
	return NULL;
}

static void
on_start (gpointer data, const char *name, const char *const *attrs)
{
	static const char *const link_schemes[] = { "http", "https", "mailto", NULL };
	Writer *w = data;
	guint flags = element_flags (name);

	if (flags & SKIP)
		w->skip++;
	if (w->skip > 0)
		return;
	if (flags & BREAK)
		line_break (w);
	if (flags & BLOCK)
		request_break (w, (flags & PARA) || ((flags & LIST) && w->items == 0) ? 2 : 1);
	if (flags & QUOTE)
		w->quote++;
	if (flags & ITEM) {
		w->items++;
		w->bullet = TRUE;
	}
	if (flags & PRE)
		w->pre++;
	if (flags & LINK) {
		Link *link = g_new0 (Link, 1);

		link->href = pd_html_url_clean (attr (attrs, "href"), link_schemes);
		link->text = g_string_new (NULL);
		g_ptr_array_add (w->links, link);
	}
	if ((flags & IMAGE) && attr (attrs, "alt") != NULL) {
		const char *alt = attr (attrs, "alt");

		write_flow (w, alt, strlen (alt));
	}
}

/* "Example.com/" and "http://example.com" say the same. */
static char *
url_key (const char *s)
{
	const char *const prefixes[] = { "http://", "https://", "mailto:", "www.", NULL };
	char *key = g_ascii_strdown (s, -1);
	gsize len;

	for (guint i = 0; prefixes[i] != NULL; i++)
		if (g_str_has_prefix (key, prefixes[i]))
			memmove (key, key + strlen (prefixes[i]), strlen (key) - strlen (prefixes[i]) + 1);
	len = strlen (key);
	while (len > 0 && key[len - 1] == '/')
		key[--len] = '\0';
	return key;
}

static void
end_link (Writer *w)
{
	Link *link = g_ptr_array_steal_index (w->links, w->links->len - 1);

	if (link->href != NULL) {
		g_autofree char *text_key = url_key (g_strstrip (link->text->str));
		g_autofree char *href_key = url_key (link->href);
		g_autofree char *shown = g_strdup_printf ("<%s>", link->href);

		if (*text_key != '\0' && strcmp (text_key, href_key) != 0) {
			w->space = TRUE;
			write_word (w, shown, strlen (shown));
		}
	}
	link_free (link);
}

static void
on_end (gpointer data, const char *name)
{
	Writer *w = data;
	guint flags = element_flags (name);

	if (w->skip > 0) {
		if (flags & SKIP)
			w->skip--;
		return;
	}
	if ((flags & LINK) && w->links->len > 0)
		end_link (w);
	if ((flags & PRE) && w->pre > 0)
		w->pre--;
	if ((flags & ITEM) && w->items > 0) {
		w->items--;
		w->bullet = FALSE;
	}
	if ((flags & QUOTE) && w->quote > 0) {
		w->quote--;
		w->quote_min = MIN (w->quote_min, w->quote);
	}
	if (flags & BLOCK)
		request_break (w, (flags & PARA) || ((flags & LIST) && w->items == 0) ? 2 : 1);
	if (flags & CELL)
		w->space = TRUE;
}

char *
pd_html_to_text (const char *html, gssize len)
{
	static const PdHtmlSax sax = { on_start, on_end, on_text };
	Writer w = { 0 };
	gsize end;

	g_return_val_if_fail (html != NULL || len == 0, g_strdup (""));

	w.out = g_string_new (NULL);
	w.links = g_ptr_array_new_with_free_func ((GDestroyNotify) link_free);
	pd_html_parse (html, len, &sax, &w);
	if (w.line_open)
		end_line (&w);
	g_ptr_array_unref (w.links);

	end = w.out->len;
	while (end > 0 && w.out->str[end - 1] == '\n')
		end--;
	g_string_truncate (w.out, end);
	return g_string_free (w.out, FALSE);
}
