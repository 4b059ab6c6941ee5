/* pipeline.c - the writer thread (group commit of submitted messages) and the worker thread
 * (processing, pending rows, outbox). It never touches a submitter's data except through the
 * DONE callback, which runs in the submitter's main context. The writer has priority over the
 * worker: the worker starts a batch only while no group commit is under way; a batch is
 * several intake rows in one transaction, each mail in a savepoint of its own. */
#include "intake/pipeline.h"

#include "app/app.h"
#include "core/clock.h"
#include "core/error.h"
#include "intake/intake.h"
#include "intake/syncer.h"
#include "core/log.h"
#include "outbound/drain.h"

#include <string.h>

#define MAX_BATCH 512
/* The worker waits for DEFER_QUIET µs without a commit before it starts a batch: while mail
 * keeps coming, the CPU and the write lock go to accepting it, the rows wait durably, and the
 * worker catches up between bursts. That holds while the backlog (rows committed and not yet
 * processed) is below the run-ahead, half of [serve] max_pending; from there on the worker
 * takes every turn the writer leaves, so under sustained intake processing keeps pace, the
 * backlog stays about the run-ahead, and past max_pending the listeners answer 451.
 * Before (issue 10, lmtp2) the worker also forced a turn after 20 ms of waiting and kept
 * pace from 64 rows behind: in a burst of 8 LMTP sessions it held the lock for a mail after
 * nearly every group commit, and took the CPU of one of the 2 cores; parked during the burst,
 * 3,000 mails were accepted 27-40 % faster (see README). */
#define DEFER_QUIET 2000
/* A steady pace (issue 10, quiet): postdesk-deliver hands mail over one at a time, a commit
 * every 2-3 ms; with the 2 ms spell the worker took its turn just before the next mail, whose
 * commit then waited for it (and shared the CPU with it): 1 at a time fell from 353-378/s
 * to 290-327/s under load. So the spell adapts to the gap between commits: while the average
 * gap is at most STEADY_GAP µs, the worker waits for QUIET_GAPS of them without a commit (at
 * least DEFER_QUIET); slower than that there is room between two mails, and the spell stays
 * DEFER_QUIET. Each new gap moves the average halfway, and counts as at most twice
 * STEADY_GAP, so a pause ends the adaptation within a mail or two, as does a stream's end
 * (no commit for QUIET_GAPS gaps). The run-ahead bound holds as for a burst. */
#define STEADY_GAP 10000
#define QUIET_GAPS 2
/* a processing batch: at most WORK_BATCH rows, and no new row once it has held the write
 * lock for WORK_BUDGET µs; then the writer gets its turn (one commit per batch instead of one
 * per mail) */
#define WORK_BATCH 64
#define WORK_BUDGET 10000
/* (a writer waiting for the turn ends the batch after the mail being processed, a savepoint
 * boundary. It once did so only after 1 ms of batch, because cut at every mail with a quiet
 * spell before every turn processing fell behind; with keeping pace that floor only made the
 * 250s wait) */
/* after a turn of T µs the worker leaves the write lock free for T / WORK_REST before its
 * next one (parsing ahead counts): other connections (`deliver`, the CLI, the scheduler, the
 * HTTP pages) wait for it in SQLite's busy handler, which looks again after up to 100 ms, and
 * back-to-back turns through a backlog gave them a few µs in each 10 ms */
#define WORK_REST 8
/* how often serve's threads look again at a lock another connection holds */
#define BUSY_POLL 1000
/* serve's connections checkpoint the WAL only past this many pages (a safety net): the worker
 * does it every CHECKPOINT_EVERY µs, outside its turn, where no 250 waits for it */
#define AUTOCHECKPOINT_PAGES 16384
#define CHECKPOINT_EVERY G_USEC_PER_SEC

typedef struct {
	GBytes *raw;
	char *source, *from;
	PdIngestDone done;
	gpointer data;
	GDestroyNotify destroy;
	GMainContext *context;
	PdIngest *ingest;
	/* one per recipient (one with rcpt NULL when there is none): the rows and their errors */
	GArray *results; /* PdIngestResult */
} Job;

/* the sentinel that stops a thread */
static Job stop_job;

/* How a thread of serve waits for a write lock that another connection holds (a `deliver`,
 * the CLI, serve's scheduler...): see busy_wait. */
typedef struct {
	PdIngest *ingest;
	int timeout_ms;     /* [postdesk] busy_timeout */
	gint64 since;       /* when this wait began */
	gboolean beginning; /* the worker, beginning a batch inside its turn */
} BusyWait;

