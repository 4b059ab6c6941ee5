/* wake.h - serve's end of the wake socket (intake/wake-proto.h): rows another process
 * committed go to the worker at once instead of waiting for its next scan. */
#ifndef PD_WAKE_H
#define PD_WAKE_H

#include "intake/pipeline.h"

typedef struct PdWake PdWake;

/* Bind HOME/wake.sock and hand the row ids that arrive to INGEST, in the thread-default main
 * context. NULL when it cannot be bound (logged: another serve holds it, or the path is too
 * long); serve then finds such rows by its scan alone. A socket file nobody listens on is left
 * over from a serve that died, and is replaced. (transfer full) */
PdWake *pd_wake_new (const char *home, PdIngest *ingest);
/* Stop listening and remove the socket: from now on a postdesk-deliver processes its mail
 * itself. */
void pd_wake_free (PdWake *wake);

#endif
