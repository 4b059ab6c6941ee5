/* mbox.c - mbox and maildir reading (see mbox.h). An mbox is mapped, not read into memory.
 * A separator is a line starting "From " at the start of the file or after an empty line:
 * a "From " line inside a message that an old writer did not escape is kept as text unless it
 * follows an empty line, which is the best any reader can do with mboxo. */
#include "intake/mbox.h"

#include <string.h>

#include "core/error.h"

struct PdMbox {
	GMappedFile *map;
	const char *data;
	gsize len;
	gsize pos;
};

PdMbox *
pd_mbox_open (const char *path, gint64 start, GError **error)
{
	g_autoptr (GError) local = NULL;
	PdMbox *m = g_new0 (PdMbox, 1);

	m->map = g_mapped_file_new (path, FALSE, &local);
	if (m->map == NULL) {
		g_set_error (error, PD_ERROR, g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT)
		                                      ? PD_ERROR_NOTFOUND : PD_ERROR_IO,
		             "%s", local->message);
		g_free (m);
		return NULL;
	}
	m->data = g_mapped_file_get_contents (m->map);
	m->len = g_mapped_file_get_length (m->map);
	if (m->len > 0 && strncmp (m->data, "From ", MIN (m->len, 5)) != 0 && start == 0) {
		g_set_error (error, PD_ERROR, PD_ERROR_DATA,
		             "%s is not an mbox: it does not begin with a \"From \" line", path);
		pd_mbox_close (m);
		return NULL;
	}
	m->pos = start > 0 && (gsize) start <= m->len ? (gsize) start : 0;
	return m;
}

void
pd_mbox_close (PdMbox *m)
{
	if (m == NULL)
		return;
	if (m->map)
		g_mapped_file_unref (m->map);
	g_free (m);
}

gint64
pd_mbox_size (const PdMbox *m)
{
	return m->len;
}

/* The end of the line starting at P: just past its '\n', or the end of the data. */
static gsize
line_end (const PdMbox *m, gsize p)
{
	const char *nl = memchr (m->data + p, '\n', m->len - p);

	return nl ? (gsize) (nl - m->data) + 1 : m->len;
}

static gboolean
is_separator (const PdMbox *m, gsize p)
{
	if (m->len - p < 5 || memcmp (m->data + p, "From ", 5) != 0)
		return FALSE;
	return p == 0 || (p >= 2 && m->data[p - 1] == '\n' &&
	                  (m->data[p - 2] == '\n' ||
	                   (p >= 3 && m->data[p - 2] == '\r' && m->data[p - 3] == '\n')));
}

GBytes *
pd_mbox_unescape (const char *data, gsize len)
{
	GByteArray *out = g_byte_array_sized_new (len);
	gsize p = 0;

	while (p < len) {
		const char *nl = memchr (data + p, '\n', len - p);
		gsize end = nl ? (gsize) (nl - data) + 1 : len, q = p;

		while (q < end && data[q] == '>')
			q++;
		if (q > p && end - q >= 5 && memcmp (data + q, "From ", 5) == 0)
			p++; /* drop one '>' */
		g_byte_array_append (out, (const guint8 *) data + p, end - p);
		p = end;
	}
	return g_byte_array_free_to_bytes (out);
}

gboolean
pd_mbox_next (PdMbox *m, GBytes **msg_r, char **sender_r, gint64 *end_r)
{
	gsize start, body, p, end;

	*msg_r = NULL;
	*sender_r = NULL;
	/* skip to a separator (blank lines between messages, or junk before the first) */
	while (m->pos < m->len && !is_separator (m, m->pos))
		m->pos = line_end (m, m->pos);
	if (m->pos >= m->len)
		return FALSE;
	start = m->pos;
	body = line_end (m, start);
	{
		g_autofree char *line = g_strndup (m->data + start + 5, body - start - 5);
		char *sp = strpbrk (line, " \t\r\n"); /* "From  DATE": no sender */

		if (sp)
			*sp = '\0';
		if (*line != '\0')
			*sender_r = g_ascii_strcasecmp (line, "MAILER-DAEMON") == 0 ? g_strdup ("")
			                                                            : g_strdup (line);
	}
	for (p = body; p < m->len && !is_separator (m, p); p = line_end (m, p))
		;
	end = p;
	/* the empty line before the next separator (or at the end) belongs to the mbox */
	if (end - body >= 2 && m->data[end - 1] == '\n' && m->data[end - 2] == '\n')
		end--;
	else if (end - body >= 3 && memcmp (m->data + end - 3, "\n\r\n", 3) == 0)
		end -= 2;
	*msg_r = pd_mbox_unescape (m->data + body, end - body);
	m->pos = p;
	*end_r = p;
	return TRUE;
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
	const char *x = *(const char *const *) a, *y = *(const char *const *) b;

	return strcmp (strrchr (x, '/'), strrchr (y, '/'));
}

GPtrArray *
pd_maildir_list (const char *path, GError **error)
{
	static const char *const subs[] = { "cur", "new" };
	g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
	guint i;

	for (i = 0; i < G_N_ELEMENTS (subs); i++) {
		g_autofree char *dir = g_build_filename (path, subs[i], NULL);
		g_autoptr (GDir) d = NULL;
		g_autoptr (GError) local = NULL;
		const char *name;

		if (!g_file_test (dir, G_FILE_TEST_IS_DIR)) {
			g_set_error (error, PD_ERROR, PD_ERROR_DATA, "%s is not a maildir: no %s/", path,
			             subs[i]);
			return NULL;
		}
		d = g_dir_open (dir, 0, &local);
		if (d == NULL) {
			g_set_error (error, PD_ERROR, PD_ERROR_IO, "%s", local->message);
			return NULL;
		}
		while ((name = g_dir_read_name (d)) != NULL) {
			g_autofree char *full = NULL;

			if (name[0] == '.')
				continue;
			full = g_build_filename (dir, name, NULL);
			if (g_file_test (full, G_FILE_TEST_IS_REGULAR))
				g_ptr_array_add (files, g_steal_pointer (&full));
		}
	}
	g_ptr_array_sort (files, compare_names);
	return g_steal_pointer (&files);
}
