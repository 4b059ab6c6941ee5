/* parse.c - raw bytes to PdMail with GMime: addresses, ids, subject, date, the best text
 * body (HTML converted with html.c, at most PD_MAIL_TEXT_MAX bytes of it), attachments
 * decoded in memory. It does not store anything or judge the mail; limits refuse mail
 * before GMime recurses. NUL bytes are replaced, never allowed to cut a string short. */
#include "mail/mail.h"

#include <string.h>

#include "core/error.h"
#include "core/strutil.h"
#include "mail/html.h"
#include "mail/xml-lazy.h"

static void
mail_init_once (void)
{
	static gsize done = 0;

	if (g_once_init_enter (&done)) {
		g_mime_init ();
		g_once_init_leave (&done, 1);
	}
}

static void
address_free (PdAddress *a)
{
	if (a == NULL)
		return;
	g_free (a->name);
	g_free (a->addr);
	g_free (a);
}

static void
attachment_free (PdAttachment *a)
{
	g_free (a->filename);
	g_free (a->content_type);
	g_free (a->sha256);
	g_bytes_unref (a->data);
	g_free (a);
}

void
pd_mail_free (PdMail *mail)
{
	if (mail == NULL)
		return;
	g_bytes_unref (mail->raw);
	g_clear_object (&mail->message);
	g_free (mail->message_id);
	g_free (mail->in_reply_to);
	g_ptr_array_unref (mail->references);
	g_free (mail->subject);
	address_free (mail->from);
	address_free (mail->sender);
	address_free (mail->reply_to);
	g_ptr_array_unref (mail->to);
	g_ptr_array_unref (mail->cc);
	g_free (mail->body_text);
	g_free (mail->body_html);
	g_ptr_array_unref (mail->attachments);
	g_free (mail);
}

/* Strings from the wire may carry any bytes: make them valid UTF-8 without control chars
 * that could break a header we later write (CR, LF, NUL). */
static char *
clean_line (const char *s)
{
	char *v, *p;

	if (s == NULL)
		return NULL;
	v = g_utf8_make_valid (s, -1);
	for (p = v; *p; p++)
		if ((guchar) *p < 0x20 && *p != '\t')
			*p = ' ';
	return g_strstrip (v);
}

static void
collect_addresses (InternetAddressList *list, GPtrArray *out)
{
	int i, n;

	if (list == NULL)
		return;
	n = internet_address_list_length (list);
	for (i = 0; i < n; i++) {
		InternetAddress *ia = internet_address_list_get_address (list, i);

		if (INTERNET_ADDRESS_IS_GROUP (ia)) {
			collect_addresses (internet_address_group_get_members (
			                       INTERNET_ADDRESS_GROUP (ia)),
			                   out);
		} else if (INTERNET_ADDRESS_IS_MAILBOX (ia)) {
			const char *addr = internet_address_mailbox_get_addr (
				INTERNET_ADDRESS_MAILBOX (ia));
			const char *name = internet_address_get_name (ia);
			PdAddress *a;

			if (addr == NULL || *addr == '\0' || strchr (addr, '@') == NULL)
				continue;
			a = g_new0 (PdAddress, 1);
			a->addr = clean_line (addr);
			pd_ascii_lower (a->addr);
			a->name = (name && *name) ? clean_line (name) : NULL;
			g_ptr_array_add (out, a);
		}
	}
}

static PdAddress *
first_address (InternetAddressList *list)
{
	g_autoptr (GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify) address_free);

	collect_addresses (list, all);
	if (all->len == 0)
		return NULL;
	return g_ptr_array_steal_index (all, 0);
}

/* Is P the start of an RFC 2047 encoded word ("=?charset?b|q?text?=")? Its length, or 0. */
static gsize
encoded_word_len (const char *p)
{
	const char *q = p + 2;

	if (p[0] != '=' || p[1] != '?')
		return 0;
	while (*q && *q != '?' && !g_ascii_isspace (*q))
		q++;
	if (*q != '?' || q == p + 2 || q[1] == '\0' || !strchr ("bBqQ", q[1]) || q[2] != '?')
		return 0;
	for (q += 3; *q && *q != '?' && !g_ascii_isspace (*q); q++)
		;
	return q[0] == '?' && q[1] == '=' ? (gsize) (q + 2 - p) : 0;
}

