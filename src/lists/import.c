/* import.c - subscribers from CSV, streamed (see import.h). Memory: one line buffer, one
 * fields array, the statement cache; nothing grows with the number of rows. */
#include "lists/import.h"

#include "store/retention.h"

#include <string.h>

#include "core/error.h"
#include "lists/list.h"

gboolean
pd_csv_split (const char *line, GPtrArray *fields, const char **why_r)
{
	const char *p = line;
	GString *f = g_string_new (NULL);

	g_ptr_array_set_size (fields, 0);
	*why_r = NULL;
	for (;;) {
		g_string_truncate (f, 0);
		if (*p == '"') {
			p++;
			for (;;) {
				if (*p == '\0') {
					*why_r = "a quoted field is not closed on its line";
					g_string_free (f, TRUE);
					return FALSE;
				}
				if (*p == '"' && p[1] == '"') {
					g_string_append_c (f, '"');
					p += 2;
				} else if (*p == '"') {
					p++;
					break;
				} else {
					g_string_append_c (f, *p++);
				}
			}
			if (*p != ',' && *p != '\0') {
				*why_r = "text after a closing quote";
				g_string_free (f, TRUE);
				return FALSE;
			}
		} else {
			while (*p != ',' && *p != '\0') {
				if (*p == '"') {
					*why_r = "a quote inside an unquoted field";
					g_string_free (f, TRUE);
					return FALSE;
				}
				g_string_append_c (f, *p++);
			}
		}
		g_ptr_array_add (fields, g_strdup (f->str));
		if (*p == '\0')
			break;
		p++; /* the comma */
	}
	g_string_free (f, TRUE);
	return TRUE;
}

/* One line into BUF without its line end. 1: a line, 0: the end, -1: I/O error; *TOO_LONG_R
 * when the line was longer than the buffer (the rest of it is read and dropped). */
static int
read_line (FILE *in, char *buf, gsize size, gboolean *too_long_r)
{
	gsize len;

	*too_long_r = FALSE;
	if (fgets (buf, (int) size, in) == NULL)
		return ferror (in) ? -1 : 0;
	len = strlen (buf);
	if (len > 0 && buf[len - 1] == '\n') {
		buf[--len] = '\0';
	} else if (!feof (in)) {
		int c;

		*too_long_r = TRUE;
		while ((c = getc (in)) != EOF && c != '\n')
			;
	}
	if (len > 0 && buf[len - 1] == '\r')
		buf[--len] = '\0';
	return 1;
}

typedef struct {
	int address, name, locale, topics;
	guint n;
} Columns;

static gboolean
read_header (const char *line, GPtrArray *fields, Columns *cols, GError **error)
{
	const char *why;
	guint i;

	cols->address = cols->name = cols->locale = cols->topics = -1;
	if (!pd_csv_split (line, fields, &why)) {
		g_set_error (error, PD_ERROR, PD_ERROR_DATA, "line 1 (the header): %s", why);
		return FALSE;
	}
	cols->n = fields->len;
	for (i = 0; i < fields->len; i++) {
		g_autofree char *h = g_ascii_strdown (g_strstrip ((char *) fields->pdata[i]), -1);

		if (strcmp (h, "address") == 0 || strcmp (h, "email") == 0)
			cols->address = (int) i;
		else if (strcmp (h, "name") == 0)
			cols->name = (int) i;
		else if (strcmp (h, "locale") == 0)
			cols->locale = (int) i;
		else if (strcmp (h, "topics") == 0)
			cols->topics = (int) i;
	}
	if (cols->address < 0) {
		g_set_error (error, PD_ERROR, PD_ERROR_DATA,
		             "line 1: the header names no \"address\" column");
		return FALSE;
	}
	return TRUE;
}

static gboolean
locale_valid (const char *l)
{
	gsize n = strlen (l);

	if (n == 0 || n > 16)
		return FALSE;
	for (; *l; l++)
		if (!g_ascii_isalnum (*l) && *l != '-' && *l != '_')
			return FALSE;
	return TRUE;
}

static const char *
field (GPtrArray *fields, int col)
{
	return col >= 0 ? g_strstrip ((char *) fields->pdata[col]) : NULL;
}

