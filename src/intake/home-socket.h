/* home-socket.h - a unix socket in the home (HOME/NAME): its address, shared by serve's wake
 * datagram socket and its hand-over stream socket and by postdesk-deliver, and serve's bind of
 * either, replacing the one a killed serve left. Plain C. */
#ifndef PD_HOME_SOCKET_H
#define PD_HOME_SOCKET_H

#include <sys/types.h>
#include <sys/un.h>

/* HOME/NAME as a socket address: 0, or -1 with ENAMETOOLONG when the path does not fit. */
int pd_home_socket_address (const char *home, const char *name, struct sockaddr_un *addr);

/* Bind a socket of TYPE (SOCK_DGRAM, or SOCK_STREAM, which then listens) at ADDR, non-blocking
 * and close-on-exec, its file given MODE first when MODE is not 0 (before listen: nobody
 * connects in between). A file at ADDR that nobody listens on (a serve killed with -9) is
 * replaced. The fd, or -1 with errno; *TAKEN_R is 1 when another process listens on ADDR (a
 * second serve on the home), whose socket is then left alone. */
int pd_home_socket_bind (const struct sockaddr_un *addr, int type, mode_t mode, int *taken_r);

#endif