struct PdIngest {
	GAsyncQueue *commits;  /* Job* for the writer */
	GAsyncQueue *rows;     /* intake ids (GINT_TO_POINTER is too small: gint64 boxed) */
	GThread *writer, *worker;
	PdSyncer *syncer; /* the writer's groups wait there for the disk before they are reported */
	PdSettingsCell *settings; /* borrowed; each batch and each message takes the current */
	gint in_flight;
	gint reported, reports; /* jobs reported, and in how many hand-offs (report_jobs) */
	gint groups;            /* groups synced and reported */
	gint backlog; /* rows committed and not yet processed (queued, or found by a scan) */
	gboolean said_no_relay; /* the worker's */
	gulong test_delay; /* µs added to each mail's processing, inside the turn (tests only) */
	gint64 quiet;      /* DEFER_QUIET, or longer for tests */
	gint64 steady;     /* STEADY_GAP, or longer for tests */
	gint64 seen_commit, gap; /* the worker's: the last commit it saw; the average gap */
	gint64 rest_until; /* the worker's: no turn before this (WORK_REST) */
	gint64 last_checkpoint; /* the worker's */

	/* turns at the database: the writer goes first */
	GMutex lock;
	GCond cond;
	gboolean busy; /* the writer is committing a batch */
	gint64 last_commit; /* when it last finished one, or the syncer reported one (monotonic) */
	gboolean worker_busy; /* the worker holds its turn: a processing batch is open */
	gint writer_wants;    /* atomic: the writer waits for that batch; it ends after this mail */

	/* start-up handshake */
	GMutex start_lock;
	GCond start_cond;
	guint started;
	GError *start_error;
};

static void
job_free (Job *job)
{
	guint i;

	g_bytes_unref (job->raw);
	g_free (job->source);
	g_free (job->from);
	for (i = 0; i < job->results->len; i++) {
		PdIngestResult *r = &g_array_index (job->results, PdIngestResult, i);

		g_free (r->rcpt);
		g_clear_error (&r->error);
	}
	g_array_unref (job->results);
	if (job->destroy)
		job->destroy (job->data);
	g_main_context_unref (job->context);
	g_free (job);
}

/* SQLite's busy handler for serve's two connections: look again every BUSY_POLL µs (the
 * default back-off sleeps up to 100 ms between looks, so a 250 could wait that long after
 * the lock was free), up to busy_timeout. The worker beginning a batch gives up at once when the
 * writer waits for the turn: the writer should not wait for a worker that waits for someone
 * else (the batch is tried again after the writer's commit). */
static int
busy_wait (gpointer data, int count)
{
	BusyWait *w = data;
	gint64 now = g_get_monotonic_time ();

	if (count == 0)
		w->since = now;
	if (w->beginning && g_atomic_int_get (&w->ingest->writer_wants))
		return 0;
	if (now - w->since >= (gint64) w->timeout_ms * 1000)
		return 0;
	g_usleep (BUSY_POLL);
	return 1;
}

/* Install busy_wait on APP's connection (again after pd_app_follow opened a new one). */
static void
set_busy_wait (PdApp *app, BusyWait *w)
{
	w->timeout_ms = app->settings->busy_timeout;
	pd_store_set_busy_handler (app->store, busy_wait, w, w->timeout_ms);
}

/* The writer's turn at the database: marks it busy for the worker. An open processing
 * batch is asked to end after its current mail, and the writer waits for that here rather
 * than in SQLite's busy handler, whose sleeps (1, 2, 5, 10 ms...) were most of LMTP's p99
 * from MAIL to 250 (issue 10). */
static void
writer_begin (PdIngest *ing)
{
	g_mutex_lock (&ing->lock);
	g_atomic_int_set (&ing->writer_wants, 1);
	while (ing->worker_busy)
		g_cond_wait (&ing->cond, &ing->lock);
	g_atomic_int_set (&ing->writer_wants, 0);
	ing->busy = TRUE;
	g_mutex_unlock (&ing->lock);
}

static void
writer_end (PdIngest *ing)
{
	g_mutex_lock (&ing->lock);
	ing->busy = FALSE;
	ing->last_commit = g_get_monotonic_time ();
	g_cond_broadcast (&ing->cond);
	g_mutex_unlock (&ing->lock);
}

