/* imap.h - the IMAP fetcher: one thread per [imap NAME] account, each with its own PdApp,
 * taking new mail from the mailbox into intake (committed before the message is moved or
 * flagged) and processing it. IDLE when offered, polling otherwise; reconnects with backoff.
 * It does not run in the caller's main loop: stop it with pd_imap_fetcher_stop. It sets no
 * signal handlers: the program ignores SIGPIPE (a server gone while we write). */
#ifndef PD_IMAP_H
#define PD_IMAP_H

#include <glib.h>

#include "core/settings.h"

typedef struct PdImapFetcher PdImapFetcher;

/* Start fetching ACCOUNT (a section of SETTINGS, which gets a reference) in a new thread;
 * the messages are processed with the settings current in CELL (borrowed: it must outlive
 * the fetcher). Fails only on a bad URL; everything the network or the server does wrong is
 * logged and retried by the thread. (transfer full) */
PdImapFetcher *pd_imap_fetcher_start (PdSettings *settings, const PdImapSettings *account,
                                      PdSettingsCell *cell, GError **error);

/* The section it fetches by. (transfer none) */
const PdImapSettings *pd_imap_fetcher_account (PdImapFetcher *fetcher);

/* Interrupt (IDLE, poll wait or backoff end at once; a command in flight finishes or times
 * out), join the thread and free. NULL is fine. */
void pd_imap_fetcher_stop (PdImapFetcher *fetcher);

/* One fetcher per [imap NAME] section of the settings current in CELL; freeing the array
 * stops them all. (transfer full) */
GPtrArray *pd_imap_fetchers_start (PdSettingsCell *cell, GError **error);

/* Make FETCHERS (from pd_imap_fetchers_start) match the sections now current in CELL: a
 * removed section's fetcher is stopped, a changed one restarted, a new one started (a bad
 * one is logged and left out); unchanged ones go on. Blocks while a fetcher being stopped
 * finishes the command it is in. */
void pd_imap_fetchers_update (GPtrArray *fetchers, PdSettingsCell *cell);

#endif
