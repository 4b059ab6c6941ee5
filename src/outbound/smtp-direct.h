/* smtp-direct.h - the direct connection to a plain smtp:// relay (no TLS, no AUTH): the
 * socket and its replies (smtp-direct.c) and what a submitted message goes through, pipelined
 * or not (smtp-submit.c). Private to the smtp-client files. */
#ifndef PD_SMTP_DIRECT_H
#define PD_SMTP_DIRECT_H

#include "outbound/smtp-client.h"

/* The direct connection, for plain relays. */
typedef struct {
	char *host;
	char *port;
	char *helo;
	long timeout;
	int fd;               /* -1: not connected */
	gboolean pipelining;  /* the relay said PIPELINING to EHLO */
	gboolean need_rset;   /* the last transaction ended in an error: RSET before the next */
	GString *in;          /* bytes read and not yet taken as lines */
	/* Cross-message pipelining: the message whose DATA got its 354 and whose content goes
	 * out at the head of the next group (or in pd_smtp_flush()). NULL: none. */
	GBytes *waiting;
	gpointer waiting_tag;
	GByteArray *out;      /* the group being written, kept: no allocation per message */
} Direct;

/* smtp-direct.c */

/* A direct connection for SETTINGS when the relay is plain smtp:// with no AUTH and no
 * STARTTLS, else NULL. Not connected yet. (transfer full) */
Direct *pd_smtp_direct_new (const PdSmtpSettings *settings);
/* Says QUIT unless a message waits for its content, and frees D. */
void pd_smtp_direct_free (Direct *d);
/* Connect, read the greeting and say EHLO (HELO if EHLO is refused). */
gboolean pd_smtp_direct_connect (Direct *d, char **why_r);
/* Close the connection; a message waiting for its content is dropped (not delivered). */
void pd_smtp_direct_close (Direct *d);
/* Write all of BUF. On failure the connection is closed and *WHY_R says why. */
gboolean pd_smtp_direct_write (Direct *d, const char *buf, gsize len, char **why_r);
/* Read one whole reply into *REPLY_R (transfer full) and return its code; 0: the connection
 * failed and is closed, *REPLY_R says why. */
long pd_smtp_direct_reply (Direct *d, char **reply_r);

/* smtp-submit.c */

/* One message (FROM and TOS as "<address>") to a direct relay, connecting if needed:
 * pipelined when the relay offers it, else one command at a time. Outcomes as for
 * pd_smtp_submit(). */
void pd_smtp_direct_submit (Direct *d, const char *from, GPtrArray *tos, GBytes *data,
                            gpointer tag, GPtrArray *outcomes);
/* The waiting message's content alone, and its outcome. */
void pd_smtp_direct_flush (Direct *d, GPtrArray *outcomes);

#endif
