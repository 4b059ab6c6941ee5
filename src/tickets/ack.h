/* ack.h - the acknowledgement a customer gets for a new ticket: rendered from the queue's
 * "ack" template, composed as automatic mail (Auto-Submitted: auto-replied, X-Loop,
 * X-Auto-Response-Suppress, Precedence: bulk), threaded to the customer's mail, Reply-To the
 * signed ticket address. Composes only; actions.c queues it. */
#ifndef PD_ACK_H
#define PD_ACK_H

#include "app/app.h"
#include "mail/mail.h"

/* BYTES_R, MESSAGE_ID_R (no <>) and SUBJECT_R are (transfer full). */
gboolean pd_ack_compose (PdApp *app, const PdQueueSettings *queue, gint64 ticket,
                         const PdMail *mail, GBytes **bytes_r, char **message_id_r,
                         char **subject_r, GError **error);

#endif
