/* handover-proto.c - the handover of a message to serve (see handover-proto.h): the address,
 * the request's prefix, and the client's side. */
#include "intake/handover-proto.h"
#include "intake/home-socket.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>

int
pd_handover_address (const char *home, struct sockaddr_un *addr)
{
	return pd_home_socket_address (home, PD_HANDOVER_SOCKET, addr);
}

int
pd_handover_parse_prefix (const unsigned char *buf, uint32_t *header_len_r,
                          uint32_t *body_len_r)
{
	uint32_t h, b;

	if (memcmp (buf, PD_HANDOVER_MAGIC, 4) != 0)
		return -1;
	memcpy (&h, buf + 4, 4);
	memcpy (&b, buf + 8, 4);
	*header_len_r = ntohl (h);
	*body_len_r = ntohl (b);
	if (*header_len_r < 2 || *header_len_r > PD_HANDOVER_MAX_HEADER ||
	    *body_len_r > PD_HANDOVER_MAX_BODY)
		return -1;
	return 0;
}

/* The N pieces of IOV in one sendmsg (as far as it takes them): serve's main loop wakes up
 * once for the whole request, not once per piece (issue 10, quiet). 0, or -1. */
static int
send_all (int fd, struct iovec *iov, int n)
{
	struct msghdr msg = { 0 };

	msg.msg_iov = iov;
	msg.msg_iovlen = n;
	while (msg.msg_iovlen > 0) {
		ssize_t sent = sendmsg (fd, &msg, MSG_NOSIGNAL);

		if (sent < 0 && errno == EINTR)
			continue;
		if (sent < 0)
			return -1;
		while (msg.msg_iovlen > 0 && (size_t) sent >= msg.msg_iov->iov_len) {
			sent -= msg.msg_iov->iov_len;
			msg.msg_iov++;
			msg.msg_iovlen--;
		}
		if (msg.msg_iovlen > 0) {
			msg.msg_iov->iov_base = (char *) msg.msg_iov->iov_base + sent;
			msg.msg_iov->iov_len -= sent;
		}
	}
	return 0;
}

/* the reply, up to serve's close: 0, or -1 */
static int
read_reply (int fd, char *buf, size_t size, size_t *len_r)
{
	size_t len = 0;

	for (;;) {
		ssize_t n = recv (fd, buf + len, size - 1 - len, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		len += n;
		if (len == size - 1) {
			errno = EMSGSIZE;
			return -1;
		}
	}
	buf[len] = '\0';
	*len_r = len;
	return 0;
}

int
pd_handover_send (const char *home, int timeout_ms, const char *from,
                  const char *const *rcpts, int n, const void *bytes, size_t len,
                  int64_t *ids_r, int *dup_r, char *why_r, size_t why_len)
{
	struct sockaddr_un addr;
	struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
	unsigned char prefix[PD_HANDOVER_PREFIX];
	struct iovec iov[3];
	size_t hlen = 2, rlen = 0, at = 0;
	char *header = NULL, *reply = NULL, *line;
	uint32_t v;
	int fd = -1, i, lines = n > 0 ? n : 1, rc = -1;

	if (len > PD_HANDOVER_MAX_BODY) {
		snprintf (why_r, why_len, "the message is too big to hand over");
		return -1;
	}
	if (pd_handover_address (home, &addr) < 0 ||
	    (fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0 ||
	    setsockopt (fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) < 0 ||
	    connect (fd, (struct sockaddr *) &addr, sizeof addr) < 0) {
		snprintf (why_r, why_len, "connecting to %s: %s", addr.sun_path, strerror (errno));
		goto out;
	}
	if (from != NULL)
		hlen += strlen (from);
	for (i = 0; i < n; i++)
		hlen += strlen (rcpts[i]) + 1;
	if (hlen > PD_HANDOVER_MAX_HEADER || (header = malloc (hlen)) == NULL ||
	    (reply = malloc (lines * 32 + 64)) == NULL) {
		snprintf (why_r, why_len, "the envelope is too big to hand over");
		goto out;
	}
	header[at++] = from != NULL ? 'S' : 'N';
	if (from != NULL) {
		memcpy (header + at, from, strlen (from));
		at += strlen (from);
	}
	header[at++] = '\0';
	for (i = 0; i < n; i++) {
		memcpy (header + at, rcpts[i], strlen (rcpts[i]) + 1);
		at += strlen (rcpts[i]) + 1;
	}
	memcpy (prefix, PD_HANDOVER_MAGIC, 4);
	v = htonl ((uint32_t) hlen);
	memcpy (prefix + 4, &v, 4);
	v = htonl ((uint32_t) len);
	memcpy (prefix + 8, &v, 4);
	iov[0].iov_base = prefix;
	iov[0].iov_len = sizeof prefix;
	iov[1].iov_base = header;
	iov[1].iov_len = hlen;
	iov[2].iov_base = (void *) bytes;
	iov[2].iov_len = len;
	if (send_all (fd, iov, 3) < 0) {
		snprintf (why_r, why_len, "sending to serve: %s", strerror (errno));
		goto out;
	}
	shutdown (fd, SHUT_WR);
	if (read_reply (fd, reply, lines * 32 + 64, &rlen) < 0) {
		snprintf (why_r, why_len, "waiting for serve's reply: %s", strerror (errno));
		goto out;
	}
	line = reply;
	for (i = 0; i < lines; i++) {
		char *end = strchr (line, '\n'), *num;
		long long id;

		if (end == NULL)
			break;
		*end = '\0';
		if (strncmp (line, "ok ", 3) == 0 || strncmp (line, "dup ", 4) == 0) {
			num = strchr (line, ' ') + 1;
			id = strtoll (num, NULL, 10);
			if (id <= 0)
				break;
			ids_r[i] = id;
			dup_r[i] = line[0] == 'd';
		} else
			break;
		line = end + 1;
	}
	if (i < lines || line != reply + rlen) {
		snprintf (why_r, why_len, "serve did not commit every row (its reply: %.60s)",
		          rlen > 0 ? reply : "none");
		goto out;
	}
	rc = 0;
out:
	if (fd >= 0)
		close (fd);
	free (header);
	free (reply);
	return rc;
}
