/* kb-mailer.h - new knowledge-base articles mailed to the lists that follow their topics, with
 * no human step: each article at once as a campaign of kind 'article', or collected for a
 * daily campaign of kind 'digest' (lists.digest). A campaign is a 'running' campaigns row with
 * its deliveries (one per active subscriber whose topics preference matches), which the
 * campaign sender sends like any announcement. The list_articles claim (db/018) makes each
 * article reach a list once, across restarts and several schedulers. Also archives
 * announcements (archive.h). Run by the scheduler (pd_sched_run, `postdesk tick`). */
#ifndef PD_LIST_KB_MAILER_H
#define PD_LIST_KB_MAILER_H

#include <glib.h>

#include "core/settings.h"
#include "store/store.h"

typedef struct {
	guint archived;  /* announcements archived */
	guint articles;  /* new (list, article) pairs seen */
	guint campaigns; /* campaigns made (article or digest) */
	gint64 deliveries; /* deliveries rows made */
} PdListMailStats;

/* One run at NOW. Each list's article or digest in its own transaction. STATS_R may be NULL. */
gboolean pd_list_kb_mail_run (PdStore *store, const PdSettings *s, gint64 now,
                              PdListMailStats *stats_r, GError **error);

#endif
