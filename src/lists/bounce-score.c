/* bounce-score.c - the arithmetic of bounce scores (bounce-score.h). A soft bounce counts at
 * most once a day because a full mailbox answers every message: a busy day of campaigns
 * should not disable someone whose mailbox is full for a day. */
#include "lists/bounce-score.h"

#define DAY 86400

/* Where the quiet time counts from. */
static gint64
anchor (const PdBounceScore *b)
{
	return b->score_at > 0 ? b->score_at : b->last_bounce_at;
}

/* Whole quiet periods between the anchor and NOW; 0 when the score does not decay yet. */
static gint64
quiet_periods (const PdListSettings *s, const PdBounceScore *b, gint64 now)
{
	if (anchor (b) <= 0 || b->score <= 0 || s->decay_after <= 0 || now < anchor (b))
		return 0;
	return (now - anchor (b)) / s->decay_after;
}

double
pd_bounce_score_decayed (const PdListSettings *s, const PdBounceScore *b, gint64 now)
{
	gint64 periods = quiet_periods (s, b, now);
	double score = b->score;

	if (periods <= 0)
		return score;
	if (s->decay == PD_BOUNCE_DECAY_RESET)
		return 0;
	for (; periods > 0 && score >= 0.01; periods--)
		score /= 2;
	/* what is left of a bounce long ago is no bounce */
	return score < 0.01 ? 0 : score;
}

gboolean
pd_bounce_score_settle (const PdListSettings *s, PdBounceScore *b, gint64 now)
{
	gint64 periods = quiet_periods (s, b, now);

	if (periods <= 0)
		return FALSE;
	b->score = pd_bounce_score_decayed (s, b, now);
	b->score_at = anchor (b) + periods * s->decay_after;
	return TRUE;
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
	b->score_at = now;
	*disable_r = b->score >= s->bounce_threshold;
	return added;
}
