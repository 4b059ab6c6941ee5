/* smtp-direct.c - the direct connection to a plain smtp:// relay (smtp-direct.h): who the
 * relay is, connecting and saying EHLO, writing bytes and reading whole replies, closing.
 * Apart from the submit state machine (smtp-submit.c) because this is the socket's job only:
 * it never decides what a reply means for a message. */
#include "outbound/smtp-direct.h"

#include <curl/curl.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "outbound/smtp-wire.h"

void
pd_smtp_direct_close (Direct *d)
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
gboolean
pd_smtp_direct_write (Direct *d, const char *buf, gsize len, char **why_r)
{
	while (len > 0) {
		ssize_t n = send (d->fd, buf, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			*why_r = g_strdup_printf ("writing to the relay: %s",
			                          n < 0 ? g_strerror (errno) : "connection closed");
			pd_smtp_direct_close (d);
			return FALSE;
		}
		buf += n;
		len -= (gsize) n;
	}
	return TRUE;
}

/* Read one whole reply, its lines joined by "\n", into *REPLY_R (transfer full), and return
 * its code. On failure it returns 0, closes the connection and *REPLY_R says why. */
long
pd_smtp_direct_reply (Direct *d, char **reply_r)
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
				pd_smtp_direct_close (d);
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
				pd_smtp_direct_close (d);
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
	code = pd_smtp_reply_code (reply->str);
	if (code < 100) {
		*reply_r = g_strdup_printf ("not an SMTP reply: %.200s", reply->str);
		pd_smtp_direct_close (d);
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
gboolean
pd_smtp_direct_connect (Direct *d, char **why_r)
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
	if ((code = pd_smtp_direct_reply (d, &greeting)) == 0) {
		*why_r = g_steal_pointer (&greeting);
		return FALSE;
	}
	if (code != 220) {
		*why_r = g_steal_pointer (&greeting);
		pd_smtp_direct_close (d);
		return FALSE;
	}
	cmd = g_strdup_printf ("EHLO %s\r\n", d->helo);
	if (!pd_smtp_direct_write (d, cmd, strlen (cmd), why_r))
		return FALSE;
	if ((code = pd_smtp_direct_reply (d, &ehlo)) == 0) {
		*why_r = g_steal_pointer (&ehlo);
		return FALSE;
	}
	if (code >= 500 && code < 600) { /* an old relay: HELO, and no extensions */
		g_free (cmd);
		g_free (ehlo);
		cmd = g_strdup_printf ("HELO %s\r\n", d->helo);
		if (!pd_smtp_direct_write (d, cmd, strlen (cmd), why_r))
			return FALSE;
		if ((code = pd_smtp_direct_reply (d, &ehlo)) == 0) {
			*why_r = g_steal_pointer (&ehlo);
			return FALSE;
		}
	}
	if (code != 250) {
		*why_r = g_steal_pointer (&ehlo);
		pd_smtp_direct_close (d);
		return FALSE;
	}
	d->pipelining = has_extension (ehlo, "PIPELINING");
	return TRUE;
}

/* A direct connection for SETTINGS when the relay is plain smtp:// with no AUTH and no
 * STARTTLS, else NULL (curl then does the talking). (transfer full) */
Direct *
pd_smtp_direct_new (const PdSmtpSettings *settings)
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

void
pd_smtp_direct_free (Direct *d)
{
	if (d == NULL)
		return;
	if (d->fd >= 0 && d->waiting == NULL) {
		g_autofree char *why = NULL, *r = NULL;

		/* (while a message waits for its content the relay is in DATA: QUIT would be
		 * content; closing drops that message, which was not delivered) */
		if (pd_smtp_direct_write (d, "QUIT\r\n", 6, &why))
			pd_smtp_direct_reply (d, &r);
		pd_smtp_direct_close (d);
	}
	g_free (d->host);
	g_free (d->port);
	g_free (d->helo);
	g_string_free (d->in, TRUE);
	g_byte_array_unref (d->out);
	g_free (d);
}
