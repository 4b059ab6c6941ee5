/* smtp-client.c - an SMTP client that keeps its relay connection open between messages.
 * It normalises line ends to CRLF, dot-stuffs, and classifies the outcome; it does not queue,
 * retry or log.
 *
 * Two ways to talk: a plain smtp:// relay without AUTH or STARTTLS (the usual local Postfix)
 * is spoken to directly over a socket, with RFC 2920 PIPELINING when the relay offers it:
 * MAIL, RCPT and DATA go in one write and their replies are read together, so a message costs
 * two round trips, not four; with pd_smtp_submit() the next message's commands ride with this
 * one's content and "." (RFC 2920 lets the content open a group), so a stream of messages
 * costs one round trip each. TLS and AUTH go through one libcurl easy handle (no pipelining
 * there); the relay's reply is then read from curl's debug stream. */
#include "outbound/smtp-client.h"

#include <curl/curl.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

/* The direct connection, for plain relays. */
typedef struct {
	char *host;
	char *port;
	char *helo;
	long timeout;
	int fd;               /* -1: not connected */
	gboolean pipelining;  /* the relay said PIPELINING to EHLO */
	gboolean need_rset;   /* the last transaction ended in an error: RSET before the next */
	GString *in;          /* bytes read and not yet taken as lines */
	/* Cross-message pipelining: the message whose DATA got its 354 and whose content goes
	 * out at the head of the next group (or in pd_smtp_flush()). NULL: none. */
	GBytes *waiting;
	gpointer waiting_tag;
	GByteArray *out;      /* the group being written, kept: no allocation per message */
} Direct;

struct PdSmtp {
	CURL *curl;
	char *url;
	char *user;
	char *password;
	char *ca_file;
	char errbuf[CURL_ERROR_SIZE];

	/* The reply being read: its lines, and whether its last line ("NNN text") has come. */
	GString *reply;
	gboolean reply_done;
	char last_command[16]; /* verb of the last command sent: "MAIL", "RCPT", "DATA", "EHLO"... */
	/* The first reply of this transfer with a code >= 400 and the command it answered: after
	 * a failure curl sends QUIT, so the last reply is then "221 Bye". */
	char *error_reply;
	char error_command[16];

	/* The message being uploaded. */
	GBytes *upload;
	gsize upload_pos;

	Direct *direct; /* non-NULL: a plain relay, spoken to directly (curl is then unused) */
};

static gpointer
global_init (gpointer unused)
{
	(void) unused;
	if (curl_global_init (CURL_GLOBAL_DEFAULT) != CURLE_OK)
		g_error ("curl_global_init failed");
	return NULL;
}

/* Append DATA (LEN bytes) to OUT with every bare LF made CRLF, ending in CRLF (unless empty);
 * with DOT_STUFF, a line that begins with "." gets another in front (RFC 5321 4.5.2). A line
 * at a time: memchr finds the line ends. */
static void
crlf_append (GByteArray *out, const char *p, gsize len, gboolean dot_stuff)
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

/* A copy of DATA as crlf_append() makes it. (transfer full) */
static GBytes *
crlf_copy (GBytes *data, gboolean dot_stuff)
{
	gsize len;
	const char *p = g_bytes_get_data (data, &len);
	GByteArray *out = g_byte_array_sized_new (len + len / 32 + 8);

	crlf_append (out, p, len, dot_stuff);
	return g_byte_array_free_to_bytes (out);
}

static GBytes *
to_crlf (GBytes *data)
{
	return crlf_copy (data, FALSE);
}

static size_t
read_cb (char *buffer, size_t size, size_t nitems, void *userdata)
{
	PdSmtp *smtp = userdata;
	gsize len;
	const char *p = g_bytes_get_data (smtp->upload, &len);
	gsize n = MIN (size * nitems, len - smtp->upload_pos);

	memcpy (buffer, p + smtp->upload_pos, n);
	smtp->upload_pos += n;
	return n;
}

/* The code of REPLY (complete, lines joined by "\n"), 0 if it has none. */
static long
reply_code (const char *reply)
{
	/* The code of a multi-line reply is on every line; take the last one's. */
	const char *r = strrchr (reply, '\n');

	r = r ? r + 1 : reply;
	if (g_ascii_isdigit (r[0]) && g_ascii_isdigit (r[1]) && g_ascii_isdigit (r[2]))
		return (r[0] - '0') * 100 + (r[1] - '0') * 10 + (r[2] - '0');
	return 0;
}

/* Keep the lines of the relay's last reply and the verb of the last command. A command line may
 * carry credentials (AUTH), so only its first word is kept. */
