/* settings-lists.h - the [lists] section's knobs for what comes back from list mail and for
 * the knowledge base's digests (issue 12, bounces and the kb). Parsed by settings-lists.c;
 * PdSettings holds one pointer to it. */
#ifndef PD_SETTINGS_LISTS_H
#define PD_SETTINGS_LISTS_H

#include <glib.h>

typedef enum {
	PD_BOUNCE_DECAY_HALVE, /* the score halves after each quiet period */
	PD_BOUNCE_DECAY_RESET, /* the score starts again from 0 after one (as Mailman does) */
} PdBounceDecay;

typedef struct PdListSettings {
	double bounce_hard;      /* bounce_hard = 1.0: score of a hard bounce */
	double bounce_soft;      /* bounce_soft = 0.5: of a soft one, at most once a day */
	double bounce_threshold; /* bounce_threshold = 3.0: delivery disabled at this score */
	gint64 decay_after;      /* bounce_decay_after = 7d: a quiet period, in seconds */
	PdBounceDecay decay;     /* bounce_decay = halve | reset */
	gint64 digest_interval;  /* digest_interval = 1d: seconds between a list's digests */
} PdListSettings;

/* The defaults above. (transfer full) */
PdListSettings *pd_list_settings_defaults (void);
/* Read [lists] from KF (missing keys take the defaults). (transfer full) */
PdListSettings *pd_list_settings_load (GKeyFile *kf, GError **error);
void pd_list_settings_free (PdListSettings *s);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdListSettings, pd_list_settings_free)

#endif
