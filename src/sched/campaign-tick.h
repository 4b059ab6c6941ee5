/* campaign-tick.h - the scheduler's part in announcements: release campaigns whose --at time
 * has come and move staged campaigns on (lists/campaign.h, pd_campaign_tick). */
#ifndef PD_SCHED_CAMPAIGN_TICK_H
#define PD_SCHED_CAMPAIGN_TICK_H

#include "app/app.h"

gboolean pd_sched_campaign_tick (PdApp *app, gint64 now, GError **error);

#endif
