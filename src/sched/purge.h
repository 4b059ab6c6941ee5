/* purge.h - retention (issue 13): remove what [retention] says is kept no longer, record each
 * purge as an event (what kind, how many; never the content), and delete the attachment
 * files no row references any more. Run by `postdesk purge` and by the scheduler. */
#ifndef PD_SCHED_PURGE_H
#define PD_SCHED_PURGE_H

#include "app/app.h"
#include "store/retention.h"

typedef struct {
	gint64 policy[PD_PURGE_KINDS];      /* seconds kept; 0 = that kind is kept for ever */
	PdPurgeCounts counts[PD_PURGE_KINDS];
	guint files;                        /* attachment files removed (or, dry, to remove) */
} PdPurgeReport;
void pd_purge_report_clear (PdPurgeReport *r);

/* Apply every policy at NOW, each kind in its own transaction. DRY_RUN counts and changes
 * nothing. */
gboolean pd_purge_run (PdApp *app, gint64 now, gboolean dry_run, PdPurgeReport *report,
                       GError **error);

/* For the scheduler: pd_purge_run when a policy is set and this process has not purged in
 * the last [retention] purge_interval (default an hour); then pd_purge_vacuum when
 * [retention] vacuum = weekly (or another interval) and the last `vacuum` event is older. A failed purge is logged and tried
 * again at the next run; it never stops the SLA timers (so this returns FALSE never today;
 * ERROR is kept for the day it must). */
gboolean pd_purge_scheduled (PdApp *app, gint64 now, GError **error);

/* VACUUM the database so the space purges freed goes back to the disk, and record a `vacuum`
 * event with the sizes before and after (bytes). Not in a transaction; the write lock is
 * held while it runs. (issue 13, sla2) */
gboolean pd_purge_vacuum (PdApp *app, gint64 now, gint64 *before_r, gint64 *after_r,
                          GError **error);

/* Delete the attachment files of BLOBS (SHA-256s) that nothing references, under the write
 * lock (so no mail that brings the same file back can be half-stored meanwhile). FILES_R
 * counts them. */
gboolean pd_purge_files (PdApp *app, GPtrArray *blobs, gboolean dry_run, guint *files_r,
                         GError **error);

#endif
