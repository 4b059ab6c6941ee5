/* campaign-lease.c - the sender's leases on ledger rows (campaign-run.h): leasing a batch of
 * due rows, giving back the ones not sent, and freeing the rows of senders that are gone or
 * whose lease ran out. Apart from the dispatcher so that who may hold a row, and for how long,
 * is decided in one file. */
#include "outbound/campaign-run.h"

#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "lists/campaign-owner.h"

static gboolean
lease_rows_txn (Run *r, Camp *c, GError **error)
{
	PdApp *app = *r->app;
	gint64 now = pd_now ();
	double t = pd_campaign_mono (), gap = pd_campaign_per_domain_interval (r, c);
	g_autofree char *blocked = pd_campaign_blocked_domains (r, now, t);
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
		Domain *d = pd_campaign_domain_get (r, row->domain);

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

/* Lease up to FETCH due rows of C into its buffer. FALSE only on a store error. The lease is
 * committed without waiting for the disk (a third of the sender's fsyncs otherwise, and the
 * dispatcher feeds no worker while it waits): it only needs to survive the process, which a
 * relaxed WAL commit does; the next durable commit (the 250s') carries it to disk before
 * anything it leads to is recorded, and if the machine dies first the rows are simply due
 * again, as with a lease that ran out. */
gboolean
pd_campaign_lease_rows (Run *r, Camp *c, GError **error)
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

/* Give C's buffered rows back (the campaign paused or the run ends). */
gboolean
pd_campaign_release_buffer (Run *r, Camp *c, GError **error)
{
	PdStore *store = (*r->app)->store;
	Job *j;

	if (g_queue_is_empty (&c->buffer))
		return TRUE;
	if (!pd_store_begin (store, error))
		return FALSE;
	while ((j = g_queue_pop_head (&c->buffer)) != NULL) {
		if (!pd_store_delivery_release (store, j->id, error)) {
			pd_campaign_job_free (j);
			pd_store_rollback (store);
			return FALSE;
		}
		pd_campaign_job_free (j);
	}
	return pd_store_commit (store, error);
}

/* Free the leases of senders that are gone or ran out, for campaign ID. */
gboolean
pd_campaign_reclaim (Run *r, gint64 id, GError **error)
{
	PdStore *store = (*r->app)->store;
	g_autoptr (GPtrArray) owners = pd_store_delivery_owners (store, id, error);
	gint64 n = 0, total = 0;

	if (owners == NULL)
		return FALSE;
	g_ptr_array_add (owners, NULL); /* one pass for the run-out leases alone */
	for (guint i = 0; i < owners->len; i++) {
		const char *o = owners->pdata[i];

		if (o != NULL && (!strcmp (o, r->owner) || !pd_campaign_owner_gone (o)))
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
