/* campaign-sender.c - the one process that sends campaigns: a lease with an expiry, taken,
 * renewed and given back (campaign-sender.h). */
#include "lists/campaign-sender.h"

#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include "core/log.h"
#include "lists/campaign-owner.h"
#include "store/campaign.h"

/* Whether ROW names a holder that may be alive at NOW (not this process). */
static gboolean
holder_alive (const PdCampaignSenderRow *row, gint64 now)
{
	if (row->host == NULL || row->expires_at <= now)
		return FALSE; /* nobody, or the lease ran out (a row from before db/035 too) */
	/* a process of this host and pid namespace that is gone is gone: no need to wait for
	 * its lease (a serve restarted after kill -9 sends at once); anywhere else only the
	 * expiry can tell */
	if (g_strcmp0 (row->host, g_get_host_name ()) == 0 && pd_campaign_pidns () != NULL &&
	    g_strcmp0 (row->pidns, pd_campaign_pidns ()) == 0 && kill ((pid_t) row->pid, 0) != 0 &&
	    errno == ESRCH)
		return FALSE;
	return TRUE;
}

/* Leases are about processes running, not about the clock a test may set (POSTDESK_NOW):
 * the wall clock, which every holder shares. */
static gint64
wall_now (void)
{
	return g_get_real_time () / G_USEC_PER_SEC;
}

static gboolean
is_me (const PdCampaignSenderRow *row)
{
	return row->host != NULL && g_strcmp0 (row->host, g_get_host_name ()) == 0 &&
	       row->pid == (gint64) getpid ();
}

gboolean
pd_campaign_sender_take (PdApp *app, const char *kind, char **holder_r, GError **error)
{
	PdCampaignSenderRow row, me = { 0 };
	gint64 now = wall_now ();
	gboolean ok;

	*holder_r = NULL;
	if (!pd_store_begin (app->store, error))
		return FALSE;
	if (!pd_store_campaign_sender_get (app->store, &row, error)) {
		pd_store_rollback (app->store);
		return FALSE;
	}
	if (!is_me (&row) && holder_alive (&row, now)) {
		gboolean here = g_strcmp0 (row.host, g_get_host_name ()) == 0;

		*holder_r = g_strdup_printf ("%s, pid %" G_GINT64_FORMAT "%s%s", row.kind, row.pid,
		                             here ? "" : " on ", here ? "" : row.host);
		pd_campaign_sender_row_clear (&row);
		pd_store_rollback (app->store);
		return TRUE;
	}
	if (row.host != NULL && !is_me (&row))
		pd_log_info ("campaign sender: taking over from %s, pid %" G_GINT64_FORMAT " on %s "
		             "(lease %s)", row.kind, row.pid, row.host,
		             row.expires_at <= now ? "expired" : "of a process that is gone");
	pd_campaign_sender_row_clear (&row);
	me.host = (char *) g_get_host_name ();
	me.pid = getpid ();
	me.kind = (char *) kind;
	me.expires_at = now + app->settings->campaign->sender_lease;
	me.pidns = (char *) pd_campaign_pidns ();
	ok = pd_store_campaign_sender_set (app->store, &me, now, error) &&
	     pd_store_commit (app->store, error);
	if (!ok)
		pd_store_rollback (app->store);
	return ok;
}

gboolean
pd_campaign_sender_renew (PdApp *app, gboolean *held_r, GError **error)
{
	return pd_store_campaign_sender_renew (app->store, g_get_host_name (), getpid (),
	                                       wall_now () + app->settings->campaign->sender_lease,
	                                       held_r, error);
}

gboolean
pd_campaign_sender_let_go (PdApp *app, GError **error)
{
	return pd_store_campaign_sender_clear (app->store, g_get_host_name (), getpid (), error);
}

/* ---- the keeper thread ---- */

struct PdCampaignHolder {
	GThread *thread;
	PdSettings *settings;
	PdSettingsCell *cell; /* NULL: SETTINGS for good; else followed (serve's SIGHUP) */
	char *kind;
	gboolean held, wait;
	PdCampaignHolderFunc fn;
	gpointer data;
	gint stop;
	GMutex lock;
	GCond wake;
};