/* One data line: added, or the reason it was not, in *WHY_R (transfer full). */
static gboolean
import_row (PdStore *store, gint64 list, const char *allowed, GPtrArray *fields,
            const Columns *cols, const char *evidence, gint64 now, PdImportStats *st,
            char **why_r, GError **error)
{
	g_autofree char *addr = g_ascii_strdown (field (fields, cols->address), -1);
	g_autofree char *topics = NULL;
	const char *name = field (fields, cols->name), *locale = field (fields, cols->locale);
	const char *status;
	gint64 id;

	if (!pd_list_address_valid (addr)) {
		st->bad++;
		*why_r = g_strdup_printf ("not an address: \"%s\"", addr);
		return TRUE;
	}
	if (locale != NULL && *locale != '\0' && !locale_valid (locale)) {
		st->bad++;
		*why_r = g_strdup_printf ("not a locale: \"%s\"", locale);
		return TRUE;
	}
	if (!pd_store_subscriber_status (store, list, addr, &id, &status, error))
		return FALSE;
	if (id == 0) {
		gboolean erased = FALSE;

		if (!pd_store_address_erased (store, addr, &erased, error))
			return FALSE;
		if (erased) {
			st->unsubscribed++;
			*why_r = g_strdup_printf ("%s was erased on request (person erase): not "
			                          "subscribed again by an import", addr);
			return TRUE;
		}
		topics = pd_list_topics_normalise (field (fields, cols->topics),
		                                   allowed && *allowed ? allowed : NULL);
		st->added++;
		return pd_store_subscriber_add (store, list, addr, name, locale, topics, "active", now,
		                                &id, error) &&
		       pd_store_consent_add (store, id, now, "subscribe", "import", evidence, NULL, error);
	}
	if (g_strcmp0 (status, "active") == 0) {
		st->already++;
		return TRUE;
	}
	if (g_strcmp0 (status, "unsubscribed") == 0) {
		st->unsubscribed++;
		*why_r = g_strdup_printf ("%s unsubscribed: not subscribed again by an import", addr);
		return TRUE;
	}
	if (g_strcmp0 (status, "pending") == 0) {
		st->activated++;
		return pd_store_subscriber_set_status (store, id, "active", now, error) &&
		       pd_store_consent_add (store, id, now, "subscribe", "import", evidence, "pending",
		                             error);
	}
	st->held++;
	*why_r = g_strdup_printf ("%s is %s: left as it is", addr, status);
	return TRUE;
}

gboolean
pd_list_import (PdStore *store, gint64 list, const char *allowed_topics, FILE *in,
                const char *label, gint64 now, PdImportReport report, gpointer data,
                PdImportStats *stats, GError **error)
{
	g_autofree char *buf = g_malloc (PD_CSV_MAX_LINE + 2);
	g_autoptr (GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
	GString *evidence = g_string_new (NULL);
	Columns cols;
	guint64 line = 0, in_batch = 0;
	gboolean too_long, ok = FALSE, open = FALSE;
	int rc;

	memset (stats, 0, sizeof *stats);
	/* the header, the first line that is not blank */
	do {
		rc = read_line (in, buf, PD_CSV_MAX_LINE + 2, &too_long);
		line++;
	} while (rc == 1 && !too_long && *g_strstrip (buf) == '\0');
	if (rc <= 0) {
		g_set_error (error, PD_ERROR, rc < 0 ? PD_ERROR_IO : PD_ERROR_DATA,
		             rc < 0 ? "%s: cannot read" : "%s: empty, no header line", label);
		goto out;
	}
	if (too_long) {
		g_set_error (error, PD_ERROR, PD_ERROR_DATA, "%s:%" G_GUINT64_FORMAT ": header too long",
		             label, line);
		goto out;
	}
	if (!read_header (g_str_has_prefix (buf, "\xEF\xBB\xBF") ? buf + 3 : buf, fields, &cols,
	                  error))
		goto out;
	if (!pd_store_begin (store, error))
		goto out;
	open = TRUE;
	while ((rc = read_line (in, buf, PD_CSV_MAX_LINE + 2, &too_long)) == 1) {
		g_autofree char *why = NULL;
		const char *bad = NULL;

		line++;
		stats->lines++;
		if (too_long) {
			bad = "line too long";
		} else if (*buf == '\0') {
			continue;
		} else if (!pd_csv_split (buf, fields, &bad)) {
			;
		} else if (fields->len != cols.n) {
			why = g_strdup_printf ("%u fields, the header has %u", fields->len, cols.n);
		} else {
			g_string_printf (evidence, "%s:%" G_GUINT64_FORMAT, label, line);
			if (!import_row (store, list, allowed_topics, fields, &cols, evidence->str, now,
			                 stats, &why, error)) {
				g_prefix_error (error, "%s:%" G_GUINT64_FORMAT ": ", label, line);
				goto out;
			}
		}
		if (bad != NULL || (why != NULL && fields->len != cols.n))
			stats->bad++;
		if ((bad != NULL || why != NULL) && report != NULL)
			report (line, bad ? bad : why, data);
		if (++in_batch >= PD_IMPORT_BATCH) {
			/* a batch per transaction: the write lock is let go now and then, and a
			 * failure loses only the batch it happened in */
			if (!pd_store_commit (store, error))
				goto out;
			open = FALSE;
			if (!pd_store_begin (store, error))
				goto out;
			open = TRUE;
			in_batch = 0;
		}
	}
	if (rc < 0) {
		g_set_error (error, PD_ERROR, PD_ERROR_IO, "%s:%" G_GUINT64_FORMAT ": cannot read",
		             label, line + 1);
		goto out;
	}
	open = FALSE;
	ok = pd_store_commit (store, error);
out:
	if (open)
		pd_store_rollback (store);
	g_string_free (evidence, TRUE);
	return ok;
}