/* The worker starts a batch only while the writer is idle and no writer waits, and, while
 * the backlog is below RUN_AHEAD rows, after a quiet spell without commits (quiet_spell); it
 * then holds its turn (worker_busy) until the batch commits, and a writer that comes
 * meanwhile ends the batch after the current mail (parsing is done before the turn, so a mail
 * is short); the writer waits for that on the condition, not in SQLite's busy handler.
 * Measured with 8 LMTP sessions of 12 KB (before batches): holding a lock for the whole
 * processing made every 250 wait for a parse (1,070/s, p99 26 ms); no turns at all let the
 * busy handler's sleeps pile up (p99 336 ms); turns alone gave 2,070/s, turns with the quiet
 * spell 2,700-2,900/s. The backlog is read again at every commit (the writer broadcasts), so
 * the worker starts keeping pace as soon as the backlog reaches RUN_AHEAD. */
/* The worker's periodic WAL checkpoint (PASSIVE: it takes no write lock), when it is due. */
static void
checkpoint_due (PdIngest *ing, PdApp *app)
{
	if (g_get_monotonic_time () - ing->last_checkpoint < CHECKPOINT_EVERY)
		return;
	pd_store_checkpoint (app->store);
	ing->last_checkpoint = g_get_monotonic_time ();
	pd_log_debug ("checkpoint of the WAL");
}

/* The quiet spell the worker waits for now (see STEADY_GAP), under ing->lock. A commit it
 * has not seen yet is one more gap (or several, if it missed some: then the average is too
 * long, and the spell only falls back to DEFER_QUIET). */
static gint64
quiet_spell (PdIngest *ing)
{
	if (ing->last_commit != ing->seen_commit) {
		gint64 gap = MIN (ing->last_commit - ing->seen_commit, 2 * ing->steady);

		ing->gap = (ing->gap + gap) / 2;
		ing->seen_commit = ing->last_commit;
	}
	return ing->gap <= ing->steady ? MAX (ing->quiet, QUIET_GAPS * ing->gap) : ing->quiet;
}

static void
worker_wait_turn (PdIngest *ing, PdApp *app, gint run_ahead)
{
	g_mutex_lock (&ing->lock);
	/* a writer waiting for the turn goes first: the worker ends its batch for it and must not
	 * take the turn again before the writer wakes up to take it (it did, batch after batch,
	 * and a 250 waited 100-190 ms for a whole backlog of batches: issue 10) */
	for (;;) {
		gint64 now = g_get_monotonic_time (), quiet = quiet_spell (ing);

		if (ing->busy || g_atomic_int_get (&ing->writer_wants))
			g_cond_wait (&ing->cond, &ing->lock);
		else if (g_atomic_int_get (&ing->backlog) < run_ahead && now - ing->last_commit < quiet) {
			/* a burst: the WAL grows by its size, and is checkpointed as before (or the
			 * writer's COMMIT would do it past AUTOCHECKPOINT_PAGES, with 250s waiting) */
			if (now - ing->last_checkpoint >= CHECKPOINT_EVERY) {
				g_mutex_unlock (&ing->lock);
				checkpoint_due (ing, app);
				g_mutex_lock (&ing->lock);
				continue;
			}
			g_cond_wait_until (&ing->cond, &ing->lock,
			                   MIN (ing->last_commit + quiet,
			                        ing->last_checkpoint + CHECKPOINT_EVERY));
		} else {
			break;
		}
	}
	ing->worker_busy = TRUE;
	g_mutex_unlock (&ing->lock);
}

/* The end of the worker's turn (its batch committed or given up). */
static void
worker_end_turn (PdIngest *ing)
{
	g_mutex_lock (&ing->lock);
	ing->worker_busy = FALSE;
	g_cond_broadcast (&ing->cond);
	g_mutex_unlock (&ing->lock);
}

static void
started (PdIngest *ing, GError *error)
{
	g_mutex_lock (&ing->start_lock);
	if (error != NULL && ing->start_error == NULL)
		ing->start_error = g_error_copy (error);
	ing->started++;
	g_cond_broadcast (&ing->start_cond);
	g_mutex_unlock (&ing->start_lock);
}

/* ---- the writer ---- */

static gboolean
job_report (gpointer data)
{
	Job *job = data;

	job->done ((const PdIngestResult *) job->results->data, job->results->len, job->data);
	g_atomic_int_add (&job->ingest->in_flight, -1);
	return G_SOURCE_REMOVE;
}

