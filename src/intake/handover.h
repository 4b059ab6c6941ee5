/* handover.h - serve's end of the handover socket (intake/handover-proto.h): postdesk-deliver
 * sends a message and its envelope, serve's writer commits its rows in the next group commit
 * (one fsync for every mail that arrived meanwhile) and the reply follows the commit. */
#ifndef PD_HANDOVER_H
#define PD_HANDOVER_H

#include "intake/pipeline.h"

typedef struct PdHandover PdHandover;

/* Bind HOME/deliver.sock (mode 0600; 0660 when the home lets its group write) and submit what arrives to
 * INGEST, in the thread-default main context; CELL (borrowed) gives [serve] max_pending for
 * the backlog warning. NULL when it cannot be bound (logged): postdesk-deliver then commits
 * its rows itself. A socket file nobody listens on is left by a serve that died and is
 * replaced. (transfer full) */
PdHandover *pd_handover_new (const char *home, PdIngest *ingest, PdSettingsCell *cell);
/* Stop listening and remove the socket; connections still reading are closed (their senders
 * commit the rows themselves); those submitted get their reply from the DONE callback. */
void pd_handover_free (PdHandover *handover);

#endif