static int
debug_cb (CURL *curl, curl_infotype type, char *data, size_t size, void *userdata)
{
	PdSmtp *smtp = userdata;
	(void) curl;

	if (type == CURLINFO_HEADER_OUT) {
		gsize n = 0;
		while (n < size && n < sizeof smtp->last_command - 1 && g_ascii_isalpha (data[n]))
			n++;
		memcpy (smtp->last_command, data, n);
		smtp->last_command[n] = '\0';
		return 0;
	}
	if (type != CURLINFO_HEADER_IN)
		return 0;
	while (size > 0) {
		const char *nl = memchr (data, '\n', size);
		gsize line_len = nl ? (gsize) (nl - data) + 1 : size;
		gsize text_len = line_len;

		while (text_len > 0 && (data[text_len - 1] == '\n' || data[text_len - 1] == '\r'))
			text_len--;
		if (smtp->reply_done) {
			g_string_truncate (smtp->reply, 0);
			smtp->reply_done = FALSE;
		}
		if (smtp->reply->len > 0)
			g_string_append_c (smtp->reply, '\n');
		g_string_append_len (smtp->reply, data, text_len);
		/* "250-..." continues a reply, "250 ..." or "250" ends it. */
		if (text_len == 3 || (text_len > 3 && data[3] == ' ')) {
			smtp->reply_done = TRUE;
			if (smtp->error_reply == NULL && reply_code (smtp->reply->str) >= 400) {
				smtp->error_reply = g_strdup (smtp->reply->str);
				memcpy (smtp->error_command, smtp->last_command,
				        sizeof smtp->error_command);
			}
		}
		data += line_len;
		size -= line_len;
	}
	return 0;
}

/* URL with its path set to HELO (libcurl takes the EHLO name from the URL's path), unless the
 * URL already has a path. (transfer full) */
static char *
url_with_helo (const char *url, const char *helo)
{
	CURLU *u;
	char *path = NULL;
	char *full = NULL;
	char *result;

	if (helo == NULL || *helo == '\0')
		return g_strdup (url);
	u = curl_url ();
	if (curl_url_set (u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get (u, CURLUPART_PATH, &path, 0) != CURLUE_OK) {
		curl_url_cleanup (u);
		return g_strdup (url); /* curl_easy_perform() reports the bad URL */
	}
	if ((path[0] == '\0' || g_str_equal (path, "/")) &&
	    curl_url_set (u, CURLUPART_PATH, helo, CURLU_URLENCODE) == CURLUE_OK &&
	    curl_url_get (u, CURLUPART_URL, &full, 0) == CURLUE_OK)
		result = g_strdup (full);
	else
		result = g_strdup (url);
	curl_free (full);
	curl_free (path);
	curl_url_cleanup (u);
	return result;
}

/* ---- the direct connection ---- */

static void
direct_close (Direct *d)
{
	if (d->fd >= 0)
		close (d->fd);
	d->fd = -1;
	g_string_truncate (d->in, 0);
	d->need_rset = FALSE;
	/* a message waiting for its content is not delivered: the relay drops its envelope */
	g_clear_pointer (&d->waiting, g_bytes_unref);
}

/* Write all of BUF. On failure the connection is closed and *WHY_R says why. */
static gboolean
direct_write (Direct *d, const char *buf, gsize len, char **why_r)
{
	while (len > 0) {
		ssize_t n = send (d->fd, buf, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			*why_r = g_strdup_printf ("writing to the relay: %s",
			                          n < 0 ? g_strerror (errno) : "connection closed");
			direct_close (d);
			return FALSE;
		}
		buf += n;
		len -= (gsize) n;
	}
	return TRUE;
}

/* Read one whole reply, its lines joined by "\n", into *REPLY_R (transfer full), and return
 * its code. On failure it returns 0, closes the connection and *REPLY_R says why. */
static long
direct_reply (Direct *d, char **reply_r)
{
	g_autoptr (GString) reply = g_string_new (NULL);
	long code;

	for (;;) {
		char *nl = memchr (d->in->str, '\n', d->in->len);
		gsize line_len, text_len;
		gboolean last;

		if (nl == NULL) {
			char buf[16384];
			ssize_t n;

			if (d->in->len > 65536) {
				*reply_r = g_strdup ("the relay's reply line is too long");
				direct_close (d);
				return 0;
			}
			n = recv (d->fd, buf, sizeof buf, 0);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				*reply_r = g_strdup_printf (
					"reading from the relay: %s",
					n == 0 ? "the relay closed the connection"
					: (errno == EAGAIN || errno == EWOULDBLOCK) ? "timed out"
					: g_strerror (errno));
				direct_close (d);
				return 0;
			}
			g_string_append_len (d->in, buf, n);
			continue;
		}
		line_len = (gsize) (nl - d->in->str) + 1;
		text_len = line_len;
		while (text_len > 0 && (d->in->str[text_len - 1] == '\n' ||
		                        d->in->str[text_len - 1] == '\r'))
			text_len--;
		if (reply->len > 0)
			g_string_append_c (reply, '\n');
		g_string_append_len (reply, d->in->str, text_len);
		/* "250-..." continues a reply, "250 ..." or "250" ends it */
		last = text_len < 4 || d->in->str[3] != '-';
		g_string_erase (d->in, 0, line_len);
		if (last)
			break;
	}
	code = reply_code (reply->str);
	if (code < 100) {
		*reply_r = g_strdup_printf ("not an SMTP reply: %.200s", reply->str);
		direct_close (d);
		return 0;
	}
	*reply_r = g_string_free (g_steal_pointer (&reply), FALSE);
	return code;
}

