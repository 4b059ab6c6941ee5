/* intake.h - a message enters postdesk: its raw bytes are committed, one intake row per
 * envelope recipient (deduplicated by SHA-256 and recipient, the bytes stored once), before
 * anything else; then each row is parsed, judged by the filter chain and acted on.
 * Unparsable or over-limit mail is quarantined with the reason; nothing is dropped. */
#ifndef PD_INTAKE_H
#define PD_INTAKE_H

#include "tickets/actions.h"
#include "app/app.h"

/* The envelope sender as intake keeps it: trimmed, lower case; "" for the null sender <>,
 * which Postfix's pipe passes as MAILER-DAEMON (so it is "" too, in any case, with or
 * without a domain). NULL (unknown) stays NULL. (transfer full) */
char *pd_intake_sender (const char *envelope_from);
/* An envelope recipient as intake keeps it: trimmed, lower case, NULL if empty. (transfer full) */
char *pd_intake_recipient (const char *envelope_rcpt);

/* Inside a write transaction: add RAW for one recipient (normalised as above). A re-delivery
 * (the same bytes for the same recipient) gives the existing row, DUPLICATE_R TRUE, and is
 * logged with its intake id, recipient and state. */
gboolean pd_intake_add (PdApp *app, GBytes *raw, const char *source, const char *envelope_from,
                        const char *envelope_rcpt, gint64 now, gint64 *id_r,
                        gboolean *duplicate_r, GError **error);

/* Commit RAW as a pending intake row for ENVELOPE_RCPT (may be NULL), its own transaction.
 * DUPLICATE_R: the same bytes were there already for that recipient. */
gboolean pd_intake_accept (PdApp *app, GBytes *raw, const char *source, const char *envelope_from,
                           const char *envelope_rcpt, gint64 *id_r, gboolean *duplicate_r,
                           GError **error);

/* Parse, classify and apply a pending intake row. A row not pending is left alone
 * (OUT->action "already-done"). A queue address whose message also went to a +extension of
 * the same address (support@ and support+t12-SIG@) is left to that row (OUT->action
 * "skipped"). Logs one line with the decision. */
gboolean pd_intake_process (PdApp *app, gint64 id, PdOutcome *out, GError **error);

/* Process row ID and settle it: TRUE when it is done or quarantined (OUT->action says
 * which; a failure that no retry can fix quarantines it with the reason). FALSE with
 * PD_ERROR_TEMPFAIL when a retry may succeed: the row stays pending (logged); with
 * PD_ERROR_NOTFOUND when there is no row ID; with another error only when the row could not
 * even be quarantined. The one recovery path of
 * deliver, serve's worker, the IMAP fetcher and quarantine retry. */
gboolean pd_intake_settle (PdApp *app, gint64 id, PdOutcome *out, GError **error);

/* Processing in two steps (serve's worker, issue 10): what needs no write lock first (the
 * row read once, with its bytes, and parsed), then the rest under the lock. Prepare never
 * fails: a read error is kept in P and reported by the second step. */
typedef struct {
	gint64 id;
	PdIntakeRow *row;    /* NULL when it could not be read (ERROR says why) */
	PdIntakeRow *by;     /* the +extension row that speaks for this one, or NULL */
	PdMail *mail;        /* NULL: not parsed (not pending, covered, or PARSE_ERROR) */
	GError *error;       /* a store error while reading */
	GError *parse_error; /* why the mail is quarantined unparsed */
} PdIntakePrepared;

void pd_intake_prepare (PdApp *app, gint64 id, PdIntakePrepared *p);
/* pd_intake_settle on a prepared row; P's errors are consumed. */
gboolean pd_intake_settle_prepared (PdApp *app, PdIntakePrepared *p, PdOutcome *out,
                                    GError **error);
void pd_intake_prepared_clear (PdIntakePrepared *p);

/* Quarantine intake row ID with REASON if it is still pending (its own transaction). */
gboolean pd_intake_quarantine (PdApp *app, gint64 id, const char *reason, GError **error);

#endif
