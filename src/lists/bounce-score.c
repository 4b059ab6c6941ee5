/* bounce-score.c - the arithmetic of bounce scores (bounce-score.h). A soft bounce counts at
 * most once a day because a full mailbox answers every message: a busy day of campaigns
 * should not disable someone whose mailbox is full for a day. */
#include "lists/bounce-score.h"

#define DAY 86400

double
pd_bounce_score_decayed (const PdListSettings *s, const PdBounceScore *b, gint64 now)
{
	gint64 quiet, periods;
	double score = b->score;

	if (b->last_bounce_at <= 0 || score <= 0 || s->decay_after <= 0)
		return score;
	quiet = now - b->last_bounce_at;
	if (quiet < s->decay_after)
		return score;
	if (s->decay == PD_BOUNCE_DECAY_RESET)
		return 0;
	periods = quiet / s->decay_after;
	for (; periods > 0 && score >= 0.01; periods--)
		score /= 2;
	/* what is left of a bounce long ago is no bounce */
	return score < 0.01 ? 0 : score;
}

double
pd_bounce_score_add (const PdListSettings *s, PdBounceScore *b, gboolean hard, gint64 now,
                     gboolean *disable_r)
{
	double added = 0;

	b->score = pd_bounce_score_decayed (s, b, now);
	if (hard) {
		added = s->bounce_hard;
	} else if (b->last_soft_at <= 0 || now - b->last_soft_at >= DAY || now < b->last_soft_at) {
		added = s->bounce_soft;
		b->last_soft_at = now;
	}
	b->score += added;
	b->last_bounce_at = now;
	*disable_r = b->score >= s->bounce_threshold;
	return added;
}
