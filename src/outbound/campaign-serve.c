/* campaign-serve.c - serve's campaign sender thread (campaign-send.h): the dispatcher run
 * over and over with its own store connection, following serve's settings, and the campaign
 * clock between runs. Apart from campaign-send.c because it is serve's loop around a run,
 * not part of one. */
#include "outbound/campaign-send.h"

#include "core/clock.h"
#include "core/log.h"
#include "lists/campaign.h"

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
