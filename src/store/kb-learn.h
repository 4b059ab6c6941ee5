/* kb-learn.h - the questions the suggester missed that an agent then answered with an article
 * (db/019: kb_misses joined to kb_usage by ticket), for src/kb/learn.c. */
#ifndef PD_STORE_KB_LEARN_H
#define PD_STORE_KB_LEARN_H

#include <glib.h>

#include "store/store.h"

typedef struct {
	gint64 article_id;
	char *slug;
	char *words; /* the question's content words (kb_misses.words), space-separated */
} PdKbAnsweredMiss;

void pd_kb_answered_miss_free (PdKbAnsweredMiss *r);

/* Every question of a ticket whose acknowledgement suggested nothing (kb_misses, how 'ack')
 * and that an agent answered afterwards with a published, suggestable article (kb_usage 'sent'
 * or 'answered' on the same ticket): one row per question and article, by article. */
GPtrArray *pd_store_kb_answered_misses (PdStore *store, GError **error);

/* The words (kb_misses.words) of every question nothing was suggested for (how 'ack'),
 * answered or not: what customers say whatever they ask. char*, (transfer full) */
GPtrArray *pd_store_kb_missed_words (PdStore *store, GError **error);

#endif