/* (under the rows queue's lock) */
static void
queue_row_unlocked (PdIngest *ing, gint64 id)
{
	gint64 *boxed = g_new (gint64, 1);

	*boxed = id;
	g_atomic_int_inc (&ing->backlog);
	g_async_queue_push_unlocked (ing->rows, boxed);
}

static void
queue_row (PdIngest *ing, gint64 id)
{
	g_async_queue_lock (ing->rows);
	queue_row_unlocked (ing, id);
	g_async_queue_unlock (ing->rows);
}

/* A group's jobs for one main context, reported there in one dispatch: one source attached
 * and one wake-up of that thread per group, not per mail (the listeners' sessions share one
 * thread; issue 10, writer) */
typedef struct {
	GPtrArray *jobs; /* Job* */
} Report;

static gboolean
report_all (gpointer data)
{
	Report *rep = data;
	guint i;

	for (i = 0; i < rep->jobs->len; i++)
		job_report (rep->jobs->pdata[i]);
	return G_SOURCE_REMOVE;
}

static void
report_free (gpointer data)
{
	Report *rep = data;

	g_ptr_array_free (rep->jobs, TRUE);
	g_free (rep);
}

/* ing->reports counts the hand-offs (POSTDESK_DEBUG's last line; e2e 283) */
static void
report_jobs (PdIngest *ing, GPtrArray *jobs)
{
	guint i, j;

	for (i = 0; i < jobs->len; i++) {
		Job *first = jobs->pdata[i];
		Report *rep;

		if (first == NULL)
			continue;
		rep = g_new (Report, 1);
		rep->jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) job_free);
		/* in order, per context */
		for (j = i; j < jobs->len; j++) {
			Job *one = jobs->pdata[j];

			if (one != NULL && one->context == first->context) {
				g_ptr_array_add (rep->jobs, one);
				jobs->pdata[j] = NULL;
			}
		}
		g_atomic_int_inc (&ing->reports);
		g_main_context_invoke_full (first->context, G_PRIORITY_DEFAULT, report_all, rep,
		                            report_free);
	}
}

/* A group commit's jobs: the writer committed them (or failed to) and the syncer reports
 * them once the WAL is on disk. */
typedef struct {
	PdIngest *ingest;
	GPtrArray *jobs; /* Job*, reported and freed here */
} Group;

/* The syncer's callback (in the writer's thread, or the syncer's): the group is durable
 * (ERROR NULL), or it could not be confirmed so, and then no recipient of it is told it was
 * stored (the listeners answer 451, the hand-over `tempfail`); a retry finds the rows
 * committed and takes them as duplicates, or stores them again when the disk lost them. Only
 * then are the rows queued for the worker and the submitters told. */
static void
group_synced (gpointer data, const GError *error, gpointer user_data)
{
	Group *group = data;
	PdIngest *ing = group->ingest;
	guint i;

	(void) user_data;
	g_async_queue_lock (ing->rows);
	for (i = 0; i < group->jobs->len; i++) {
		Job *one = group->jobs->pdata[i];
		guint r;

		for (r = 0; r < one->results->len; r++) {
			PdIngestResult *res = &g_array_index (one->results, PdIngestResult, r);

			if (res->error == NULL && error != NULL)
				res->error = g_error_copy (error);
			if (res->error == NULL)
				queue_row_unlocked (ing, res->id);
			pd_log_debug ("intake=%" G_GINT64_FORMAT " committed (batch of %u)%s%s", res->id,
			              group->jobs->len, res->duplicate ? " duplicate" : "",
			              error != NULL ? ", not synced" : ", synced");
		}
	}
	g_async_queue_unlock (ing->rows);
	g_atomic_int_add (&ing->reported, (gint) group->jobs->len);
	g_atomic_int_inc (&ing->groups);
	report_jobs (ing, group->jobs);
	g_ptr_array_unref (group->jobs);
	g_free (group);
	/* the burst's quiet spell (DEFER_QUIET) counts from here, when the 250s go out, not from
	 * the COMMIT: the sync comes between them now, and counted from the COMMIT a sync of 1-2
	 * ms plus the sessions' turnaround looked like a pause in the burst, the worker took its
	 * turn and the next group waited for it (measured: the worker's CPU during a burst of
	 * 3,000 tripled). No broadcast: a waiting worker looks again at its deadline, and every
	 * commit broadcasts (writer_end); one more wake-up per group cost CPU in a burst. When the
	 * worker has already seen this group's COMMIT, it sees the move as the same commit, not
	 * as one more gap of the sync's length (which would halve the steady pace's spell). */
	g_mutex_lock (&ing->lock);
	{
		gint64 now = g_get_monotonic_time ();

		if (ing->seen_commit == ing->last_commit)
			ing->seen_commit = now;
		ing->last_commit = now;
	}
	g_mutex_unlock (&ing->lock);
}

