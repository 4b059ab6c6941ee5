/* pipeline.h - group commit for the network listeners, and the worker behind them. A writer
 * thread commits every message submitted meanwhile in ONE transaction (one fsync for the
 * batch), then reports each result in the submitter's main context; a worker thread then
 * parses, classifies and acts on the committed rows, and every [serve] send_interval seconds
 * processes rows left pending and drains the outbox. Each thread has its own PdApp (its own
 * SQLite connection), opened with the settings current in the caller's PdSettingsCell and
 * reopened when they change (per batch, per message). It does not speak any protocol. */
#ifndef PD_INGEST_H
#define PD_INGEST_H

#include <glib.h>

#include "core/settings.h"

typedef struct PdIngest PdIngest;

/* What became of a message for one recipient: committed as intake row ID (ERROR NULL;
 * DUPLICATE: the same bytes were stored before for this recipient), or not (ERROR set,
 * PD_ERROR_TEMPFAIL when a retry may succeed). */
typedef struct {
	char *rcpt; /* as submitted, NULL for none */
	gint64 id;
	gboolean duplicate;
	GError *error;
} PdIngestResult;

/* Called in the submitter's thread-default main context once the message is committed or
 * could not be: RESULTS (transfer none) has one entry per recipient, in the order given. */
typedef void (*PdIngestDone) (const PdIngestResult *results, guint n_results, gpointer data);

/* Start the threads; each opens the store of the settings current in CELL (borrowed: it
 * must outlive the PdIngest) and follows them when they change. (transfer full) */
PdIngest *pd_ingest_new (PdSettingsCell *cell, GError **error);

/* Queue RAW for the next group commit: one intake row for each of the N_RCPTS recipients
 * (none: one row without a recipient), all in one transaction. DONE(DATA) is called exactly
 * once, then DESTROY(DATA). */
void pd_ingest_submit (PdIngest *ingest, GBytes *raw, const char *source,
                       const char *envelope_from, const char *const *envelope_rcpts,
                       guint n_rcpts, PdIngestDone done, gpointer data, GDestroyNotify destroy);

/* Messages submitted whose DONE has not run yet. */
guint pd_ingest_in_flight (PdIngest *ingest);
/* Messages received and not yet processed: submitted, or committed and waiting for the worker
 * (an estimate, for back-pressure against [serve] max_pending). */
guint pd_ingest_backlog (PdIngest *ingest);

/* Row ID was committed by another process (postdesk-deliver, intake/wake.c): the worker
 * processes it with its next batch, as a row the writer committed. (issue 10, lean) */
void pd_ingest_queue (PdIngest *ingest, gint64 id);

/* Commit what is queued, finish the message being processed, stop the threads. Rows not yet
 * processed stay pending (the next start processes them). Iterate the main context until
 * pd_ingest_in_flight is 0 first, or DONE calls still queued there are dropped. */
void pd_ingest_free (PdIngest *ingest);

#endif
