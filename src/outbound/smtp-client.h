/* smtp-client.h - deliver one composed message to an SMTP relay, reusing the connection: a
 * plain smtp:// relay without AUTH or STARTTLS directly, with RFC 2920 pipelining when it
 * offers it; any other through libcurl. Knows nothing about the store, the outbox or retries:
 * the caller decides what a result means. A PdSmtp owns a copy of its settings and one
 * connection; it is not thread-safe (one per thread; several may run at once). */
#ifndef PD_SMTP_H
#define PD_SMTP_H

#include <glib.h>

typedef struct {
	char *url;         /* smtp://host:port or smtps://host:port (from [smtp] relay) */
	char *user;        /* may be NULL: no AUTH */
	char *password;    /* may be NULL */
	gboolean starttls; /* require STARTTLS on smtp:// */
	char *ca_file;     /* may be NULL: system CAs */
	gboolean insecure; /* don't verify the relay's certificate (tests) */
	char *helo;        /* EHLO name, may be NULL (curl then uses the host name) */
	long timeout;      /* seconds for one message; <= 0 means 60 */
} PdSmtpSettings;

typedef enum {
	PD_SMTP_SENT,     /* the relay answered 250 to the end of DATA */
	PD_SMTP_TEMPFAIL, /* try again later: no connection, timeout, 4xx, TLS or AUTH trouble */
	PD_SMTP_PERMFAIL, /* the relay refused the envelope or the message with 5xx */
} PdSmtpResult;

typedef struct PdSmtp PdSmtp;

/* Copies what it needs from SETTINGS. Connects lazily, in pd_smtp_send(). (transfer full) */
PdSmtp *pd_smtp_new (const PdSmtpSettings *settings);

/* Deliver DATA (a complete RFC 5322 message, CRLF or LF line ends; sent as CRLF, dot-stuffed)
 * from MAIL_FROM ("" = null sender) to RCPTS (NULL-terminated, at least one; bare addresses).
 * The connection is kept open between calls and reused.
 * REPLY_R (transfer full, may be NULL) gets the relay's last reply (lines joined by "\n") or,
 * when there is no relevant reply, curl's error text. */
PdSmtpResult pd_smtp_send (PdSmtp *smtp, const char *mail_from, const char *const *rcpts,
                           GBytes *data, char **reply_r);

/* The name of RESULT ("sent", "tempfail", "permfail"). (transfer none) */
const char *pd_smtp_result_name (PdSmtpResult result);

void pd_smtp_free (PdSmtp *smtp);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdSmtp, pd_smtp_free)

#endif
