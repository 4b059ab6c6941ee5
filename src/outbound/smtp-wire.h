/* smtp-wire.h - the SMTP text rules shared by smtp-direct.c, smtp-submit.c and smtp-curl.c:
 * line ends and dot-stuffing, reply codes and what they mean for a message, outcomes. Private
 * to the smtp-client files; the rest of postdesk uses smtp-client.h. */
#ifndef PD_SMTP_WIRE_H
#define PD_SMTP_WIRE_H

#include "outbound/smtp-client.h"

/* Append DATA (LEN bytes) to OUT with every bare LF made CRLF, ending in CRLF (unless empty);
 * with DOT_STUFF, a line that begins with "." gets another in front. */
void pd_smtp_crlf_append (GByteArray *out, const char *p, gsize len, gboolean dot_stuff);
/* A copy of DATA as pd_smtp_crlf_append() makes it. (transfer full) */
GBytes *pd_smtp_crlf_copy (GBytes *data, gboolean dot_stuff);

/* The code of REPLY (complete, lines joined by "\n"), 0 if it has none. */
long pd_smtp_reply_code (const char *reply);
/* What a failed reply CODE to MAIL, RCPT or DATA means for the message. */
PdSmtpResult pd_smtp_envelope_result (long code);
/* What the reply CODE to the end of a message's content means. */
PdSmtpResult pd_smtp_content_result (long code);

/* Append an outcome for TAG to OUTCOMES; it takes REPLY (transfer full). */
void pd_smtp_outcome_add (GPtrArray *outcomes, gpointer tag, PdSmtpResult result, char *reply);

#endif
