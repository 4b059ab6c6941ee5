/* compose-direct.c - the common outgoing message (an acknowledgement, a notification) written
 * as text instead of through a GMime message, which cost a quarter of processing a mail:
 * mailbox lists, a header list kept sorted, the whole message serialised through filters.
 *
 * The bytes must be GMime's, to the byte. So only what is plainly safe is written here:
 * - a header value of printable ASCII that fits on its line is copied;
 * - any other value (UTF-8, a long subject to fold, a long References) is formatted by GMime's
 *   own header formatter, in a header list kept per thread: its RFC 2047 words and folds;
 * - a mailbox is written only when it is ASCII and fits (GMime quotes a name as written
 *   here); any other makes the whole message GMime's;
 * - a body of printable ASCII with short lines and no "From " line is copied as us-ascii;
 *   any other body is one GMime text part (charset, transfer encoding), serialised alone.
 * Attachments, HTML and template headers that would replace one of ours: GMime's path.
 * tests/unit/test-compose.c holds both paths to the same bytes. */
#include "mail/compose-direct.h"

#include <gmime/gmime.h>
#include <string.h>

/* GMime's default line length: a longer header line is folded */
#define FOLD_AT 78
/* longest body line copied as it is; GMime quoted-printable-encodes past 998 */
#define BODY_LINE_MAX 998

static GMimeFormatOptions *
dos_options (void)
{
	static GMimeFormatOptions *opts;
	static gsize once = 0;

	if (g_once_init_enter (&once)) {
		opts = g_mime_format_options_new ();
		g_mime_format_options_set_newline_format (opts, GMIME_NEWLINE_FORMAT_DOS);
		g_once_init_leave (&once, 1);
	}
	return opts;
}

/* A header list per thread, to have one header at a time formatted by GMime. */
static GMimeHeaderList *
thread_headers (void)
{
	static GPrivate key = G_PRIVATE_INIT (g_object_unref);
	GMimeHeaderList *list = g_private_get (&key);

	if (list == NULL) {
		list = g_mime_header_list_new (NULL);
		g_private_set (&key, list);
	}
	return list;
}

