/* campaign-send.c - the announcement sender's dispatcher (campaign-send.h). The calling
 * thread owns the store connection: it runs the campaign clock, re-reads the running
 * campaigns, leases rows (campaign-lease.c), paces them out (campaign-pace.c), queues them to
 * N worker threads that each own one relay connection, compose and send (campaign-worker.c),
 * and commits the results (campaign-commit.c). The ledger is read a batch at a time: memory
 * does not grow with the list. serve's thread around this is campaign-serve.c. */
#include "outbound/campaign-run.h"

#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "lists/campaign-owner.h"

/* Re-read the running campaigns (states, rates, stages) and the domain pace. */
static gboolean
refresh (Run *r, gboolean reclaim_leases, GError **error)
{
	PdApp *app = *r->app;
	g_autoptr (GPtrArray) running = NULL, pace = NULL;
	GHashTableIter it;
	gpointer key, value;
	guint want = 0, n_running = 0;
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
			if (!pd_campaign_reclaim (r, row->id, error))
				return FALSE;
		} else if (reclaim_leases && !pd_campaign_reclaim (r, row->id, error))
			return FALSE;
		pd_campaign_row_free (c->row);
		c->row = g_steal_pointer (&running->pdata[i]);
		c->cutoff = pd_campaign_stage_cutoff (c->row->stages, c->row->total, c->row->stage);
		c->seen = TRUE;
		n_running++;
		want = MAX (want, (guint) (c->row->connections > 0 ? c->row->connections
		                                                     : app->settings->campaign->connections));
	}
	r->running = n_running;
	/* paused, cancelled or done since: their leased rows go back */
	g_hash_table_iter_init (&it, r->camps);
	while (g_hash_table_iter_next (&it, &key, &value)) {
		Camp *c = value;

		if (c->seen)
			continue;
		/* its mail may still be in a worker's hands: the Camp stays until the run ends */
		if (!pd_campaign_release_buffer (r, c, error))
			return FALSE;
		stopped = TRUE;
	}
	if (stopped)
		pd_campaign_take_back_queued (r); /* and so do its jobs handed out but not started */
	for (guint i = 0; i < pace->len; i++) {
		PdDomainPace *p = pace->pdata[i];
		Domain *d = pd_campaign_domain_get (r, p->domain);

		d->backoff = p->backoff;
		d->next_at = p->next_at;
	}
	if (want > 0)
		pd_campaign_workers_set (r, want); /* never 0 while the run goes on */
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
		pd_campaign_job_free (j);
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
		    !pd_campaign_lease_rows (r, c, error)) {
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
	g_autoptr (GPtrArray) results =
		g_ptr_array_new_with_free_func ((GDestroyNotify) pd_campaign_job_free);
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
	r.owner = pd_campaign_owner_new (); /* host, pid, pid namespace: campaign-owner.h */
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
	last_reclaim = pd_campaign_mono ();

	if (!refresh (&r, TRUE, error)) {
		ok = FALSE;
		goto out;
	}
	last_refresh = pd_campaign_mono ();
	for (;;) {
		double t = pd_campaign_mono ();
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
			if (!pd_campaign_commit_results (&r, results, error)) {
				ok = FALSE;
				break;
			}
		}
		/* feed the workers: a few messages per connection, its waiting one (see worker_main)
		 * included, so the next is at hand when a reply comes and a worker never waits
		 * for this thread to be scheduled; not started ones are given back at the end */
		while (r.inflight < FEED (r.workers)) {
			if ((j = next_job (&r, pd_campaign_mono (), error, &failed)) == NULL)
				break;
			g_async_queue_push (r.jobs, j);
			r.inflight++;
			anything = TRUE;
		}
		if (failed) {
			ok = FALSE;
			break;
		}
		/* no campaign runs and nothing is out: nothing can become due before the next
		 * refresh's clock, so there is nothing to wait for (a `postdesk send` with no
		 * campaign used to wait IDLE_MS here; serve's thread runs again a second later) */
		if (r.running == 0 && r.inflight == 0 && results->len == 0 && r.held->len == 0)
			break;
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
				wait_us = (gint64) CLAMP (COMMIT_AGE_US - (pd_campaign_mono () - oldest) * 1e6,
				                          500.0, (double) wait_us);
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
			if (j == &pd_campaign_stop_job) {
				sentinels++;
				continue;
			}
			j->held = TRUE;
			j->result = PD_SMTP_TEMPFAIL;
			g_ptr_array_add (r.held, j);
			r.inflight--;
		}
		while (sentinels-- > 0)
			g_async_queue_push (r.jobs, &pd_campaign_stop_job);
	}
	pd_campaign_workers_set (&r, 0);
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
	if (ok && !pd_campaign_commit_results (&r, results, error))
		ok = FALSE;
	g_hash_table_iter_init (&it, r.camps);
	while (ok && g_hash_table_iter_next (&it, &key, &value))
		ok = pd_campaign_release_buffer (&r, value, error);
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
