/* bounce-mime.c - one walk over a bounce's MIME tree: the report type, the delivery-status and
 * feedback-report bodies, the human-readable text (cut where the returned original starts)
 * and the original's header block. It reads; it does not classify. */
#include <string.h>
#include "bounce-internal.h"
#include "mail/mail.h"

void
pd_bounce_parts_free (PdBounceParts *parts)
{
	if (parts == NULL)
		return;
	g_free (parts->report_type);
	g_string_free (parts->dsn, TRUE);
	g_string_free (parts->feedback, TRUE);
	g_string_free (parts->text, TRUE);
	g_free (parts->orig_headers);
	g_free (parts);
}

static char *
part_bytes (GMimePart *part)
{
	GMimeDataWrapper *content = g_mime_part_get_content (part);
	if (content == NULL)
		return g_strdup ("");
	GMimeStream *mem = g_mime_stream_mem_new ();
	g_mime_data_wrapper_write_to_stream (content, mem);
	GByteArray *arr = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (mem));
	char *s = arr->len > 0 ? g_strndup ((const char *) arr->data, arr->len) : g_strdup ("");
	g_object_unref (mem);
	return s;
}

/* Crude tag stripper for HTML-only bounce notices: enough to find addresses and phrases. */
static char *
strip_tags (const char *html)
{
	GString *out = g_string_new (NULL);
	gboolean in_tag = FALSE;
	for (const char *p = html; *p != '\0'; p++) {
		if (*p == '<') {
			in_tag = TRUE;
			if (g_ascii_strncasecmp (p, "<br", 3) == 0 || g_ascii_strncasecmp (p, "<p", 2) == 0 ||
			    g_ascii_strncasecmp (p, "<tr", 3) == 0 || g_ascii_strncasecmp (p, "<div", 4) == 0)
				g_string_append_c (out, '\n');
		} else if (*p == '>' && in_tag) {
			in_tag = FALSE;
			g_string_append_c (out, ' ');
		} else if (!in_tag) {
			if (g_ascii_strncasecmp (p, "&lt;", 4) == 0) {
				g_string_append_c (out, '<');
				p += 3;
			} else if (g_ascii_strncasecmp (p, "&gt;", 4) == 0) {
				g_string_append_c (out, '>');
				p += 3;
			} else if (g_ascii_strncasecmp (p, "&nbsp;", 6) == 0) {
				g_string_append_c (out, ' ');
				p += 5;
			} else {
				g_string_append_c (out, *p);
			}
		}
	}
	return g_string_free (out, FALSE);
}

static gboolean
is_original_marker (const char *line)
{
	static const char *const marks[] = {
		"copy of the message", "copy of your message", "original message", "returned message",
		"message follows", "header of the original", "headers of the original",
		"original message header", "unsent message", "message header follows",
		"the message header", "original mail", "message text follows", "below this line",
		"undelivered message", "headers are as follows", NULL,
	};
	g_autofree char *low = g_ascii_strdown (line, -1);
	for (guint i = 0; marks[i] != NULL; i++)
		if (strstr (low, marks[i]) != NULL)
			return TRUE;
	return FALSE;
}

/* Whether the LEN bytes at LINE begin with a header name of the original's */
static gboolean
looks_like_header_line (const char *line, gsize len)
{
	static const char *const names[] = {
		"received:", "return-path:", "message-id:", "dkim-signature:", "x-received:",
		"delivered-to:", "mime-version:", NULL,
	};
	for (guint i = 0; names[i] != NULL; i++) {
		gsize n = strlen (names[i]);

		if (len >= n && g_ascii_strncasecmp (line, names[i], n) == 0)
			return TRUE;
	}
	return FALSE;
}

static gboolean
blank (const char *line, gsize len)
{
	for (gsize i = 0; i < len; i++)
		if (!g_ascii_isspace (line[i]))
			return FALSE;
	return TRUE;
}

/* Append TEXT to parts->text, stopping where an inline copy of the original starts;
 * the rest becomes orig_headers when none is known yet. Lines are looked at in place: a copy
 * of each was most of this function's cost, on every mail (issue 10, cpu). */
static void
add_text (PdBounceParts *parts, const char *text)
{
	const char *p = text;
	gboolean prev_blank = TRUE;
	while (*p != '\0') {
		const char *eol = strchr (p, '\n');
		gsize len = eol != NULL ? (gsize) (eol - p) : strlen (p);
		gboolean marker = FALSE;
		if ((p[0] == '-' || p[0] == '=' || p[0] == '_' || p[0] == ' ' || p[0] == '[' ||
		     p[0] == '*') && len < 120) {
			g_autofree char *line = g_strndup (p, len);
			marker = is_original_marker (line);
		}
		if (marker || (prev_blank && looks_like_header_line (p, len))) {
			const char *rest = marker && eol != NULL ? eol + 1 : p;
			if (parts->orig_headers == NULL) {
				while (*rest == '\n' || *rest == '\r' || *rest == ' ')
					rest++;
				parts->orig_headers = g_strdup (rest);
			}
			parts->has_original = TRUE;
			return;
		}
		g_string_append_len (parts->text, p, len);
		g_string_append_c (parts->text, '\n');
		prev_blank = blank (p, len);
		if (eol == NULL)
			break;
		p = eol + 1;
	}
}

/* An attached file, not the MTA's own words: "Content-Disposition: inline" (carriers' and
 * Java mailers' bounces put it on their text) is text like a part without any. */
static gboolean
is_attachment (GMimeObject *part)
{
	const char *disposition = g_mime_object_get_disposition (part);
	return disposition != NULL && g_ascii_strcasecmp (disposition, "inline") != 0;
}