/* Printable ASCII, not empty, no outer space, nothing GMime could read as an encoded word. */
static gboolean
plain_value (const char *v)
{
	gsize n = v ? strlen (v) : 0;

	if (n == 0 || v[0] == ' ' || v[n - 1] == ' ' || strstr (v, "=?") != NULL)
		return FALSE;
	for (const guchar *p = (const guchar *) v; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			return FALSE;
	return TRUE;
}

/* Space or a control byte at either end: GMime trims a subject (its own way), and a value of
 * nothing but spaces is written apart; such a message is left to GMime. */
static gboolean
outer_space (const char *v)
{
	gsize n = v ? strlen (v) : 0;

	return n > 0 && ((guchar) v[0] <= 0x20 || (guchar) v[n - 1] <= 0x20);
}

/* "NAME: VALUE" as GMime writes a header set with CHARSET. */
static void
append_header (GString *out, const char *name, const char *value, const char *charset)
{
	GMimeHeaderList *list;
	g_autofree char *text = NULL;

	if (plain_value (value) && strlen (name) + 2 + strlen (value) <= FOLD_AT) {
		g_string_append (out, name);
		g_string_append (out, ": ");
		g_string_append (out, value);
		g_string_append (out, "\r\n");
		return;
	}
	list = thread_headers ();
	g_mime_header_list_set (list, name, value, charset);
	text = g_mime_header_list_to_string (list, dos_options ());
	g_mime_header_list_clear (list);
	g_string_append (out, text);
}

/* An address GMime writes as given: a dot-atom local part and a plain domain. */
static gboolean
plain_address (const char *addr)
{
	const char *at = strchr (addr, '@');
	const char *p;

	if (at == NULL || at == addr || strchr (at + 1, '@') != NULL || at[1] == '\0')
		return FALSE;
	for (p = addr; p < at; p++)
		if (!g_ascii_isalnum (*p) && strchr ("!#$%&'*+-/=?^_`{|}~.", *p) == NULL)
			return FALSE;
	if (addr[0] == '.' || at[-1] == '.' || strstr (addr, "..") != NULL)
		return FALSE;
	for (p = at + 1; *p; p++)
		if (!g_ascii_isalnum (*p) && *p != '.' && *p != '-')
			return FALSE;
	return at[1] != '.' && p[-1] != '.';
}

/* "NAME <ADDR>", NAME quoted unless atoms and single spaces, or ADDR alone; NULL when GMime
 * would write it otherwise (encoded, or an address it rewrites). */
static char *
mailbox (const char *name, const char *addr)
{
	GString *s;
	gboolean quote = FALSE;

	if (addr == NULL || !plain_address (addr))
		return NULL;
	if (name == NULL)
		return g_strdup (addr);
	if (!plain_value (name))
		return NULL;
	for (const char *p = name; *p; p++)
		if (!g_ascii_isalnum (*p) && strchr (" !#$%&'*+-/=?^_`{|}~", *p) == NULL)
			quote = TRUE;
	if (strstr (name, "  ") != NULL)
		return NULL; /* GMime leaves such a name unquoted; not worth copying */
	s = g_string_new (NULL);
	if (quote) {
		g_string_append_c (s, '"');
		for (const char *p = name; *p; p++) {
			if (*p == '"' || *p == '\\')
				g_string_append_c (s, '\\');
			g_string_append_c (s, *p);
		}
		g_string_append_c (s, '"');
	} else {
		g_string_append (s, name);
	}
	g_string_append_printf (s, " <%s>", addr);
	return g_string_free (s, FALSE);
}

/* "NAME: MAILBOX" when GMime leaves it on one line: an address line is folded already at
 * FOLD_AT (e2e 286 found it; an unstructured one only past it). */
static gboolean
append_mailbox (GString *out, const char *header, const char *name, const char *addr)
{
	g_autofree char *m = mailbox (name, addr);

	if (m == NULL || strlen (header) + 2 + strlen (m) >= FOLD_AT)
		return FALSE;
	g_string_append_printf (out, "%s: %s\r\n", header, m);
	return TRUE;
}

void
pd_compose_append_header (GString *out, const char *name, const char *value, const char *charset)
{
	static gsize init = 0;

	/* a caller outside compose.c may come here before anything was composed */
	if (g_once_init_enter (&init)) {
		g_mime_init ();
		g_once_init_leave (&init, 1);
	}
	append_header (out, name, value, charset);
}

char *
pd_compose_mailbox_header (const char *header, const char *name, const char *addr)
{
	g_autofree char *m = mailbox (name, addr);

	if (m == NULL || strlen (header) + 2 + strlen (m) >= FOLD_AT)
		return NULL;
	return g_strdup_printf ("%s: %s", header, m);
}

/* Names of the headers this message sets itself, or that GMime's message handles apart: a
 * template header by one of these names is left to GMime's path. */
static gboolean
own_header (const char *name)
{
	static const char *const names[] = {
		"From", "To", "Cc", "Bcc", "Reply-To", "Sender", "Subject", "Date", "Message-Id",
		"In-Reply-To", "References", "Auto-Submitted", "X-Auto-Response-Suppress",
		"Precedence", "X-Loop", "MIME-Version", "Return-Path", "Received",
	};

	for (guint i = 0; i < G_N_ELEMENTS (names); i++)
		if (g_ascii_strcasecmp (name, names[i]) == 0)
			return TRUE;
	return g_ascii_strncasecmp (name, "Content-", 8) == 0 ||
	       g_ascii_strncasecmp (name, "Resent-", 7) == 0;
}

/* A header name of printable ASCII without colon or space. */
static gboolean
plain_name (const char *name)
{
	if (*name == '\0')
		return FALSE;
	for (const guchar *p = (const guchar *) name; *p; p++)
		if (*p <= 0x20 || *p > 0x7e || *p == ':')
			return FALSE;
	return TRUE;
}

/* The template's own headers (all but Subject) can be written here: none replaces one of
 * ours or another of them (GMime sets, it does not add). */
static gboolean
plain_extra (GPtrArray *extra)
{
	for (guint i = 0; extra && i + 1 < extra->len; i += 2) {
		const char *name = extra->pdata[i];

		if (g_ascii_strcasecmp (name, "Subject") == 0)
			continue;
		if (!plain_name (name) || own_header (name) || extra->pdata[i + 1] == NULL ||
		    outer_space (extra->pdata[i + 1]))
			return FALSE;
		for (guint j = 0; j < i; j += 2)
			if (g_ascii_strcasecmp (name, extra->pdata[j]) == 0)
				return FALSE;
	}
	return TRUE;
}

/* Printable ASCII, TAB and LF, lines of at most BODY_LINE_MAX, no line starting "From "
 * (which GMime encodes), not empty: GMime writes such a body unencoded as us-ascii. */
static gboolean
plain_body (const char *body)
{
	gsize line = 0;

	if (*body == '\0')
		return FALSE;
	for (const guchar *p = (const guchar *) body; *p; p++) {
		if (*p == '\n') {
			line = 0;
			continue;
		}
		if (line == 0 && strncmp ((const char *) p, "From ", 5) == 0)
			return FALSE;
		if ((*p < 0x20 && *p != '\t') || *p > 0x7e || ++line > BODY_LINE_MAX)
			return FALSE;
	}
	return TRUE;
}

static void
append_body (GString *out, const char *body)
{
	GMimeTextPart *part;
	g_autofree char *text = NULL;
	const char *p, *nl;

	if (plain_body (body)) {
		g_string_append (out, "Content-Type: text/plain; charset=us-ascii\r\n\r\n");
		for (p = body; (nl = strchr (p, '\n')) != NULL; p = nl + 1) {
			g_string_append_len (out, p, nl - p);
			g_string_append (out, "\r\n");
		}
		if (*p != '\0') {
			g_string_append (out, p);
			g_string_append (out, "\r\n");
		}
		return;
	}
	/* the part alone, as the message writes it after its own headers */
	part = g_mime_text_part_new_with_subtype ("plain");
	g_mime_text_part_set_text (part, body);
	g_mime_part_set_content_encoding (
		GMIME_PART (part),
		g_mime_part_get_best_content_encoding (GMIME_PART (part), GMIME_ENCODING_CONSTRAINT_7BIT));
	text = g_mime_object_to_string (GMIME_OBJECT (part), dos_options ());
	g_object_unref (part);
	g_string_append (out, text);
	/* the message ends its last line, as it does for the body copied above */
	if (out->str[out->len - 1] != '\n')
		g_string_append (out, "\r\n");
}

char *
pd_compose_id_list (const char *const *ids, guint max)
{
	GString *s = g_string_new (NULL);
	guint n = ids ? g_strv_length ((char **) ids) : 0, i;

	for (i = 0; i < n; i++) {
		if (n > max && i > 0 && i < n - (max - 1))
			continue;
		g_string_append_printf (s, "%s<%s>", s->len ? " " : "", ids[i]);
	}
	return g_string_free (s, FALSE);
}

GBytes *
pd_compose_direct_write (const PdComposeSpec *spec, GDateTime *now)
{
	g_autoptr (GString) out = NULL;
	g_autofree char *date = NULL;
	const char *body = spec->body ? spec->body : "";
	guint i;

	if (spec->attachments && spec->attachments->len > 0)
		return NULL;
	if (spec->html != NULL || !plain_extra (spec->extra_headers) || outer_space (spec->subject))
		return NULL;
	if (!plain_value (spec->message_id) || strchr (spec->message_id, ' ') ||
	    strpbrk (spec->message_id, "<>") != NULL || strlen (spec->message_id) + 14 > FOLD_AT)
		return NULL;

	out = g_string_sized_new (1024 + strlen (body) * 21 / 20);
	date = g_mime_utils_header_format_date (now);
	g_string_append_printf (out, "Date: %s\r\n", date);
	if (!append_mailbox (out, "From", spec->from_name, spec->from_addr))
		return NULL;
	if (spec->reply_to && !append_mailbox (out, "Reply-To", NULL, spec->reply_to))
		return NULL;
	append_header (out, "Subject", spec->subject ? spec->subject : "", "utf-8");
	if (!append_mailbox (out, "To", spec->to_name, spec->to_addr))
		return NULL;
	if (spec->cc && spec->cc[0]) {
		GString *cc = g_string_new (NULL);
		gboolean ok = TRUE;

		for (i = 0; spec->cc[i] && ok; i++) {
			ok = plain_address (spec->cc[i]);
			g_string_append_printf (cc, "%s%s", i ? ", " : "", spec->cc[i]);
		}
		ok = ok && cc->len + 4 < FOLD_AT;
		if (ok)
			g_string_append_printf (out, "Cc: %s\r\n", cc->str);
		g_string_free (cc, TRUE);
		if (!ok)
			return NULL;
	}
	g_string_append_printf (out, "Message-Id: <%s>\r\n", spec->message_id);
	/* never RFC 2047-encode threading headers: some clients then drop them */
	if (spec->in_reply_to) {
		g_autofree char *v = g_strdup_printf ("<%s>", spec->in_reply_to);
		append_header (out, "In-Reply-To", v, NULL);
	}
	if (spec->references && spec->references[0]) {
		g_autofree char *v = pd_compose_id_list (spec->references, 10);
		append_header (out, "References", v, NULL);
	}
	if (spec->auto_submitted) {
		append_header (out, "Auto-Submitted", spec->auto_submitted, NULL);
		g_string_append (out, "X-Auto-Response-Suppress: All\r\nPrecedence: bulk\r\n");
	}
	if (spec->loop_address)
		append_header (out, "X-Loop", spec->loop_address, NULL);
	for (i = 0; spec->extra_headers && i + 1 < spec->extra_headers->len; i += 2) {
		const char *name = spec->extra_headers->pdata[i];

		if (g_ascii_strcasecmp (name, "Subject") != 0)
			append_header (out, name, spec->extra_headers->pdata[i + 1], "utf-8");
	}
	g_string_append (out, "MIME-Version: 1.0\r\n");
	append_body (out, body);
	return g_string_free_to_bytes (g_steal_pointer (&out));
}
