/* strutil.h - tiny string helpers GLib lacks. */
#ifndef PD_STRUTIL_H
#define PD_STRUTIL_H

#include <glib.h>
#include <string.h>

/* Lower-case S in place (ASCII only: addresses and MIME types); returns S. */
static inline char *
pd_ascii_lower (char *s)
{
	char *p;

	for (p = s; p && *p; p++)
		*p = g_ascii_tolower (*p);
	return s;
}

/* Is ADDR the address BASE, perhaps with a +extension ("support+t1-x@d" is "support@d")?
 * Case-insensitive. */
static inline gboolean
pd_address_has_base (const char *base, const char *addr)
{
	const char *at, *plus;
	gsize local;

	if (base == NULL || addr == NULL || (at = strrchr (addr, '@')) == NULL)
		return FALSE;
	plus = memchr (addr, '+', at - addr);
	local = (plus ? plus : at) - addr;
	return strlen (base) == local + strlen (at) && g_ascii_strncasecmp (base, addr, local) == 0 &&
	       g_ascii_strcasecmp (base + local, at) == 0;
}

#endif
