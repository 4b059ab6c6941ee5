/* wal-vfs.h - the VFS every postdesk connection opens the database with (wal-vfs.c: no
 * directory sync per process for a WAL that exists). Plain C, shared with postdesk-deliver. */
#ifndef PD_WAL_VFS_H
#define PD_WAL_VFS_H

#include <sqlite3.h>

/* Its name for sqlite3_open_v2, registered on the first call. (transfer none) */
const char *pd_store_vfs (void);

#endif