/* RAW (an address header as received) with each run of encoded words outside quotes,
 * comments and <> put inside a quoted string, so that a ':', ',' or ';' they decode to
 * stays in the display name: the structure is parsed first, names decoded after (GMime
 * decodes encoded words inside quotes). (transfer full) */
static char *
protect_encoded_words (const char *raw)
{
	GString *out = g_string_sized_new (strlen (raw) + 16);
	const char *p = raw;
	int comment = 0;
	gboolean quoted = FALSE, angle = FALSE;

	while (*p) {
		gsize n;

		if (quoted) {
			if (*p == '\\' && p[1]) {
				g_string_append_len (out, p, 2);
				p += 2;
				continue;
			}
			quoted = *p != '"';
		} else if (comment > 0) {
			if (*p == '\\' && p[1]) {
				g_string_append_len (out, p, 2);
				p += 2;
				continue;
			}
			comment += *p == '(' ? 1 : *p == ')' ? -1 : 0;
		} else if (angle) {
			angle = *p != '>';
		} else if ((n = encoded_word_len (p)) > 0) {
			/* the run: encoded words separated by blanks only */
			const char *end = p + n;
			for (;;) {
				const char *next = end;
				gsize m;
				while (*next == ' ' || *next == '\t' || *next == '\r' || *next == '\n')
					next++;
				if ((m = encoded_word_len (next)) == 0)
					break;
				end = next + m;
			}
			g_string_append_c (out, '"');
			for (; p < end; p++) {
				if (*p == '"' || *p == '\\')
					g_string_append_c (out, '\\');
				g_string_append_c (out, *p == '\r' || *p == '\n' ? ' ' : *p);
			}
			g_string_append_c (out, '"');
			continue;
		} else {
			quoted = *p == '"';
			comment = *p == '(';
			angle = *p == '<';
		}
		g_string_append_c (out, *p++);
	}
	return g_string_free (out, FALSE);
}

/* The addresses of every header NAME, parsed from the raw values (see above). NULL if there
 * is no such header. (transfer full) */
static InternetAddressList *
header_addresses (GMimeMessage *msg, const char *name)
{
	GMimeHeaderList *headers = g_mime_object_get_header_list (GMIME_OBJECT (msg));
	InternetAddressList *all = NULL;
	int i, n = g_mime_header_list_get_count (headers);

	for (i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at (headers, i);
		const char *raw = g_mime_header_get_raw_value (h);
		g_autofree char *value = NULL;
		InternetAddressList *list;

		if (g_ascii_strcasecmp (g_mime_header_get_name (h), name) != 0 || raw == NULL)
			continue;
		value = protect_encoded_words (raw);
		list = internet_address_list_parse (NULL, value);
		if (list == NULL)
			continue;
		if (all == NULL) {
			all = list;
		} else {
			internet_address_list_append (all, list);
			g_object_unref (list);
		}
	}
	return all;
}

static PdAddress *
header_first_address (GMimeMessage *msg, const char *name)
{
	InternetAddressList *list = header_addresses (msg, name);
	PdAddress *a = first_address (list);

	g_clear_object (&list);
	return a;
}

static void
header_collect_addresses (GMimeMessage *msg, const char *name, GPtrArray *out)
{
	InternetAddressList *list = header_addresses (msg, name);

	collect_addresses (list, out);
	g_clear_object (&list);
}

/* Message-IDs in In-Reply-To/References, with or without <> (some clients drop them), in
 * order. Comments and phrases (no "@") are skipped. */
static void
split_ids (const char *v, GPtrArray *out)
{
	g_autofree char *copy = NULL;
	g_auto (GStrv) tokens = NULL;
	char *p;
	guint i;

	if (v == NULL)
		return;
	copy = g_strdup (v);
	for (p = copy; *p; p++)
		if (*p == '<' || *p == '>' || *p == ',' || g_ascii_isspace (*p))
			*p = ' ';
	tokens = g_strsplit (copy, " ", -1);
	for (i = 0; tokens[i]; i++)
		if (strchr (tokens[i], '@') != NULL && tokens[i][0] != '@')
			g_ptr_array_add (out, clean_line (tokens[i]));
}

