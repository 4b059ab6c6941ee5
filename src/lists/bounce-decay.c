/* bounce-decay.c - decaying bounce scores between bounces (bounce-decay.h). The arithmetic
 * is bounce-score.c's; the status rule is feedback.c's, shared so a bounce and the pass
 * agree. */
#include "lists/bounce-decay.h"

#include "core/settings-lists.h"
#include "lists/bounce-score.h"
#include "lists/feedback.h"
#include "store/list-feedback.h"

/* rows per transaction: the scheduler's other work is not kept waiting behind a long one */
#define BATCH 500

static gboolean
batch (PdStore *store, const PdListSettings *ls, gint64 now, gint64 *after, guint *n_r,
       guint *changed_r, GError **error)
{
	g_autoptr (GPtrArray) rows = pd_store_list_scored (store, *after, BATCH, error);

	if (rows == NULL)
		return FALSE;
	*n_r = rows->len;
	for (guint i = 0; i < rows->len; i++) {
		const PdListScored *r = rows->pdata[i];
		PdBounceScore b = { r->score, r->last_bounce_at, r->last_soft_at, r->score_at };
		gboolean changed = FALSE;

		*after = r->id;
		if (pd_bounce_score_settle (ls, &b, now) &&
		    !pd_store_list_subscriber_score (store, r->id, b.score, b.last_bounce_at,
		                                     b.last_soft_at, b.score_at, now, error))
			return FALSE;
		if (!pd_list_bounce_status_sync (store, r->id, r->status, b.score, ls->bounce_threshold,
		                                 now, NULL, &changed, error))
			return FALSE;
		if (changed)
			(*changed_r)++;
	}
	return TRUE;
}

gboolean
pd_list_bounce_decay_run (PdStore *store, const PdSettings *s, gint64 now, guint *changed_r,
                          GError **error)
{
	g_autoptr (PdListSettings) defaults = NULL;
	const PdListSettings *ls = s->lists_feedback;
	gint64 after = 0;
	guint n, changed = 0;

	if (ls == NULL)
		ls = defaults = pd_list_settings_defaults ();
	do {
		if (!pd_store_begin (store, error))
			return FALSE;
		if (!batch (store, ls, now, &after, &n, &changed, error) ||
		    !pd_store_commit (store, error)) {
			pd_store_rollback (store);
			return FALSE;
		}
	} while (n == BATCH);
	if (changed_r != NULL)
		*changed_r = changed;
	return TRUE;
}