static void
visit (GMimeObject *parent, GMimeObject *part, gpointer data)
{
	PdBounceParts *parts = data;
	GMimeContentType *ct = g_mime_object_get_content_type (part);

	if (GMIME_IS_MULTIPART (part)) {
		if (g_mime_content_type_is_type (ct, "multipart", "report") && parts->report_type == NULL) {
			const char *rt = g_mime_content_type_get_parameter (ct, "report-type");
			if (rt != NULL)
				parts->report_type = g_ascii_strdown (rt, -1);
		}
		/* a boundary that never matches (a broken MTA, or a "boundary=" line it forgot to
		 * fold): GMime keeps the body as prologue; nested ones too (the top one below) */
		GMimeMultipart *mp = GMIME_MULTIPART (part);
		const char *prologue = g_mime_multipart_get_prologue (mp);
		if (parent != NULL && g_mime_multipart_get_count (mp) == 0 && prologue != NULL &&
		    !parts->has_original)
			add_text (parts, prologue);
		return;
	}
	if (GMIME_IS_MESSAGE_PART (part)) {
		GMimeMessage *orig = g_mime_message_part_get_message (GMIME_MESSAGE_PART (part));
		if (orig != NULL && parts->orig_headers == NULL)
			parts->orig_headers = g_mime_object_get_headers (GMIME_OBJECT (orig), NULL);
		parts->has_original = TRUE;
		return;
	}
	if (!GMIME_IS_PART (part))
		return;
	const char *type = g_mime_content_type_get_media_type (ct);
	const char *sub = g_mime_content_type_get_media_subtype (ct);
	if (type == NULL || sub == NULL)
		return;
	if (g_ascii_strcasecmp (type, "message") == 0 &&
	    (g_ascii_strcasecmp (sub, "delivery-status") == 0 ||
	     g_ascii_strcasecmp (sub, "global-delivery-status") == 0)) {
		g_autofree char *s = part_bytes (GMIME_PART (part));
		g_string_append (parts->dsn, s);
		g_string_append (parts->dsn, "\n\n");
	} else if (g_ascii_strcasecmp (type, "message") == 0 &&
	           g_ascii_strcasecmp (sub, "feedback-report") == 0) {
		g_autofree char *s = part_bytes (GMIME_PART (part));
		g_string_append (parts->feedback, s);
		g_string_append (parts->feedback, "\n");
	} else if ((g_ascii_strcasecmp (type, "text") == 0 &&
	            (g_ascii_strcasecmp (sub, "rfc822-headers") == 0 ||
	             g_ascii_strcasecmp (sub, "global-headers") == 0)) ||
	           (g_ascii_strcasecmp (type, "message") == 0 &&
	            (g_ascii_strcasecmp (sub, "rfc822") == 0 ||
	             g_ascii_strcasecmp (sub, "global") == 0))) {
		if (parts->orig_headers == NULL)
			parts->orig_headers = part_bytes (GMIME_PART (part));
		parts->has_original = TRUE;
	} else if (g_ascii_strcasecmp (type, "text") == 0 && !parts->has_original &&
	           !is_attachment (part)) {
		if (g_ascii_strcasecmp (sub, "plain") == 0) {
			/* bounded: an MTA's text is short, a hostile one need not be read whole */
			g_autofree char *s = pd_mail_part_text (GMIME_PART (part), PD_MAIL_TEXT_MAX, NULL);
			if (s != NULL)
				add_text (parts, s);
		} else if (g_ascii_strcasecmp (sub, "html") == 0 && parts->text->len == 0) {
			/* bounded: an MTA's text is short, a hostile one need not be read whole */
			g_autofree char *s = pd_mail_part_text (GMIME_PART (part), PD_MAIL_TEXT_MAX, NULL);
			if (s != NULL) {
				g_autofree char *t = strip_tags (s);
				add_text (parts, t);
			}
		}
	}
}

PdBounceParts *
pd_bounce_parts_collect (GMimeMessage *message)
{
	PdBounceParts *parts = g_new0 (PdBounceParts, 1);
	parts->dsn = g_string_new (NULL);
	parts->feedback = g_string_new (NULL);
	parts->text = g_string_new (NULL);
	if (message == NULL)
		return parts;
	GMimeObject *top = g_mime_message_get_mime_part (message);
	if (top == NULL)
		return parts;
	visit (NULL, top, parts);
	if (GMIME_IS_MULTIPART (top)) {
		GMimeMultipart *mp = GMIME_MULTIPART (top);
		g_mime_multipart_foreach (mp, visit, parts);
		/* a boundary that never matches (broken MTAs): GMime keeps the body as prologue */
		const char *prologue = g_mime_multipart_get_prologue (mp);
		if (g_mime_multipart_get_count (mp) == 0 && prologue != NULL)
			add_text (parts, prologue);
	}
	return parts;
}

char *
pd_bounce_header_in_block (const char *block, const char *name)
{
	if (block == NULL)
		return NULL;
	gsize nlen = strlen (name);
	const char *p = block;
	while (*p != '\0') {
		const char *eol = strchr (p, '\n');
		if (g_ascii_strncasecmp (p, name, nlen) == 0 && p[nlen] == ':') {
			GString *v = g_string_new_len (p + nlen + 1, eol != NULL ? eol - (p + nlen + 1)
			                                                          : (gssize) strlen (p + nlen + 1));
			while (eol != NULL && (eol[1] == ' ' || eol[1] == '\t')) {
				const char *next = strchr (eol + 1, '\n');
				g_string_append_len (v, eol + 1, next != NULL ? next - (eol + 1)
				                                              : (gssize) strlen (eol + 1));
				eol = next;
			}
			char *s = g_string_free (v, FALSE);
			return g_strstrip (s);
		}
		if (eol == NULL)
			break;
		p = eol + 1;
	}
	return NULL;
}