static gboolean
commit_batch (PdApp *app, GPtrArray *batch, GError **error)
{
	gint64 now = pd_now ();
	guint i;

	if (!pd_store_begin (app->store, error))
		return FALSE;
	for (i = 0; i < batch->len; i++) {
		Job *job = batch->pdata[i];
		guint r;

		for (r = 0; r < job->results->len; r++) {
			PdIngestResult *res = &g_array_index (job->results, PdIngestResult, r);

			if (!pd_intake_add (app, job->raw, job->source, job->from, res->rcpt, now, &res->id,
			                    &res->duplicate, error)) {
				pd_store_rollback (app->store);
				return FALSE;
			}
		}
	}
	return pd_store_commit (app->store, error);
}

/* A thread's own PdApp (its own store connection) with the current settings. */
static PdApp *
open_app (PdIngest *ing, GError **error)
{
	g_autoptr (PdSettings) current = pd_settings_cell_get (ing->settings);

	return pd_app_open_with_settings (current, error);
}

/* The writer's connection commits without syncing (synchronous=NORMAL): the syncer syncs the
 * WAL after the write lock is released, and nothing is reported before (syncer.c says why
 * that is as durable). Should NORMAL not take, commits stay synchronous (still durable). */
static void
writer_follow (PdIngest *ing, PdApp **app, BusyWait *wait)
{
	g_autoptr (GError) error = NULL;

	pd_app_follow (app, ing->settings);
	pd_store_set_autocheckpoint ((*app)->store, AUTOCHECKPOINT_PAGES);
	set_busy_wait (*app, wait);
	if (!pd_store_set_durable ((*app)->store, FALSE, &error))
		pd_log_warn ("%s; group commits sync under the write lock", error->message);
}

static gpointer
writer_main (gpointer data)
{
	PdIngest *ing = data;
	g_autoptr (GError) error = NULL;
	g_autoptr (PdApp) app = open_app (ing, &error);
	gboolean stop = FALSE;
	BusyWait wait = { ing, 0, 0, FALSE };

	started (ing, error);
	if (app == NULL)
		return NULL;
	while (!stop) {
		Job *job = g_async_queue_pop (ing->commits);
		g_autoptr (GError) local = NULL;
		GPtrArray *batch = g_ptr_array_new ();
		Group *group;
		guint i;

		/* everything that arrived while the last commit was under way joins this one */
		while (job != NULL) {
			if (job == &stop_job)
				stop = TRUE;
			else
				g_ptr_array_add (batch, job);
			job = batch->len < MAX_BATCH ? g_async_queue_try_pop (ing->commits) : NULL;
		}
		if (batch->len == 0) {
			g_ptr_array_unref (batch);
			continue;
		}
		writer_follow (ing, &app, &wait);
		group = g_new (Group, 1);
		group->ingest = ing;
		group->jobs = batch;
		/* after a failed sync nothing is committed any more: the syncer answers for it */
		if (pd_syncer_failed (ing->syncer)) {
			pd_syncer_push (ing->syncer, app->settings->database, group);
			continue;
		}
		writer_begin (ing);
		if (!commit_batch (app, batch, &local)) {
			/* one bad message must not fail the others: retry them one by one */
			pd_log_warn ("group commit of %u failed (%s); committing one by one", batch->len,
			             local->message);
			for (i = 0; i < batch->len; i++) {
				Job *one = batch->pdata[i];
				guint r;

				for (r = 0; r < one->results->len; r++) {
					PdIngestResult *res = &g_array_index (one->results, PdIngestResult, r);

					res->id = 0;
					res->duplicate = FALSE;
					if (!pd_intake_accept (app, one->raw, one->source, one->from, res->rcpt, &res->id,
					                       &res->duplicate, &res->error) &&
					    !g_error_matches (res->error, PD_ERROR, PD_ERROR_TEMPFAIL)) {
						/* the caller answers 451 either way; the sender retries */
						pd_log_error ("intake from %s for %s failed: %s", one->source,
						              res->rcpt ? res->rcpt : "-", res->error->message);
					}
				}
			}
		}
		writer_end (ing);
		/* the write lock is free: the worker and other processes may go on while the WAL is
		 * synced (here, or by the syncer thread while this one commits the next group);
		 * the 250s wait for the sync */
		pd_syncer_push (ing->syncer, app->settings->database, group);
	}
	return NULL;
}

