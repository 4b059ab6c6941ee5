/* wake-proto.c - the wake datagram (see wake-proto.h): both ends of it. */
#include "intake/wake-proto.h"
#include "intake/home-socket.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* how long a sender waits for room in serve's queue */
#define WAIT_MS 200

int
pd_wake_address (const char *home, struct sockaddr_un *addr)
{
	return pd_home_socket_address (home, PD_WAKE_SOCKET, addr);
}

int
pd_wake_connect (const char *home)
{
	struct sockaddr_un addr;
	int fd;

	if (pd_wake_address (home, &addr) < 0)
		return -1;
	fd = socket (AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect (fd, (struct sockaddr *) &addr, sizeof addr) < 0) {
		int e = errno;

		close (fd);
		errno = e;
		return -1;
	}
	return fd;
}

int
pd_wake_send (int fd, const int64_t *ids, size_t n)
{
	char buf[PD_WAKE_MAX_IDS * 21 + 1];

	while (n > 0) {
		size_t len = 0, i, count = n < PD_WAKE_MAX_IDS ? n : PD_WAKE_MAX_IDS;

		for (i = 0; i < count; i++)
			len += snprintf (buf + len, sizeof buf - len, "%s%lld", i ? " " : "",
			                 (long long) ids[i]);
		/* a full queue (net.unix.max_dgram_qlen, 10 on Debian) empties in a moment while
		 * serve runs: wait for it a little, then leave the rows to serve's next scan */
		if (send (fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
			struct pollfd p = { fd, POLLOUT, 0 };

			if (errno != EAGAIN || poll (&p, 1, WAIT_MS) <= 0 ||
			    send (fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
				return -1;
		}
		ids += count;
		n -= count;
	}
	return 0;
}

size_t
pd_wake_parse (const char *buf, size_t len, int64_t *ids, size_t max)
{
	size_t i = 0, n = 0;

	while (i < len && n < max) {
		int64_t id = 0;
		int digits = 0;

		while (i < len && buf[i] >= '0' && buf[i] <= '9' && digits < 18) {
			id = id * 10 + (buf[i++] - '0');
			digits++;
		}
		if (digits > 0 && id > 0 && (i == len || buf[i] == ' '))
			ids[n++] = id;
		while (i < len && buf[i] != ' ')
			i++; /* the rest of a word that was not a number */
		while (i < len && buf[i] == ' ')
			i++;
	}
	return n;
}