/* Whether the EHLO reply REPLY names the extension EXT on one of its lines. */
static gboolean
has_extension (const char *reply, const char *ext)
{
	g_auto (GStrv) lines = g_strsplit (reply, "\n", -1);
	gsize n = strlen (ext);

	for (guint i = 1; lines[i] != NULL; i++) /* the first line is the greeting */
		if (strlen (lines[i]) >= 4 + n && g_ascii_strncasecmp (lines[i] + 4, ext, n) == 0 &&
		    (lines[i][4 + n] == '\0' || lines[i][4 + n] == ' '))
			return TRUE;
	return FALSE;
}

/* Connect, read the greeting and say EHLO (HELO if EHLO is refused). */
static gboolean
direct_connect (Direct *d, char **why_r)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL, *ai;
	struct timeval tv = { .tv_sec = d->timeout };
	g_autofree char *greeting = NULL, *ehlo = NULL, *cmd = NULL;
	int rc, fd = -1, err = 0, one = 1;
	long code;

	if ((rc = getaddrinfo (d->host, d->port, &hints, &res)) != 0) {
		*why_r = g_strdup_printf ("relay %s: %s", d->host, gai_strerror (rc));
		return FALSE;
	}
	for (ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
		fd = socket (ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0) {
			err = errno;
			continue;
		}
		/* on Linux the send timeout bounds connect() too */
		setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		setsockopt (fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
		if (connect (fd, ai->ai_addr, ai->ai_addrlen) != 0) {
			err = errno;
			close (fd);
			fd = -1;
		}
	}
	freeaddrinfo (res);
	if (fd < 0) {
		*why_r = g_strdup_printf ("cannot connect to the relay %s port %s: %s", d->host,
		                          d->port, g_strerror (err));
		return FALSE;
	}
	/* the commands of a pipelined group go out at once, each message right after its 354 */
	setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	d->fd = fd;
	d->need_rset = FALSE;
	g_string_truncate (d->in, 0);
	if ((code = direct_reply (d, &greeting)) == 0) {
		*why_r = g_steal_pointer (&greeting);
		return FALSE;
	}
	if (code != 220) {
		*why_r = g_steal_pointer (&greeting);
		direct_close (d);
		return FALSE;
	}
	cmd = g_strdup_printf ("EHLO %s\r\n", d->helo);
	if (!direct_write (d, cmd, strlen (cmd), why_r))
		return FALSE;
	if ((code = direct_reply (d, &ehlo)) == 0) {
		*why_r = g_steal_pointer (&ehlo);
		return FALSE;
	}
	if (code >= 500 && code < 600) { /* an old relay: HELO, and no extensions */
		g_free (cmd);
		g_free (ehlo);
		cmd = g_strdup_printf ("HELO %s\r\n", d->helo);
		if (!direct_write (d, cmd, strlen (cmd), why_r))
			return FALSE;
		if ((code = direct_reply (d, &ehlo)) == 0) {
			*why_r = g_steal_pointer (&ehlo);
			return FALSE;
		}
	}
	if (code != 250) {
		*why_r = g_steal_pointer (&ehlo);
		direct_close (d);
		return FALSE;
	}
	d->pipelining = has_extension (ehlo, "PIPELINING");
	return TRUE;
}

/* What a failed reply CODE to MAIL, RCPT or DATA means: 5xx refuses this message for good
 * (530 "authentication required" is our configuration's fault, not the message's), the
 * rest is for later. */
static PdSmtpResult
envelope_result (long code)
{
	return code >= 500 && code < 600 && code != 530 ? PD_SMTP_PERMFAIL : PD_SMTP_TEMPFAIL;
}

