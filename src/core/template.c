/* template.c - the {{ }} expander and the template lookup (home override, then the
 * templates compiled into the binary, locale falling back to en), read once per process
 * while the file is unchanged. */
#include "core/template.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "core/error.h"

struct PdTemplateData {
	GHashTable *values; /* char* -> char* */
	GHashTable *lists;  /* char* -> GPtrArray of PdTemplateData* */
	const PdTemplateData *parent;
};

PdTemplateData *
pd_template_data_new (void)
{
	PdTemplateData *d = g_new0 (PdTemplateData, 1);

	d->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	d->lists = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
	                                  (GDestroyNotify) g_ptr_array_unref);
	return d;
}

void
pd_template_data_free (PdTemplateData *d)
{
	if (d == NULL)
		return;
	g_hash_table_destroy (d->values);
	g_hash_table_destroy (d->lists);
	g_free (d);
}

void
pd_template_data_set (PdTemplateData *d, const char *key, const char *value)
{
	g_hash_table_replace (d->values, g_strdup (key), g_strdup (value ? value : ""));
}

void
pd_template_data_set_int (PdTemplateData *d, const char *key, gint64 value)
{
	g_hash_table_replace (d->values, g_strdup (key),
	                      g_strdup_printf ("%" G_GINT64_FORMAT, value));
}

PdTemplateData *
pd_template_data_add_item (PdTemplateData *d, const char *section)
{
	GPtrArray *list = g_hash_table_lookup (d->lists, section);
	PdTemplateData *item = pd_template_data_new ();

	if (list == NULL) {
		list = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_template_data_free);
		g_hash_table_insert (d->lists, g_strdup (section), list);
	}
	item->parent = d;
	g_ptr_array_add (list, item);
	return item;
}

static const char *
lookup_value (const PdTemplateData *d, const char *key)
{
	for (; d != NULL; d = d->parent) {
		const char *v = g_hash_table_lookup (d->values, key);
		if (v != NULL)
			return v;
	}
	return NULL;
}

static GPtrArray *
lookup_list (const PdTemplateData *d, const char *key)
{
	for (; d != NULL; d = d->parent) {
		GPtrArray *l = g_hash_table_lookup (d->lists, key);
		if (l != NULL)
			return l;
	}
	return NULL;
}

/* Find the {{/NAME}} that closes a section opened just before P, allowing nested sections
 * of the same name. Returns its position or NULL. */
static const char *
find_close (const char *p, const char *name)
{
	g_autofree char *open1 = g_strdup_printf ("{{#%s}}", name);
	g_autofree char *open2 = g_strdup_printf ("{{^%s}}", name);
	g_autofree char *close = g_strdup_printf ("{{/%s}}", name);
	int depth = 1;

	/* every tag starts with "{{": look only where one does (one position on, to see
	 * "{{{#x}}" as "{" and a tag) */
	while ((p = strstr (p, "{{")) != NULL) {
		if (g_str_has_prefix (p, open1) || g_str_has_prefix (p, open2))
			depth++;
		else if (g_str_has_prefix (p, close) && --depth == 0)
			return p;
		p++;
	}
	return NULL;
}

static void
append_value (GString *out, const char *v, gboolean one_line)
{
	for (; v && *v; v++)
		g_string_append_c (out, (one_line && (*v == '\r' || *v == '\n')) ? ' ' : *v);
}

/* Does P start a line of the buffer that begins at ORIGIN? */
static gboolean
at_line_start (const char *origin, const char *p)
{
	return p == origin || p[-1] == '\n';
}

/* Template bytes one expansion may scan in all: a list section inside itself multiplies
 * the work (two items, 40 levels: 2^40), so past this the template is refused. Values do
 * not count: they are copied, never scanned. */
#define EXPAND_BUDGET (16 * 1024 * 1024)

