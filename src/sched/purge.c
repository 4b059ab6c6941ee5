/* purge.c - retention policies applied (see purge.h). */
#include "sched/purge.h"

#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>

#include "core/error.h"
#include "core/log.h"
#include "core/settings-retention.h"
#include "core/settings-upkeep.h"
#include "store/vacuum.h"

/* rows of one kind per transaction (tickets for closed_tickets) */
#ifndef PD_PURGE_BATCH
#define PD_PURGE_BATCH 500
#endif

void
pd_purge_report_clear (PdPurgeReport *r)
{
	guint k;

	for (k = 0; k < PD_PURGE_KINDS; k++)
		pd_purge_counts_clear (&r->counts[k]);
	memset (r, 0, sizeof *r);
}

static void
policies (const PdRetentionSettings *rs, gint64 policy[PD_PURGE_KINDS])
{
	policy[PD_PURGE_CLOSED_TICKETS] = rs->closed_tickets;
	policy[PD_PURGE_BOUNCES] = rs->bounces;
	policy[PD_PURGE_AUTOREPLIES] = rs->autoreplies;
	policy[PD_PURGE_QUARANTINE] = rs->quarantine;
	policy[PD_PURGE_INTAKE_RAW] = rs->intake_raw;
	policy[PD_PURGE_OUTBOX] = rs->outbox;
	policy[PD_PURGE_LIST_BOUNCES] = rs->list_bounces;
}

gboolean
pd_purge_files (PdApp *app, GPtrArray *blobs, gboolean dry_run, guint *files_r, GError **error)
{
	g_autofree char *dir = g_build_filename (app->home, "attachments", NULL);
	guint i;

	if (blobs == NULL || blobs->len == 0)
		return TRUE;
	if (!pd_store_begin (app->store, error))
		return FALSE;
	for (i = 0; i < blobs->len; i++) {
		const char *sha = blobs->pdata[i];
		char prefix[3] = { sha[0], sha[0] ? sha[1] : 0, 0 };
		g_autofree char *path = g_build_filename (dir, prefix, sha, NULL);
		gboolean referenced;

		if (!pd_store_blob_referenced (app->store, sha, &referenced, error)) {
			pd_store_rollback (app->store);
			return FALSE;
		}
		if (referenced || !g_file_test (path, G_FILE_TEST_EXISTS))
			continue;
		if (!dry_run && g_unlink (path) != 0 && errno != ENOENT) {
			int e = errno;

			pd_store_rollback (app->store);
			g_set_error (error, PD_ERROR, PD_ERROR_IO, "removing %s: %s", path, g_strerror (e));
			return FALSE;
		}
		(*files_r)++;
	}
	pd_store_rollback (app->store); /* nothing was written: only the lock was needed */
	return TRUE;
}

/* Add B's counts to A (B's blobs are counted, not kept: they are gone or reported). */
static void
counts_add (PdPurgeCounts *a, const PdPurgeCounts *b)
{
	a->tickets += b->tickets;
	a->messages += b->messages;
	a->attachments += b->attachments;
	a->events += b->events;
	a->intake += b->intake;
	a->bodies += b->bodies;
	a->raw_dropped += b->raw_dropped;
	a->outbox += b->outbox;
	a->list_bounces += b->list_bounces;
	if (b->blobs != NULL && b->blobs->len > 0) {
		guint i;

		if (a->blobs == NULL)
			a->blobs = g_ptr_array_new_with_free_func (g_free);
		for (i = 0; i < b->blobs->len; i++)
			g_ptr_array_add (a->blobs, g_strdup (b->blobs->pdata[i]));
	}
}

/* One batch of KIND in its own transaction (its own event), so a first purge over years of
 * mail never holds the write lock for long: deliver and serve wait at most one batch. */
