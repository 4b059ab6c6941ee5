/* style.c - the look of the knowledge base from parameters in the database (`postdesk kb
 * style KEY VALUE`, db/013): checking a value before it is stored, and the style sheet built
 * from them. Values are checked so that none can end a CSS declaration or rule. */
#include "http/http.h"
#include "http/http-private.h"

#include <string.h>

#include "core/error.h"

typedef enum { STYLE_TEXT, STYLE_COLOUR, STYLE_FONT, STYLE_LOGO } StyleKind;

static const struct {
	const char *key;
	StyleKind kind;
	const char *fallback; /* NULL: not a CSS value */
	const char *help;
} keys[] = {
	{ "site_title", STYLE_TEXT, NULL, "the site's name in the header and in page titles" },
	{ "topic_order", STYLE_TEXT, NULL, "topics listed first in the topic index, comma-separated" },
	{ "color_text", STYLE_COLOUR, "#1a1a1a", "text colour (#rgb, #rrggbb or a CSS colour name)" },
	{ "color_background", STYLE_COLOUR, "#ffffff", "page background" },
	{ "color_link", STYLE_COLOUR, "#0b4f9c", "links" },
	{ "color_accent", STYLE_COLOUR, "#0b4f9c", "the header rule and buttons (white text on it)" },
	{ "font_body", STYLE_FONT, "system-ui, sans-serif", "font list for the text" },
	{ "font_heading", STYLE_FONT, "system-ui, sans-serif", "font list for headings" },
	{ "logo", STYLE_LOGO, NULL, "an image FILE (png, jpeg, gif, webp, svg: stored in the home) or a\n"
	  "                    path on this site (/static/logo.png) shown in the page header" },
};

const char *
pd_http_style_help (void)
{
	static gsize once;
	static char *help;

	if (g_once_init_enter (&once)) {
		GString *s = g_string_new (NULL);
		guint i;

		for (i = 0; i < G_N_ELEMENTS (keys); i++)
			g_string_append_printf (s, "  %-17s %s\n", keys[i].key, keys[i].help);
		help = g_string_free (s, FALSE);
		g_once_init_leave (&once, 1);
	}
	return help;
}

static gboolean
valid_colour (const char *v)
{
	gsize n = strlen (v), i;

	if (v[0] == '#') {
		if (n != 4 && n != 7)
			return FALSE;
		for (i = 1; i < n; i++)
			if (!g_ascii_isxdigit (v[i]))
				return FALSE;
		return TRUE;
	}
	if (n == 0 || n > 30)
		return FALSE;
	for (i = 0; i < n; i++)
		if (!g_ascii_isalpha (v[i]))
			return FALSE;
	return TRUE;
}

static gboolean
valid_font (const char *v)
{
	gsize n = strlen (v), i;

	if (n == 0 || n > 200)
		return FALSE;
	for (i = 0; i < n; i++)
		if (!g_ascii_isalnum (v[i]) && strchr (" ,-_'", v[i]) == NULL)
			return FALSE;
	return TRUE;
}

gboolean
pd_http_style_check (const char *key, const char *value, GError **error)
{
	guint i;
	const char *p;

	for (i = 0; i < G_N_ELEMENTS (keys); i++)
		if (strcmp (keys[i].key, key) == 0)
			break;
	if (i == G_N_ELEMENTS (keys)) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "no style key \"%s\"; the keys are:\n%s",
		             key, pd_http_style_help ());
		return FALSE;
	}
	if (value == NULL)
		return TRUE;
	switch (keys[i].kind) {
	case STYLE_COLOUR:
		if (!valid_colour (value)) {
			g_set_error (error, PD_ERROR, PD_ERROR_USAGE,
			             "%s: not a colour: \"%s\" (#rgb, #rrggbb or a colour name)", key, value);
			return FALSE;
		}
		break;
	case STYLE_FONT:
		if (!valid_font (value)) {
			g_set_error (error, PD_ERROR, PD_ERROR_USAGE,
			             "%s: not a font list: \"%s\" (letters, digits, spaces, commas, - _ ')",
			             key, value);
			return FALSE;
		}
		break;
	case STYLE_LOGO:
		if (!pd_http_logo_valid (value)) {
			g_set_error (error, PD_ERROR, PD_ERROR_USAGE,
			             "logo: an image file, or a path on this site starting with / (letters, "
			             "digits, / . _ ~ -); the pages allow images from this site only, got \"%s\"",
			             value);
			return FALSE;
		}
		break;
	case STYLE_TEXT:
		if (!g_utf8_validate (value, -1, NULL) || g_utf8_strlen (value, -1) > 200) {
			g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "%s: UTF-8 text up to 200 characters",
			             key);
			return FALSE;
		}
		for (p = value; *p; p++)
			if ((guchar) *p < 0x20) {
				g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "%s: no control characters", key);
				return FALSE;
			}
		break;
	}
	return TRUE;
}

