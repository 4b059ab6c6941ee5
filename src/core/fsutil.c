/* fsutil.c - tmp + fsync + rename + fsync(dir). Errors are PD_ERROR_TEMPFAIL when a retry
 * could help (a full disk, EIO, a permission or read-only file system an admin fixes) so a
 * caller answers "try later" rather than quarantine or lose mail. */
#include "core/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "core/error.h"

static gboolean
fail (const char *path, int e, GError **error)
{
	switch (e) {
	case ENOSPC:
	case EDQUOT:
		g_set_error (error, PD_ERROR, PD_ERROR_TEMPFAIL,
		             "%s: %s: free space on its file system", path, g_strerror (e));
		break;
	case EACCES:
	case EPERM:
	case EROFS:
		g_set_error (error, PD_ERROR, PD_ERROR_TEMPFAIL,
		             "%s: %s: postdesk runs as uid %d (%s), which must own the home and "
		             "everything in it (chown -R)",
		             path, g_strerror (e), (int) getuid (), g_get_user_name ());
		break;
	case EIO:
		g_set_error (error, PD_ERROR, PD_ERROR_TEMPFAIL, "%s: %s: check the disk", path,
		             g_strerror (e));
		break;
	default:
		g_set_error (error, PD_ERROR, PD_ERROR_IO, "%s: %s", path, g_strerror (e));
	}
	return FALSE;
}

static gboolean
fsync_dir (const char *path, GError **error)
{
	g_autofree char *dir = g_path_get_dirname (path);
	int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return fail (dir, errno, error);
	if (fsync (fd) != 0) {
		int e = errno;
		close (fd);
		return fail (dir, e, error);
	}
	close (fd);
	return TRUE;
}

gboolean
pd_fs_write_file (const char *path, const void *data, gsize len, int mode, GError **error)
{
	g_autofree char *tmp = g_strdup_printf ("%s.%d.%08x.tmp", path, (int) getpid (),
	                                        g_random_int ());
	const char *p = data;
	int fd = open (tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);

	if (fd < 0)
		return fail (tmp, errno, error);
	while (len > 0) {
		ssize_t n = write (fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;
			close (fd);
			g_unlink (tmp);
			return fail (tmp, e, error);
		}
		p += n;
		len -= n;
	}
	if (fsync (fd) != 0 || close (fd) != 0) {
		int e = errno;
		g_unlink (tmp);
		return fail (tmp, e, error);
	}
	if (rename (tmp, path) != 0) {
		int e = errno;
		g_unlink (tmp);
		return fail (path, e, error);
	}
	return fsync_dir (path, error);
}

gboolean
pd_fs_store_blob (const char *dir, const char *sha256, GBytes *bytes, GError **error)
{
	g_autofree char *sub = NULL, *path = NULL;
	char prefix[3] = { 0 };
	gsize len;
	const void *data = g_bytes_get_data (bytes, &len);

	g_return_val_if_fail (sha256 && strlen (sha256) == 64, FALSE);
	memcpy (prefix, sha256, 2);
	sub = g_build_filename (dir, prefix, NULL);
	path = g_build_filename (sub, sha256, NULL);
	if (g_file_test (path, G_FILE_TEST_EXISTS))
		return TRUE;
	if (g_mkdir_with_parents (sub, 0700) != 0)
		return fail (sub, errno, error);
	return pd_fs_write_file (path, data ? data : "", len, 0600, error);
}
