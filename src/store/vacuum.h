/* vacuum.h - giving the space of deleted rows back to the file system (issue 13, sla2). A
 * purge frees pages inside the database file; only VACUUM makes the file smaller. */
#ifndef PD_STORE_VACUUM_H
#define PD_STORE_VACUUM_H

#include "store/store.h"

/* VACUUM the database (outside any transaction; it needs free disk space about the size of
 * the database while it runs), then checkpoint and truncate the log so the file itself
 * shrinks. BEFORE_R and AFTER_R: the database's size in bytes (pages × page size). */
gboolean pd_store_vacuum (PdStore *store, gint64 *before_r, gint64 *after_r, GError **error);
/* When the last `vacuum` event was recorded (0: never). */
gboolean pd_store_last_vacuum (PdStore *store, gint64 *at_r, GError **error);

#endif
