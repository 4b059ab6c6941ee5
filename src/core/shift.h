/* shift.h - an agent's shifts for follow-the-sun, in the agent's IANA time zone. HOURS is the
 * calendar's form, "Mon-Fri 09:00-17:00" (items separated by ';', days as a range or a comma
 * list, several time ranges per item separated by ','), or the older bare "09:00-17:00",
 * which means every day. A range whose end is not after its start runs past midnight
 * ("Mon-Fri 22:00-06:00": Monday night to Saturday 06:00); a shift belongs to the day it
 * starts on. Pure: times are Unix seconds and wall-clock times go through GTimeZone, so DST
 * changes are respected. */
#ifndef PD_SHIFT_H
#define PD_SHIFT_H

#include <glib.h>

#define PD_SHIFT_MAX_RANGES 32

typedef struct {
	guint8 days;   /* bit 0 = Monday ... bit 6 = Sunday */
	int start_min; /* minutes after local midnight */
	int end_min;   /* <= start_min: the next day */
} PdShiftRange;

typedef struct {
	GTimeZone *zone;
	guint n;
	PdShiftRange ranges[PD_SHIFT_MAX_RANGES];
} PdShift;

/* Parse TZ (NULL or "" = UTC) and HOURS into SHIFT_R; FALSE when HOURS is not of the forms
 * above or the zone is unknown. Free with pd_shift_clear. */
gboolean pd_shift_parse (const char *tz, const char *hours, PdShift *shift_r);
void pd_shift_clear (PdShift *shift);
/* Whether T falls in a shift. */
gboolean pd_shift_on (const PdShift *shift, gint64 t);
/* The end of the latest shift that ended at or before T (within the last 8 days), or 0. */
gint64 pd_shift_last_end (const PdShift *shift, gint64 t);

#endif