gboolean
pd_http_logo_valid (const char *v)
{
	const char *p;

	/* a path on this site: no scheme, no host ("//"), nothing that ends the attribute */
	if (v == NULL || v[0] != '/' || v[1] == '/' || strlen (v) > 200 || strstr (v, "..") != NULL)
		return FALSE;
	for (p = v; *p; p++)
		if (!g_ascii_isalnum (*p) && strchr ("/._~-", *p) == NULL)
			return FALSE;
	return TRUE;
}

const char *
pd_http_logo_type (const char *name)
{
	static const char *const types[][2] = {
		{ ".png", "image/png" }, { ".jpg", "image/jpeg" }, { ".jpeg", "image/jpeg" },
		{ ".gif", "image/gif" }, { ".webp", "image/webp" }, { ".svg", "image/svg+xml" },
	};
	guint i;

	for (i = 0; i < G_N_ELEMENTS (types); i++)
		if (g_str_has_suffix (name, types[i][0]))
			return types[i][1];
	return NULL;
}

char *
pd_http_logo_path (const char *sha256, const char *name)
{
	const char *dot = strrchr (name, '.');
	g_autofree char *ext = g_ascii_strdown (dot ? dot : "", -1);

	return g_strdup_printf ("/kb/logo/%s%s", sha256, ext);
}

/* the stored value when it (still) passes the check, else the default */
static const char *
css_value (GHashTable *style, const char *key)
{
	const char *v = g_hash_table_lookup (style, key);
	guint i;

	if (v != NULL && pd_http_style_check (key, v, NULL))
		return v;
	for (i = 0; i < G_N_ELEMENTS (keys); i++)
		if (strcmp (keys[i].key, key) == 0)
			return keys[i].fallback;
	g_return_val_if_reached ("inherit");
}

char *
pd_http_style_css (GHashTable *style)
{
	return g_strdup_printf (
		":root { --text: %s; --bg: %s; --link: %s; --accent: %s; }\n"
		"body { margin: 0 auto; max-width: 48rem; padding: 0 1rem 2rem; color: var(--text);\n"
		"       background: var(--bg); font-family: %s; line-height: 1.5; }\n"
		"h1, h2, h3, h4, h5, h6 { font-family: %s; line-height: 1.25; }\n"
		"a { color: var(--link); }\n"
		"a:focus, button:focus, input:focus { outline: 3px solid var(--accent); outline-offset: 2px; }\n"
		"header { border-bottom: 4px solid var(--accent); margin-bottom: 1rem; }\n"
		"header .site { font-size: 1.25rem; font-weight: bold; margin: 1rem 0 0.5rem; }\n"
		"header .site img { height: 2.5rem; width: auto; vertical-align: middle; margin-right: 0.5rem; }\n"
		"nav ul { list-style: none; padding: 0; margin: 0 0 0.5rem; display: flex; gap: 1rem; }\n"
		"label { display: block; font-weight: bold; margin-bottom: 0.25rem; }\n"
		"input[type=search] { font: inherit; padding: 0.4rem; width: min(30rem, 100%%);\n"
		"                     border: 2px solid var(--text); }\n"
		"button { font: inherit; padding: 0.4rem 1rem; border: 2px solid var(--accent);\n"
		"         background: var(--accent); color: #ffffff; cursor: pointer; }\n"
		"pre { overflow-x: auto; padding: 0.5rem; border: 1px solid var(--text); }\n"
		"mark { background: #fff3a0; color: #1a1a1a; }\n"
		"form.answered { margin-top: 2rem; padding: 1rem; border: 2px solid var(--accent); }\n",
		css_value (style, "color_text"), css_value (style, "color_background"),
		css_value (style, "color_link"), css_value (style, "color_accent"),
		css_value (style, "font_body"), css_value (style, "font_heading"));
}