static void
parse_ids (GMimeMessage *msg, PdMail *mail)
{
	g_autoptr (GPtrArray) irt = g_ptr_array_new_with_free_func (g_free);

	mail->message_id = clean_line (g_mime_message_get_message_id (msg));
	split_ids (g_mime_object_get_header (GMIME_OBJECT (msg), "In-Reply-To"), irt);
	if (irt->len > 0)
		mail->in_reply_to = g_strdup (irt->pdata[0]);
	split_ids (g_mime_object_get_header (GMIME_OBJECT (msg), "References"), mail->references);
}

/* Decode a leaf part's content into bytes. */
static GBytes *
part_bytes (GMimePart *part)
{
	GMimeDataWrapper *content = g_mime_part_get_content (part);
	GMimeStream *mem;
	GByteArray *array;
	GBytes *bytes;

	if (content == NULL)
		return g_bytes_new (NULL, 0);
	mem = g_mime_stream_mem_new ();
	g_mime_data_wrapper_write_to_stream (content, mem);
	array = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (mem));
	bytes = g_bytes_new (array->data, array->len);
	g_object_unref (mem);
	return bytes;
}

/* Whether CHARSET names UTF-8 or ASCII, which need no conversion to UTF-8 when the bytes are
 * valid (ASCII: when they are all below 0x80). */
static gboolean
charset_is_utf8 (const char *charset, gboolean *ascii_r)
{
	*ascii_r = g_ascii_strcasecmp (charset, "us-ascii") == 0 ||
	           g_ascii_strcasecmp (charset, "ascii") == 0;
	return *ascii_r || g_ascii_strcasecmp (charset, "utf-8") == 0 ||
	       g_ascii_strcasecmp (charset, "utf8") == 0;
}

/* How many bytes of S (LEN long) are ASCII before the first that is not: a word at a time,
 * since most mail is ASCII and the byte-wise checks (g_utf8_validate_len, g_utf8_make_valid's
 * copy) were a few percent of processing a mail (issue 10, cpu) */
static gsize
ascii_prefix (const char *s, gsize len)
{
	const guint64 high = G_GUINT64_CONSTANT (0x8080808080808080);
	gsize i = 0;

	for (; i + 32 <= len; i += 32) {
		guint64 a, b, c, d;

		memcpy (&a, s + i, 8);
		memcpy (&b, s + i + 8, 8);
		memcpy (&c, s + i + 16, 8);
		memcpy (&d, s + i + 24, 8);
		if ((a | b | c | d) & high)
			break;
	}
	for (; i < len; i++)
		if ((guchar) s[i] >= 0x80)
			break;
	return i;
}

/* The decoded text of PART, converted from CHARSET (NULL: as it is); NULL with CHECK_ASCII
 * or CHECK_UTF8 when the result is not pure ASCII or not valid UTF-8 (the caller then
 * converts). */