/* What the reply CODE to the end of a message's content means. */
static PdSmtpResult
content_result (long code)
{
	if (code >= 200 && code < 300)
		return PD_SMTP_SENT;
	return code >= 500 && code < 600 ? PD_SMTP_PERMFAIL : PD_SMTP_TEMPFAIL;
}

static void
outcome_add (GPtrArray *outcomes, gpointer tag, PdSmtpResult result, char *reply)
{
	PdSmtpOutcome *o = g_new (PdSmtpOutcome, 1);

	o->tag = tag;
	o->result = result;
	o->reply = reply; /* (transfer full) */
	g_ptr_array_add (outcomes, o);
}

/* One message, one command and one reply at a time: a relay without PIPELINING. */
static PdSmtpResult
direct_send (Direct *d, const char *from, GPtrArray *tos, GBytes *data, char **reply_r)
{
	g_autoptr (GString) cmds = g_string_new (NULL);
	g_autoptr (GBytes) body = NULL;
	g_autofree char *why = NULL, *failure = NULL;
	const char *p;
	gsize len;
	long code = 0, fail_code = 0;
	guint i, replies;

	if (d->fd >= 0 && d->need_rset) {
		/* the last transaction failed half-way: start clean, or start over */
		g_autofree char *r = NULL;

		if (!direct_write (d, "RSET\r\n", 6, &why) || (code = direct_reply (d, &r)) == 0) {
			g_clear_pointer (&why, g_free);
			direct_close (d);
		} else if (code != 250) {
			direct_close (d);
		}
		d->need_rset = FALSE;
	}
	if (d->fd < 0 && !direct_connect (d, &why))
		goto tempfail;

	g_string_append_printf (cmds, "MAIL FROM:%s\r\n", from);
	for (i = 0; i < tos->len; i++)
		g_string_append_printf (cmds, "RCPT TO:%s\r\n", (const char *) tos->pdata[i]);
	g_string_append (cmds, "DATA\r\n");
	replies = tos->len + 2;

	/* one command, one reply */
	const char *line = cmds->str;

	for (i = 0; i < replies && failure == NULL; i++) {
		const char *end = strstr (line, "\r\n") + 2;
		g_autofree char *r = NULL;

		if (!direct_write (d, line, (gsize) (end - line), &why))
			goto tempfail;
		if ((code = direct_reply (d, &r)) == 0) {
			why = g_steal_pointer (&r);
			goto tempfail;
		}
		if (i < replies - 1 ? code >= 400 : code != 354) {
			failure = g_steal_pointer (&r);
			fail_code = code;
		}
		line = end;
	}
	if (failure != NULL) {
		if (d->fd >= 0)
			d->need_rset = TRUE;
		if (reply_r)
			*reply_r = g_steal_pointer (&failure);
		return envelope_result (fail_code);
	}

	body = crlf_copy (data, TRUE);
	p = g_bytes_get_data (body, &len);
	{
		/* the message and its end in one write where it is small */
		g_autoptr (GByteArray) all = g_byte_array_sized_new ((guint) len + 3);
		g_autofree char *r = NULL;

		g_byte_array_append (all, (const guint8 *) p, (guint) len);
		g_byte_array_append (all, (const guint8 *) ".\r\n", 3);
		if (!direct_write (d, (const char *) all->data, all->len, &why))
			goto tempfail;
		if ((code = direct_reply (d, &r)) == 0) {
			why = g_steal_pointer (&r);
			goto tempfail;
		}
		if (reply_r)
			*reply_r = g_steal_pointer (&r);
		return content_result (code);
	}

tempfail:
	/* no connection, or it broke: nothing was delivered for sure; the connection is closed
	 * and the next message opens a new one */
	if (reply_r)
		*reply_r = g_steal_pointer (&why);
	return PD_SMTP_TEMPFAIL;
}

/* The content of the waiting message and its end, appended to D->out; the message is no
 * longer waiting (its outcome comes with the reply to this "."). */
static gpointer
take_waiting (Direct *d)
{
	gsize len;
	const char *p = g_bytes_get_data (d->waiting, &len);

	crlf_append (d->out, p, len, TRUE);
	g_byte_array_append (d->out, (const guint8 *) ".\r\n", 3);
	g_clear_pointer (&d->waiting, g_bytes_unref);
	return d->waiting_tag;
}

/* Read the reply to the "." of the message TAG and add its outcome. FALSE: the connection
 * is gone (the outcome says why), nothing more can be read. */
