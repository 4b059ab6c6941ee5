/* clock.h - the time every command works with: the real clock, or POSTDESK_NOW (Unix seconds
 * or ISO 8601, e.g. 2026-11-30T10:00:00Z) when set, so tests can put the clock anywhere.
 * A malformed POSTDESK_NOW is reported once on stderr and the real clock is used. */
#ifndef PD_CLOCK_H
#define PD_CLOCK_H

#include <glib.h>

/* Unix seconds now. */
gint64 pd_now (void);

/* Parse TEXT as Unix seconds or ISO 8601 (a time without a zone is UTC) into AT_R. */
gboolean pd_clock_parse (const char *text, gint64 *at_r);

#endif
