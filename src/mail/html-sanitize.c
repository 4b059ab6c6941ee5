/* html-sanitize.c - pd_html_sanitize: an allow-list sanitiser; what is not listed here goes.
 * It re-serialises from SAX events (never copies markup through), and does not rewrite or
 * proxy URLs, resolve relative ones or keep any styling. The caller owns the returned string. */
#include "mail/html.h"

#include <string.h>

typedef enum {
	ATTR_TEXT,     /* any text */
	ATTR_LINK,     /* http, https, mailto URL */
	ATTR_IMAGE,    /* http, https, cid URL */
	ATTR_NUMBER,   /* 1..1000 */
} AttrKind;

typedef struct {
	const char *name;
	AttrKind kind;
} AllowedAttr;

static const AllowedAttr a_attrs[] = { { "href", ATTR_LINK }, { "title", ATTR_TEXT }, { NULL, 0 } };
static const AllowedAttr img_attrs[] = {
	{ "src", ATTR_IMAGE }, { "alt", ATTR_TEXT }, { "title", ATTR_TEXT }, { NULL, 0 },
};
static const AllowedAttr cell_attrs[] = {
	{ "colspan", ATTR_NUMBER }, { "rowspan", ATTR_NUMBER }, { NULL, 0 },
};

typedef struct {
	const char *name;
	gboolean is_void;
	const AllowedAttr *attrs;
	const char *required; /* dropped unless this attribute survives */
} AllowedElement;

static const AllowedElement allowed[] = {
	{ "a", FALSE, a_attrs, "href" }, { "b", FALSE, NULL, NULL },
	{ "blockquote", FALSE, NULL, NULL }, { "br", TRUE, NULL, NULL },
	{ "code", FALSE, NULL, NULL }, { "div", FALSE, NULL, NULL }, { "em", FALSE, NULL, NULL },
	{ "h1", FALSE, NULL, NULL }, { "h2", FALSE, NULL, NULL }, { "h3", FALSE, NULL, NULL },
	{ "h4", FALSE, NULL, NULL }, { "h5", FALSE, NULL, NULL }, { "h6", FALSE, NULL, NULL },
	{ "hr", TRUE, NULL, NULL }, { "i", FALSE, NULL, NULL },
	{ "img", TRUE, img_attrs, "src" }, { "li", FALSE, NULL, NULL },
	{ "ol", FALSE, NULL, NULL }, { "p", FALSE, NULL, NULL }, { "pre", FALSE, NULL, NULL },
	{ "span", FALSE, NULL, NULL }, { "strong", FALSE, NULL, NULL },
	{ "table", FALSE, NULL, NULL }, { "tbody", FALSE, NULL, NULL },
	{ "td", FALSE, cell_attrs, NULL }, { "tfoot", FALSE, NULL, NULL },
	{ "th", FALSE, cell_attrs, NULL }, { "thead", FALSE, NULL, NULL },
	{ "tr", FALSE, NULL, NULL }, { "u", FALSE, NULL, NULL }, { "ul", FALSE, NULL, NULL },
};

/* Elements dropped with everything inside them. Void ones (embed, input, meta...) are not listed:
 * libxml2 takes some for containers, and a browser would show the text it puts inside them. */
static const char *const dropped[] = {
	"applet", "audio", "button", "canvas", "form", "frame", "frameset", "head", "iframe", "map",
	"math", "noembed", "noframes", "noscript", "object", "script", "select", "style", "svg",
	"template", "textarea", "title", "video", "xml", NULL,
};

/* What we did with an open element (GArray of guint16): OPEN_DROPPED, OPEN_NONE, or
 * OPEN_ALLOWED + index into ALLOWED when we wrote its start tag. */
enum { OPEN_DROPPED, OPEN_NONE, OPEN_ALLOWED };

typedef struct {
	GString *out;
	GArray *open;
	guint skip;  /* open dropped elements */
	guint depth; /* start tags written and not yet closed */
} Sanitizer;

static void
append_escaped (GString *out, const char *text, gsize len, gboolean attribute)
{
	for (gsize i = 0; i < len; i++) {
		switch (text[i]) {
		case '&': g_string_append (out, "&amp;"); break;
		case '<': g_string_append (out, "&lt;"); break;
		case '>': g_string_append (out, "&gt;"); break;
		case '"':
			g_string_append (out, attribute ? "&quot;" : "\"");
			break;
		case '\'':
			g_string_append (out, attribute ? "&#39;" : "'");
			break;
		default: g_string_append_c (out, text[i]); break;
		}
	}
}

