/* actions.h - apply what the filter chain decided, in ONE store transaction: the message row,
 * ticket changes, audit events, outgoing mail as outbox rows, and the intake row's final
 * state. Filters judge; this acts. */
#ifndef PD_ACTIONS_H
#define PD_ACTIONS_H

#include "app/app.h"
#include "filters/chain.h"
#include "mail/mail.h"

typedef struct {
	gint64 ticket_id;    /* 0 if none */
	gint64 message_id;   /* the stored message row */
	const char *action;  /* "new-ticket", "threaded", "stored", "quarantined", "already-done" */
	gboolean acked;      /* an acknowledgement was queued */
	char *note;          /* why something did not happen (rate limit...), may be NULL */
} PdOutcome;
void pd_outcome_clear (PdOutcome *out);

/* Judge MAIL, which arrived as intake row INTAKE_ID, and apply the verdict. The filter chain
 * runs inside the write transaction (BEGIN IMMEDIATE), so every lookup that decides the
 * ticket, the participants and the rest sees the state the writes are applied to: two
 * related mails processed at once by two processes cannot both open a ticket. CTX (from
 * pd_app_context) gets the findings; findings of an earlier run are replaced. The intake row
 * must still be pending; if another process finished it meanwhile, nothing is done. */
gboolean pd_actions_apply (PdApp *app, gint64 intake_id, const PdMail *mail, PdContext *ctx,
                           PdOutcome *out, GError **error);

#endif
