/* campaign-send.c - the announcement sender (campaign-send.h). One dispatcher (the calling
 * thread) owns the store connection: it runs the campaign clock, leases rows, paces them
 * out and commits the results; N worker threads each own one relay connection, compose and
 * send. The ledger is read a batch at a time: memory does not grow with the list. */
#include "outbound/campaign-send.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/log.h"
#include "lists/campaign.h"
#include "outbound/dkim.h"
#include "outbound/smtp-client.h"
#include "store/campaign.h"

#define FETCH 64          /* rows leased per transaction */
#define COMMIT_AGE_US 20000 /* a 250 waits at most this long for its commit */
#define MAX_ATTEMPTS 30   /* a domain answered 4xx this often: the row fails */
/* jobs handed to the workers at most (started or not): enough that a worker finds its next
 * message at hand while this thread leases rows or waits to be scheduled (else it sends the
 * waiting message alone, a round trip more); the dispatcher is woken when half are gone */
#define FEED(workers) MAX (8 * (workers), 64u)

typedef struct {
	gint64 id;
	gint64 campaign;
	gint64 subscriber;
	gint64 attempts;
	char *address;
	char *name;
	char *domain;
	const PdCampaignMail *mail; /* the campaign's, owned by the run */
	PdSmtpResult result;
	char *reply;
	gboolean held;  /* never sent: its domain was slowed while it waited, or the run ended */
} Job;

static Job stop_job; /* the sentinel that ends one worker */

static void
job_free (Job *j)
{
	if (j == NULL || j == &stop_job)
		return;
	g_free (j->address);
	g_free (j->name);
	g_free (j->domain);
	g_free (j->reply);
	g_free (j);
}

typedef struct {
	PdCampaignRow *row;
	PdCampaignMail *mail;
	GQueue buffer;      /* Job*: leased, not yet handed to a worker */
	double next_send;   /* monotonic seconds: this campaign's rate */
	double idle_until;  /* nothing was due: do not ask again before */
	gint64 cutoff;
	gboolean seen;      /* still running at the last refresh */
} Camp;

typedef struct {
	gint64 backoff;     /* seconds, after a 4xx; 0 = none */
	gint64 next_at;     /* wall clock: nothing to it before (back-off) */
	double next_send;   /* monotonic seconds: the per-domain rate */
} Domain;

typedef struct {
	PdApp **app;
	PdSettings *settings; /* the workers' (a reference): *app may change under them */
	char *owner;
	PdSmtpSettings ss;
	char *password;
	GAsyncQueue *jobs;
	GPtrArray *threads;
	guint workers;      /* live workers (sentinels sent subtract) */
	guint inflight;     /* jobs handed out whose result has not come back */
	/* back-pressure: 250s not yet committed */
	GMutex lock;
	GCond cond;
	guint uncommitted;
	guint limit;
	/* results back from the workers (Job*), under LOCK. The dispatcher is woken for them
	 * only when it has something to do (a commit's worth, all in flight back, the workers'
	 * queue running low): not once per message */
	GPtrArray *done;
	GCond wake;
	gboolean sleeping;  /* the dispatcher waits on WAKE */
	guint wake_done;    /* ... until DONE holds this many */
	guint wake_queue;   /* ... or fewer jobs than this wait for a worker */
	/* domains that just answered 4xx, under LOCK: char* -> double* (monotonic seconds until
	 * which the workers hold their jobs back), bridging the moment until the dispatcher has
	 * recorded the back-off and taken the domain's queued jobs back */
	GHashTable *hot;
	GHashTable *camps;  /* gint64* id -> Camp* */
	GHashTable *domains; /* char* -> Domain* */
	double next_send;   /* the overall rate */
	double relay_hold;  /* the relay itself failed: no new message before */
	PdCampaignSendStats *stats;
	GPtrArray *held;    /* Job*: held back, to be deferred with the next commit */
} Run;

static double
mono (void)
{
	return g_get_monotonic_time () / 1e6;
}

/* ---- workers ---- */

/* The raw message is final here: nothing changes its bytes after this function. */
static GBytes *
finish_message (const PdSettings *settings, GBytes *raw, GError **error)
{
	/* [dkim]: signed like every outgoing mail (the List-* fields included); a key that cannot
	 * be used leaves the copy unsigned, not unsent, as in the outbox drain. dkim.c makes a
	 * library handle per call, so the workers may sign at once. */
	g_autoptr (GError) dkim_error = NULL;
	GBytes *signed_raw = pd_dkim_sign_bytes (settings, raw, &dkim_error);

	(void) error;
	if (signed_raw == NULL) {
		pd_log_warn ("campaign copy sent unsigned: %s", dkim_error->message);
		return raw;
	}
	g_bytes_unref (raw);
	return signed_raw;
}

static gboolean domain_tempfail (const char *reply);

