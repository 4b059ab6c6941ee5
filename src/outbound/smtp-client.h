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
 * when there is no relevant reply, curl's error text. Not while a submitted message is pending
 * (see pd_smtp_submit()). */
PdSmtpResult pd_smtp_send (PdSmtp *smtp, const char *mail_from, const char *const *rcpts,
                           GBytes *data, char **reply_r);

/* Cross-message pipelining (RFC 2920), for a sender with a stream of messages. With a plain
 * relay that offers PIPELINING, pd_smtp_submit() writes the previous message's body and "."
 * and this message's MAIL, RCPT and DATA in one write and reads their replies together: one
 * round trip per message. A message's result is known only once the reply to its own "." has
 * been read, in a later pd_smtp_submit() or in pd_smtp_flush(); until then the relay has
 * accepted its envelope but not its content, so it is not delivered. With any other relay
 * (no PIPELINING, TLS, AUTH) pd_smtp_submit() delivers at once, like pd_smtp_send().
 * Every message submitted gets exactly one outcome. */
typedef struct {
	gpointer tag;        /* the caller's, as given to pd_smtp_submit() */
	PdSmtpResult result; /* as pd_smtp_send()'s */
	char *reply;         /* as REPLY_R of pd_smtp_send() (transfer full) */
} PdSmtpOutcome;

void pd_smtp_outcome_free (PdSmtpOutcome *outcome);

/* Hand over one message (arguments as for pd_smtp_send()) and append to OUTCOMES
 * (PdSmtpOutcome*, the caller frees them) every outcome that became known: the previous
 * message's, and this one's when it failed before its content or the relay does not
 * pipeline. A message still waiting for its content is finished by the next call or by
 * pd_smtp_flush(); do not leave one waiting long (the relay times out). */
void pd_smtp_submit (PdSmtp *smtp, const char *mail_from, const char *const *rcpts,
                     GBytes *data, gpointer tag, GPtrArray *outcomes);

/* Send the content of the message still waiting, if any, and append its outcome. */
void pd_smtp_flush (PdSmtp *smtp, GPtrArray *outcomes);

/* Whether a submitted message's outcome is still to come. */
gboolean pd_smtp_pending (PdSmtp *smtp);

/* The name of RESULT ("sent", "tempfail", "permfail"). (transfer none) */
const char *pd_smtp_result_name (PdSmtpResult result);

void pd_smtp_free (PdSmtp *smtp);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdSmtp, pd_smtp_free)

#endif
