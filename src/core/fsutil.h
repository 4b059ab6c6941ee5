/* fsutil.h - durable file writes: write a temporary file, fsync it, rename it into place,
 * fsync the directory (Postfix's mail_stream, notmuch insert). */
#ifndef PD_FSUTIL_H
#define PD_FSUTIL_H

#include <glib.h>

/* Write DATA to PATH durably with MODE. An existing PATH is replaced. */
gboolean pd_fs_write_file (const char *path, const void *data, gsize len, int mode,
                           GError **error);

/* Store BYTES content-addressed under DIR as DIR/ab/abcdef... (SHA256 hex given). An existing
 * file with that name is kept (same content). */
gboolean pd_fs_store_blob (const char *dir, const char *sha256, GBytes *bytes, GError **error);

#endif