/* Under R->lock, after a result was added: wake the dispatcher if it waits for this. */
static void
wake_dispatcher (Run *r)
{
	if (r->sleeping && (r->done->len >= r->wake_done ||
	                    (guint) MAX (0, g_async_queue_length (r->jobs)) < r->wake_queue)) {
		r->sleeping = FALSE;
		g_cond_signal (&r->wake);
	}
}

/* Give the outcomes in OUTCOMES back to the dispatcher, each in its Job; a 250 counts as
 * uncommitted from here on. */
static void
hand_back (Run *r, GPtrArray *outcomes)
{
	guint sent = 0, i;

	if (outcomes->len == 0)
		return;
	g_mutex_lock (&r->lock);
	for (i = 0; i < outcomes->len; i++) {
		PdSmtpOutcome *o = outcomes->pdata[i];
		Job *j = o->tag;

		j->result = o->result;
		j->reply = g_steal_pointer (&o->reply);
		if (j->result == PD_SMTP_SENT)
			sent++;
		else if (j->result == PD_SMTP_TEMPFAIL && domain_tempfail (j->reply)) {
			double *until = g_new (double, 1);

			*until = mono () + 0.2;
			g_hash_table_replace (r->hot, g_strdup (j->domain), until);
		}
		g_ptr_array_add (r->done, j);
	}
	r->uncommitted += sent;
	wake_dispatcher (r);
	g_mutex_unlock (&r->lock);
	g_ptr_array_set_size (outcomes, 0);
}

/* Whether J's domain just answered 4xx on some connection: then J is not tried now but held
 * (given back or deferred with the next commit, no attempt counted). Under R->lock. */
static gboolean
domain_hot (Run *r, const Job *j)
{
	double *until;

	if (g_hash_table_size (r->hot) == 0)
		return FALSE;
	until = g_hash_table_lookup (r->hot, j->domain);
	if (until == NULL)
		return FALSE;
	if (*until > mono ())
		return TRUE;
	g_hash_table_remove (r->hot, j->domain);
	return FALSE;
}

/* The duplicate window stays bounded: no message's content goes to the relay while a batch
 * of 250s waits for its commit. Checked before every write that carries a "." (a submit
 * that finishes the waiting message, or a flush), so each worker past this point adds at
 * most one 250: at most batch - 1 + connections copies are accepted and uncommitted at any
 * time. A message waiting for its content is not in the relay's hands: it may wait here. */
static void
wait_for_room (Run *r)
{
	g_mutex_lock (&r->lock);
	while (r->uncommitted >= r->limit)
		g_cond_wait (&r->cond, &r->lock);
	g_mutex_unlock (&r->lock);
}

/* One connection. Messages are submitted to the relay pipelined (smtp-client.h): a message's
 * content goes out with the next message's envelope, so its outcome comes back one message
 * later; when no next message is at hand, the waiting one's content goes alone (a message
 * never waits on the relay for a job). A row is 'sent' only with its own 250. */
static gpointer
worker_main (gpointer data)
{
	Run *r = data;
	g_autoptr (PdSmtp) smtp = pd_smtp_new (&r->ss);
	g_autoptr (GPtrArray) outcomes =
		g_ptr_array_new_with_free_func ((GDestroyNotify) pd_smtp_outcome_free);
	const PdSettings *settings = r->settings;

	for (;;) {
		Job *j;
		g_autoptr (GError) error = NULL;
		g_autoptr (GBytes) raw = NULL;
		g_autofree char *verp = NULL;

		if (pd_smtp_pending (smtp)) {
			/* a moment for the next message to ride with the waiting one's content */
			j = g_async_queue_timeout_pop (r->jobs, 1000);
			if (j == NULL) {
				wait_for_room (r);
				pd_smtp_flush (smtp, outcomes);
				hand_back (r, outcomes);
				continue;
			}
		} else
			j = g_async_queue_pop (r->jobs);
		if (j == &stop_job) {
			wait_for_room (r);
			pd_smtp_flush (smtp, outcomes);
			hand_back (r, outcomes);
			break;
		}
		wait_for_room (r);
		g_mutex_lock (&r->lock);
		if (domain_hot (r, j)) {
			j->held = TRUE;
			j->result = PD_SMTP_TEMPFAIL;
			g_ptr_array_add (r->done, j);
			wake_dispatcher (r);
			g_mutex_unlock (&r->lock);
			continue;
		}
		g_mutex_unlock (&r->lock);

		raw = pd_campaign_mail_compose (j->mail, j->id, j->subscriber, j->address, j->name,
		                                &verp, &error);
		if (raw != NULL)
			raw = finish_message (settings, raw, &error);
		if (raw == NULL) {
			j->result = PD_SMTP_PERMFAIL;
			j->reply = g_strdup_printf ("not composed: %s", error->message);
			g_mutex_lock (&r->lock);
			g_ptr_array_add (r->done, j);
			wake_dispatcher (r);
			g_mutex_unlock (&r->lock);
		} else {
			const char *rcpts[] = { j->address, NULL };

			pd_smtp_submit (smtp, verp, rcpts, raw, j, outcomes);
			hand_back (r, outcomes);
		}
	}
	return NULL;
}

