/* campaign-job.c - a leased row on its way through the sender (Job, campaign-run.h): freeing
 * one, and the sentinel that ends a worker. Apart so that every other part of the sender may
 * use a Job without depending on the part that made it. */
#include "outbound/campaign-run.h"

Job pd_campaign_stop_job;

void
pd_campaign_job_free (Job *j)
{
	if (j == NULL || j == &pd_campaign_stop_job)
		return;
	g_free (j->address);
	g_free (j->name);
	g_free (j->domain);
	g_free (j->reply);
	g_free (j);
}