static char *
part_text (GMimePart *part, const char *charset, gboolean check_ascii, gboolean check_utf8,
           gsize max, gboolean *truncated_r)
{
	GMimeDataWrapper *content = g_mime_part_get_content (part);
	GMimeContentEncoding encoding;
	GMimeStream *source, *filtered;
	GString *out;
	char buf[16 * 1024];
	gssize n;
	gsize ascii;
	char *valid;

	*truncated_r = FALSE;
	if (content == NULL || (source = g_mime_data_wrapper_get_stream (content)) == NULL)
		return g_strdup ("");
	g_mime_stream_reset (source);
	filtered = g_mime_stream_filter_new (source);
	encoding = g_mime_data_wrapper_get_encoding (content);
	if (encoding == GMIME_CONTENT_ENCODING_BASE64 ||
	    encoding == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE ||
	    encoding == GMIME_CONTENT_ENCODING_UUENCODE) {
		GMimeFilter *decode = g_mime_filter_basic_new (encoding, FALSE);
		g_mime_stream_filter_add (GMIME_STREAM_FILTER (filtered), decode);
		g_object_unref (decode);
	}
	if (charset != NULL) {
		/* NULL for a charset iconv does not know: the bytes pass, made valid below */
		GMimeFilter *convert = g_mime_filter_charset_new (charset, "utf-8");
		if (convert != NULL) {
			g_mime_stream_filter_add (GMIME_STREAM_FILTER (filtered), convert);
			g_object_unref (convert);
		}
	}
	/* about the part's own size: a 64 KB buffer per text, freed with the mail, made every
	 * mail's free consolidate and trim the heap (issue 10, cpu); a longer text grows it */
	{
		gint64 size = g_mime_stream_length (source);

		out = g_string_sized_new (MIN (max, (gsize) CLAMP (size, 0, 64 * 1024)) + 8);
	}
	while (!*truncated_r && (n = g_mime_stream_read (filtered, buf, sizeof buf)) > 0) {
		/* CR dropped, NUL as U+FFFD, at most MAX bytes: runs of other bytes go in whole */
		/* the next NUL and CR at or after I, END for none, NULL before the first look */
		const char *end = buf + n, *nul = NULL, *cr = NULL;

		for (gssize i = 0; i < n;) {
			gssize j;

			if (out->len >= max) {
				*truncated_r = TRUE;
				break;
			}
			if (buf[i] == '\r') {
				i++;
				continue;
			}
			if (buf[i] == '\0') {
				g_string_append (out, "\xef\xbf\xbd"); /* U+FFFD */
				i++;
				continue;
			}
			if ((nul == NULL || nul < buf + i) && (nul = memchr (buf + i, '\0', n - i)) == NULL)
				nul = end;
			if ((cr == NULL || cr < buf + i) && (cr = memchr (buf + i, '\r', n - i)) == NULL)
				cr = end;
			j = MIN (cr, nul) - buf;
			if ((gsize) (j - i) > max - out->len)
				j = i + (gssize) (max - out->len);
			g_string_append_len (out, buf + i, j - i);
			i = j;
		}
	}
	g_object_unref (filtered);
	if (*truncated_r) {
		/* the last whole line if it is not far back, else the last whole character */
		const char *nl = g_strrstr_len (out->str, out->len, "\n");
		if (nl != NULL && out->len - (nl + 1 - out->str) < 4096)
			g_string_truncate (out, nl + 1 - out->str);
	}
	/* OUT holds no NUL (each became U+FFFD above): its length is all of it */
	ascii = ascii_prefix (out->str, out->len);
	if (ascii == out->len)
		return g_string_free (out, FALSE); /* ASCII: valid as it is, whatever was asked */
	if (check_ascii) {
		g_string_free (out, TRUE);
		return NULL;
	}
	/* the ASCII before the first other byte is valid UTF-8 and ends on a character */
	if (g_utf8_validate_len (out->str + ascii, out->len - ascii, NULL))
		return g_string_free (out, FALSE); /* what g_utf8_make_valid would copy unchanged */
	if (check_utf8) {
		g_string_free (out, TRUE);
		return NULL;
	}
	/* a charset GMime could not convert leaves raw bytes behind; a cut one half a char */
	valid = g_utf8_make_valid (out->str, out->len);
	g_string_free (out, TRUE);
	return valid;
}

char *
pd_mail_part_text (GMimePart *part, gsize max, gboolean *truncated_r)
{
	const char *charset = g_mime_object_get_content_type_parameter (GMIME_OBJECT (part),
	                                                                 "charset");
	gboolean truncated = FALSE, ascii;
	char *text;

	if (truncated_r == NULL)
		truncated_r = &truncated;
	/* UTF-8 (or ASCII) text that is valid as it is would come out of a conversion to UTF-8
	 * unchanged: it is read without one (iconv was a tenth of a mail's processing, issue
	 * 10); anything else, the conversion as before */
	if (charset != NULL && charset_is_utf8 (charset, &ascii) &&
	    (text = part_text (part, NULL, ascii, TRUE, max, truncated_r)) != NULL)
		return text;
	return part_text (part, charset, FALSE, FALSE, max, truncated_r);
}

/* TEXT (transfer full) capped at PD_MAIL_TEXT_MAX, with a note when it was or is longer. */
static char *
bounded_text (char *text, gboolean truncated, gboolean *truncated_r)
{
	gsize len = strlen (text);

	if (len > PD_MAIL_TEXT_MAX) {
		const char *end = text + PD_MAIL_TEXT_MAX;
		const char *nl = g_strrstr_len (text, PD_MAIL_TEXT_MAX, "\n");

		if (nl != NULL && end - nl < 4096)
			end = nl + 1;
		else
			end = g_utf8_find_prev_char (text, end + 1); /* a whole character */
		text[end - text] = '\0';
		truncated = TRUE;
	}
	*truncated_r = truncated;
	if (!truncated)
		return text;
	{
		char *noted = g_strconcat (text, g_str_has_suffix (text, "\n") ? "" : "\n",
		                           "\n[text truncated: the message is longer than this; "
		                           "the whole message is kept as received]\n",
		                           NULL);
		g_free (text);
		return noted;
	}
}