static void
set_workers (Run *r, guint want)
{
	want = MIN (want, 64); /* 0: all stop */
	while (r->workers < want) {
		g_ptr_array_add (r->threads, g_thread_new ("pd-campaign-send", worker_main, r));
		r->workers++;
	}
	while (r->workers > want) {
		g_async_queue_push (r->jobs, &stop_job);
		r->workers--;
	}
}

/* ---- the dispatcher's store work ---- */

static Domain *
domain_get (Run *r, const char *name)
{
	Domain *d = g_hash_table_lookup (r->domains, name);

	if (d == NULL) {
		d = g_new0 (Domain, 1);
		g_hash_table_insert (r->domains, g_strdup (name), d);
	}
	return d;
}

/* The domains nothing may go to now, as a JSON array for the store. (transfer full) */
static char *
blocked_domains (Run *r, gint64 now, double t)
{
	GString *s = g_string_new ("[");
	GHashTableIter it;
	gpointer key, value;

	g_hash_table_iter_init (&it, r->domains);
	while (g_hash_table_iter_next (&it, &key, &value)) {
		Domain *d = value;

		if (d->next_at > now || d->next_send > t) {
			if (s->len > 1)
				g_string_append_c (s, ',');
			g_string_append_c (s, '"');
			for (const char *p = key; *p; p++)
				if (*p != '"' && *p != '\\' && (guchar) *p >= 0x20)
					g_string_append_c (s, *p);
			g_string_append_c (s, '"');
		} else if (d->backoff == 0)
			g_hash_table_iter_remove (&it); /* nothing to remember */
	}
	g_string_append_c (s, ']');
	return g_string_free (s, FALSE);
}

static double
per_domain_interval (Run *r, const Camp *c)
{
	gint64 n = c->row->per_domain > 0 ? c->row->per_domain
	                                   : (*r->app)->settings->campaign->per_domain;

	return n > 0 ? 60.0 / n : 0;
}

static gboolean lease_rows_txn (Run *r, Camp *c, GError **error);

/* Lease up to FETCH due rows of C into its buffer. FALSE only on a store error. The lease is
 * committed without waiting for the disk (a third of the sender's fsyncs otherwise, and the
 * dispatcher feeds no worker while it waits): it only needs to survive the process, which a
 * relaxed WAL commit does; the next durable commit (the 250s') carries it to disk before
 * anything it leads to is recorded, and if the machine dies first the rows are simply due
 * again, as with a lease that ran out. */
static gboolean
lease_rows (Run *r, Camp *c, GError **error)
{
	PdStore *store = (*r->app)->store;
	gboolean durable = pd_store_is_durable (store), ok;

	if (durable && !pd_store_set_durable (store, FALSE, error))
		return FALSE;
	ok = lease_rows_txn (r, c, error);
	if (durable && !pd_store_set_durable (store, TRUE, ok ? error : NULL))
		ok = FALSE;
	return ok;
}

static gboolean
lease_rows_txn (Run *r, Camp *c, GError **error)
{
	PdApp *app = *r->app;
	gint64 now = pd_now ();
	double t = mono (), gap = per_domain_interval (r, c);
	g_autofree char *blocked = blocked_domains (r, now, t);
	g_autoptr (GPtrArray) rows = NULL;
	g_autoptr (GPtrArray) want = g_ptr_array_new (); /* PdDeliveryRow*: to lease */
	gint64 ids[FETCH];
	gboolean leased[FETCH];
	guint taken = 0;

	if (!pd_store_begin (app->store, error))
		return FALSE;
	rows = pd_store_delivery_due (app->store, c->row->id, c->cutoff, now, blocked, FETCH, error);
	if (rows == NULL)
		goto fail;
	for (guint i = 0; i < rows->len; i++) {
		PdDeliveryRow *row = rows->pdata[i];
		Domain *d = domain_get (r, row->domain);

		if (g_strcmp0 (row->status, "active") != 0 && g_strcmp0 (row->status, "bouncing") != 0) {
			/* unsubscribed (or disabled) since the campaign was made; a bouncing subscriber
			 * (a score below the threshold) is still mailed */
			if (!pd_store_delivery_end (app->store, row->id, "skipped", row->status, error))
				goto fail;
			r->stats->skipped++;
			continue;
		}
		if (d->next_at > now || (gap > 0 && d->next_send > t))
			continue; /* this batch already has this domain's share */
		/* the domain's share is counted before the lease says yes: a row another sender
		 * took (rare) only makes this domain's pace a little slower, never faster */
		if (gap > 0)
			d->next_send = MAX (d->next_send, t) + gap;
		ids[want->len] = row->id;
		g_ptr_array_add (want, row);
	}
	/* one statement for the batch: the dispatcher is the serial part of sending */
	if (!pd_store_delivery_lease_many (app->store, ids, want->len, r->owner,
	                                   now + app->settings->campaign->lease, leased, error))
		goto fail;
	for (guint i = 0; i < want->len; i++) {
		PdDeliveryRow *row = want->pdata[i];
		Job *j;

		if (!leased[i])
			continue; /* another sender took it */
		j = g_new0 (Job, 1);
		j->id = row->id;
		j->campaign = c->row->id;
		j->subscriber = row->subscriber_id;
		j->attempts = row->attempts + 1;
		j->address = g_steal_pointer (&row->address);
		j->name = g_steal_pointer (&row->name);
		j->domain = g_steal_pointer (&row->domain);
		j->mail = c->mail;
		g_queue_push_tail (&c->buffer, j);
		taken++;
	}
	if (!pd_store_commit (app->store, error))
		return FALSE;
	if (taken == 0)
		c->idle_until = t + (rows->len > 0 ? 0.05 : 0.5);
	return TRUE;
fail:
	pd_store_rollback (app->store);
	return FALSE;
}

