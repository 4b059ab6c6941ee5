/* home-socket.h - the address of a unix socket in the home (HOME/NAME), shared by serve's
 * wake datagram socket and its hand-over stream socket, and by postdesk-deliver. Plain C. */
#ifndef PD_HOME_SOCKET_H
#define PD_HOME_SOCKET_H

#include <sys/un.h>

/* HOME/NAME as a socket address: 0, or -1 with ENAMETOOLONG when the path does not fit. */
int pd_home_socket_address (const char *home, const char *name, struct sockaddr_un *addr);

#endif
