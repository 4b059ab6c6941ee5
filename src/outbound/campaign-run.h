/* campaign-run.h - what the parts of the announcement sender share: one run's state (Run),
 * a leased row on its way (Job), a campaign and a domain as the run sees them. Private to
 * src/outbound/campaign-*.c; the rest of postdesk uses campaign-send.h.
 *
 * Who touches what: the dispatcher (campaign-send.c, with campaign-lease.c, campaign-pace.c
 * and campaign-commit.c; the calling thread) owns the store connection, CAMPS, DOMAINS and
 * HELD; the workers (campaign-worker.c) own one relay connection each; what they share is
 * under Run's LOCK or in the JOBS queue. */
#ifndef PD_CAMPAIGN_RUN_H
#define PD_CAMPAIGN_RUN_H

#include "lists/campaign.h"
#include "outbound/campaign-send.h"
#include "outbound/smtp-client.h"
#include "store/campaign.h"

#define FETCH 64          /* rows leased per transaction */
#define COMMIT_AGE_US 20000 /* a 250 waits at most this long for its commit */
#define MAX_ATTEMPTS 30   /* a domain answered 4xx this often: the row fails */
/* jobs handed to the workers at most (started or not): enough that a worker finds its next
 * message at hand while this thread leases rows or waits to be scheduled (else it sends the
 * waiting message alone, a round trip more); the dispatcher is woken when half are gone */
#define FEED(workers) MAX (8 * (workers), 64u)

typedef struct {
	gint64 id;
	gint64 campaign;
	gint64 subscriber;
	gint64 attempts;
	char *address;
	char *name;
	char *domain;
	const PdCampaignMail *mail; /* the campaign's, owned by the run */
	PdSmtpResult result;
	char *reply;
	gboolean held;  /* never sent: its domain was slowed while it waited, or the run ended */
} Job;

typedef struct {
	PdCampaignRow *row;
	PdCampaignMail *mail;
	GQueue buffer;      /* Job*: leased, not yet handed to a worker */
	double next_send;   /* monotonic seconds: this campaign's rate */
	double idle_until;  /* nothing was due: do not ask again before */
	gint64 cutoff;
	gboolean seen;      /* still running at the last refresh */
} Camp;

typedef struct {
	gint64 backoff;     /* seconds, after a 4xx; 0 = none */
	gint64 next_at;     /* wall clock: nothing to it before (back-off) */
	double next_send;   /* monotonic seconds: the per-domain rate */
} Domain;

typedef struct {
	PdApp **app;
	PdSettings *settings; /* the workers' (a reference): *app may change under them */
	char *owner;
	PdSmtpSettings ss;
	char *password;
	GAsyncQueue *jobs;
	GPtrArray *threads;
	guint workers;      /* live workers (sentinels sent subtract) */
	guint inflight;     /* jobs handed out whose result has not come back */
	/* back-pressure: 250s not yet committed */
	GMutex lock;
	GCond cond;
	guint uncommitted;
	guint limit;
	/* results back from the workers (Job*), under LOCK. The dispatcher is woken for them
	 * only when it has something to do (a commit's worth, all in flight back, the workers'
	 * queue running low): not once per message */
	GPtrArray *done;
	GCond wake;
	gboolean sleeping;  /* the dispatcher waits on WAKE */
	guint wake_done;    /* ... until DONE holds this many */
	guint wake_queue;   /* ... or fewer jobs than this wait for a worker */
	/* domains that just answered 4xx, under LOCK: char* -> double* (monotonic seconds until
	 * which the workers hold their jobs back), bridging the moment until the dispatcher has
	 * recorded the back-off and taken the domain's queued jobs back */
	GHashTable *hot;
	GHashTable *camps;  /* gint64* id -> Camp* */
	GHashTable *domains; /* char* -> Domain* */
	double next_send;   /* the overall rate */
	double relay_hold;  /* the relay itself failed: no new message before */
	guint running;      /* campaigns running at the last refresh */
	PdCampaignSendStats *stats;
	GPtrArray *held;    /* Job*: held back, to be deferred with the next commit */
} Run;

/* the sentinel that ends one worker */
extern Job pd_campaign_stop_job;

/* campaign-job.c */
void pd_campaign_job_free (Job *j);

/* Monotonic seconds. */
static inline double
pd_campaign_mono (void)
{
	return g_get_monotonic_time () / 1e6;
}

/* campaign-worker.c */

/* Start or stop workers until WANT run (at most 64; 0: all stop). */
void pd_campaign_workers_set (Run *r, guint want);

/* campaign-lease.c */

/* Lease up to FETCH due rows of C into its buffer. FALSE only on a store error. */
gboolean pd_campaign_lease_rows (Run *r, Camp *c, GError **error);
/* Give C's buffered rows back (the campaign paused or the run ends). */
gboolean pd_campaign_release_buffer (Run *r, Camp *c, GError **error);
/* Free the leases of senders that are gone or ran out, for campaign ID. */
gboolean pd_campaign_reclaim (Run *r, gint64 id, GError **error);

/* campaign-pace.c */

Domain *pd_campaign_domain_get (Run *r, const char *name);
/* The domains nothing may go to now, as a JSON array for the store. (transfer full) */
char *pd_campaign_blocked_domains (Run *r, gint64 now, double t);
/* Seconds between two copies to one domain for C; 0: no limit. */
double pd_campaign_per_domain_interval (Run *r, const Camp *c);
/* Whether REPLY is a 4xx of the recipient's domain (not the relay's 421). */
gboolean pd_campaign_domain_tempfail (const char *reply);
/* Take back the queued jobs of campaigns no longer running or of domains slowed now. */
void pd_campaign_take_back_queued (Run *r);

/* campaign-commit.c */

/* Commit the results in RESULTS (Job*) in one transaction. */
gboolean pd_campaign_commit_results (Run *r, GPtrArray *results, GError **error);

#endif