typedef struct {
	PdMail *mail;
	GMimeTextPart *plain; /* first inline text/plain */
	GMimeTextPart *html;  /* first inline text/html */
	guint parts;
} Walk;

static gboolean
is_attachment (GMimeObject *obj)
{
	const char *disp = g_mime_object_get_disposition (obj);

	return disp != NULL && g_ascii_strcasecmp (disp, "attachment") == 0;
}

static void
add_attachment (Walk *w, GMimePart *part)
{
	GMimeContentType *ct = g_mime_object_get_content_type (GMIME_OBJECT (part));
	PdAttachment *a = g_new0 (PdAttachment, 1);
	const char *fname = g_mime_part_get_filename (part);

	a->data = part_bytes (part);
	a->sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, a->data);
	a->content_type = g_mime_content_type_get_mime_type (ct);
	pd_ascii_lower (a->content_type);
	if (fname != NULL) {
		/* keep the base name only: it is used in file names and headers later */
		g_autofree char *clean = clean_line (fname);
		a->filename = g_path_get_basename (clean);
	}
	g_ptr_array_add (w->mail->attachments, a);
}

static void
walk (Walk *w, GMimeObject *obj, guint depth)
{
	w->parts++;
	if (depth > w->mail->depth)
		w->mail->depth = depth;

	if (GMIME_IS_MULTIPART (obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART (obj);
		int i, n = g_mime_multipart_get_count (mp);

		for (i = 0; i < n; i++)
			walk (w, g_mime_multipart_get_part (mp, i), depth + 1);
		return;
	}
	if (GMIME_IS_MESSAGE_PART (obj)) {
		/* a forwarded or bounced message: an attachment as a whole, not our body */
		GMimeMessage *inner = g_mime_message_part_get_message (GMIME_MESSAGE_PART (obj));
		PdAttachment *a;
		GMimeStream *mem;
		GByteArray *array;

		if (inner == NULL)
			return;
		mem = g_mime_stream_mem_new ();
		g_mime_object_write_to_stream (GMIME_OBJECT (inner), NULL, mem);
		array = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (mem));
		a = g_new0 (PdAttachment, 1);
		a->data = g_bytes_new (array->data, array->len);
		a->sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, a->data);
		a->content_type = g_strdup ("message/rfc822");
		a->filename = g_strdup ("message.eml");
		g_ptr_array_add (w->mail->attachments, a);
		g_object_unref (mem);
		return;
	}
	if (GMIME_IS_TEXT_PART (obj) && !is_attachment (obj)) {
		GMimeContentType *ct = g_mime_object_get_content_type (obj);

		if (g_mime_content_type_is_type (ct, "text", "plain") && w->plain == NULL) {
			w->plain = GMIME_TEXT_PART (obj);
			return;
		}
		if (g_mime_content_type_is_type (ct, "text", "html") && w->html == NULL) {
			w->html = GMIME_TEXT_PART (obj);
			return;
		}
	}
	if (GMIME_IS_PART (obj))
		add_attachment (w, GMIME_PART (obj));
}

/* Count MIME containers before GMime builds its tree: GMime's parser recurses on nesting,
 * so a hostile message with thousands of nested multiparts is refused up front. */
static guint
count_containers (GBytes *raw)
{
	gsize len;
	const char *data = g_bytes_get_data (raw, &len);
	const char *p = data, *end = data + len;
	guint n = 0;

	while (p < end) {
		const char *nl = memchr (p, '\n', end - p);
		const char *stop = nl ? nl : end;

		if (stop - p >= 13 && g_ascii_strncasecmp (p, "content-type:", 13) == 0) {
			/* the header with its folded continuation lines, lower-cased */
			g_autofree char *line = NULL;

			while (stop < end && stop + 1 < end && (stop[1] == ' ' || stop[1] == '\t') &&
			       stop - p < 256) {
				const char *next = memchr (stop + 1, '\n', end - stop - 1);
				stop = next ? next : end;
			}
			line = g_ascii_strdown (p, MIN (stop - p, 512));
			if (strstr (line, "multipart/") || strstr (line, "message/rfc822"))
				n++;
			nl = stop < end ? stop : NULL;
		}
		p = nl ? nl + 1 : end;
	}
	return n;
}

