/* drain.h - drain the outbox: deliver due rows over SMTP (smtp-client.c), over [smtp]
 * connections relay connections at once, each reused, and record the results in batches: sent
 * after the relay's 250, retried with doubling backoff after a 4xx or no connection, failed
 * after a 5xx or too long queued. */
#ifndef PD_SENDER_H
#define PD_SENDER_H

#include "app/app.h"

typedef struct {
	guint sent;
	guint retried;
	guint failed;
} PdSendStats;

/* Deliver what is due now (when NOW_ALL, also rows waiting out their retry back-off; never a
 * row another sender holds a lease on). Each row is tried at most once per call. With no
 * relay configured nothing is sent and the rows stay queued. */
gboolean pd_sender_run (PdApp *app, gboolean now_all, PdSendStats *stats, GError **error);

/* The same over CONNECTIONS relay connections (0: [smtp] connections). */
gboolean pd_sender_run_with (PdApp *app, gboolean now_all, guint connections,
                             PdSendStats *stats, GError **error);

/* The delay before try number ATTEMPTS+1 (ATTEMPTS >= 1). */
gint64 pd_sender_backoff (const PdSettings *settings, gint64 attempts);

#endif