static gboolean
purge_batch (PdApp *app, PdPurgeKind k, gint64 now, gint64 policy, gboolean dry_run,
             PdPurgeCounts *total, guint *files_r, gboolean *more_r, GError **error)
{
	PdPurgeCounts c = { 0 };
	g_autofree char *text = NULL, *detail = NULL;
	gint64 selected = 0;
	gboolean ok = FALSE;

	*more_r = FALSE;
	if (!dry_run && !pd_store_begin (app->store, error))
		return FALSE;
	if (!pd_store_purge (app->store, k, now - policy, PD_PURGE_BATCH, &c, &selected, error)) {
		pd_store_rollback (app->store);
		goto out;
	}
	*more_r = selected >= PD_PURGE_BATCH;
	counts_add (total, &c);
	if (dry_run) {
		/* the files that the removed rows alone referenced */
		*files_r += c.blobs ? c.blobs->len : 0;
		ok = TRUE;
		goto out;
	}
	text = pd_purge_counts_text (&c);
	if (pd_purge_counts_total (&c) > 0) {
		g_autofree char *age = pd_retention_text (policy);

		detail = g_strdup_printf ("%s older than %s: %s", pd_purge_kind_name (k), age, text);
		if (!pd_store_event_add (app->store, 0, now, "postdesk", "purge", detail, 0, error)) {
			pd_store_rollback (app->store);
			goto out;
		}
	}
	if (!pd_store_commit (app->store, error))
		goto out;
	if (detail != NULL)
		pd_log_info ("purge: %s", detail);
	ok = pd_purge_files (app, c.blobs, FALSE, files_r, error);
out:
	pd_purge_counts_clear (&c);
	return ok;
}

gboolean
pd_purge_run (PdApp *app, gint64 now, gboolean dry_run, PdPurgeReport *report, GError **error)
{
	guint k;

	policies (app->settings->retention, report->policy);
	/* a dry run is one transaction rolled back at the end, so each kind counts what is left
	 * after the kinds before it, as a real run would */
	if (dry_run && !pd_store_begin (app->store, error))
		return FALSE;
	for (k = 0; k < PD_PURGE_KINDS; k++) {
		gboolean more = report->policy[k] > 0;

		while (more)
			if (!purge_batch (app, k, now, report->policy[k], dry_run, &report->counts[k],
			                  &report->files, &more, error)) {
				if (dry_run)
					pd_store_rollback (app->store);
				return FALSE;
			}
	}
	if (dry_run)
		pd_store_rollback (app->store);
	return TRUE;
}

gboolean
pd_purge_vacuum (PdApp *app, gint64 now, gint64 *before_r, gint64 *after_r, GError **error)
{
	g_autofree char *detail = NULL;

	if (!pd_store_vacuum (app->store, before_r, after_r, error))
		return FALSE;
	detail = g_strdup_printf ("database compacted: %" G_GINT64_FORMAT " bytes before, %" G_GINT64_FORMAT
	                          " after", *before_r, *after_r);
	pd_log_info ("vacuum before=%" G_GINT64_FORMAT " after=%" G_GINT64_FORMAT, *before_r, *after_r);
	return pd_store_event_add (app->store, 0, now, "postdesk", "vacuum", detail, 0, error);
}

/* [retention] vacuum: at most once per interval, counted from the last `vacuum` event, so
 * `tick` from cron (a new process each time) does it no more often than serve. */
static void
vacuum_scheduled (PdApp *app, gint64 now)
{
	const PdUpkeepSettings *u = app->settings->upkeep;
	g_autoptr (GError) local = NULL;
	gint64 last = 0, before, after;

	if (u == NULL || u->vacuum_interval <= 0)
		return;
	if (!pd_store_last_vacuum (app->store, &last, &local) ||
	    (last > 0 && now - last < u->vacuum_interval && now >= last))
		goto out;
	pd_purge_vacuum (app, now, &before, &after, &local);
out:
	if (local != NULL)
		pd_log_warn ("vacuum: %s; trying again at the next scheduler run", local->message);
}

G_LOCK_DEFINE_STATIC (last_purge);
static gint64 last_purge = G_MININT64;

gboolean
pd_purge_scheduled (PdApp *app, gint64 now, GError **error)
{
	const PdRetentionSettings *rs = app->settings->retention;
	PdPurgeReport report = { 0 };
	g_autoptr (GError) local = NULL;
	gboolean due, ok;

	(void) error;
	if (!pd_retention_any (rs))
		return TRUE;
	G_LOCK (last_purge);
	due = last_purge == G_MININT64 || now - last_purge >= rs->interval || now < last_purge;
	if (due)
		last_purge = now;
	G_UNLOCK (last_purge);
	if (!due)
		return TRUE;
	ok = pd_purge_run (app, now, FALSE, &report, &local);
	pd_purge_report_clear (&report);
	if (!ok) {
		/* the SLA timers that run after this must not wait for a purge: say so, try again at
		 * the next run (`postdesk purge` reports the same failure as an error) */
		pd_log_warn ("purge: %s; trying again at the next scheduler run", local->message);
		G_LOCK (last_purge);
		last_purge = G_MININT64;
		G_UNLOCK (last_purge);
	} else
		vacuum_scheduled (app, now);
	return TRUE;
}
