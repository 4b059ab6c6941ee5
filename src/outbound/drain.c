/* drain.c - the outbox drain. Rows are claimed with a lease (its own, apart from the retry
 * time) before they go to the relay, so any number of senders can run at once and a row
 * reaches the relay once. The envelope sender is the VERP address of the row
 * (bounces+o<id>-<sig>@domain), computed here so a bounce names the exact row.
 *
 * One drain runs N relay connections at once ([smtp] connections), each in a thread of its
 * own with its own PdSmtp; only the calling thread touches the store. It claims a batch of
 * rows in one transaction, hands them to the connections, and records the results that have
 * come back in one transaction: a commit per batch, not two per row. A row is marked sent only
 * after the relay's 250 has come back (at least once: a crash between the 250 and the commit
 * sends it again once its lease runs out).
 *
 * Each connection pipelines across messages as the campaign sender does (pd_smtp_submit): a
 * row's content and "." go out in one write with the next row's MAIL, RCPT and DATA, so a
 * stream of rows costs one round trip each, not two. A hang-up in the middle now leaves one row
 * more to retry (the one whose envelope rode with the lost "."), never one less: a row whose
 * envelope was accepted but whose content did not go out was not delivered. When the outbox
 * has nothing more to claim, each connection sends its waiting content at once. */
#include "outbound/drain.h"

#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/error.h"
#include "core/log.h"
#include "outbound/dkim.h"
#include "outbound/smtp-client.h"
#include "core/token.h"

/* rows claimed per transaction; more are claimed while fewer than LOW_WATER per connection
 * are waiting or under way, so the connections never wait for the store */
#define BATCH 64
#define LOW_WATER 16
/* A claimed row is not due again before this: long enough for one delivery attempt, short
 * enough that a sender killed mid-delivery delays the mail only a little. */
#define LEASE 600

gint64
pd_sender_backoff (const PdSettings *s, gint64 attempts)
{
	gint64 delay = s->retry_base;
	gint64 i;

	for (i = 1; i < attempts && delay < s->retry_max; i++)
		delay *= 2;
	return MIN (delay, (gint64) s->retry_max);
}

static char *
read_password (const PdSettings *s, GError **error)
{
	g_autofree char *text = NULL;
	char *nl;

	if (s->relay_password_file == NULL)
		return NULL;
	if (!g_file_get_contents (s->relay_password_file, &text, NULL, error)) {
		g_prefix_error (error, "[smtp] password_file: ");
		return NULL;
	}
	if ((nl = strchr (text, '\n')) != NULL)
		*nl = '\0';
	return g_steal_pointer (&text);
}

/* One row's trip to the relay: made by the drain, filled by a connection. */
typedef struct {
	PdOutboxRow *row;
	char *verp;
	GBytes *data; /* what goes to the relay: the row's raw as claim_rows made it ready */
	PdSmtpResult result;
	char *reply;
} Job;

static void
job_free (Job *job)
{
	pd_outbox_row_free (job->row);
	g_free (job->verp);
	g_clear_pointer (&job->data, g_bytes_unref);
	g_free (job->reply);
	g_free (job);
}

typedef struct {
	const PdSmtpSettings *ss;
	GAsyncQueue *todo; /* Job *, or &stop_job: the connection ends */
	GAsyncQueue *done; /* Job * with its result */
} Pool;

static Job stop_job;

/* Each outcome in OUTCOMES into its job, and the job back to the drain. */
static void
give_back (Pool *pool, GPtrArray *outcomes)
{
	for (guint i = 0; i < outcomes->len; i++) {
		PdSmtpOutcome *o = outcomes->pdata[i];
		Job *job = o->tag;

		job->result = o->result;
		job->reply = g_steal_pointer (&o->reply);
		g_async_queue_push (pool->done, job);
	}
	g_ptr_array_set_size (outcomes, 0);
}

/* One relay connection. Messages are pipelined across (smtp-client.h): a message's content
 * goes with the next one's envelope, so its result comes back one message later, or alone
 * after a moment without a next one. A row is still marked sent only after its own 250. */
static gpointer
connection_main (gpointer data)
{
	Pool *pool = data;
	g_autoptr (PdSmtp) smtp = pd_smtp_new (pool->ss);
	g_autoptr (GPtrArray) outcomes =
		g_ptr_array_new_with_free_func ((GDestroyNotify) pd_smtp_outcome_free);

	for (;;) {
		Job *job;
		const char *rcpts[2] = { NULL, NULL };

		if (pd_smtp_pending (smtp)) {
			job = g_async_queue_timeout_pop (pool->todo, 1000);
			if (job == NULL) {
				pd_smtp_flush (smtp, outcomes);
				give_back (pool, outcomes);
				continue;
			}
		} else
			job = g_async_queue_pop (pool->todo);
		if (job == &stop_job)
			break;
		rcpts[0] = job->row->rcpt;
		pd_smtp_submit (smtp, job->verp, rcpts, job->data, job, outcomes);
		give_back (pool, outcomes);
	}
	pd_smtp_flush (smtp, outcomes);
	give_back (pool, outcomes);
	return NULL;
}

