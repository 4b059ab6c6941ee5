/* wal-vfs.c - pd_store_vfs: SQLite's default VFS, except that a WAL file that exists is opened
 * as it is, without O_CREAT.
 *
 * Why: the unix VFS cannot tell whether a journal or WAL it opens with SQLITE_OPEN_CREATE was
 * new, so it syncs the directory on the first sync of every such file, in every process. For
 * `deliver`, a process per mail, that is a second disk flush per mail on top of the commit's
 * (as slow as the commit itself on the disks measured: issue 10). The WAL outlives the
 * processes (SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, and nothing deletes it), so it nearly always
 * exists already, and its name is on disk since the process that made it.
 *
 * That last point is kept by this file: when the WAL does not exist, it is created and the
 * directory synced at once, even by a process that only reads (SQLite would sync it only on a
 * write). Left out: a WAL made by another program (the sqlite3 shell) that never synced the
 * directory. On a journalling file system (ext4, XFS) the entry is in the same or an earlier
 * journal transaction than the file's own first fdatasync, which commits it; elsewhere the
 * other program is the one to answer for it. Only xOpen is wrapped: the files are SQLite's own.
 * Plain C (no GLib): postdesk-deliver opens the database through it too. */
#include "store/wal-vfs.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PD_STORE_VFS "pd-unix"

static sqlite3_vfs vfs;

/* fsync the directory of FILE; failure is SQLite's to report at the next sync, not ours */
static void
sync_parent (const char *file)
{
	const char *slash = strrchr (file, '/');
	char *dir = slash == NULL ? strdup (".") : slash == file ? strdup ("/") : strndup (file, slash - file);
	int fd = dir ? open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;

	if (fd >= 0) {
		(void) fsync (fd);
		close (fd);
	}
	free (dir);
}

static int
wal_open (sqlite3_vfs *self, const char *name, sqlite3_file *file, int flags, int *out_flags)
{
	sqlite3_vfs *base = self->pAppData;
	int rc;

	if (name == NULL || !(flags & SQLITE_OPEN_WAL) || !(flags & SQLITE_OPEN_CREATE))
		return base->xOpen (base, name, file, flags, out_flags);
	rc = base->xOpen (base, name, file, flags & ~SQLITE_OPEN_CREATE, out_flags);
	if (rc == SQLITE_OK)
		return rc;
	/* not there (or gone meanwhile): make it, and its name durable, before anything goes in */
	rc = base->xOpen (base, name, file, flags, out_flags);
	if (rc == SQLITE_OK)
		sync_parent (name);
	return rc;
}

static void
register_vfs (void)
{
	sqlite3_vfs *base = sqlite3_vfs_find (NULL);

	vfs = *base;
	vfs.pNext = NULL;
	vfs.zName = PD_STORE_VFS;
	vfs.pAppData = base;
	vfs.xOpen = wal_open;
	/* not the default: other users of SQLite in the process are left alone */
	sqlite3_vfs_register (&vfs, 0);
}

const char *
pd_store_vfs (void)
{
	static pthread_once_t registered = PTHREAD_ONCE_INIT;

	pthread_once (&registered, register_vfs);
	return PD_STORE_VFS;
}