static gpointer
holder_main (gpointer data)
{
	PdCampaignHolder *h = data;
	g_autoptr (GError) error = NULL;
	PdApp *app = pd_app_open_with_settings (h->settings, &error);
	/* the lease written at the last renewal (or taking), which the row holds now */
	gint64 lease = h->settings->campaign->sender_lease;
	gint64 renewed = wall_now (), last_try = 0;
	g_autofree char *waiting_for = NULL;

	if (app == NULL) {
		/* no connection, no renewal: the caller must not go on sending past the lease */
		pd_log_error ("campaign sender: %s; this process sends no campaigns", error->message);
		if (h->held)
			h->fn (FALSE, h->data);
		return NULL;
	}
	while (!g_atomic_int_get (&h->stop)) {
		gint64 now = wall_now (), until;
		gint64 want, period;

		/* [campaign] sender_lease as it is now: a SIGHUP's value applies at once, not at
		 * the next renewal (a longer lease must not run out at the old expiry, a shorter
		 * one must stop promising the old length) */
		if (h->cell != NULL)
			pd_app_follow (&app, h->cell);
		want = app->settings->campaign->sender_lease;
		period = MAX (1, want / 3);
		if (h->held && (now - renewed >= period || want != lease)) {
			gboolean still = TRUE, done;

			if (want != lease) {
				/* a renewal only ever lengthens the row's lease; a new length is written
				 * whole, as when the part is taken (which it is still, unless another
				 * process took it since our lease ran out) */
				g_autofree char *other = NULL;

				done = pd_campaign_sender_take (app, h->kind, &other, &error);
				still = other == NULL;
			} else
				done = pd_campaign_sender_renew (app, &still, &error);
			if (!done) {
				/* a busy or broken store: try again; past our own expiry the part may be
				 * another's, so stop sending */
				pd_log_warn ("campaign sender: cannot renew the lease: %s", error->message);
				g_clear_error (&error);
				still = now < renewed + lease;
			} else if (still) {
				renewed = now;
				if (want != lease)
					pd_log_info ("campaign sender: lease now %" G_GINT64_FORMAT " s (was %"
					             G_GINT64_FORMAT " s)", want, lease);
				lease = want;
			}
			if (!still) {
				h->held = FALSE;
				h->fn (FALSE, h->data);
				pd_log_warn ("campaign sender: this process lost the part (its lease ran "
				             "out) and stopped sending campaigns until it has it again");
			}
		}
		if (!h->held && h->wait && now != last_try) {
			g_autofree char *holder = NULL;

			last_try = now;
			if (!pd_campaign_sender_take (app, h->kind, &holder, &error)) {
				pd_log_warn ("campaign sender: cannot take the part: %s", error->message);
				g_clear_error (&error);
			} else if (holder == NULL) {
				pd_log_info ("campaign sender: this process (%s) sends campaigns", h->kind);
				h->held = TRUE;
				renewed = now;
				lease = want;
				g_clear_pointer (&waiting_for, g_free);
				h->fn (TRUE, h->data);
			} else if (g_strcmp0 (holder, waiting_for) != 0) {
				pd_log_info ("campaign sender: waiting for %s to finish or its lease to run "
				             "out", holder);
				g_free (waiting_for);
				waiting_for = g_steal_pointer (&holder);
			}
		}
		g_mutex_lock (&h->lock);
		until = g_get_monotonic_time () + G_USEC_PER_SEC;
		while (!g_atomic_int_get (&h->stop) && g_cond_wait_until (&h->wake, &h->lock, until))
			;
		g_mutex_unlock (&h->lock);
	}
	if (h->held) {
		h->fn (FALSE, h->data);
		if (!pd_campaign_sender_let_go (app, &error))
			pd_log_warn ("campaign sender: cannot give the part back: %s", error->message);
	}
	pd_app_free (app);
	return NULL;
}

PdCampaignHolder *
pd_campaign_holder_new (PdSettings *settings, PdSettingsCell *cell, const char *kind,
                        gboolean held, gboolean wait, PdCampaignHolderFunc fn, gpointer data)
{
	PdCampaignHolder *h = g_new0 (PdCampaignHolder, 1);

	h->settings = pd_settings_ref (settings);
	h->cell = cell;
	h->kind = g_strdup (kind);
	h->held = held;
	h->wait = wait;
	h->fn = fn;
	h->data = data;
	g_mutex_init (&h->lock);
	g_cond_init (&h->wake);
	h->thread = g_thread_new ("pd-campaign-part", holder_main, h);
	return h;
}

void
pd_campaign_holder_free (PdCampaignHolder *h)
{
	if (h == NULL)
		return;
	g_mutex_lock (&h->lock);
	g_atomic_int_set (&h->stop, 1);
	g_cond_signal (&h->wake);
	g_mutex_unlock (&h->lock);
	g_thread_join (h->thread);
	g_mutex_clear (&h->lock);
	g_cond_clear (&h->wake);
	pd_settings_unref (h->settings);
	g_free (h->kind);
	g_free (h);
}
