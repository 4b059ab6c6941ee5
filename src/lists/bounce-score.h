/* bounce-score.h - a subscriber's bounce score: what a hard or soft bounce adds, the decay
 * after quiet days, and the threshold at which delivery is disabled. Pure arithmetic on the
 * numbers kept in the subscribers row; no store. */
#ifndef PD_LIST_BOUNCE_SCORE_H
#define PD_LIST_BOUNCE_SCORE_H

#include <glib.h>

#include "core/settings-lists.h"

typedef struct {
	double score;
	gint64 last_bounce_at; /* any bounce; 0 = never */
	gint64 last_soft_at;   /* the last soft bounce that counted; 0 = never */
	gint64 score_at;       /* when SCORE was worked out, the decay counts from here;
	                          0 = last_bounce_at */
} PdBounceScore;

/* The score at NOW after the quiet periods since the last bounce: halved once per whole
 * period (bounce_decay = halve), or 0 after one (reset). */
double pd_bounce_score_decayed (const PdListSettings *s, const PdBounceScore *b, gint64 now);

/* Decay B to NOW in place (between bounces): SCORE becomes the decayed score and SCORE_AT
 * moves on by the whole quiet periods counted, so decaying again later counts only the rest.
 * Returns TRUE when the score changed. */
gboolean pd_bounce_score_settle (const PdListSettings *s, PdBounceScore *b, gint64 now);

/* Count one bounce at NOW into B: decay first, then add bounce_hard, or bounce_soft unless a
 * soft bounce already counted in the last 24 hours. Returns what was added; DISABLE_R is
 * TRUE when the score reaches the threshold. */
double pd_bounce_score_add (const PdListSettings *s, PdBounceScore *b, gboolean hard, gint64 now,
                            gboolean *disable_r);

#endif
