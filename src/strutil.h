/* strutil.h - tiny string helpers GLib lacks. */
#ifndef PD_STRUTIL_H
#define PD_STRUTIL_H

#include <glib.h>

/* Lower-case S in place (ASCII only: addresses and MIME types); returns S. */
static inline char *
pd_ascii_lower (char *s)
{
	char *p;

	for (p = s; p && *p; p++)
		*p = g_ascii_tolower (*p);
	return s;
}

#endif
