/* syncer.c - makes serve's group commits durable outside SQLite's write lock (issue 10, sync).
 *
 * Before, the writer committed each group with synchronous=FULL: COMMIT wrote the WAL frames
 * and fdatasync'ed the WAL while holding the write lock. Now the writer commits with
 * synchronous=NORMAL (in WAL mode: the frames are written, nothing is synced), releases the
 * lock, and then the WAL file is fdatasync'ed; only after that do the 250s (and the
 * hand-over's `ok`) go out. Meanwhile the lock is free for the worker and other processes.
 *
 * Two ways, one code: by default the writer thread syncs itself right after releasing the
 * lock (pd_syncer_push runs the sync in the caller). With POSTDESK_SYNC_THREAD set, a thread of
 * its own does it and the writer commits the next group while the disk flushes the last; one
 * sync covers every group committed before it began (pipelined group commit, as Postgres's and
 * InnoDB's). Measured (README, ## sync): on a quiet 2-core machine the pipelined way accepted
 * 15-20 % fewer mails over 8 LMTP sessions than the inline one or main, because the writer no
 * longer waits during the sync, so its groups shrink from ~4 mails to ~1.6 and every mail
 * pays more commits, thread hand-overs and wake-ups; a sync there costs ~0.2 ms. On a loaded
 * machine (load 8-13), where syncs take milliseconds, it accepted more in 8 of 9 pairs. Hence
 * inline by default, the thread kept for a slow disk (and measured again there).
 *
 * Why a 250 still means "on disk":
 * - The WAL is append-only between restarts, and fdatasync of any descriptor of the file
 *   flushes all of its dirty pages (and its size), so a sync begun after COMMIT returned
 *   covers that commit's frames. This thread opens its own descriptor on DB-wal (the file
 *   SQLite writes through another one); no SQLite lock is on the WAL file itself (they are on
 *   -shm), so opening and closing it here disturbs none.
 * - A checkpoint between the commit and the sync (serve's worker every second, the writer's
 *   autocheckpoint, another process): with synchronous=NORMAL or FULL SQLite syncs the WAL
 *   before it copies frames into the database and syncs the database after, so what it copied
 *   is durable in the database. Only once every frame is copied (and synced) may the next
 *   writer restart the WAL and overwrite old frames from the start (its new header is synced
 *   first); the sync here then flushes the new frames, and the old ones are in the database.
 *   A TRUNCATE checkpoint (a closing `deliver`) truncates the same file: the descriptor stays
 *   valid.
 * - The WAL is deleted only by the last connection to close when it checkpoints on close;
 *   serve's connections keep it open and postdesk's never checkpoint on close
 *   (SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE). Should the file at DB-wal ever be another inode (the
 *   sqlite3 shell was the last user while serve reopened its connections), this thread opens
 *   the new one: the old one's frames were checkpointed before it was deleted.
 * - Other processes (postdesk-deliver, the CLI) commit with synchronous=FULL: their sync
 *   flushes our frames too, earlier in the same file. Harmless.
 * - Rows of a group not yet synced are visible to serve's worker, which may process them
 *   (its commits are NORMAL too). If the machine crashes first, SQLite's recovery keeps the
 *   WAL only up to the first frame that is missing or torn: the rows and everything derived
 *   from them later in the WAL go together, and the sender, who got no 250, sends again. Mail
 *   leaves only after the drain's claim, a synchronous=FULL commit, which syncs them too.
 * - Inline, the next group waits for the writer as before; with the thread, it is committed
 *   while the last one's sync runs, and its replies wait for a sync begun after its COMMIT.
 * - serve killed (-9) between the commit and the sync: the frames are in the page cache and
 *   reach the disk; the MTA got no 250 and retries; the retry is recognised as a duplicate
 *   (same bytes, same recipient: store/intake-row.c) and answered 250 after its own group's
 *   sync. Stored once (e2e 277).
 * - A sync that fails: every group it covered gets an error (the listeners answer 451, the
 *   hand-over `tempfail`), never a 250. After a failed fdatasync Linux may have dropped the
 *   dirty pages (marked clean, not written), so later syncs can succeed while the WAL on disk
 *   has a hole, and recovery would stop at that hole, losing every later commit too. So from
 *   then on nothing is confirmed: this thread reports every group failed and the writer takes
 *   no more mail, until serve is restarted (logged as an error). A retry after the restart is
 *   recognised as a duplicate when the row is there, or stored anew (e2e 277). As with
 *   synchronous=FULL, what a failing disk kept in the page cache is beyond what a process can
 *   check. */
#include "intake/syncer.h"

#include "core/error.h"
#include "core/log.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
	char *wal;
	gpointer group;
} Item;

struct PdSyncer {
	GAsyncQueue *queue; /* Item*, or &stop_item */
	GThread *thread;
	PdSyncerDone done;
	gpointer data;
	gint failed; /* atomic */
	/* the thread's own */
	int fd;
	char *path;
	guint syncs;
	/* test hooks */
	guint fail_at;
	gulong delay;
};

static Item stop_item;