/* Give C's buffered rows back (the campaign paused or the run ends). */
static gboolean
release_buffer (Run *r, Camp *c, GError **error)
{
	PdStore *store = (*r->app)->store;
	Job *j;

	if (g_queue_is_empty (&c->buffer))
		return TRUE;
	if (!pd_store_begin (store, error))
		return FALSE;
	while ((j = g_queue_pop_head (&c->buffer)) != NULL) {
		if (!pd_store_delivery_release (store, j->id, error)) {
			job_free (j);
			pd_store_rollback (store);
			return FALSE;
		}
		job_free (j);
	}
	return pd_store_commit (store, error);
}

/* "4xx ..." from the relay: the recipient's domain said later (not our relay connection).
 * 421 is the relay closing the connection (shutting down, too many errors or connections):
 * the relay's trouble, not the domain's. */
static gboolean
domain_tempfail (const char *reply)
{
	return reply && reply[0] == '4' && g_ascii_isdigit (reply[1]) && g_ascii_isdigit (reply[2]) &&
	       strncmp (reply, "421", 3) != 0;
}

/* Take back the jobs queued to the workers and not started whose campaign is no longer
 * running or whose domain is slowed now: they are held (given back or deferred with the next
 * commit, no attempt counted), not sent. The queue holds up to FEED jobs: without this a
 * pause would let them all out, and a domain answering 4xx would get one try per queued row. */
static void
take_back_queued (Run *r)
{
	GQueue keep = G_QUEUE_INIT;
	gint64 now = pd_now ();
	Job *j;

	if (r->held == NULL)
		return; /* the run is ending: the workers are gone, nothing is queued */
	while ((j = g_async_queue_try_pop (r->jobs)) != NULL) {
		Camp *c = j == &stop_job ? NULL : g_hash_table_lookup (r->camps, &j->campaign);
		Domain *d = j == &stop_job ? NULL : g_hash_table_lookup (r->domains, j->domain);

		if ((c != NULL && !c->seen) || (d != NULL && d->next_at > now)) {
			j->held = TRUE;
			j->result = PD_SMTP_TEMPFAIL;
			g_ptr_array_add (r->held, j);
			r->inflight--;
		} else
			g_queue_push_tail (&keep, j);
	}
	while ((j = g_queue_pop_head (&keep)) != NULL)
		g_async_queue_push (r->jobs, j);
}

