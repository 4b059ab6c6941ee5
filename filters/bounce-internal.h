/* bounce-internal.h - private to the bounce filter (bounce*.c): one delivery record, and the
 * parsers that produce them from a message/delivery-status body, from the free text of
 * non-standard bounces, and from the MIME tree. Nothing here touches PdContext or the store. */
#ifndef PD_BOUNCE_INTERNAL_H
#define PD_BOUNCE_INTERNAL_H

#include <glib.h>
#include <gmime/gmime.h>
#include "mail/mail.h"
#include "filters/chain.h"

typedef struct {
	char *recipient;  /* lower-cased addr-spec, or NULL */
	char *action;     /* lower case: "failed", "delayed", "delivered", ... or NULL */
	char *status;     /* enhanced status "5.1.1", or NULL */
	char *diagnostic; /* Diagnostic-Code or the MTA's text, or NULL */
} PdBounceRecord;

void pd_bounce_record_free (PdBounceRecord *rec);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdBounceRecord, pd_bounce_record_free)

/* bounce-dsn.c: the per-recipient blocks of an RFC 3464 message/delivery-status body (or of
 * DSN fields pasted into a text part). Blocks without a recipient are skipped.
 * Returns PdBounceRecord* (transfer full, never NULL, may be empty). */
GPtrArray *pd_bounce_dsn_parse (const char *text);

/* bounce-text.c: failed recipients in the human-readable text of a bounce (Postfix, Exim,
 * Sendmail, qmail, Exchange, Gmail, Yahoo, Domino...), skipping every address in EXCLUDE
 * (NULL-terminated, lower case: the bounce's own sender and the original sender).
 * Returns PdBounceRecord* (transfer full, never NULL, may be empty). */
GPtrArray *pd_bounce_text_parse (const char *text, const char *const *exclude);

/* The first enhanced status code (x.y.z, x in 2/4/5) in TEXT, else one mapped from a 3-digit
 * SMTP reply code. NULL if none. (transfer full) */
char *pd_bounce_status_in_text (const char *text);

/* A status inferred from well-known phrases ("user unknown" -> 5.1.1, "mailbox full" ->
 * 4.2.2...), with the phrase that matched in RULE_R (transfer none, static). NULL if none.
 * (transfer full) */
char *pd_bounce_status_from_phrase (const char *text, const char **rule_r);

/* Does TEXT read like a delay warning ("will retry", "delayed", "still being retried")? */
gboolean pd_bounce_text_is_delay (const char *text);

/* Lower-cased bare address from "rfc822; <a@b>" or "<a@b>" or "a@b". NULL if none.
 * (transfer full) */
char *pd_bounce_clean_address (const char *value);

/* bounce-mime.c: what a bounce's MIME tree holds, gathered in one walk. */
typedef struct {
	char *report_type;    /* multipart/report report-type, lower case, or NULL */
	GString *dsn;         /* message/delivery-status bodies, concatenated */
	GString *feedback;    /* message/feedback-report bodies (ARF), concatenated */
	GString *text;        /* human-readable text, without the returned original */
	char *orig_headers;   /* header block of the returned original, or NULL */
	gboolean has_original; /* a message/rfc822 or text/rfc822-headers part was seen */
} PdBounceParts;

/* Walk MESSAGE. (transfer full: free with pd_bounce_parts_free) */
PdBounceParts *pd_bounce_parts_collect (GMimeMessage *message);
void pd_bounce_parts_free (PdBounceParts *parts);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdBounceParts, pd_bounce_parts_free)

/* The value of header NAME (case-insensitive, unfolded) in a raw header block, or NULL.
 * (transfer full) */
char *pd_bounce_header_in_block (const char *block, const char *name);

/* autoreply.c: whether MAIL is a challenge of a challenge-response spam filter (Boxbe,
 * Bluebottle, SpamArrest, TMDA: "please confirm you are human"); the rule that said so
 * (transfer none, static) or NULL. The bounce filter leaves such mail to the autoreply one. */
const char *pd_challenge_response_rule (const PdMail *mail);
/* The same, judged once per mail and kept in CTX (the chain asks twice). */
const char *pd_challenge_response_once (PdContext *ctx, const PdMail *mail);

#endif
