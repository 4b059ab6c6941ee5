/* campaign-worker.c - the sender's workers (campaign-run.h): each one thread with one relay
 * connection, which composes, signs and submits the copies the dispatcher queues, pipelined
 * across messages, and hands the outcomes back. Apart from the dispatcher because this is
 * the part that runs N times at once and never touches the store: what it shares with the
 * dispatcher is under Run's lock, and all of that is here or in hand_back's callers. */
#include "outbound/campaign-run.h"

#include "core/log.h"
#include "outbound/dkim.h"

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
		else if (j->result == PD_SMTP_TEMPFAIL && pd_campaign_domain_tempfail (j->reply)) {
			double *until = g_new (double, 1);

			*until = pd_campaign_mono () + 0.2;
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
	if (*until > pd_campaign_mono ())
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
		if (j == &pd_campaign_stop_job) {
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

void
pd_campaign_workers_set (Run *r, guint want)
{
	want = MIN (want, 64); /* 0: all stop */
	while (r->workers < want) {
		g_ptr_array_add (r->threads, g_thread_new ("pd-campaign-send", worker_main, r));
		r->workers++;
	}
	while (r->workers > want) {
		g_async_queue_push (r->jobs, &pd_campaign_stop_job);
		r->workers--;
	}
}
