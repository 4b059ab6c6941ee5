/* dkim.h - a DKIM-Signature (RFC 6376, rsa-sha256, relaxed/relaxed) for outgoing mail, made
 * with libopendkim from the [dkim] settings (domain, selector, key_file, headers). The
 * signed fields default to From, To, Subject, Date, Message-ID, the MIME fields and the
 * List-* fields (List-Id, List-Unsubscribe, List-Unsubscribe-Post: RFC 8058 wants those signed).
 * Stores nothing; reads the key file at each call. */
#ifndef PD_DKIM_H
#define PD_DKIM_H

#include <glib.h>

#include "core/settings.h"

/* The complete field "DKIM-Signature: …\r\n" (folded with CRLF TAB) to put before the first
 * header of RAW (LEN bytes, a whole message; LF or CRLF line ends), or NULL with no error
 * when [dkim] is not configured. NULL with ERROR when the key cannot be read or used.
 * (transfer full) */
char *pd_dkim_signature (const PdSettings *s, const char *raw, gsize len, GError **error);

/* RAW with the signature in front (or RAW itself, referenced, when DKIM is off); the
 * signature's line ends follow RAW's (CRLF when RAW has any). NULL with ERROR. (transfer full) */
GBytes *pd_dkim_sign_bytes (const PdSettings *s, GBytes *raw, GError **error);

#endif
