/* campaign-pace.c - the sender's pacing (campaign-run.h): the overall, per-campaign and
 * per-domain rates, the domains slowed after a 4xx, and which copy goes next. Apart from the
 * dispatcher because these are the rules of when a copy may go, not of how it is sent. */
#include "outbound/campaign-run.h"

#include <string.h>

#include "core/clock.h"

Domain *
pd_campaign_domain_get (Run *r, const char *name)
{
	Domain *d = g_hash_table_lookup (r->domains, name);

	if (d == NULL) {
		d = g_new0 (Domain, 1);
		g_hash_table_insert (r->domains, g_strdup (name), d);
	}
	return d;
}

/* The domains nothing may go to now, as a JSON array for the store. (transfer full) */
char *
pd_campaign_blocked_domains (Run *r, gint64 now, double t)
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

double
pd_campaign_per_domain_interval (Run *r, const Camp *c)
{
	gint64 n = c->row->per_domain > 0 ? c->row->per_domain
	                                   : (*r->app)->settings->campaign->per_domain;

	return n > 0 ? 60.0 / n : 0;
}

/* "4xx ..." from the relay: the recipient's domain said later (not our relay connection).
 * 421 is the relay closing the connection (shutting down, too many errors or connections):
 * the relay's trouble, not the domain's. */
gboolean
pd_campaign_domain_tempfail (const char *reply)
{
	return reply && reply[0] == '4' && g_ascii_isdigit (reply[1]) && g_ascii_isdigit (reply[2]) &&
	       strncmp (reply, "421", 3) != 0;
}

/* Take back the jobs queued to the workers and not started whose campaign is no longer
 * running or whose domain is slowed now: they are held (given back or deferred with the next
 * commit, no attempt counted), not sent. The queue holds up to FEED jobs: without this a
 * pause would let them all out, and a domain answering 4xx would get one try per queued row. */
void
pd_campaign_take_back_queued (Run *r)
{
	GQueue keep = G_QUEUE_INIT;
	gint64 now = pd_now ();
	Job *j;

	if (r->held == NULL)
		return; /* the run is ending: the workers are gone, nothing is queued */
	while ((j = g_async_queue_try_pop (r->jobs)) != NULL) {
		gboolean stop = j == &pd_campaign_stop_job;
		Camp *c = stop ? NULL : g_hash_table_lookup (r->camps, &j->campaign);
		Domain *d = stop ? NULL : g_hash_table_lookup (r->domains, j->domain);

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