/* Our descriptor on WAL, opened again if the path or the file there changed. */
static gboolean
wal_fd (PdSyncer *s, const char *wal, GError **error)
{
	struct stat here, ours;

	if (s->fd >= 0 && g_strcmp0 (s->path, wal) == 0 && stat (wal, &here) == 0 &&
	    fstat (s->fd, &ours) == 0 && here.st_dev == ours.st_dev && here.st_ino == ours.st_ino)
		return TRUE;
	if (s->fd >= 0)
		close (s->fd);
	g_free (s->path);
	s->path = g_strdup (wal);
	/* not created: a commit made it, and only what a commit wrote is ours to sync */
	s->fd = open (wal, O_RDWR | O_CLOEXEC);
	if (s->fd < 0) {
		int e = errno;

		g_set_error (error, PD_ERROR, PD_ERROR_TEMPFAIL, "open %s: %s", wal, g_strerror (e));
		return FALSE;
	}
	return TRUE;
}

static gboolean
sync_wal (PdSyncer *s, const char *wal, GError **error)
{
	int rc;

	if (s->delay > 0)
		g_usleep (s->delay);
	if (!wal_fd (s, wal, error))
		return FALSE;
	do
		rc = fdatasync (s->fd);
	while (rc < 0 && errno == EINTR);
	s->syncs++;
	if (rc == 0 && s->fail_at > 0 && s->syncs == s->fail_at) {
		rc = -1;
		errno = EIO;
	}
	if (rc < 0) {
		int e = errno;

		g_set_error (error, PD_ERROR, PD_ERROR_TEMPFAIL, "fdatasync %s: %s", wal, g_strerror (e));
		return FALSE;
	}
	return TRUE;
}

/* Sync the WAL once for ITEMS (committed before this call) and report each, in order. A
 * reload may have moved the writer to another database ([postdesk] database) between two of
 * them: each WAL among them is synced, not only the last one's. */
static gboolean
sync_all (PdSyncer *s, GPtrArray *items, GError **error)
{
	guint i;

	for (i = 0; i < items->len; i++) {
		const char *wal = ((Item *) items->pdata[i])->wal;
		guint j;

		for (j = i + 1; j < items->len && g_strcmp0 (((Item *) items->pdata[j])->wal, wal) != 0; j++)
			;
		/* the last group of this WAL syncs it (one sync covers the earlier ones) */
		if (j == items->len && !sync_wal (s, wal, error))
			return FALSE;
	}
	return TRUE;
}

static void
sync_items (PdSyncer *s, GPtrArray *items)
{
	g_autoptr (GError) error = NULL;
	guint i;

	if (g_atomic_int_get (&s->failed))
		g_set_error (&error, PD_ERROR, PD_ERROR_TEMPFAIL,
		             "an earlier sync of the database failed; restart serve");
	else if (!sync_all (s, items, &error)) {
		g_atomic_int_set (&s->failed, 1);
		pd_log_error ("%s: the last %u group commits are not confirmed (answered 4xx), and"
		              " serve takes no more mail until it is restarted: check the disk",
		              error->message, items->len);
	}
	for (i = 0; i < items->len; i++) {
		Item *one = items->pdata[i];

		s->done (one->group, error, s->data);
		g_free (one->wal);
		g_free (one);
	}
}

static gpointer
syncer_main (gpointer data)
{
	PdSyncer *s = data;
	g_autoptr (GPtrArray) items = g_ptr_array_new ();
	gboolean stop = FALSE;

	while (!stop) {
		Item *item = g_async_queue_pop (s->queue);

		/* every group committed before this sync begins is covered by it */
		g_ptr_array_set_size (items, 0);
		while (item != NULL) {
			if (item == &stop_item)
				stop = TRUE;
			else
				g_ptr_array_add (items, item);
			item = g_async_queue_try_pop (s->queue);
		}
		if (items->len > 0)
			sync_items (s, items);
	}
	return NULL;
}

PdSyncer *
pd_syncer_new (PdSyncerDone done, gpointer data)
{
	PdSyncer *s = g_new0 (PdSyncer, 1);

	s->done = done;
	s->data = data;
	s->fd = -1;
	/* test hooks (e2e 277): a failing disk, and time to kill serve between commit and sync */
	if (g_getenv ("POSTDESK_TEST_SYNC_FAIL") != NULL)
		s->fail_at = (guint) g_ascii_strtoull (g_getenv ("POSTDESK_TEST_SYNC_FAIL"), NULL, 10);
	if (g_getenv ("POSTDESK_TEST_SYNC_DELAY_MS") != NULL)
		s->delay = 1000 * (gulong) g_ascii_strtoull (g_getenv ("POSTDESK_TEST_SYNC_DELAY_MS"),
		                                            NULL, 10);
	s->queue = g_async_queue_new ();
	if (g_getenv ("POSTDESK_SYNC_THREAD") != NULL)
		s->thread = g_thread_new ("pd-syncer", syncer_main, s);
	return s;
}

void
pd_syncer_push (PdSyncer *s, const char *db, gpointer group)
{
	Item *item = g_new (Item, 1);

	item->wal = g_strconcat (db, "-wal", NULL);
	item->group = group;
	if (s->thread == NULL) {
		GPtrArray *one = g_ptr_array_new ();

		g_ptr_array_add (one, item);
		sync_items (s, one);
		g_ptr_array_unref (one);
		return;
	}
	g_async_queue_push (s->queue, item);
}

gboolean
pd_syncer_failed (PdSyncer *s)
{
	return g_atomic_int_get (&s->failed);
}

void
pd_syncer_free (PdSyncer *s)
{
	if (s == NULL)
		return;
	if (s->thread != NULL) {
		g_async_queue_push (s->queue, &stop_item);
		g_thread_join (s->thread);
	}
	g_async_queue_unref (s->queue);
	if (s->fd >= 0)
		close (s->fd);
	g_free (s->path);
	g_free (s);
}
