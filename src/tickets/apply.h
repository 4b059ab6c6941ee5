/* apply.h - the state of one mail's transaction (PdApply) and the two writes shared by the
 * action files (actions.c, notify.c, agent-reply.c): store the incoming mail, queue an
 * outgoing one. Nothing here calls back into the action files. */
#ifndef PD_APPLY_H
#define PD_APPLY_H

#include "tickets/actions.h"

typedef struct {
	PdApp *app;
	PdStore *store;
	gint64 now;
	gint64 intake_id;
	const PdMail *mail;
	const PdContext *ctx;
	PdOutcome *out;
} PdApply;

/* Store the incoming mail as a message row of TICKET (0 = none), with its attachments;
 * REASON overrides the classifier's reason when not NULL. Sets out->message_id. */
gboolean pd_apply_add_message (PdApply *a, gint64 ticket, const char *reason, GError **error);

/* Queue outgoing mail BYTES (Message-ID MID, no <>) to RCPT as an outbox row of KIND, record
 * it as an outgoing message of TICKET from FROM_ADDR with SUBJECT, and an event EVENT_KIND.
 * AUTOMATIC counts toward the per-recipient limit of automatic answers. */
gboolean pd_apply_queue_mail (PdApply *a, const char *kind, gint64 ticket, const char *rcpt,
                              GBytes *bytes, const char *mid, const char *subject,
                              const char *from_addr, gboolean automatic, const char *event_kind,
                              GError **error);

#endif
