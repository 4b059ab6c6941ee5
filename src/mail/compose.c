/* compose.c - outgoing mail. Two writers give the same bytes: the direct one (compose-direct.c)
 * for the common message (a text body, no attachment, header values it can write as GMime
 * writes them), and GMime's object model for everything else. The GMime path is also the
 * reference the direct one is tested against (tests/unit/test-compose.c). */
#include "mail/compose.h"

#include <gmime/gmime.h>
#include <string.h>

#include "core/error.h"
#include "mail/compose-direct.h"

char *
pd_compose_message_id (const char *domain)
{
	return g_strdup_printf ("pd.%" G_GINT64_FORMAT ".%08x%08x@%s", g_get_real_time () / 1000000,
	                        g_random_int (), g_random_int (), domain);
}

static void
add_attachment (GMimeMultipart *mixed, const PdAttachment *a)
{
	g_autofree char *type = g_strdup (a->content_type ? a->content_type : "application/octet-stream");
	char *slash = strchr (type, '/');
	GMimePart *part;
	GMimeStream *stream;
	GMimeDataWrapper *content;
	gsize len;
	const void *data = g_bytes_get_data (a->data, &len);

	if (slash == NULL) {
		g_free (type);
		type = g_strdup ("application/octet-stream");
		slash = strchr (type, '/');
	}
	*slash = '\0';
	part = g_mime_part_new_with_type (type, slash + 1);
	stream = g_mime_stream_mem_new_with_buffer (data ? data : "", len);
	content = g_mime_data_wrapper_new_with_stream (stream, GMIME_CONTENT_ENCODING_DEFAULT);
	g_mime_part_set_content (part, content);
	g_mime_part_set_content_encoding (part, GMIME_CONTENT_ENCODING_BASE64);
	g_mime_object_set_disposition (GMIME_OBJECT (part), "attachment");
	if (a->filename)
		g_mime_part_set_filename (part, a->filename);
	g_mime_multipart_add (mixed, GMIME_OBJECT (part));
	g_object_unref (content);
	g_object_unref (stream);
	g_object_unref (part);
}

static gboolean
check_spec (const PdComposeSpec *spec, GError **error)
{
	static gsize init = 0;

	if (g_once_init_enter (&init)) {
		g_mime_init ();
		g_once_init_leave (&init, 1);
	}
	if (spec->from_addr == NULL || spec->to_addr == NULL || spec->message_id == NULL) {
		g_set_error (error, PD_ERROR, PD_ERROR_INTERNAL, "compose: from, to and id are needed");
		return FALSE;
	}
	return TRUE;
}

