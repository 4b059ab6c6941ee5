/* handover-proto.h - how postdesk-deliver hands a message to serve's group commit (issue 10,
 * share): 8 processes each committing their own rows queue behind SQLite's one write lock,
 * each holding it through its own fsync; serve's writer commits everything that arrived
 * meanwhile with one fsync. A stream connection to the unix socket HOME/deliver.sock, which
 * serve binds while it runs (intake/handover.c). Plain C, shared with postdesk-deliver.
 *
 * The request: "PDH1", the header's length and the message's length (each 4 bytes, network
 * order), the header, the message. The header is the sender ('S' and the address, or 'N' for
 * none) and then each recipient, every one ending in a NUL; the addresses as given on the
 * command line (serve normalises them as every intake path does).
 * The reply, once the rows are committed (synchronous=FULL) or could not be: a line per
 * recipient (one when there is none), "ok ID\n" or "dup ID\n" (stored before: a retry),
 * or "tempfail\n"; then serve closes the connection. Anything else, or nothing, means the
 * client cannot know: it commits the rows itself, and duplicate recognition makes that safe
 * if serve committed them too. */
#ifndef PD_HANDOVER_PROTO_H
#define PD_HANDOVER_PROTO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/un.h>

#define PD_HANDOVER_SOCKET "deliver.sock"
#define PD_HANDOVER_MAGIC "PDH1"
#define PD_HANDOVER_PREFIX 12
/* what serve takes at most: the header, the message (postdesk-deliver hands over only what
 * it holds in memory, 1 MB) */
#define PD_HANDOVER_MAX_HEADER (1024 * 1024)
#define PD_HANDOVER_MAX_BODY (64 * 1024 * 1024)

/* HOME/deliver.sock as a socket address: 0, or -1 when the path is too long for one. */
int pd_handover_address (const char *home, struct sockaddr_un *addr);

/* The prefix of a request in BUF (PD_HANDOVER_PREFIX bytes): 0 with the lengths, or -1 when
 * it is not one, or too long. */
int pd_handover_parse_prefix (const unsigned char *buf, uint32_t *header_len_r,
                              uint32_t *body_len_r);

/* Hand the message (LEN bytes) for the N recipients RCPTS from FROM (NULL: none) to serve in
 * HOME, waiting at most TIMEOUT_MS for each step: 0 when serve committed a row for every
 * recipient (IDS_R: their ids, DUP_R: 1 for a row stored before), or -1 with WHY_R (nothing
 * is known then: the caller commits the rows itself). */
int pd_handover_send (const char *home, int timeout_ms, const char *from,
                      const char *const *rcpts, int n, const void *bytes, size_t len,
                      int64_t *ids_r, int *dup_r, char *why_r, size_t why_len);

#endif