/* Record one result in the open transaction. */
static gboolean
record_one (PdApp *app, const Job *job, const char *owner, gint64 now, PdSendStats *stats,
            guint *again_r, GError **error)
{
	PdStore *store = app->store;
	const PdOutboxRow *row = job->row;
	const char *reply = job->reply;

	switch (job->result) {
	case PD_SMTP_SENT:
		stats->sent++;
		return pd_store_outbox_sent (store, row->id, reply, now, error);
	case PD_SMTP_PERMFAIL:
		stats->failed++;
		return pd_store_outbox_failed (store, row->id, reply, error);
	case PD_SMTP_TEMPFAIL:
	default:
		if (now - row->created_at >= app->settings->give_up_after) {
			g_autofree char *why = g_strdup_printf ("gave up after %" G_GINT64_FORMAT
			                                        " attempts; last: %s",
			                                        row->attempts + 1, reply ? reply : "-");
			stats->failed++;
			return pd_store_outbox_failed (store, row->id, why, error);
		}
		stats->retried++;
		(*again_r)++; /* with --all it is claimable again: the next claims skip it */
		return pd_store_outbox_retry (store, row->id, owner, reply,
		                              now + pd_sender_backoff (app->settings, row->attempts + 1),
		                              error);
	}
}

/* Record JOBS (all come back from the relay) in one transaction. */
static gboolean
record (PdApp *app, GPtrArray *jobs, const char *owner, PdSendStats *stats, guint *again_r,
        GError **error)
{
	gint64 now = pd_now ();
	guint i;

	for (i = 0; i < jobs->len; i++) {
		const Job *job = jobs->pdata[i];
		pd_log_info ("outbox=%" G_GINT64_FORMAT " kind=%s rcpt=%s result=%s reply=\"%s\"",
		             job->row->id, job->row->kind, job->row->rcpt,
		             pd_smtp_result_name (job->result),
		             job->reply ? g_strstrip (job->reply) : "");
	}
	if (!pd_store_begin (app->store, error))
		return FALSE;
	for (i = 0; i < jobs->len; i++)
		if (!record_one (app, jobs->pdata[i], owner, now, stats, again_r, error)) {
			pd_store_rollback (app->store);
			return FALSE;
		}
	return pd_store_commit (app->store, error);
}

/* Claim up to BATCH due rows not tried in this run, in one transaction: the rows are read
 * under the write lock, so every lease taken here holds. Their jobs go to TODO; *N_R says
 * how many. */
static gboolean
claim_rows (PdApp *app, gboolean now_all, const char *owner, GHashTable *tried, guint again,
            GAsyncQueue *todo, guint *n_r, GError **error)
{
	const PdSettings *s = app->settings;
	gint64 now = pd_now ();
	g_autoptr (GPtrArray) rows = NULL;
	g_autoptr (GPtrArray) jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) job_free);
	guint i;

	*n_r = 0;
	if (!pd_store_begin (app->store, error))
		return FALSE;
	/* the rows this run already tried and left queued come first again only with --all */
	rows = pd_store_outbox_due (app->store, now, now_all, BATCH + again, error);
	if (rows == NULL) {
		pd_store_rollback (app->store);
		return FALSE;
	}
	for (i = 0; i < rows->len && jobs->len < BATCH; i++) {
		PdOutboxRow *row = rows->pdata[i];
		gboolean claimed;
		Job *job;

		if (g_hash_table_contains (tried, &row->id))
			continue;
		if (!pd_store_outbox_claim (app->store, row->id, now, now_all, now + LEASE, owner,
		                            &claimed, error)) {
			pd_store_rollback (app->store);
			return FALSE;
		}
		if (!claimed)
			continue;
		g_hash_table_add (tried, g_memdup2 (&row->id, sizeof row->id));
		job = g_new0 (Job, 1);
		job->row = row;
		rows->pdata[i] = NULL; /* the job owns it now */
		job->verp = pd_token_address (app->secret, s->bounce_address, 'o', row->id);
		/* prepared here, in the thread that holds the settings, not in the connections */
		/* [dkim]: a key that cannot be used leaves the mail unsigned, not unsent */
		{
			g_autoptr (GError) dkim_error = NULL;

			job->data = pd_dkim_sign_bytes (s, row->raw, &dkim_error);
			if (job->data == NULL) {
				pd_log_warn ("outbox=%" G_GINT64_FORMAT " sent unsigned: %s", row->id,
				             dkim_error->message);
				job->data = g_bytes_ref (row->raw);
			}
		}
		g_ptr_array_add (jobs, job);
	}
	if (!pd_store_commit (app->store, error))
		return FALSE; /* the leases were not taken: nothing goes out */
	*n_r = jobs->len;
	{
		gsize n;
		g_autofree gpointer *taken = g_ptr_array_steal (jobs, &n);

		for (i = 0; i < n; i++)
			g_async_queue_push (todo, taken[i]);
	}
	return TRUE;
}

