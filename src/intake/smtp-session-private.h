/* smtp-session-private.h - what smtp-session.c (the I/O driver) and smtp-command.c (the
 * protocol: commands, the message, the commit) share about a session. Not for other files. */
#ifndef PD_SMTP_SESSION_PRIVATE_H
#define PD_SMTP_SESSION_PRIVATE_H

#include "intake/smtp-session.h"
#include "intake/spool.h"

#define MAX_BAD 10         /* errors in one session before it is dropped */

typedef enum {
	ST_START, /* before HELO/EHLO/LHLO */
	ST_READY, /* greeted, no transaction */
	ST_MAIL,  /* MAIL given */
	ST_RCPT,  /* at least one recipient accepted */
	ST_DATA,  /* reading the message */
} State;

typedef enum { LINE_NONE, LINE_OK, LINE_LONG } LineStatus;

/* Which deadline ended (or would end) the session: see smtp-session.c */
typedef enum {
	TIMEOUT_NONE,
	TIMEOUT_IDLE,    /* no whole line within idle_timeout (or a write stalled that long) */
	TIMEOUT_COMMAND, /* a line unfinished command_timeout after its first byte */
	TIMEOUT_SESSION, /* session_timeout since the connection was accepted */
} Timeout;

struct PdSession {
	guint ref;
	PdSessionHost *host;
	GSocketConnection *sock;
	GIOStream *stream; /* sock, or the TLS connection over it */
	GCancellable *op_cancel;
	guint8 *chunk;
	GByteArray *in;
	gsize in_pos;
	GString *out;     /* replies not yet written */
	GString *sending; /* replies being written */
	guint idle_id;     /* the deadline timer of the operation in flight */
	Timeout timer_kind; /* which deadline that timer stands for */
	gint64 started;    /* monotonic µs: the connection was accepted */
	gint64 wait_since; /* since when the session waits for its next whole line */
	gint64 line_since; /* the first byte of a line not yet ended arrived; 0: none */
	gboolean line_done; /* a line was taken since the last read started */
	char *peer;

	gboolean reading, writing, committing, handshaking, closing;
	gboolean quit, want_tls, tls_on, skipping, aborted;
	Timeout timed_out;
	guint bad;
	/* replies written at once, writes that waited for the socket, reads (debug log at close) */
	guint writes_now, writes_waited, reads;

	State state;
	char *from;
	GPtrArray *rcpts;
	PdSpool *msg; /* NULL once the message is too big or could not be spooled */
	gsize msg_size;
	gboolean too_big, long_line, spool_failed;
	GPtrArray *committing_rcpts;
};


PdSession *pd_session_ref (PdSession *s);
void pd_session_unref (gpointer session);
/* Queue one reply line (CRLF added). */
void pd_session_reply (PdSession *s, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
/* A 5xx to a command; too many of them and the client is shown the door. */
void pd_session_count_bad (PdSession *s);
/* Forget the transaction (MAIL, RCPTs, message); a greeted session stays greeted. */
void pd_session_reset (PdSession *s);
void pd_session_close (PdSession *s);
/* Go on with the input: answer complete lines, then write, read, or wait. */
void pd_session_pump (PdSession *s);

/* smtp-command.c: one command line (with its line end) outside DATA */
void pd_session_command (PdSession *s, const char *line, gsize len);
/* smtp-command.c: one line of the message (LINE_LONG: too long, not kept) */
void pd_session_data_line (PdSession *s, const char *line, gsize len, LineStatus status);

#endif