static gboolean
read_content_reply (Direct *d, gpointer tag, GPtrArray *outcomes, char **why_r)
{
	char *r = NULL;
	long code = direct_reply (d, &r);

	if (code == 0) {
		/* no 250 was read: not delivered as far as we know, it goes again */
		*why_r = g_strdup (r);
		outcome_add (outcomes, tag, PD_SMTP_TEMPFAIL, r);
		return FALSE;
	}
	outcome_add (outcomes, tag, content_result (code), r);
	return TRUE;
}

/* RFC 2920 across messages, on a connected relay that offers PIPELINING: one write carries
 * the waiting message's content and "." (or an RSET after a failed envelope), then this
 * message's MAIL, RCPT... and DATA, last in the group as the RFC wants; the replies are read
 * in order. The content of this message waits for the next group: it may only follow a 354. */
static void
direct_pipelined (Direct *d, const char *from, GPtrArray *tos, GBytes *data, gpointer tag,
                  GPtrArray *outcomes)
{
	g_autofree char *why = NULL, *failure = NULL;
	gpointer before = NULL;
	gboolean had_waiting = d->waiting != NULL, rset = FALSE, hang_up = FALSE;
	long code = 0, fail_code = 0;
	guint i, replies;

	g_byte_array_set_size (d->out, 0);
	if (had_waiting)
		before = take_waiting (d);
	else if (d->need_rset) {
		/* the last envelope failed (after a refused RCPT the relay still holds the MAIL):
		 * RSET may stand anywhere in a group */
		g_byte_array_append (d->out, (const guint8 *) "RSET\r\n", 6);
		rset = TRUE;
	}
	d->need_rset = FALSE;
	{
		g_autofree char *mail = g_strdup_printf ("MAIL FROM:%s\r\n", from);

		g_byte_array_append (d->out, (const guint8 *) mail, (guint) strlen (mail));
	}
	for (i = 0; i < tos->len; i++) {
		const char *to = tos->pdata[i];

		g_byte_array_append (d->out, (const guint8 *) "RCPT TO:", 8);
		g_byte_array_append (d->out, (const guint8 *) to, (guint) strlen (to));
		g_byte_array_append (d->out, (const guint8 *) "\r\n", 2);
	}
	g_byte_array_append (d->out, (const guint8 *) "DATA\r\n", 6);
	replies = tos->len + 2;

	if (!direct_write (d, (const char *) d->out->data, d->out->len, &why)) {
		/* whatever the relay got of it, no 250 was read: both go again */
		if (had_waiting)
			outcome_add (outcomes, before, PD_SMTP_TEMPFAIL, g_strdup (why));
		outcome_add (outcomes, tag, PD_SMTP_TEMPFAIL, g_steal_pointer (&why));
		return;
	}
	if (had_waiting && !read_content_reply (d, before, outcomes, &why)) {
		outcome_add (outcomes, tag, PD_SMTP_TEMPFAIL, g_steal_pointer (&why));
		return;
	}
	if (rset) {
		g_autofree char *r = NULL;

		if ((code = direct_reply (d, &r)) == 0) {
			outcome_add (outcomes, tag, PD_SMTP_TEMPFAIL, g_steal_pointer (&r));
			return;
		}
		if (code != 250) {
			/* the relay is confused: this message for later, a fresh connection then */
			failure = g_steal_pointer (&r);
			fail_code = 451;
			hang_up = TRUE; /* once the rest is read */
		}
	}
	for (i = 0; i < replies; i++) {
		g_autofree char *r = NULL;

		if ((code = direct_reply (d, &r)) == 0) {
			/* a 421 before the hang-up says more than the hang-up */
			outcome_add (outcomes, tag, PD_SMTP_TEMPFAIL,
			             failure ? g_steal_pointer (&failure) : g_steal_pointer (&r));
			return;
		}
		/* RFC 2920: after a refused MAIL or every RCPT refused, DATA gets 503/554; the
		 * first failure is the one that says why */
		if ((i < replies - 1 ? code >= 400 : code != 354) && failure == NULL) {
			failure = g_steal_pointer (&r);
			fail_code = code;
		}
	}
	if (failure == NULL) {
		d->waiting = g_bytes_ref (data);
		d->waiting_tag = tag;
		return;
	}
	if (code == 354 || hang_up)
		/* some recipient was refused but the relay waits for the message: there is no way
		 * to cancel DATA but to hang up, which drops the transaction */
		direct_close (d);
	else
		d->need_rset = TRUE;
	outcome_add (outcomes, tag, envelope_result (fail_code), g_steal_pointer (&failure));
}

