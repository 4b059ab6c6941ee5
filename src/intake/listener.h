/* listener.h - an LMTP or SMTP listener on the main loop: accepts connections up to [serve]
 * max_connections in all and max_connections_per_address per client IP (421 beyond) and runs
 * an smtp-session on each. It does not store anything itself: sessions hand messages to the
 * PdIngest given. */
#ifndef PD_LISTENER_H
#define PD_LISTENER_H

#include <glib.h>

#include "intake/pipeline.h"
#include "core/settings.h"

typedef struct PdListener PdListener;

/* Listen on HOSTPORT ("127.0.0.1:2424", "[::1]:24", "localhost:24"). The listener keeps a
 * reference to SETTINGS (limits, addresses, TLS files) until pd_listener_set_settings
 * replaces them. (transfer full) */
PdListener *pd_listener_new (PdSettings *settings, PdIngest *ingest, gboolean lmtp,
                             const char *hostport, GError **error);

/* Use SETTINGS (a reference is taken) from the next command on (SIGHUP); the old ones are
 * dropped. The certificate is reloaded when the TLS files can be read; otherwise the old
 * one stays. Main thread only, as the sessions read them there. */
void pd_listener_set_settings (PdListener *listener, PdSettings *settings);

/* The address given at creation. (transfer none) */
const char *pd_listener_address (PdListener *listener);

/* Stop accepting and close the socket; sessions finish their transaction, then get 421. */
void pd_listener_stop (PdListener *listener);

/* Sessions still open. */
guint pd_listener_active (PdListener *listener);

/* Drop the sessions left (waiting, in the thread-default main context, for commits in
 * flight to be answered) and free. */
void pd_listener_free (PdListener *listener);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdListener, pd_listener_free)

#endif
