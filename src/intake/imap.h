/* imap.h - the IMAP fetcher: one thread per [imap NAME] account, each with its own PdApp,
 * taking new mail from the mailbox into intake (committed before the message is moved or
 * flagged) and processing it. IDLE when offered, polling otherwise; reconnects with backoff.
 * It does not run in the caller's main loop: stop it with pd_imap_fetcher_stop. */
#ifndef PD_IMAP_H
#define PD_IMAP_H

#include <glib.h>

#include "core/settings.h"

typedef struct PdImapFetcher PdImapFetcher;

/* Start fetching ACCOUNT (copied) in a new thread. Fails only on a bad URL; everything the
 * network or the server does wrong is logged and retried by the thread. Sets SIGPIPE to
 * ignored for the process (a peer gone while we write must not kill the daemon).
 * (transfer full) */
PdImapFetcher *pd_imap_fetcher_start (const PdImapSettings *account, GError **error);

/* Interrupt (IDLE, poll wait or backoff end at once; a command in flight finishes or times
 * out), join the thread and free. NULL is fine. */
void pd_imap_fetcher_stop (PdImapFetcher *fetcher);

/* One fetcher per account in SETTINGS->imap; freeing the array stops them all.
 * (transfer full) */
GPtrArray *pd_imap_fetchers_start (const PdSettings *settings, GError **error);

#endif
