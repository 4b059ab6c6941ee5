/* campaign-owner.h - who holds a lease on a campaign's ledger rows (deliveries.lease_owner),
 * and whether that holder is certainly gone. The owner names the process as
 * "host:pid:tag:pidns" (pidns: the number of its pid namespace, Linux /proc/self/ns/pid).
 * A pid says something only within one pid namespace: two containers that share a host name
 * each have their own pids, and kill(pid, 0) in one says nothing of the other. So a holder is
 * gone only when it names this host AND this pid namespace AND kill() finds no such process;
 * any other holder keeps its rows until its lease runs out. An owner without a pidns (written
 * before this, or where /proc does not say) is judged by its expiry alone. */
#ifndef PD_CAMPAIGN_OWNER_H
#define PD_CAMPAIGN_OWNER_H

#include <glib.h>

/* A new owner name for this process: "host:pid:tag:pidns", or "host:pid:tag" where the pid
 * namespace cannot be read. TAG is random, one per sender run. (transfer full) */
char *pd_campaign_owner_new (void);

/* Whether OWNER (as pd_campaign_owner_new makes it) is a process of this host and pid
 * namespace that is gone (kill(pid, 0) = ESRCH). FALSE whenever that cannot be known. */
gboolean pd_campaign_owner_gone (const char *owner);

/* This process's pid namespace as /proc/self/ns/pid names it ("pid:[4026531836]"), NULL where
 * /proc does not say. (transfer none) */
const char *pd_campaign_pidns (void);

#endif