/* The waiting message's content alone, and its reply. */
static void
direct_flush (Direct *d, GPtrArray *outcomes)
{
	g_autofree char *why = NULL;
	gpointer tag;

	if (d->waiting == NULL)
		return;
	g_byte_array_set_size (d->out, 0);
	tag = take_waiting (d);
	if (!direct_write (d, (const char *) d->out->data, d->out->len, &why)) {
		outcome_add (outcomes, tag, PD_SMTP_TEMPFAIL, g_steal_pointer (&why));
		return;
	}
	read_content_reply (d, tag, outcomes, &why);
}

/* One message to a direct relay: pipelined when it can be, else one command at a time. */
static void
direct_submit (Direct *d, const char *from, GPtrArray *tos, GBytes *data, gpointer tag,
               GPtrArray *outcomes)
{
	char *reply = NULL;
	PdSmtpResult result;

	if (d->fd < 0) {
		g_autofree char *why = NULL;

		if (!direct_connect (d, &why)) {
			/* no connection: nothing was delivered; the next message opens a new one */
			outcome_add (outcomes, tag, PD_SMTP_TEMPFAIL, g_steal_pointer (&why));
			return;
		}
	}
	if (d->pipelining) {
		direct_pipelined (d, from, tos, data, tag, outcomes);
		return;
	}
	result = direct_send (d, from, tos, data, &reply);
	outcome_add (outcomes, tag, result, reply);
}

/* A direct connection for SETTINGS when the relay is plain smtp:// with no AUTH and no
 * STARTTLS, else NULL (curl then does the talking). (transfer full) */
