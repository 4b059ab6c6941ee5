/* sla.h - the store of service levels: each ticket's running targets (sla_targets) and the
 * timers the scheduler fired (sla_timers, one per ticket, target and kind). Times are Unix
 * seconds; 0 stands for NULL. */
#ifndef PD_STORE_SLA_H
#define PD_STORE_SLA_H

#include "store/store.h"

typedef struct {
	gint64 ticket_id;
	char *target; /* first_response, resolution */
	gint64 started_at;
	gint64 due_at;     /* 0 while paused */
	gint64 remind_at;  /* 0 = none */
	gint64 paused_at;  /* 0 = running */
	gint64 due_left;   /* business seconds left, while paused */
	gint64 remind_left;
	gboolean met;      /* first response given / ticket resolved or closed */
	gboolean reminded; /* a reminder timer fired */
	gboolean escalated; /* an escalation timer fired */
} PdSlaRow;
void pd_sla_row_free (PdSlaRow *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdSlaRow, pd_sla_row_free)

/* Set TARGET of TICKET running from STARTED_AT, due at DUE_AT, reminding at REMIND_AT (0 =
 * none); replaces an earlier one and ends a pause. */
gboolean pd_store_sla_put (PdStore *store, gint64 ticket, const char *target, gint64 started_at,
                           gint64 due_at, gint64 remind_at, GError **error);
/* Remove TARGET of TICKET (no target applies any more). */
gboolean pd_store_sla_delete (PdStore *store, gint64 ticket, const char *target, GError **error);
/* Pause TARGET at NOW with DUE_LEFT and REMIND_LEFT business seconds left (due and reminder
 * times become NULL, so no timer fires while paused). */
gboolean pd_store_sla_pause (PdStore *store, gint64 ticket, const char *target, gint64 now,
                             gint64 due_left, gint64 remind_left, GError **error);
/* The targets of TICKET, first_response first. (transfer full: PdSlaRow*) */
GPtrArray *pd_store_sla_list (PdStore *store, gint64 ticket, GError **error);
/* Running, unmet targets with a timer due at NOW that has not fired: a reminder (remind_at
 * passed) or an escalation (due_at passed); due first. (transfer full: PdSlaRow*) */
GPtrArray *pd_store_sla_pending (PdStore *store, gint64 now, GError **error);
/* Claim timer KIND (reminder, escalation) of TICKET and TARGET at NOW: CLAIMED_R is TRUE only
 * for the one caller that inserted it. Call inside the transaction that queues its mail. */
gboolean pd_store_sla_claim (PdStore *store, gint64 ticket, const char *target, const char *kind,
                             gint64 now, gboolean *claimed_r, GError **error);
/* Record what the claimed timer did: its first outbox row (0 = none) and a NOTE. */
gboolean pd_store_sla_fired (PdStore *store, gint64 ticket, const char *target, const char *kind,
                             gint64 outbox_id, const char *note, GError **error);

#endif
