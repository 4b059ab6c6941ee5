/* intake.h - a message enters postdesk: its raw bytes are committed (deduplicated by
 * SHA-256) before anything else, then it is parsed, judged by the filter chain and acted on.
 * Unparsable or over-limit mail is quarantined with the reason; nothing is dropped. */
#ifndef PD_INTAKE_H
#define PD_INTAKE_H

#include "tickets/actions.h"
#include "app/app.h"

/* Commit RAW as a pending intake row. DUPLICATE_R: the same bytes were there already. */
gboolean pd_intake_accept (PdApp *app, GBytes *raw, const char *source, const char *envelope_from,
                           const char *envelope_rcpt, gint64 *id_r, gboolean *duplicate_r,
                           GError **error);

/* Parse, classify and apply a pending intake row. A row not pending is left alone
 * (OUT->action "already-done"). Logs one line with the decision. */
gboolean pd_intake_process (PdApp *app, gint64 id, PdOutcome *out, GError **error);

/* Quarantine intake row ID with REASON (its own transaction). */
gboolean pd_intake_quarantine (PdApp *app, gint64 id, const char *reason, GError **error);

#endif
