/* wake-proto.h - how another process tells `serve` that intake rows wait: a datagram of
 * decimal row ids to the unix socket HOME/wake.sock, which serve binds while it runs
 * (intake/wake.c). A process that finds nobody there (no file, or a file no one listens on)
 * knows serve is not running. Losing a datagram loses nothing: serve scans for pending rows
 * every [serve] send_interval seconds. Plain C, shared with postdesk-deliver. */
#ifndef PD_WAKE_PROTO_H
#define PD_WAKE_PROTO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/un.h>

#define PD_WAKE_SOCKET "wake.sock"
/* ids in one datagram at most (the rest go in more) */
#define PD_WAKE_MAX_IDS 64

/* HOME/wake.sock as a socket address: 0, or -1 when the path is too long for one. */
int pd_wake_address (const char *home, struct sockaddr_un *addr);
/* A datagram socket connected to serve's in HOME, or -1 with errno (ENOENT, ECONNREFUSED:
 * serve is not running). */
int pd_wake_connect (const char *home);
/* Tell serve about the N rows IDS on FD (from pd_wake_connect), without blocking: 0, or -1
 * with errno (ECONNREFUSED: serve has gone since; EAGAIN: its queue is full, and its next scan
 * finds the rows). */
int pd_wake_send (int fd, const int64_t *ids, size_t n);
/* The ids in datagram BUF of LEN bytes, at most MAX of them, into IDS: how many. Anything
 * that is not a positive decimal number is skipped. */
size_t pd_wake_parse (const char *buf, size_t len, int64_t *ids, size_t max);

#endif
