/* clock.c - pd_now(): the real clock, or the fixed time POSTDESK_NOW names (for tests).
 * The variable is read at each call, so a test may change it between commands. */
#include "core/clock.h"

#include <stdio.h>

gboolean
pd_clock_parse (const char *text, gint64 *at_r)
{
	g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
	g_autoptr (GDateTime) dt = NULL;
	char *end;
	gint64 n;

	if (text == NULL || *text == '\0')
		return FALSE;
	n = g_ascii_strtoll (text, &end, 10);
	if (*end == '\0' && end != text && n >= 0) {
		*at_r = n;
		return TRUE;
	}
	dt = g_date_time_new_from_iso8601 (text, utc);
	if (dt == NULL)
		return FALSE;
	*at_r = g_date_time_to_unix (dt);
	return TRUE;
}

gint64
pd_now (void)
{
	static gsize warned = 0;
	const char *env = g_getenv ("POSTDESK_NOW");
	gint64 at;

	if (env != NULL && *env != '\0') {
		if (pd_clock_parse (env, &at))
			return at;
		if (g_once_init_enter (&warned)) {
			fprintf (stderr, "postdesk: POSTDESK_NOW=\"%s\" is neither Unix seconds nor ISO 8601; "
			                 "using the real clock\n", env);
			g_once_init_leave (&warned, 1);
		}
	}
	return g_get_real_time () / G_USEC_PER_SEC;
}