static void
unwrap_array (gpointer data)
{
	GByteArray *wrap = data;

	/* the bytes are RAW's: give the array back empty */
	wrap->data = NULL;
	wrap->len = 0;
	g_byte_array_unref (wrap);
}

/* A read-only GMime memory stream over RAW's bytes without copying them (GMime's parser
 * keeps the parts as windows on its stream: a copy would double a big message in memory).
 * The stream does not own the array and holds a reference to RAW while it lives. */
static GMimeStream *
stream_over_bytes (GBytes *raw)
{
	gsize len;
	const guint8 *data = g_bytes_get_data (raw, &len);
	GByteArray *wrap = g_byte_array_new ();
	GMimeStream *stream;

	wrap->data = (guint8 *) data; /* only ever read: GMime's parser does not write */
	wrap->len = len;
	stream = g_mime_stream_mem_new_with_byte_array (wrap);
	g_mime_stream_mem_set_owner (GMIME_STREAM_MEM (stream), FALSE);
	g_object_set_data_full (G_OBJECT (stream), "pd-raw", g_bytes_ref (raw),
	                        (GDestroyNotify) g_bytes_unref);
	g_object_set_data_full (G_OBJECT (stream), "pd-array", wrap, unwrap_array);
	return stream;
}

/* The length of the top header block of DATA (up to its first empty line). */
static gsize
header_block_len (const char *data, gsize len)
{
	const char *p = data, *end = data + len;

	while (p < end) {
		const char *nl = memchr (p, '\n', end - p);
		if (nl == NULL)
			return len;
		if (nl == p || (nl == p + 1 && *p == '\r'))
			return p - data;
		p = nl + 1;
	}
	return len;
}

