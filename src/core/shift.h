/* shift.h - an agent's daily shift for follow-the-sun: working hours "HH:MM-HH:MM" in the
 * agent's IANA time zone, every day (agents' hours carry no weekdays); a shift whose end is
 * not after its start runs past midnight ("22:00-06:00"). Pure: times are Unix seconds and
 * wall-clock times go through GTimeZone, so DST changes are respected. */
#ifndef PD_SHIFT_H
#define PD_SHIFT_H

#include <glib.h>

typedef struct {
	GTimeZone *zone;
	int start_min; /* minutes after local midnight */
	int end_min;
} PdShift;

/* Parse TZ (NULL or "" = UTC) and HOURS into SHIFT_R; FALSE when HOURS is not HH:MM-HH:MM or
 * the zone is unknown. Free with pd_shift_clear. */
gboolean pd_shift_parse (const char *tz, const char *hours, PdShift *shift_r);
void pd_shift_clear (PdShift *shift);
/* Whether T falls in a shift. */
gboolean pd_shift_on (const PdShift *shift, gint64 t);
/* The end of the latest shift that ended at or before T, or 0. */
gint64 pd_shift_last_end (const PdShift *shift, gint64 t);

#endif
