/* route.h - the store's side of queues and routing (issue 13). */
#ifndef PD_STORE_ROUTE_H
#define PD_STORE_ROUTE_H

#include "store/store.h"

/* The ticket of an incoming message with MESSAGE_ID (no <>) from FROM whose intake row was
 * received at SINCE or later, 0 if none: the same mail, come in through another recipient. */
gboolean pd_store_same_message_ticket (PdStore *store, const char *message_id, const char *from,
                                       gint64 since, gint64 *ticket_r, GError **error);

/* Tickets of QUEUE by state: COUNTS_R[0..5] for new, open, agreed, in_progress, resolved,
 * closed. */
gboolean pd_store_queue_counts (PdStore *store, const char *queue, gint64 counts_r[6],
                                GError **error);

#endif
