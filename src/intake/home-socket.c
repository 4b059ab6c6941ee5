/* home-socket.c - the address of a unix socket in the home (see home-socket.h). */
#include "intake/home-socket.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

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