/* VALUE as it may be written for an attribute of KIND, or NULL. (transfer full) */
static char *
clean_value (AttrKind kind, const char *value)
{
	static const char *const link_schemes[] = { "http", "https", "mailto", NULL };
	static const char *const image_schemes[] = { "http", "https", "cid", NULL };
	guint64 number;

	if (value == NULL)
		return NULL;
	switch (kind) {
	case ATTR_TEXT:
		return g_strdup (value);
	case ATTR_LINK:
		return pd_html_url_clean (value, link_schemes);
	case ATTR_IMAGE:
		return pd_html_url_clean (value, image_schemes);
	case ATTR_NUMBER: {
		g_autofree char *digits = g_strstrip (g_strdup (value));

		if (g_ascii_string_to_unsigned (digits, 10, 1, 1000, &number, NULL))
			return g_strdup_printf ("%" G_GUINT64_FORMAT, number);
		return NULL;
	}
	}
	return NULL;
}

/* The start tag for ELEMENT with the ATTRS it allows, or NULL if a required one is missing. */
static GString *
start_tag (const AllowedElement *element, const char *const *attrs)
{
	GString *tag = g_string_new ("<");
	gboolean have_required = element->required == NULL;

	g_string_append (tag, element->name);
	for (guint k = 0; element->attrs != NULL && element->attrs[k].name != NULL; k++) {
		const AllowedAttr *allowed_attr = &element->attrs[k];

		/* the first occurrence counts, as in a browser */
		for (gsize i = 0; attrs != NULL && attrs[i] != NULL; i += 2) {
			g_autofree char *value = NULL;

			if (g_ascii_strcasecmp (attrs[i], allowed_attr->name) != 0)
				continue;
			value = clean_value (allowed_attr->kind, attrs[i + 1]);
			if (value != NULL) {
				g_string_append_printf (tag, " %s=\"", allowed_attr->name);
				append_escaped (tag, value, strlen (value), TRUE);
				g_string_append_c (tag, '"');
				if (g_strcmp0 (element->required, allowed_attr->name) == 0)
					have_required = TRUE;
			}
			break;
		}
	}
	if (!have_required) {
		g_string_free (tag, TRUE);
		return NULL;
	}
	g_string_append (tag, element->is_void ? " />" : ">");
	return tag;
}

static void
on_start (gpointer data, const char *name, const char *const *attrs)
{
	Sanitizer *s = data;
	guint16 what = OPEN_NONE;
	gsize i;

	for (i = 0; dropped[i] != NULL; i++)
		if (strcmp (name, dropped[i]) == 0)
			what = OPEN_DROPPED;
	if (what == OPEN_DROPPED)
		s->skip++;
	for (i = 0; s->skip == 0 && i < G_N_ELEMENTS (allowed); i++) {
		g_autoptr (GString) tag = NULL;

		if (strcmp (name, allowed[i].name) != 0)
			continue;
		if (!allowed[i].is_void && s->depth >= PD_HTML_MAX_DEPTH)
			break; /* flattened */
		tag = start_tag (&allowed[i], attrs);
		if (tag == NULL)
			break;
		g_string_append_len (s->out, tag->str, tag->len);
		if (!allowed[i].is_void) {
			what = OPEN_ALLOWED + i;
			s->depth++;
		}
		break;
	}
	g_array_append_val (s->open, what);
}

static void
close_element (Sanitizer *s)
{
	guint16 what = g_array_index (s->open, guint16, s->open->len - 1);

	g_array_set_size (s->open, s->open->len - 1);
	if (what == OPEN_DROPPED) {
		s->skip--;
	} else if (what >= OPEN_ALLOWED) {
		g_string_append_printf (s->out, "</%s>", allowed[what - OPEN_ALLOWED].name);
		s->depth--;
	}
}

static void
on_end (gpointer data, const char *name)
{
	Sanitizer *s = data;

	(void) name; /* start and end calls balance: the innermost open element ends */
	if (s->open->len > 0)
		close_element (s);
}

static void
on_text (gpointer data, const char *text, gsize len)
{
	Sanitizer *s = data;

	if (s->skip == 0)
		append_escaped (s->out, text, len, FALSE);
}

char *
pd_html_sanitize (const char *html, gssize len)
{
	static const PdHtmlSax sax = { on_start, on_end, on_text };
	Sanitizer s = { 0 };

	g_return_val_if_fail (html != NULL || len == 0, g_strdup (""));

	s.out = g_string_new (NULL);
	s.open = g_array_new (FALSE, FALSE, sizeof (guint16));
	pd_html_parse (html, len, &sax, &s);
	while (s.open->len > 0)
		close_element (&s);
	g_array_unref (s.open);
	return g_strstrip (g_string_free (s.out, FALSE)); /* white space around a fragment is noise */
}