static gboolean
expand (GString *out, const char *origin, const char *text, gsize len, const PdTemplateData *d,
        gboolean one_line, gsize *budget, GError **error)
{
	const char *p = text, *end = text + len;

	if (len > *budget) {
		g_set_error (error, PD_ERROR, PD_ERROR_CONFIG,
		             "template expands too much (a list section inside itself?)");
		return FALSE;
	}
	*budget -= len;

	while (p < end) {
		const char *open = g_strstr_len (p, end - p, "{{");
		const char *close;
		g_autofree char *tag = NULL;

		if (open == NULL) {
			g_string_append_len (out, p, end - p);
			break;
		}
		g_string_append_len (out, p, open - p);
		close = g_strstr_len (open, end - open, "}}");
		if (close == NULL) {
			g_set_error (error, PD_ERROR, PD_ERROR_CONFIG, "unclosed {{ in template");
			return FALSE;
		}
		tag = g_strstrip (g_strndup (open + 2, close - open - 2));
		p = close + 2;
		if (tag[0] == '#' || tag[0] == '^') {
			const char *name = tag + 1;
			const char *body = p;
			const char *stop = find_close (p, name);
			GPtrArray *list = lookup_list (d, name);
			const char *v = lookup_value (d, name);
			gboolean truthy = (list && list->len > 0) || (v && *v);
			guint i;

			if (stop == NULL || stop > end) {
				g_set_error (error, PD_ERROR, PD_ERROR_CONFIG,
				             "section {{%s}} is never closed", tag);
				return FALSE;
			}
			p = stop + strlen (name) + 5; /* "{{/" name "}}" */
			/* a section tag alone on its line takes its line break with it */
			if (at_line_start (origin, open) && *body == '\n')
				body++;
			if (tag[0] == '^') {
				if (!truthy &&
				    !expand (out, origin, body, stop - body, d, one_line, budget, error))
					return FALSE;
			} else if (list && list->len > 0) {
				for (i = 0; i < list->len; i++)
					if (!expand (out, origin, body, stop - body, list->pdata[i], one_line,
					             budget, error))
						return FALSE;
			} else if (truthy &&
			           !expand (out, origin, body, stop - body, d, one_line, budget, error)) {
				return FALSE;
			}
			if (at_line_start (origin, stop) && p < end && *p == '\n')
				p++;
		} else if (tag[0] == '/') {
			g_set_error (error, PD_ERROR, PD_ERROR_CONFIG, "{{%s}} closes nothing", tag);
			return FALSE;
		} else {
			append_value (out, lookup_value (d, tag), one_line);
		}
	}
	return TRUE;
}

char *
pd_template_expand (const char *text, const PdTemplateData *data, gboolean one_line,
                    GError **error)
{
	GString *out = g_string_sized_new (strlen (text) + 256);
	gsize budget = EXPAND_BUDGET;

	if (!expand (out, text, text, strlen (text), data, one_line, &budget, error)) {
		g_string_free (out, TRUE);
		return NULL;
	}
	return g_string_free (out, FALSE);
}

void
pd_rendered_free (PdRendered *r)
{
	if (r == NULL)
		return;
	g_ptr_array_unref (r->headers);
	g_free (r->body);
	g_free (r);
}

const char *
pd_rendered_header (const PdRendered *r, const char *name)
{
	guint i;

	for (i = 0; i + 1 < r->headers->len; i += 2)
		if (g_ascii_strcasecmp (r->headers->pdata[i], name) == 0)
			return r->headers->pdata[i + 1];
	return NULL;
}

/* Templates are read once per process and kept while their file stays the same: a stat per
 * render (the file's identity, size and change times) is what lets an edit reach a running
 * serve, and costs less than opening and reading it each time. Built-in templates never
 * change. Each text is a NUL-terminated GBytes, shared by reference: a render holds its own
 * while a newer version replaces it in the cache. */
typedef struct {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
	GBytes *text;
} CachedFile;

static GMutex cache_lock;
static GHashTable *file_cache;     /* path -> CachedFile* */
static GHashTable *resource_cache; /* resource path -> GBytes*, or NULL: not built in */

static void
cached_file_free (CachedFile *c)
{
	g_bytes_unref (c->text);
	g_free (c);
}

static gboolean
same_file (const CachedFile *c, const struct stat *st)
{
	return c->dev == st->st_dev && c->ino == st->st_ino && c->size == st->st_size &&
	       c->mtime.tv_sec == st->st_mtim.tv_sec && c->mtime.tv_nsec == st->st_mtim.tv_nsec &&
	       c->ctime.tv_sec == st->st_ctim.tv_sec && c->ctime.tv_nsec == st->st_ctim.tv_nsec;
}

/* The text of the file at PATH, from the cache when unchanged; NULL when there is no such
 * file or it cannot be read. (transfer full) */
static GBytes *
file_text (const char *path)
{
	struct stat st;
	CachedFile *c;
	char *text = NULL;
	gsize len;
	GBytes *bytes = NULL;

	if (g_stat (path, &st) != 0)
		return NULL;
	g_mutex_lock (&cache_lock);
	if (file_cache == NULL)
		file_cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
		                                    (GDestroyNotify) cached_file_free);
	c = g_hash_table_lookup (file_cache, path);
	if (c != NULL && same_file (c, &st))
		bytes = g_bytes_ref (c->text);
	g_mutex_unlock (&cache_lock);
	if (bytes != NULL)
		return bytes;
	/* read outside the lock; kept under the stat taken before reading, so a change while
	 * reading shows as a different file at the next render and is read again */
	if (!g_file_get_contents (path, &text, &len, NULL))
		return NULL;
	bytes = g_bytes_new_take (text, len + 1); /* with its NUL */
	c = g_new0 (CachedFile, 1);
	c->dev = st.st_dev;
	c->ino = st.st_ino;
	c->size = st.st_size;
	c->mtime = st.st_mtim;
	c->ctime = st.st_ctim;
	c->text = g_bytes_ref (bytes);
	g_mutex_lock (&cache_lock);
	g_hash_table_replace (file_cache, g_strdup (path), c);
	g_mutex_unlock (&cache_lock);
	return bytes;
}