void
pd_ingest_submit (PdIngest *ing, GBytes *raw, const char *source, const char *envelope_from,
                  const char *const *envelope_rcpts, guint n_rcpts, PdIngestDone done,
                  gpointer data, GDestroyNotify destroy)
{
	Job *job = g_new0 (Job, 1);
	guint i;

	job->raw = g_bytes_ref (raw);
	job->source = g_strdup (source);
	job->from = g_strdup (envelope_from);
	job->results = g_array_sized_new (FALSE, TRUE, sizeof (PdIngestResult), MAX (n_rcpts, 1));
	for (i = 0; i < MAX (n_rcpts, 1); i++) {
		PdIngestResult res = { n_rcpts ? g_strdup (envelope_rcpts[i]) : NULL, 0, FALSE, NULL };

		g_array_append_val (job->results, res);
	}
	job->done = done;
	job->data = data;
	job->destroy = destroy;
	job->context = g_main_context_ref_thread_default ();
	job->ingest = ing;
	g_atomic_int_inc (&ing->in_flight);
	g_async_queue_push (ing->commits, job);
}

guint
pd_ingest_in_flight (PdIngest *ing)
{
	return g_atomic_int_get (&ing->in_flight);
}

void
pd_ingest_queue (PdIngest *ing, gint64 id)
{
	queue_row (ing, id);
}

guint
pd_ingest_backlog (PdIngest *ing)
{
	return MAX (g_atomic_int_get (&ing->backlog), 0) + g_atomic_int_get (&ing->in_flight);
}

/* ---- the worker ---- */

/* Settle prepared row P inside the current batch: a transient failure leaves it pending
 * (retried by the next scan), anything else quarantines it with the reason
 * (pd_intake_settle); either way its savepoint undid what it had written. */
static void
settle_one (PdApp *app, PdIntakePrepared *p)
{
	PdOutcome out = { 0 };
	g_autoptr (GError) local = NULL;

	if (!pd_intake_settle_prepared (app, p, &out, &local) &&
	    !g_error_matches (local, PD_ERROR, PD_ERROR_TEMPFAIL))
		pd_log_warn ("intake=%" G_GINT64_FORMAT ": %s; left pending", p->id, local->message);
	pd_outcome_clear (&out);
}

/* Process the N rows IDS in batches. Each row is read once and parsed before the batch that
 * takes it begins, outside any transaction (reading needs no lock in WAL mode, and a parse is
 * most of a mail's cost); then the batch waits for the worker's turn, takes the write lock
 * once, runs the filter chain and the actions of each mail (they judge by what the store holds
 * under that lock: see pd_actions_apply) and commits once. A mail that fails is rolled back
 * alone (its savepoint) and quarantined or left pending, the others commit. A batch the
 * database refuses to commit leaves its rows pending for the next scan. */