PdMail *
pd_mail_parse (GBytes *raw, const PdMailLimits *limits, GError **error)
{
	g_autoptr (PdMail) mail = NULL;
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *msg;
	gsize len;
	const char *data;
	GDateTime *date;
	Walk w = { 0 };

	g_return_val_if_fail (raw != NULL, NULL);
	mail_init_once ();
	data = g_bytes_get_data (raw, &len);
	if (len == 0) {
		g_set_error (error, PD_ERROR, PD_ERROR_DATA, "empty message");
		return NULL;
	}

	if (limits && limits->max_size && len > limits->max_size) {
		g_set_error (error, PD_ERROR, PD_ERROR_DATA,
		             "message too large (%" G_GSIZE_FORMAT " bytes, limit %" G_GSIZE_FORMAT ")",
		             len, limits->max_size);
		return NULL;
	}
	if (limits && limits->max_depth) {
		guint containers = count_containers (raw);
		if (containers > limits->max_depth) {
			g_set_error (error, PD_ERROR, PD_ERROR_DATA,
			             "too many nested MIME containers (%u, limit %u)", containers,
			             limits->max_depth);
			return NULL;
		}
	}

	{
		/* a NUL in a header would end its value in GMime's strings: a space instead (the
		 * body's NULs are replaced as it is decoded; RAW itself stays as received) */
		gsize head = header_block_len (data, len);

		if (memchr (data, '\0', head) != NULL) {
			GByteArray *bytes;

			stream = g_mime_stream_mem_new_with_buffer (data, len);
			bytes = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (stream));
			for (gsize i = 0; i < head; i++)
				if (bytes->data[i] == '\0')
					bytes->data[i] = ' ';
		} else {
			stream = stream_over_bytes (raw);
		}
	}
	parser = g_mime_parser_new_with_stream (stream);
	g_mime_parser_set_format (parser, GMIME_FORMAT_MESSAGE);
	msg = g_mime_parser_construct_message (parser, NULL);
	g_object_unref (parser);
	g_object_unref (stream);
	if (msg == NULL) {
		g_set_error (error, PD_ERROR, PD_ERROR_DATA, "not a mail message (MIME parser failed)");
		return NULL;
	}
	if (g_mime_header_list_get_count (g_mime_object_get_header_list (GMIME_OBJECT (msg))) == 0 ||
	    (g_mime_object_get_header (GMIME_OBJECT (msg), "From") == NULL &&
	     g_mime_object_get_header (GMIME_OBJECT (msg), "Message-ID") == NULL &&
	     g_mime_object_get_header (GMIME_OBJECT (msg), "Subject") == NULL &&
	     g_mime_object_get_header (GMIME_OBJECT (msg), "Date") == NULL)) {
		g_object_unref (msg);
		g_set_error (error, PD_ERROR, PD_ERROR_DATA,
		             "not a mail message (no From, Message-ID, Subject or Date header)");
		return NULL;
	}

	mail = g_new0 (PdMail, 1);
	mail->raw = g_bytes_ref (raw);
	mail->message = msg;
	mail->references = g_ptr_array_new_with_free_func (g_free);
	mail->to = g_ptr_array_new_with_free_func ((GDestroyNotify) address_free);
	mail->cc = g_ptr_array_new_with_free_func ((GDestroyNotify) address_free);
	mail->attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) attachment_free);

	parse_ids (msg, mail);
	mail->subject = clean_line (g_mime_message_get_subject (msg));
	if (mail->subject == NULL)
		mail->subject = g_strdup ("");
	date = g_mime_message_get_date (msg);
	mail->date = date ? g_date_time_to_unix (date) : 0;

	mail->from = header_first_address (msg, "From");
	mail->sender = header_first_address (msg, "Sender");
	mail->reply_to = header_first_address (msg, "Reply-To");
	header_collect_addresses (msg, "To", mail->to);
	header_collect_addresses (msg, "Cc", mail->cc);

	w.mail = mail;
	if (g_mime_message_get_mime_part (msg) != NULL)
		walk (&w, g_mime_message_get_mime_part (msg), 0);
	if (limits && limits->max_depth && mail->depth > limits->max_depth) {
		g_set_error (error, PD_ERROR, PD_ERROR_DATA, "too many nested MIME containers (depth %u, limit %u)",
		             mail->depth, limits->max_depth);
		return NULL;
	}
	if (limits && limits->max_parts && w.parts > limits->max_parts) {
		g_set_error (error, PD_ERROR, PD_ERROR_DATA, "too many MIME parts (%u, limit %u)",
		             w.parts, limits->max_parts);
		return NULL;
	}
	{
		gboolean html_cut = FALSE, text_cut = FALSE;

		/* HTML shrinks to text: four times the text bound of it, converted */
		if (w.html != NULL)
			mail->body_html = pd_mail_part_text (GMIME_PART (w.html), 4 * PD_MAIL_TEXT_MAX, &html_cut);
		if (w.plain != NULL) {
			char *text = pd_mail_part_text (GMIME_PART (w.plain), PD_MAIL_TEXT_MAX, &text_cut);
			mail->body_text = bounded_text (text, text_cut, &mail->body_truncated);
		} else if (mail->body_html != NULL) {
			char *text;

			/* libxml2 is loaded on the first HTML part: without it, this mail's error
			 * (quarantined with the reason) rather than a ticket with no text */
			if (pd_xml (error) == NULL)
				return NULL;
			text = pd_html_to_text (mail->body_html, -1);
			mail->body_text = bounded_text (text, html_cut, &mail->body_truncated);
			mail->body_from_html = TRUE;
		} else {
			mail->body_text = g_strdup ("");
		}
	}
	return g_steal_pointer (&mail);
}

const char *
pd_mail_header (const PdMail *mail, const char *name)
{
	return g_mime_object_get_header (GMIME_OBJECT (mail->message), name);
}

static gboolean
in_list (GPtrArray *list, const char *addr)
{
	guint i;

	for (i = 0; i < list->len; i++)
		if (g_ascii_strcasecmp (((PdAddress *) list->pdata[i])->addr, addr) == 0)
			return TRUE;
	return FALSE;
}

gboolean
pd_mail_addressed_to (const PdMail *mail, const char *addr)
{
	return in_list (mail->to, addr) || in_list (mail->cc, addr);
}
