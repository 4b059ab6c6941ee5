/* campaign-tick.c - called from each scheduler run (serve's thread and `postdesk tick`), so
 * a campaign created with --at starts even when no sender is busy. */
#include "sched/campaign-tick.h"

#include "lists/campaign.h"

gboolean
pd_sched_campaign_tick (PdApp *app, gint64 now, GError **error)
{
	return pd_campaign_tick (app, now, error);
}