static void
process_rows (PdIngest *ing, PdApp *app, BusyWait *wait, const gint64 *ids, guint n)
{
	PdIntakePrepared ready[WORK_BATCH];
	guint i = 0, n_ready = 0, next_ready = 0;
	/* the run-ahead: half of max_pending (at least 1) */
	gint run_ahead = (gint) MAX (app->settings->max_pending / 2, 1);

	while (i < n) {
		g_autoptr (GError) error = NULL;
		guint first = i;
		gint64 start, rest;

		/* parse ahead, outside the transaction: what the last batch left, and more */
		if (next_ready > 0) {
			memmove (ready, ready + next_ready, (n_ready - next_ready) * sizeof ready[0]);
			n_ready -= next_ready;
			next_ready = 0;
		}
		while (n_ready < WORK_BATCH && i + n_ready < n) {
			pd_intake_prepare (app, ids[i + n_ready], &ready[n_ready]);
			n_ready++;
		}

		/* one reading of the clock: with two, the time could pass rest_until between the test
		 * and the subtraction, and g_usleep took the negative difference as ~584,000 years
		 * (the worker slept for good with 8,101 rows pending, in the sustained run of issue 10) */
		rest = ing->rest_until - g_get_monotonic_time ();
		if (rest > 0)
			g_usleep ((gulong) rest);
		worker_wait_turn (ing, app, run_ahead);
		start = g_get_monotonic_time ();
		wait->beginning = TRUE;
		if (!pd_store_batch_begin (app->store, &error)) {
			/* (only the writer clears writer_wants, and not before this turn ends) */
			gboolean yielded = g_error_matches (error, PD_ERROR, PD_ERROR_TEMPFAIL) &&
			                   g_atomic_int_get (&ing->writer_wants);

			wait->beginning = FALSE;
			worker_end_turn (ing);
			if (yielded)
				continue; /* the writer goes first; this batch comes after its commit */
			pd_log_warn ("%s; %u intake rows left pending", error->message, n - i);
			g_atomic_int_add (&ing->backlog, -(gint) (n - i));
			break;
		}
		wait->beginning = FALSE;
		do {
			settle_one (app, &ready[next_ready]);
			if (ing->test_delay > 0)
				g_usleep (ing->test_delay);
			pd_intake_prepared_clear (&ready[next_ready]);
			next_ready++;
			i++;
			g_atomic_int_add (&ing->backlog, -1);
		} while (next_ready < n_ready && g_get_monotonic_time () - start < WORK_BUDGET &&
		         !g_atomic_int_get (&ing->writer_wants));
		if (!pd_store_batch_commit (app->store, &error))
			pd_log_warn ("processing batch of %u: %s; its rows stay pending", i - first,
			             error->message);
		else
			pd_log_debug ("processing batch of %u committed", i - first);
		worker_end_turn (ing);
		ing->rest_until = g_get_monotonic_time () + (g_get_monotonic_time () - start) / WORK_REST;
	}
	for (; next_ready < n_ready; next_ready++)
		pd_intake_prepared_clear (&ready[next_ready]);
}

/* The periodic step: rows left pending (a crash, a tempfail, `deliver` cut short) and the
 * outbox. */
static void
tick (PdIngest *ing, PdApp *app, BusyWait *wait)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) rows = NULL;
	g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
	PdSendStats stats;
	guint i;

	/* rows still queued are pending too: the scan waits until the queue is empty, or it
	 * would parse them twice and count them twice in the backlog (a burst left to run ahead
	 * queues thousands; issue 10, lmtp2) */
	if (g_async_queue_length (ing->rows) == 0)
		rows = pd_store_intake_list (app->store, "pending", &error);
	for (i = 0; rows != NULL && i < rows->len; i++)
		g_array_append_val (ids, ((const PdIntakeRow *) rows->pdata[i])->id);
	/* a row committed and found here before the writer queued it counts twice for a moment */
	g_atomic_int_add (&ing->backlog, (gint) ids->len);
	process_rows (ing, app, wait, (const gint64 *) ids->data, ids->len);
	/* with no relay the sender only says so: once is enough */
	if (error == NULL && (app->settings->relay != NULL || !ing->said_no_relay))
		pd_sender_run (app, FALSE, &stats, &error);
	ing->said_no_relay = TRUE;
	if (error != NULL)
		pd_log_warn ("%s; trying again later", error->message);
}

/* The worker's connection follows the settings like the others', and its commits do not
 * wait for the disk: the rows are durable since intake, and the drain's claim is a durable
 * commit before anything leaves (pd_store_set_durable). The turn the writer waits for is
 * shorter by an fsync. */
static void
worker_follow (PdIngest *ing, PdApp **app, BusyWait *wait)
{
	g_autoptr (GError) error = NULL;

	pd_app_follow (app, ing->settings);
	pd_store_set_autocheckpoint ((*app)->store, AUTOCHECKPOINT_PAGES);
	set_busy_wait (*app, wait);
	if (!pd_store_set_durable ((*app)->store, FALSE, &error))
		pd_log_warn ("%s; processing commits wait for the disk", error->message);
}

