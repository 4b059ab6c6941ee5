/* archive.h - each announcement archived in the knowledge base: a published article of topic
 * "announcements", with the list's visibility and locale, slug "announcement-LIST-ID"; its id
 * goes into campaigns.article_id. Layer: lists -> kb -> store. */
#ifndef PD_LIST_ARCHIVE_H
#define PD_LIST_ARCHIVE_H

#include <glib.h>

#include "store/store.h"

/* Archive announcement CAMPAIGN_ID (its own transaction). Idempotent: a campaign that has its
 * article, or is not an announcement, is left alone; ARTICLE_R (may be NULL) gets the
 * article's id (0 when not an announcement). */
gboolean pd_list_archive_campaign (PdStore *store, gint64 campaign_id, gint64 now,
                                   gint64 *article_r, GError **error);

/* Archive every announcement running, paused or done that has no article yet (for the
 * scheduler: no hook into `announce start` needed). COUNT_R may be NULL. */
gboolean pd_list_archive_pending (PdStore *store, gint64 now, guint *count_r, GError **error);

#endif
