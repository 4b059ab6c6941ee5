/* smtp-wire.c - the SMTP text rules both ways of talking share (smtp-wire.h): line ends and
 * dot-stuffing of a message's content, the code of a reply, and what a failed code means for
 * the message. Kept apart so the direct connection and the libcurl path classify a reply the
 * same way; nothing here does I/O. */
#include "outbound/smtp-wire.h"

#include <string.h>

/* Append DATA (LEN bytes) to OUT with every bare LF made CRLF, ending in CRLF (unless empty);
 * with DOT_STUFF, a line that begins with "." gets another in front (RFC 5321 4.5.2). A line
 * at a time: memchr finds the line ends. */
void
pd_smtp_crlf_append (GByteArray *out, const char *p, gsize len, gboolean dot_stuff)
{
	const char *line = p, *end = p + len;

	while (line < end) {
		const char *nl = memchr (line, '\n', (gsize) (end - line));
		gsize n;

		if (dot_stuff && *line == '.')
			g_byte_array_append (out, (const guint8 *) ".", 1);
		if (nl == NULL) {
			g_byte_array_append (out, (const guint8 *) line, (guint) (end - line));
			g_byte_array_append (out, (const guint8 *) "\r\n", 2);
			break;
		}
		n = (gsize) (nl - line);
		if (n > 0 && nl[-1] == '\r')
			n--;
		g_byte_array_append (out, (const guint8 *) line, (guint) n);
		g_byte_array_append (out, (const guint8 *) "\r\n", 2);
		line = nl + 1;
	}
}

/* A copy of DATA as pd_smtp_crlf_append() makes it. (transfer full) */
GBytes *
pd_smtp_crlf_copy (GBytes *data, gboolean dot_stuff)
{
	gsize len;
	const char *p = g_bytes_get_data (data, &len);
	GByteArray *out = g_byte_array_sized_new (len + len / 32 + 8);

	pd_smtp_crlf_append (out, p, len, dot_stuff);
	return g_byte_array_free_to_bytes (out);
}

/* The code of REPLY (complete, lines joined by "\n"), 0 if it has none. */
long
pd_smtp_reply_code (const char *reply)
{
	/* The code of a multi-line reply is on every line; take the last one's. */
	const char *r = strrchr (reply, '\n');

	r = r ? r + 1 : reply;
	if (g_ascii_isdigit (r[0]) && g_ascii_isdigit (r[1]) && g_ascii_isdigit (r[2]))
		return (r[0] - '0') * 100 + (r[1] - '0') * 10 + (r[2] - '0');
	return 0;
}

/* What a failed reply CODE to MAIL, RCPT or DATA means: 5xx refuses this message for good
 * (530 "authentication required" is our configuration's fault, not the message's), the
 * rest is for later. */
PdSmtpResult
pd_smtp_envelope_result (long code)
{
	return code >= 500 && code < 600 && code != 530 ? PD_SMTP_PERMFAIL : PD_SMTP_TEMPFAIL;
}

/* What the reply CODE to the end of a message's content means. */
PdSmtpResult
pd_smtp_content_result (long code)
{
	if (code >= 200 && code < 300)
		return PD_SMTP_SENT;
	return code >= 500 && code < 600 ? PD_SMTP_PERMFAIL : PD_SMTP_TEMPFAIL;
}

void
pd_smtp_outcome_add (GPtrArray *outcomes, gpointer tag, PdSmtpResult result, char *reply)
{
	PdSmtpOutcome *o = g_new (PdSmtpOutcome, 1);

	o->tag = tag;
	o->result = result;
	o->reply = reply; /* (transfer full) */
	g_ptr_array_add (outcomes, o);
}