/* Commit the results in RESULTS (Job*) in one transaction. */
static gboolean
commit_results (Run *r, GPtrArray *results, GError **error)
{
	PdApp *app = *r->app;
	const PdCampaignSettings *cs = app->settings->campaign;
	gint64 now = pd_now ();
	guint sent = 0, relay_trouble = 0, i;
	gboolean ok = TRUE, slowed = FALSE;
	/* the 250s, recorded by one statement after the loop (same transaction) */
	g_autoptr (GArray) sent_ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), results->len);
	g_autoptr (GPtrArray) sent_replies = g_ptr_array_new_full (results->len, g_free);

	if (results->len == 0)
		return TRUE;
	if (!pd_store_begin (app->store, error))
		return FALSE;
	for (i = 0; ok && i < results->len; i++) {
		Job *j = results->pdata[i];
		Domain *d = domain_get (r, j->domain);
		g_autofree char *reply = g_strdup (j->reply ? g_strstrip (j->reply) : "");

		switch (j->result) {
		case PD_SMTP_SENT:
			g_array_append_val (sent_ids, j->id);
			g_ptr_array_add (sent_replies, g_steal_pointer (&reply));
			if (d->backoff > 0) {
				d->backoff = 0;
				d->next_at = 0;
				ok = pd_store_domain_pace_set (app->store, j->domain, 0, 0, now, error);
				pd_log_info ("domain=%s takes mail again: back-off ended", j->domain);
			}
			sent++;
			r->stats->sent++;
			break;
		case PD_SMTP_PERMFAIL:
			ok = pd_store_delivery_end (app->store, j->id, "bounced", reply, error);
			pd_log_info ("campaign=%" G_GINT64_FORMAT " delivery=%" G_GINT64_FORMAT
			             " rcpt=%s result=bounced reply=\"%s\"", j->campaign, j->id,
			             j->address, reply);
			r->stats->bounced++;
			break;
		case PD_SMTP_TEMPFAIL:
		default:
			if (j->held) {
				/* not tried: no attempt counted, no back-off grown; it waits for its
				 * slowed domain, or (the run ends) it is simply given back */
				ok = d->next_at > now
				             ? pd_store_delivery_defer (app->store, j->id, "held: domain slowed",
				                                        d->next_at, FALSE, error)
				             : pd_store_delivery_release (app->store, j->id, error);
				break;
			}
			if (domain_tempfail (reply) && j->attempts >= MAX_ATTEMPTS) {
				g_autofree char *why = g_strdup_printf ("gave up after %" G_GINT64_FORMAT
				                                        " attempts; last: %s", j->attempts, reply);
				ok = pd_store_delivery_end (app->store, j->id, "failed", why, error);
				r->stats->failed++;
				break;
			}
			if (domain_tempfail (reply)) {
				/* slow this domain, and only this one */
				if (d->next_at <= now) {
					d->backoff = d->backoff ? MIN (d->backoff * 2, cs->backoff_max) : cs->backoff;
					d->next_at = now + d->backoff;
					ok = pd_store_domain_pace_set (app->store, j->domain, d->backoff, d->next_at,
					                               now, error);
					slowed = TRUE;
					pd_log_info ("domain=%s answered \"%s\": slowed, next try in %" G_GINT64_FORMAT " s",
					             j->domain, reply, d->backoff);
				}
				ok = ok && pd_store_delivery_defer (app->store, j->id, reply,
				                                    MAX (d->next_at, now + 1), TRUE, error);
			} else {
				/* no connection, a timeout: the relay's trouble, not the domain's nor the
				 * row's: it does not count toward giving the row up */
				r->relay_hold = mono () + 2;
				ok = pd_store_delivery_defer (app->store, j->id, reply, now + 5, FALSE, error);
				if (relay_trouble++ == 0)
					pd_log_warn ("campaign=%" G_GINT64_FORMAT " relay trouble: %s (holding "
					             "for a few seconds)", j->campaign, reply);
			}
			r->stats->deferred++;
		}
	}
	ok = ok && pd_store_delivery_sent_many (app->store, (const gint64 *) sent_ids->data,
	                                        (const char *const *) sent_replies->pdata,
	                                        sent_ids->len, now, error);
	if (!ok) {
		pd_store_rollback (app->store);
		return FALSE;
	}
	if (!pd_store_commit (app->store, error))
		return FALSE;
	g_mutex_lock (&r->lock);
	r->uncommitted -= sent;
	g_cond_broadcast (&r->cond);
	g_mutex_unlock (&r->lock);
	g_ptr_array_set_size (results, 0);
	if (slowed)
		take_back_queued (r);
	return TRUE;
}

/* Whether the process named in lease OWNER ("host:pid:tag") is gone: only said of this host. */
static gboolean
owner_dead (const char *owner)
{
	g_auto (GStrv) parts = g_strsplit (owner, ":", 3);
	gint64 pid;

	if (g_strv_length (parts) != 3 || g_strcmp0 (parts[0], g_get_host_name ()) != 0)
		return FALSE;
	pid = g_ascii_strtoll (parts[1], NULL, 10);
	return pid > 0 && kill ((pid_t) pid, 0) != 0 && errno == ESRCH;
}

/* Free the leases of senders that are gone or ran out, for campaign ID. */
static gboolean
reclaim (Run *r, gint64 id, GError **error)
{
	PdStore *store = (*r->app)->store;
	g_autoptr (GPtrArray) owners = pd_store_delivery_owners (store, id, error);
	gint64 n = 0, total = 0;

	if (owners == NULL)
		return FALSE;
	g_ptr_array_add (owners, NULL); /* one pass for the run-out leases alone */
	for (guint i = 0; i < owners->len; i++) {
		const char *o = owners->pdata[i];

		if (o != NULL && (!strcmp (o, r->owner) || !owner_dead (o)))
			continue;
		if (!pd_store_begin (store, error))
			return FALSE;
		if (!pd_store_delivery_reclaim (store, id, pd_now (), o, &n, error)) {
			pd_store_rollback (store);
			return FALSE;
		}
		if (!pd_store_commit (store, error))
			return FALSE;
		total += n;
	}
	if (total > 0)
		pd_log_info ("campaign=%" G_GINT64_FORMAT " %" G_GINT64_FORMAT
		             " rows taken back from senders that are gone", id, total);
	return TRUE;
}

