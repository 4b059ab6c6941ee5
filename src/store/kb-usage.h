/* kb-usage.h - the knowledge base's usage counts (db/019): articles suggested, sent, mailed,
 * viewed and marked as answering, and the questions nothing answered. Rows (transfer full). */
#ifndef PD_STORE_KB_USAGE_H
#define PD_STORE_KB_USAGE_H

#include <glib.h>

#include "store/store.h"

/* Count one use of ARTICLE_ID: HOW is "suggested", "sent", "mailed", "viewed" or "answered";
 * TICKET 0 = none. */
gboolean pd_store_kb_usage_add (PdStore *store, gint64 article_id, const char *how,
                                gint64 ticket, gint64 at, GError **error);

/* Note a question nothing answered: HOW "ack" (a new ticket) or "mailed" (the kb address). */
gboolean pd_store_kb_miss_add (PdStore *store, const char *how, gint64 ticket,
                               const char *question, const char *words, gint64 at,
                               GError **error);

typedef struct {
	gint64 id;
	char *slug;
	char *title;
	gint64 suggested, sent, mailed, viewed, answered;
} PdKbUsageRow;

void pd_kb_usage_row_free (PdKbUsageRow *r);

/* Every article used in [SINCE, UNTIL) (0 = open end) with its counts, most requested first
 * (suggested + sent + mailed + viewed), then by slug. */
GPtrArray *pd_store_kb_usage_report (PdStore *store, gint64 since, gint64 until,
                                     GError **error);

typedef struct {
	gint64 id;
	char *how;
	gint64 ticket;
	char *question;
	char *words;
	gint64 at;
} PdKbMissRow;

void pd_kb_miss_row_free (PdKbMissRow *r);

/* The questions nothing answered in [SINCE, UNTIL), oldest first. */
GPtrArray *pd_store_kb_misses (PdStore *store, gint64 since, gint64 until, GError **error);

#endif