GBytes *
pd_compose_gmime (const PdComposeSpec *spec, GDateTime *date, GError **error)
{
	GMimeMessage *msg;
	GMimeTextPart *part;
	GMimeObject *body;
	g_autoptr (GDateTime) now = date ? g_date_time_ref (date) : g_date_time_new_now_local ();
	GMimeObject *obj;
	GMimeFormatOptions *opts;
	g_autofree char *text = NULL;
	guint i;

	if (!check_spec (spec, error))
		return NULL;
	msg = g_mime_message_new (TRUE);
	obj = GMIME_OBJECT (msg);
	g_mime_message_add_mailbox (msg, GMIME_ADDRESS_TYPE_FROM, spec->from_name, spec->from_addr);
	g_mime_message_add_mailbox (msg, GMIME_ADDRESS_TYPE_TO, spec->to_name, spec->to_addr);
	for (i = 0; spec->cc && spec->cc[i]; i++)
		g_mime_message_add_mailbox (msg, GMIME_ADDRESS_TYPE_CC, NULL, spec->cc[i]);
	if (spec->reply_to)
		g_mime_message_add_mailbox (msg, GMIME_ADDRESS_TYPE_REPLY_TO, NULL, spec->reply_to);
	g_mime_message_set_subject (msg, spec->subject ? spec->subject : "", "utf-8");
	g_mime_message_set_date (msg, now);
	g_mime_message_set_message_id (msg, spec->message_id);
	/* never RFC 2047-encode threading headers: some clients then drop them */
	if (spec->in_reply_to) {
		g_autofree char *v = g_strdup_printf ("<%s>", spec->in_reply_to);
		g_mime_object_set_header (obj, "In-Reply-To", v, NULL);
	}
	if (spec->references && spec->references[0]) {
		g_autofree char *v = pd_compose_id_list (spec->references, 10);
		g_mime_object_set_header (obj, "References", v, NULL);
	}
	if (spec->auto_submitted) {
		g_mime_object_set_header (obj, "Auto-Submitted", spec->auto_submitted, NULL);
		g_mime_object_set_header (obj, "X-Auto-Response-Suppress", "All", NULL);
		g_mime_object_set_header (obj, "Precedence", "bulk", NULL);
	}
	if (spec->loop_address)
		g_mime_object_set_header (obj, "X-Loop", spec->loop_address, NULL);
	for (i = 0; spec->extra_headers && i + 1 < spec->extra_headers->len; i += 2) {
		const char *name = spec->extra_headers->pdata[i];
		const char *value = spec->extra_headers->pdata[i + 1];

		if (g_ascii_strcasecmp (name, "Subject") == 0)
			continue;
		g_mime_object_set_header (obj, name, value, "utf-8");
	}

	part = g_mime_text_part_new_with_subtype ("plain");
	g_mime_text_part_set_text (part, spec->body ? spec->body : "");
	g_mime_part_set_content_encoding (
		GMIME_PART (part),
		g_mime_part_get_best_content_encoding (GMIME_PART (part), GMIME_ENCODING_CONSTRAINT_7BIT));
	body = GMIME_OBJECT (part); /* (transfer full) */
	if (spec->html != NULL) { /* multipart/alternative: the text first, the HTML preferred */
		GMimeMultipart *alt = g_mime_multipart_new_with_subtype ("alternative");
		GMimeTextPart *html = g_mime_text_part_new_with_subtype ("html");

		g_mime_text_part_set_text (html, spec->html);
		g_mime_part_set_content_encoding (GMIME_PART (html), GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
		g_mime_multipart_add (alt, body);
		g_mime_multipart_add (alt, GMIME_OBJECT (html));
		g_object_unref (body);
		g_object_unref (html);
		body = GMIME_OBJECT (alt);
	}
	if (spec->attachments && spec->attachments->len > 0) {
		GMimeMultipart *mixed = g_mime_multipart_new_with_subtype ("mixed");

		g_mime_multipart_add (mixed, body);
		for (i = 0; i < spec->attachments->len; i++)
			add_attachment (mixed, spec->attachments->pdata[i]);
		g_mime_message_set_mime_part (msg, GMIME_OBJECT (mixed));
		g_object_unref (mixed);
	} else {
		g_mime_message_set_mime_part (msg, body);
	}
	g_object_unref (body);

	opts = g_mime_format_options_new ();
	g_mime_format_options_set_newline_format (opts, GMIME_NEWLINE_FORMAT_DOS);
	text = g_mime_object_to_string (obj, opts);
	g_mime_format_options_free (opts);
	g_object_unref (msg);
	return g_bytes_new (text, strlen (text));
}

GBytes *
pd_compose_direct (const PdComposeSpec *spec, GDateTime *date)
{
	g_autoptr (GDateTime) now = date ? g_date_time_ref (date) : g_date_time_new_now_local ();

	if (!check_spec (spec, NULL))
		return NULL;
	return pd_compose_direct_write (spec, now);
}

GBytes *
pd_compose (const PdComposeSpec *spec, GError **error)
{
	/* POSTDESK_COMPOSE_GMIME=1: every message through GMime, to compare */
	static gint gmime_only = -1;
	g_autoptr (GDateTime) now = NULL;
	GBytes *bytes;

	if (g_atomic_int_get (&gmime_only) < 0)
		g_atomic_int_set (&gmime_only, g_strcmp0 (g_getenv ("POSTDESK_COMPOSE_GMIME"), "1") == 0);
	if (!check_spec (spec, error))
		return NULL;
	now = g_date_time_new_now_local ();
	if (!g_atomic_int_get (&gmime_only) && (bytes = pd_compose_direct_write (spec, now)) != NULL)
		return bytes;
	return pd_compose_gmime (spec, now, error);
}
