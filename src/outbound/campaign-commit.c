/* campaign-commit.c - recording the sender's outcomes (campaign-run.h): one transaction for a
 * group of results, a 250 as sent, a 5xx as bounced, a 4xx as deferred with the domain's
 * back-off grown, the relay's own trouble as a short hold. Apart from the dispatcher because
 * it is what an outcome means for the ledger and the domain, read on its own. */
#include "outbound/campaign-run.h"

#include "core/clock.h"
#include "core/log.h"

/* Commit the results in RESULTS (Job*) in one transaction. */
gboolean
pd_campaign_commit_results (Run *r, GPtrArray *results, GError **error)
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
		Domain *d = pd_campaign_domain_get (r, j->domain);
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
			if (pd_campaign_domain_tempfail (reply) && j->attempts >= MAX_ATTEMPTS) {
				g_autofree char *why = g_strdup_printf ("gave up after %" G_GINT64_FORMAT
				                                        " attempts; last: %s", j->attempts, reply);
				ok = pd_store_delivery_end (app->store, j->id, "failed", why, error);
				r->stats->failed++;
				break;
			}
			if (pd_campaign_domain_tempfail (reply)) {
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
				r->relay_hold = pd_campaign_mono () + 2;
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
		pd_campaign_take_back_queued (r);
	return TRUE;
}
