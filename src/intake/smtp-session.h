/* smtp-session.h - one SMTP (RFC 5321) or LMTP (RFC 2033) conversation on the main loop:
 * commands, pipelining, DATA with dot-unstuffing, STARTTLS, limits. A message is answered
 * 250 only once PdIngest has committed it. It does not accept connections or count them
 * (listener.c does); the host outlives its sessions. */
#ifndef PD_SMTP_SESSION_H
#define PD_SMTP_SESSION_H

#include <gio/gio.h>

#include "intake/pipeline.h"
#include "core/settings.h"

typedef struct PdSession PdSession;

/* What a session needs from its listener. Fields may change between commands (SIGHUP). */
typedef struct {
	gboolean lmtp;
	const PdSettings *settings; /* limits and the addresses we accept mail for */
	GTlsCertificate *tls;       /* STARTTLS certificate, NULL: not offered */
	PdIngest *ingest;
	gboolean stopping;          /* finish the current transaction, then 421 and close */
	/* called once when the session has ended (its connection is closed) */
	void (*closed) (PdSession *session, gpointer data);
	gpointer data;
} PdSessionHost;

/* Start talking on CONN (the session takes its own reference). (transfer none: the session
 * frees itself after HOST->closed) */
PdSession *pd_session_start (PdSessionHost *host, GSocketConnection *conn);

/* HOST->stopping was set: a session waiting for its next command is told 421 now. */
void pd_session_stop (PdSession *session);

/* Drop the connection now, whatever state it is in. */
void pd_session_abort (PdSession *session);

/* Is ADDR (no angle brackets) one we take mail for: a queue address or the bounce address,
 * with or without a +extension? */
gboolean pd_session_own_address (const PdSettings *settings, const char *addr);

/* lists (issue 12): more recipients to take mail for, decided by FN on the main loop (a
 * list's own and request addresses, which live in the store): 1 yes, 0 no, -1 cannot tell now (the
 * client is told 451 and retries). One for the process; NULL: none. Set by serve. */
typedef int (*PdSessionAcceptFunc) (const char *addr, gpointer data);
void pd_session_set_accept (PdSessionAcceptFunc fn, gpointer data);

#endif