/* Re-read the running campaigns (states, rates, stages) and the domain pace. */
static gboolean
refresh (Run *r, gboolean reclaim_leases, GError **error)
{
	PdApp *app = *r->app;
	g_autoptr (GPtrArray) running = NULL, pace = NULL;
	GHashTableIter it;
	gpointer key, value;
	guint want = 0;
	gboolean stopped = FALSE;

	if (!pd_campaign_tick (app, pd_now (), error) ||
	    (running = pd_store_campaign_list (app->store, "running", error)) == NULL ||
	    (pace = pd_store_domain_pace_list (app->store, error)) == NULL)
		return FALSE;
	g_hash_table_iter_init (&it, r->camps);
	while (g_hash_table_iter_next (&it, &key, &value))
		((Camp *) value)->seen = FALSE;
	for (guint i = 0; i < running->len; i++) {
		PdCampaignRow *row = running->pdata[i];
		Camp *c = g_hash_table_lookup (r->camps, &row->id);

		if (c == NULL) {
			g_autoptr (GError) local = NULL;
			PdCampaignMail *mail = pd_campaign_mail_new (app->settings, app->secret, row, &local);

			if (mail == NULL) {
				pd_log_error ("campaign=%" G_GINT64_FORMAT " cannot be composed: %s", row->id,
				              local->message);
				continue;
			}
			c = g_new0 (Camp, 1);
			c->mail = mail;
			g_queue_init (&c->buffer);
			g_hash_table_insert (r->camps, g_memdup2 (&row->id, sizeof row->id), c);
			/* rows a crashed sender left: at once, not after their lease runs out */
			if (!reclaim (r, row->id, error))
				return FALSE;
		} else if (reclaim_leases && !reclaim (r, row->id, error))
			return FALSE;
		pd_campaign_row_free (c->row);
		c->row = g_steal_pointer (&running->pdata[i]);
		c->cutoff = pd_campaign_stage_cutoff (c->row->stages, c->row->total, c->row->stage);
		c->seen = TRUE;
		want = MAX (want, (guint) (c->row->connections > 0 ? c->row->connections
		                                                     : app->settings->campaign->connections));
	}
	/* paused, cancelled or done since: their leased rows go back */
	g_hash_table_iter_init (&it, r->camps);
	while (g_hash_table_iter_next (&it, &key, &value)) {
		Camp *c = value;

		if (c->seen)
			continue;
		/* its mail may still be in a worker's hands: the Camp stays until the run ends */
		if (!release_buffer (r, c, error))
			return FALSE;
		stopped = TRUE;
	}
	if (stopped)
		take_back_queued (r); /* and so do its jobs handed out but not started */
	for (guint i = 0; i < pace->len; i++) {
		PdDomainPace *p = pace->pdata[i];
		Domain *d = domain_get (r, p->domain);

		d->backoff = p->backoff;
		d->next_at = p->next_at;
	}
	if (want > 0)
		set_workers (r, want); /* never 0 while the run goes on */
	g_mutex_lock (&r->lock);
	r->limit = MAX (1, app->settings->campaign->batch);
	g_cond_broadcast (&r->cond);
	g_mutex_unlock (&r->lock);
	return TRUE;
}

static void
camp_free (Camp *c)
{
	Job *j;

	while ((j = g_queue_pop_head (&c->buffer)) != NULL)
		job_free (j);
	pd_campaign_row_free (c->row);
	pd_campaign_mail_free (c->mail);
	g_free (c);
}

/* The next job to hand out under the rates, or NULL. */
static Job *
next_job (Run *r, double t, GError **error, gboolean *failed_r)
{
	const PdCampaignSettings *cs = (*r->app)->settings->campaign;
	GHashTableIter it;
	gpointer key, value;

	*failed_r = FALSE;
	if (t < r->relay_hold || (cs->rate > 0 && r->next_send > t))
		return NULL;
	g_hash_table_iter_init (&it, r->camps);
	while (g_hash_table_iter_next (&it, &key, &value)) {
		Camp *c = value;
		Job *j;

		if (!c->seen || c->next_send > t)
			continue;
		if (g_queue_is_empty (&c->buffer) && c->idle_until <= t &&
		    !lease_rows (r, c, error)) {
			*failed_r = TRUE;
			return NULL;
		}
		while ((j = g_queue_pop_head (&c->buffer)) != NULL) {
			Domain *d = g_hash_table_lookup (r->domains, j->domain);

			if (d == NULL || d->next_at <= pd_now ())
				break;
			/* its domain answered 4xx since it was leased: it waits with the others */
			j->held = TRUE;
			j->result = PD_SMTP_TEMPFAIL;
			g_ptr_array_add (r->held, j);
		}
		if (j == NULL)
			continue;
		if (c->row->rate > 0)
			c->next_send = MAX (c->next_send, t - 0.1) + 1.0 / c->row->rate;
		if (cs->rate > 0)
			r->next_send = MAX (r->next_send, t - 0.1) + 1.0 / cs->rate;
		return j;
	}
	return NULL;
}