static Direct *
direct_new (const PdSmtpSettings *settings)
{
	CURLU *u;
	char *scheme = NULL, *host = NULL, *port = NULL;
	Direct *d = NULL;

	if (settings->user != NULL || settings->starttls)
		return NULL;
	u = curl_url ();
	if (curl_url_set (u, CURLUPART_URL, settings->url, 0) == CURLUE_OK &&
	    curl_url_get (u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    g_ascii_strcasecmp (scheme, "smtp") == 0 &&
	    curl_url_get (u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get (u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
		gsize hl = strlen (host);

		d = g_new0 (Direct, 1);
		/* an IPv6 literal comes in brackets */
		if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']')
			d->host = g_strndup (host + 1, hl - 2);
		else
			d->host = g_strdup (host);
		d->port = g_strdup (port);
		d->helo = g_strdup (settings->helo && *settings->helo ? settings->helo : "localhost");
		d->timeout = settings->timeout > 0 ? settings->timeout : 60;
		d->fd = -1;
		d->in = g_string_new (NULL);
		d->out = g_byte_array_new ();
	}
	curl_free (scheme);
	curl_free (host);
	curl_free (port);
	curl_url_cleanup (u);
	return d;
}

static void
direct_free (Direct *d)
{
	if (d == NULL)
		return;
	if (d->fd >= 0 && d->waiting == NULL) {
		g_autofree char *why = NULL, *r = NULL;

		/* (while a message waits for its content the relay is in DATA: QUIT would be
		 * content; closing drops that message, which was not delivered) */
		if (direct_write (d, "QUIT\r\n", 6, &why))
			direct_reply (d, &r);
		direct_close (d);
	}
	g_free (d->host);
	g_free (d->port);
	g_free (d->helo);
	g_string_free (d->in, TRUE);
	g_byte_array_unref (d->out);
	g_free (d);
}

PdSmtp *
pd_smtp_new (const PdSmtpSettings *settings)
{
	static GOnce once = G_ONCE_INIT;
	PdSmtp *smtp;
	long timeout;

	g_return_val_if_fail (settings != NULL && settings->url != NULL, NULL);
	g_once (&once, global_init, NULL);

	smtp = g_new0 (PdSmtp, 1);
	smtp->direct = direct_new (settings);
	smtp->curl = curl_easy_init ();
	g_assert (smtp->curl != NULL);
	smtp->url = url_with_helo (settings->url, settings->helo);
	smtp->user = g_strdup (settings->user);
	smtp->password = g_strdup (settings->password);
	smtp->ca_file = g_strdup (settings->ca_file);
	smtp->reply = g_string_new (NULL);
	timeout = settings->timeout > 0 ? settings->timeout : 60;

	/* curl copies string options; it keeps the error buffer's address and the read/debug data. */
	curl_easy_setopt (smtp->curl, CURLOPT_URL, smtp->url);
	curl_easy_setopt (smtp->curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt (smtp->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt (smtp->curl, CURLOPT_TIMEOUT, timeout);
	curl_easy_setopt (smtp->curl, CURLOPT_CONNECTTIMEOUT, MIN (timeout, 30L));
	curl_easy_setopt (smtp->curl, CURLOPT_ERRORBUFFER, smtp->errbuf);
	curl_easy_setopt (smtp->curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt (smtp->curl, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt (smtp->curl, CURLOPT_READDATA, smtp);
	/* The debug callback is only called in verbose mode; it replaces curl's stderr output. */
	curl_easy_setopt (smtp->curl, CURLOPT_VERBOSE, 1L);
	curl_easy_setopt (smtp->curl, CURLOPT_DEBUGFUNCTION, debug_cb);
	curl_easy_setopt (smtp->curl, CURLOPT_DEBUGDATA, smtp);
	if (smtp->user) {
		curl_easy_setopt (smtp->curl, CURLOPT_USERNAME, smtp->user);
		curl_easy_setopt (smtp->curl, CURLOPT_PASSWORD, smtp->password ? smtp->password : "");
	}
	/* smtps:// is TLS from the start; this is about STARTTLS on smtp://. */
	curl_easy_setopt (smtp->curl, CURLOPT_USE_SSL,
	                  settings->starttls ? (long) CURLUSESSL_ALL : (long) CURLUSESSL_NONE);
	if (smtp->ca_file)
		curl_easy_setopt (smtp->curl, CURLOPT_CAINFO, smtp->ca_file);
	if (settings->insecure) {
		curl_easy_setopt (smtp->curl, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt (smtp->curl, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	return smtp;
}

/* "<ADDR>", or NULL when ADDR could smuggle a command or break the envelope. (transfer full) */
static char *
envelope_address (const char *addr)
{
	for (const char *p = addr; *p; p++)
		if (*p == '\r' || *p == '\n' || *p == '<' || *p == '>' || (guchar) *p < 0x20)
			return NULL;
	return g_strdup_printf ("<%s>", addr);
}

/* The outcome of a finished transfer. Only a 5xx to the envelope or to the message itself is
 * permanent. Everything else keeps the mail queued for a retry: no connection, a timeout, a 4xx,
 * TLS trouble, and AUTH trouble too (a refused login or a 530 "authentication required" is the
 * relay's or our configuration's fault, not the message's; once fixed, the mail goes out). */
static PdSmtpResult
classify (PdSmtp *smtp, CURLcode res)
{
	long code = smtp->error_reply ? reply_code (smtp->error_reply) : 0;
	const char *cmd = smtp->error_command;

	if (res == CURLE_OK)
		return PD_SMTP_SENT; /* curl returns OK only after a 250 to the end of DATA */
	if (res == CURLE_LOGIN_DENIED || code == 530)
		return PD_SMTP_TEMPFAIL;
	if (code >= 500 && code < 600 &&
	    (g_str_equal (cmd, "MAIL") || g_str_equal (cmd, "RCPT") || g_str_equal (cmd, "DATA")))
		return PD_SMTP_PERMFAIL;
	return PD_SMTP_TEMPFAIL;
}

PdSmtpResult
pd_smtp_send (PdSmtp *smtp, const char *mail_from, const char *const *rcpts, GBytes *data,
              char **reply_r)
{
	g_autofree char *from = NULL;
	struct curl_slist *rcpt_list = NULL;
	PdSmtpResult result;
	CURLcode res;

	g_return_val_if_fail (smtp != NULL && mail_from != NULL && rcpts != NULL && rcpts[0] != NULL &&
	                      data != NULL, PD_SMTP_TEMPFAIL);

	from = envelope_address (mail_from);
	for (gsize i = 0; rcpts[i] != NULL; i++) {
		g_autofree char *to = envelope_address (rcpts[i]);
		if (to == NULL || from == NULL) {
			curl_slist_free_all (rcpt_list);
			if (reply_r)
				*reply_r = g_strdup_printf ("invalid envelope address <%s>",
				                            from ? rcpts[i] : mail_from);
			return PD_SMTP_PERMFAIL;
		}
		rcpt_list = curl_slist_append (rcpt_list, to);
		g_assert (rcpt_list != NULL);
	}

	if (smtp->direct != NULL) {
		g_autoptr (GPtrArray) tos = g_ptr_array_new_with_free_func (g_free);
		g_autoptr (GPtrArray) outcomes =
			g_ptr_array_new_with_free_func ((GDestroyNotify) pd_smtp_outcome_free);
		PdSmtpOutcome *o;

		g_return_val_if_fail (smtp->direct->waiting == NULL, PD_SMTP_TEMPFAIL);
		for (gsize i = 0; rcpts[i] != NULL; i++)
			g_ptr_array_add (tos, envelope_address (rcpts[i]));
		curl_slist_free_all (rcpt_list);
		direct_submit (smtp->direct, from, tos, data, NULL, outcomes);
		direct_flush (smtp->direct, outcomes);
		g_assert (outcomes->len == 1);
		o = outcomes->pdata[0];
		if (reply_r)
			*reply_r = g_steal_pointer (&o->reply);
		return o->result;
	}

	smtp->upload = to_crlf (data);
	smtp->upload_pos = 0;
	smtp->errbuf[0] = '\0';
	smtp->last_command[0] = '\0';
	g_string_truncate (smtp->reply, 0);
	smtp->reply_done = FALSE;
	g_clear_pointer (&smtp->error_reply, g_free);
	smtp->error_command[0] = '\0';

	curl_easy_setopt (smtp->curl, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt (smtp->curl, CURLOPT_MAIL_RCPT, rcpt_list);
	curl_easy_setopt (smtp->curl, CURLOPT_INFILESIZE_LARGE,
	                  (curl_off_t) g_bytes_get_size (smtp->upload));
	res = curl_easy_perform (smtp->curl);
	curl_easy_setopt (smtp->curl, CURLOPT_MAIL_RCPT, NULL);
	curl_easy_setopt (smtp->curl, CURLOPT_MAIL_FROM, NULL);
	curl_slist_free_all (rcpt_list);
	g_clear_pointer (&smtp->upload, g_bytes_unref);

	result = classify (smtp, res);
	if (reply_r) {
		if (res == CURLE_OK)
			*reply_r = g_strdup (smtp->reply->str);
		else if (smtp->error_reply != NULL)
			*reply_r = g_strdup (smtp->error_reply);
		else if (smtp->errbuf[0] != '\0')
			*reply_r = g_strdup (smtp->errbuf);
		else
			*reply_r = g_strdup (curl_easy_strerror (res));
	}
	return result;
}

void
pd_smtp_outcome_free (PdSmtpOutcome *outcome)
{
	if (outcome == NULL)
		return;
	g_free (outcome->reply);
	g_free (outcome);
}

void
pd_smtp_submit (PdSmtp *smtp, const char *mail_from, const char *const *rcpts, GBytes *data,
                gpointer tag, GPtrArray *outcomes)
{
	g_return_if_fail (smtp != NULL && mail_from != NULL && rcpts != NULL && rcpts[0] != NULL &&
	                  data != NULL && outcomes != NULL);

	if (smtp->direct != NULL) {
		g_autoptr (GPtrArray) tos = g_ptr_array_new_with_free_func (g_free);
		g_autofree char *from = envelope_address (mail_from);

		for (gsize i = 0; rcpts[i] != NULL; i++) {
			char *to = envelope_address (rcpts[i]);

			if (to == NULL || from == NULL) {
				g_free (to);
				outcome_add (outcomes, tag, PD_SMTP_PERMFAIL,
				             g_strdup_printf ("invalid envelope address <%s>",
				                              from ? rcpts[i] : mail_from));
				return;
			}
			g_ptr_array_add (tos, to);
		}
		direct_submit (smtp->direct, from, tos, data, tag, outcomes);
	} else {
		char *reply = NULL;
		PdSmtpResult result = pd_smtp_send (smtp, mail_from, rcpts, data, &reply);

		outcome_add (outcomes, tag, result, reply);
	}
}

void
pd_smtp_flush (PdSmtp *smtp, GPtrArray *outcomes)
{
	g_return_if_fail (smtp != NULL && outcomes != NULL);
	if (smtp->direct != NULL)
		direct_flush (smtp->direct, outcomes);
}

gboolean
pd_smtp_pending (PdSmtp *smtp)
{
	return smtp->direct != NULL && smtp->direct->waiting != NULL;
}

const char *
pd_smtp_result_name (PdSmtpResult result)
{
	switch (result) {
	case PD_SMTP_SENT:
		return "sent";
	case PD_SMTP_TEMPFAIL:
		return "tempfail";
	case PD_SMTP_PERMFAIL:
		return "permfail";
	}
	g_return_val_if_reached ("unknown");
}

void
pd_smtp_free (PdSmtp *smtp)
{
	if (smtp == NULL)
		return;
	direct_free (smtp->direct);
	curl_easy_cleanup (smtp->curl);
	g_free (smtp->url);
	g_free (smtp->user);
	g_free (smtp->password);
	g_free (smtp->ca_file);
	g_string_free (smtp->reply, TRUE);
	g_free (smtp->error_reply);
	g_free (smtp);
}