static gpointer
worker_main (gpointer data)
{
	PdIngest *ing = data;
	g_autoptr (GError) error = NULL;
	g_autoptr (PdApp) app = open_app (ing, &error);
	gint64 ids[WORK_BATCH];
	gint64 next_tick;
	gboolean stop = FALSE;
	BusyWait wait = { ing, 0, 0, FALSE };

	if (app != NULL && !pd_store_set_durable (app->store, FALSE, &error))
		g_clear_pointer (&app, pd_app_free);
	started (ing, error);
	if (app == NULL)
		return NULL;
	next_tick = g_get_monotonic_time ();
	while (!stop) {
		gint64 now = g_get_monotonic_time ();
		gint64 *item;
		guint n = 0;

		if (now >= next_tick) {
			worker_follow (ing, &app, &wait);
			tick (ing, app, &wait);
			next_tick = g_get_monotonic_time () +
			            (gint64) app->settings->send_interval * G_USEC_PER_SEC;
			continue;
		}
		item = g_async_queue_timeout_pop (ing->rows, next_tick - now);
		/* the rows committed meanwhile join this batch (one read of the queue each) */
		while (item != NULL) {
			if (*item < 0)
				stop = TRUE;
			else
				ids[n++] = *item;
			g_free (item);
			item = !stop && n < WORK_BATCH ? g_async_queue_try_pop (ing->rows) : NULL;
		}
		if (n == 0)
			continue;
		worker_follow (ing, &app, &wait);
		process_rows (ing, app, &wait, ids, n);
		checkpoint_due (ing, app);
	}
	return NULL;
}

/* ---- life cycle ---- */

PdIngest *
pd_ingest_new (PdSettingsCell *settings, GError **error)
{
	PdIngest *ing = g_new0 (PdIngest, 1);

	ing->settings = settings;
	/* a test hook: slow processing (under the write lock) without a slow filter; e2e 290 */
	if (g_getenv ("POSTDESK_TEST_PROCESS_DELAY_MS") != NULL)
		ing->test_delay = 1000 * (gulong) g_ascii_strtoull (
			g_getenv ("POSTDESK_TEST_PROCESS_DELAY_MS"), NULL, 10);
	/* another: a longer quiet spell, so that a test's burst is one whatever the machine's
	 * load (e2e 273) */
	ing->quiet = DEFER_QUIET;
	if (g_getenv ("POSTDESK_TEST_QUIET_MS") != NULL)
		ing->quiet = 1000 * (gint64) g_ascii_strtoull (g_getenv ("POSTDESK_TEST_QUIET_MS"), NULL, 10);
	/* and a longer gap that still counts as a steady pace, so that a test's pace is steady
	 * whatever the machine's load (e2e 275) */
	ing->steady = STEADY_GAP;
	if (g_getenv ("POSTDESK_TEST_STEADY_MS") != NULL)
		ing->steady = 1000 * (gint64) g_ascii_strtoull (g_getenv ("POSTDESK_TEST_STEADY_MS"), NULL, 10);
	ing->gap = 2 * ing->steady;
	ing->commits = g_async_queue_new ();
	ing->rows = g_async_queue_new_full (g_free);
	g_mutex_init (&ing->lock);
	g_cond_init (&ing->cond);
	g_mutex_init (&ing->start_lock);
	g_cond_init (&ing->start_cond);
	ing->syncer = pd_syncer_new (group_synced, NULL);
	ing->writer = g_thread_new ("pd-writer", writer_main, ing);
	ing->worker = g_thread_new ("pd-worker", worker_main, ing);
	g_mutex_lock (&ing->start_lock);
	while (ing->started < 2)
		g_cond_wait (&ing->start_cond, &ing->start_lock);
	g_mutex_unlock (&ing->start_lock);
	if (ing->start_error != NULL) {
		g_propagate_error (error, g_steal_pointer (&ing->start_error));
		pd_ingest_free (ing);
		return NULL;
	}
	return ing;
}

void
pd_ingest_free (PdIngest *ing)
{
	gint64 *stop;

	if (ing == NULL)
		return;
	/* a thread that failed to start has returned already: the sentinels are harmless */
	g_async_queue_push (ing->commits, &stop_job);
	g_thread_join (ing->writer);
	/* the groups committed last are synced and reported (their rows queued) before the
	 * worker's stop */
	pd_syncer_free (ing->syncer);
	pd_log_debug ("writer: %d submissions in %d groups, reported in %d hand-offs", ing->reported,
	              ing->groups, ing->reports);
	stop = g_new (gint64, 1);
	*stop = -1;
	/* ahead of the rows still queued: they stay pending for the next start */
	g_async_queue_push_front (ing->rows, stop);
	g_thread_join (ing->worker);
	g_async_queue_unref (ing->commits);
	g_async_queue_unref (ing->rows);
	g_mutex_clear (&ing->lock);
	g_cond_clear (&ing->cond);
	g_mutex_clear (&ing->start_lock);
	g_cond_clear (&ing->start_cond);
	g_clear_error (&ing->start_error);
	g_free (ing);
}