/* The built-in template at resource path RES, or NULL. (transfer full) */
static GBytes *
resource_text (const char *res)
{
	GBytes *bytes = NULL, *found;
	gpointer value;

	g_mutex_lock (&cache_lock);
	if (resource_cache == NULL)
		resource_cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
		                                        (GDestroyNotify) g_bytes_unref);
	if (g_hash_table_lookup_extended (resource_cache, res, NULL, &value)) {
		bytes = value ? g_bytes_ref (value) : NULL;
		g_mutex_unlock (&cache_lock);
		return bytes;
	}
	g_mutex_unlock (&cache_lock);
	found = g_resources_lookup_data (res, 0, NULL);
	if (found != NULL) {
		bytes = g_bytes_new_take (g_strndup (g_bytes_get_data (found, NULL), g_bytes_get_size (found)),
		                          g_bytes_get_size (found) + 1);
		g_bytes_unref (found);
	}
	g_mutex_lock (&cache_lock);
	g_hash_table_replace (resource_cache, g_strdup (res), bytes ? g_bytes_ref (bytes) : NULL);
	g_mutex_unlock (&cache_lock);
	return bytes;
}

/* The template's text, NUL-terminated. (transfer full) */
static GBytes *
load_template (const char *home, const char *locale, const char *name, GError **error)
{
	const char *locales[] = { locale, "en" };
	guint i;

	for (i = 0; i < G_N_ELEMENTS (locales); i++) {
		g_autofree char *file = g_strdup_printf ("%s.txt", name);
		g_autofree char *path = g_build_filename (home, "templates", locales[i], file, NULL);
		g_autofree char *res = g_strdup_printf ("/org/postdesk/templates/%s/%s", locales[i], file);
		GBytes *bytes;

		if (strchr (locales[i], '/') || strstr (locales[i], ".."))
			continue; /* a locale is a folder name, never a path */
		if ((bytes = file_text (path)) != NULL || (bytes = resource_text (res)) != NULL)
			return bytes;
	}
	g_set_error (error, PD_ERROR, PD_ERROR_CONFIG, "no template %s for locale %s", name, locale);
	return NULL;
}

PdRendered *
pd_template_render (const char *home, const char *locale, const char *name,
                    const PdTemplateData *data, GError **error)
{
	g_autoptr (GBytes) bytes = load_template (home, locale, name, error);
	const char *text = bytes ? g_bytes_get_data (bytes, NULL) : NULL;
	g_autofree char *head = NULL, *headers = NULL;
	g_auto (GStrv) lines = NULL;
	g_autoptr (PdRendered) r = NULL;
	const char *split;
	guint i;

	if (text == NULL)
		return NULL;
	split = strstr (text, "\n\n");
	if (split == NULL) {
		g_set_error (error, PD_ERROR, PD_ERROR_CONFIG,
		             "template %s: no blank line between headers and body", name);
		return NULL;
	}
	r = g_new0 (PdRendered, 1);
	r->headers = g_ptr_array_new_with_free_func (g_free);
	head = g_strndup (text, split - text);
	headers = pd_template_expand (head, data, TRUE, error);
	if (headers == NULL || (r->body = pd_template_expand (split + 2, data, FALSE, error)) == NULL) {
		g_prefix_error (error, "template %s: ", name);
		return NULL;
	}
	lines = g_strsplit (headers, "\n", -1);
	for (i = 0; lines[i]; i++) {
		char *colon;

		if ((lines[i][0] == ' ' || lines[i][0] == '\t') && r->headers->len > 0) {
			/* a folded line continues the previous header's value */
			char **value = (char **) &r->headers->pdata[r->headers->len - 1];
			char *joined = g_strdup_printf ("%s %s", *value, g_strstrip (lines[i]));

			g_free (*value);
			*value = joined;
			continue;
		}
		if (*g_strstrip (lines[i]) == '\0')
			continue;
		colon = strchr (lines[i], ':');
		if (colon == NULL || colon == lines[i]) {
			g_set_error (error, PD_ERROR, PD_ERROR_CONFIG, "template %s: bad header line \"%s\"",
			             name, lines[i]);
			return NULL;
		}
		g_ptr_array_add (r->headers, g_strstrip (g_strndup (lines[i], colon - lines[i])));
		g_ptr_array_add (r->headers, g_strstrip (g_strdup (colon + 1)));
	}
	return g_steal_pointer (&r);
}
