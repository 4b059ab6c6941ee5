/* home-socket.c - a unix socket in the home: its address, and serve's bind of it (see
 * home-socket.h). */
#include "intake/home-socket.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

int
pd_home_socket_address (const char *home, const char *name, struct sockaddr_un *addr)
{
	int n;

	memset (addr, 0, sizeof *addr);
	addr->sun_family = AF_UNIX;
	n = snprintf (addr->sun_path, sizeof addr->sun_path, "%s/%s", home, name);
	if (n < 0 || (size_t) n >= sizeof addr->sun_path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

static int
bind_once (const struct sockaddr_un *addr, int type, mode_t mode)
{
	int fd = socket (AF_UNIX, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd >= 0 && bind (fd, (const struct sockaddr *) addr, sizeof *addr) == 0 &&
	    (mode == 0 || chmod (addr->sun_path, mode) == 0) &&
	    (type != SOCK_STREAM || listen (fd, 128) == 0))
		return fd;
	if (fd >= 0) {
		int e = errno;

		close (fd);
		errno = e;
	}
	return -1;
}

/* is someone listening on ADDR (a socket of TYPE)? */
static int
listened (const struct sockaddr_un *addr, int type)
{
	int fd = socket (AF_UNIX, type | SOCK_CLOEXEC, 0);
	int yes = fd >= 0 && connect (fd, (const struct sockaddr *) addr, sizeof *addr) == 0;

	if (fd >= 0)
		close (fd);
	return yes;
}

int
pd_home_socket_bind (const struct sockaddr_un *addr, int type, mode_t mode, int *taken_r)
{
	int fd = bind_once (addr, type, mode);

	*taken_r = 0;
	if (fd < 0 && errno == EADDRINUSE) {
		if (listened (addr, type)) {
			*taken_r = 1;
			errno = EADDRINUSE;
			return -1;
		}
		/* left by a serve that is gone */
		unlink (addr->sun_path);
		fd = bind_once (addr, type, mode);
	}
	return fd;
}