gboolean
pd_campaign_send_run (PdApp **app, PdSettingsCell *cell, const gint *stop, guint idle_ms,
                      PdCampaignSendStats *stats, GError **error)
{
	const PdSettings *s = (*app)->settings;
	g_autoptr (GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) job_free);
	Run r = { 0 };
	gboolean ok = TRUE;
	double last_refresh = 0, last_reclaim, idle_since = 0, oldest = 0;
	GHashTableIter it;
	gpointer key, value;

	memset (stats, 0, sizeof *stats);
	if (s->relay == NULL)
		return TRUE;
	if (s->relay_password_file) {
		g_autofree char *text = NULL;

		if (!g_file_get_contents (s->relay_password_file, &text, NULL, error))
			return FALSE;
		if (strchr (text, '\n'))
			*strchr (text, '\n') = '\0';
		r.password = g_steal_pointer (&text);
	}
	r.app = app;
	r.settings = pd_settings_ref ((*app)->settings);
	r.stats = stats;
	r.owner = g_strdup_printf ("%s:%d:%08x", g_get_host_name (), (int) getpid (), g_random_int ());
	r.ss.url = s->relay;
	r.ss.user = s->relay_user;
	r.ss.password = r.password;
	r.ss.starttls = s->starttls;
	r.ss.ca_file = s->ca_file;
	r.ss.insecure = s->tls_insecure;
	r.ss.helo = s->helo ? s->helo : s->domain;
	r.ss.timeout = 120;
	r.jobs = g_async_queue_new ();
	r.done = g_ptr_array_new ();
	g_cond_init (&r.wake);
	r.hot = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	r.threads = g_ptr_array_new ();
	r.held = g_ptr_array_new ();
	r.camps = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) camp_free);
	r.domains = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	r.limit = MAX (1, s->campaign->batch);
	g_mutex_init (&r.lock);
	g_cond_init (&r.cond);
	last_reclaim = mono ();

	if (!refresh (&r, TRUE, error)) {
		ok = FALSE;
		goto out;
	}
	last_refresh = mono ();
	for (;;) {
		double t = mono ();
		gboolean anything = FALSE, failed = FALSE;
		Job *j;

		if (stop && g_atomic_int_get (stop))
			break;
		if (t - last_refresh >= 1.0) {
			if (cell != NULL)
				pd_app_follow (app, cell);
			if (!refresh (&r, t - last_reclaim >= 30, error)) {
				ok = FALSE;
				break;
			}
			if (t - last_reclaim >= 30)
				last_reclaim = t;
			last_refresh = t;
		}
		/* results: commit when half a batch waits (the workers go on sending the other
		 * half meanwhile instead of all stopping at the limit while this thread is woken and
		 * commits), when the oldest waited long enough, or when nothing else is in flight */
		g_mutex_lock (&r.lock);
		if (r.done->len > 0) {
			if (results->len == 0)
				oldest = t;
			r.inflight -= r.done->len;
			g_ptr_array_extend_and_steal (results, g_steal_pointer (&r.done));
			r.done = g_ptr_array_new ();
			anything = TRUE;
		}
		g_mutex_unlock (&r.lock);
		if (r.held->len > 0) {
			if (results->len == 0)
				oldest = t;
			g_ptr_array_extend_and_steal (results, g_steal_pointer (&r.held));
			r.held = g_ptr_array_new ();
		}
		if (results->len > 0 &&
		    (results->len * 2 >= r.limit || r.inflight == 0 || (t - oldest) * 1e6 >= COMMIT_AGE_US)) {
			if (!commit_results (&r, results, error)) {
				ok = FALSE;
				break;
			}
		}
		/* feed the workers: a few messages per connection, its waiting one (see worker_main)
		 * included, so the next is at hand when a reply comes and a worker never waits
		 * for this thread to be scheduled; not started ones are given back at the end */
		while (r.inflight < FEED (r.workers)) {
			if ((j = next_job (&r, mono (), error, &failed)) == NULL)
				break;
			g_async_queue_push (r.jobs, j);
			r.inflight++;
			anything = TRUE;
		}
		if (failed) {
			ok = FALSE;
			break;
		}
		if (anything || r.inflight > 0 || results->len > 0)
			idle_since = 0;
		else if (idle_since == 0)
			idle_since = t;
		else if ((t - idle_since) * 1000 >= idle_ms)
			break;
		if (!anything) {
			/* wait for a result, a rate token, the next look at the ledger or the commit
			 * of the results that wait */
			gint64 wait_us = r.inflight > 0 ? 5000 : 20000;

			if (results->len > 0)
				wait_us = (gint64) CLAMP (COMMIT_AGE_US - (mono () - oldest) * 1e6, 500.0,
				                          (double) wait_us);
			g_mutex_lock (&r.lock);
			if (r.done->len == 0) {
				guint half = (r.limit + 1) / 2;

				r.wake_done = MAX (1, MIN (r.inflight, half > results->len ? half - results->len : 1));
				r.wake_queue = FEED (r.workers) / 2;
				r.sleeping = TRUE;
				g_cond_wait_until (&r.wake, &r.lock, g_get_monotonic_time () + wait_us);
				r.sleeping = FALSE;
			}
			g_mutex_unlock (&r.lock);
		}
	}