/* claim_rows in a durable commit, whatever the connection's setting: it carries to disk what
 * processing committed without waiting (pd_store_set_durable) before any mail leaves, so no
 * acknowledgement goes out for a ticket that a power cut could still take back. */
static gboolean
claim (PdApp *app, gboolean now_all, const char *owner, GHashTable *tried, guint again,
       GAsyncQueue *todo, guint *n_r, GError **error)
{
	gboolean was_durable = pd_store_is_durable (app->store);
	gboolean ok;

	*n_r = 0;
	if (!pd_store_set_durable (app->store, TRUE, error))
		return FALSE;
	ok = claim_rows (app, now_all, owner, tried, again, todo, n_r, error);
	if (!was_durable)
		pd_store_set_durable (app->store, FALSE, NULL); /* speed only: the claim stands */
	return ok;
}

gboolean
pd_sender_run_with (PdApp *app, gboolean now_all, guint connections, PdSendStats *stats,
                    GError **error)
{
	const PdSettings *s = app->settings;
	g_autoptr (GHashTable) tried = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
	g_autofree char *password = NULL;
	/* who holds the leases this run takes: unique per run, readable in the table */
	g_autofree char *owner = g_strdup_printf ("%s:%d:%08x", g_get_host_name (), (int) getpid (),
	                                          g_random_int ());
	PdSmtpSettings ss = { 0 };
	Pool pool;
	g_autoptr (GPtrArray) threads = g_ptr_array_new ();
	g_autoptr (GError) failure = NULL;
	guint in_flight = 0, again = 0, i;
	gboolean exhausted = FALSE, stopped = FALSE;

	memset (stats, 0, sizeof *stats);
	if (s->relay == NULL) {
		pd_log_info ("no [smtp] relay configured: outgoing mail stays queued");
		return TRUE;
	}
	if (s->relay_password_file && (password = read_password (s, error)) == NULL)
		return FALSE;
	if (connections == 0)
		connections = s->relay_connections > 0 ? (guint) s->relay_connections : 1;
	ss.url = s->relay;
	ss.user = s->relay_user;
	ss.password = password;
	ss.starttls = s->starttls;
	ss.ca_file = s->ca_file;
	ss.insecure = s->tls_insecure;
	ss.helo = s->helo ? s->helo : s->domain;
	ss.timeout = 120;
	pool.ss = &ss;
	pool.todo = g_async_queue_new ();
	pool.done = g_async_queue_new ();

	while (!exhausted || in_flight > 0) {
		g_autoptr (GPtrArray) back = NULL;
		Job *job;

		if (!exhausted && in_flight < LOW_WATER * connections) {
			guint n;

			if (!claim (app, now_all, owner, tried, again, pool.todo, &n, &failure))
				exhausted = TRUE;
			else if (n == 0)
				exhausted = TRUE;
			in_flight += n;
			/* a connection is opened only when there is mail for it */
			while (threads->len < MIN (connections, in_flight))
				g_ptr_array_add (threads, g_thread_new ("pd-smtp", connection_main, &pool));
			if (!exhausted && in_flight < LOW_WATER * connections)
				continue;
		}
		if (exhausted && !stopped) {
			/* nothing more comes: each connection sends the content of its waiting message
			 * now instead of waiting a moment for a next one to ride with it */
			for (i = 0; i < threads->len; i++)
				g_async_queue_push (pool.todo, &stop_job);
			stopped = TRUE;
		}
		if (in_flight == 0)
			continue;
		/* wait for one result, then take whatever else has come back: one commit for all */
		back = g_ptr_array_new_with_free_func ((GDestroyNotify) job_free);
		g_ptr_array_add (back, g_async_queue_pop (pool.done));
		while (back->len < in_flight && (job = g_async_queue_try_pop (pool.done)) != NULL)
			g_ptr_array_add (back, job);
		in_flight -= back->len;
		if (failure == NULL && !record (app, back, owner, stats, &again, &failure))
			exhausted = TRUE; /* unrecorded rows keep their lease and go again after it */
	}
	for (i = 0; !stopped && i < threads->len; i++)
		g_async_queue_push (pool.todo, &stop_job);
	for (i = 0; i < threads->len; i++)
		g_thread_join (threads->pdata[i]);
	g_async_queue_unref (pool.todo);
	g_async_queue_unref (pool.done);
	if (failure != NULL) {
		g_propagate_error (error, g_steal_pointer (&failure));
		return FALSE;
	}
	return TRUE;
}

gboolean
pd_sender_run (PdApp *app, gboolean now_all, PdSendStats *stats, GError **error)
{
	return pd_sender_run_with (app, now_all, 0, stats, error);
}
