/* handoff.h - the per-ticket part of the follow-the-sun ledger (db/028, issue 13 sla2): each
 * ticket of a claimed shift end (db/020 handoffs) is either handed (handed_at set) or waiting
 * for someone on shift in its queue. */
#ifndef PD_STORE_HANDOFF_H
#define PD_STORE_HANDOFF_H

#include "store/store.h"

/* The handoffs row of AGENT's SHIFT_END, 0 in *ID_R when it was not claimed yet. */
gboolean pd_store_handoff_id (PdStore *store, gint64 agent, gint64 shift_end, gint64 *id_r,
                              GError **error);
/* A ticket row of hand-off HANDOFF: handed at HANDED_AT to TO, or waiting (HANDED_AT 0). */
gboolean pd_store_handoff_ticket_add (PdStore *store, gint64 handoff, gint64 ticket,
                                      gint64 handed_at, gint64 to, GError **error);
/* The waiting tickets of HANDOFF that are still open and still AGENT's. (transfer full) */
GArray *pd_store_handoff_waiting (PdStore *store, gint64 handoff, gint64 agent, GError **error);
/* Claim waiting TICKET of HANDOFF for TO at NOW: *CLAIMED_R FALSE when it was handed already. */
gboolean pd_store_handoff_ticket_claim (PdStore *store, gint64 handoff, gint64 ticket, gint64 to,
                                        gint64 now, gboolean *claimed_r, GError **error);
/* MOVED more tickets were handed for HANDOFF at a later run. */
gboolean pd_store_handoff_add_count (PdStore *store, gint64 handoff, gint64 moved, GError **error);

#endif