out:
	/* messages no worker has started are given back, not sent on the way out; the workers
	 * finish the one each holds, their results are committed */
	{
		guint sentinels = 0;
		Job *j;

		while ((j = g_async_queue_try_pop (r.jobs)) != NULL) {
			if (j == &stop_job) {
				sentinels++;
				continue;
			}
			j->held = TRUE;
			j->result = PD_SMTP_TEMPFAIL;
			g_ptr_array_add (r.held, j);
			r.inflight--;
		}
		while (sentinels-- > 0)
			g_async_queue_push (r.jobs, &stop_job);
	}
	set_workers (&r, 0);
	r.workers = 0;
	g_mutex_lock (&r.lock);
	r.limit = G_MAXUINT; /* nobody waits for a commit that comes only after the join */
	g_cond_broadcast (&r.cond);
	g_mutex_unlock (&r.lock);
	for (guint i = 0; i < r.threads->len; i++)
		g_thread_join (r.threads->pdata[i]);
	/* every worker has ended: all it had is in DONE */
	r.inflight -= MIN (r.inflight, r.done->len);
	g_ptr_array_extend_and_steal (results, g_steal_pointer (&r.done));
	g_ptr_array_extend_and_steal (results, g_steal_pointer (&r.held));
	if (ok && !commit_results (&r, results, error))
		ok = FALSE;
	g_hash_table_iter_init (&it, r.camps);
	while (ok && g_hash_table_iter_next (&it, &key, &value))
		ok = release_buffer (&r, value, error);
	/* after a store error the leases run out and the rows are sent by the next run */
	g_ptr_array_unref (r.threads);
	g_async_queue_unref (r.jobs);
	g_cond_clear (&r.wake);
	g_hash_table_unref (r.hot);
	g_hash_table_unref (r.camps);
	g_hash_table_unref (r.domains);
	g_mutex_clear (&r.lock);
	g_cond_clear (&r.cond);
	pd_settings_unref (r.settings);
	g_free (r.owner);
	g_free (r.password);
	return ok;
}

/* ---- serve's thread ---- */

struct PdCampaignSender {
	GThread *thread;
	PdSettingsCell *cell;
	gint stop;
	GMutex lock;
	GCond wake;
};

static gpointer
sender_main (gpointer data)
{
	PdCampaignSender *s = data;
	g_autoptr (PdSettings) first = pd_settings_cell_get (s->cell);
	g_autoptr (GError) error = NULL;
	PdApp *app = pd_app_open_with_settings (first, &error);

	if (app == NULL) {
		pd_log_error ("campaign sender: %s; no announcements go out from this process",
		              error->message);
		return NULL;
	}
	while (!g_atomic_int_get (&s->stop)) {
		PdCampaignSendStats stats;
		gint64 until;

		pd_app_follow (&app, s->cell);
		if (!pd_campaign_send_run (&app, s->cell, &s->stop, 2000, &stats, &error)) {
			pd_log_warn ("campaign sender: %s (trying again in a second)", error->message);
			g_clear_error (&error);
		} else if (stats.sent + stats.deferred + stats.bounced + stats.failed > 0)
			pd_log_info ("campaign sender: sent %u, deferred %u, bounced %u, failed %u",
			             stats.sent, stats.deferred, stats.bounced, stats.failed);
		/* the clock of campaigns waiting out a stage runs here too */
		if (!pd_campaign_tick (app, pd_now (), &error)) {
			pd_log_warn ("campaign clock: %s", error->message);
			g_clear_error (&error);
		}
		g_mutex_lock (&s->lock);
		until = g_get_monotonic_time () + G_USEC_PER_SEC;
		while (!g_atomic_int_get (&s->stop) && g_cond_wait_until (&s->wake, &s->lock, until))
			;
		g_mutex_unlock (&s->lock);
	}
	pd_app_free (app);
	return NULL;
}

PdCampaignSender *
pd_campaign_sender_new (PdSettingsCell *cell)
{
	PdCampaignSender *s = g_new0 (PdCampaignSender, 1);

	s->cell = cell;
	g_mutex_init (&s->lock);
	g_cond_init (&s->wake);
	s->thread = g_thread_new ("pd-campaigns", sender_main, s);
	return s;
}

void
pd_campaign_sender_free (PdCampaignSender *s)
{
	if (s == NULL)
		return;
	g_mutex_lock (&s->lock);
	g_atomic_int_set (&s->stop, 1);
	g_cond_signal (&s->wake);
	g_mutex_unlock (&s->lock);
	g_thread_join (s->thread);
	g_mutex_clear (&s->lock);
	g_cond_clear (&s->wake);
	g_free (s);
}
