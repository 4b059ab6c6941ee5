/* log.c - the logging API; formats and writes whole lines so concurrent processes do not
 * interleave within a line. */
#include "core/log.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static gboolean quiet;

void
pd_log_set_quiet (gboolean q)
{
	quiet = q;
}

static void emit (const char *level, const char *fmt, va_list ap) G_GNUC_PRINTF (2, 0);

static void
emit (const char *level, const char *fmt, va_list ap)
{
	g_autofree char *text = g_strdup_vprintf (fmt, ap);
	g_autofree char *line = g_strdup_printf ("postdesk[%d]: %s: %s\n", (int) getpid (), level, text);

	if (write (STDERR_FILENO, line, strlen (line)) < 0) {
		/* nowhere left to report it */
	}
}

#define PD_LOG_FN(fn, level, cond) \
	void fn (const char *fmt, ...) \
	{ \
		va_list ap; \
		if (!(cond)) \
			return; \
		va_start (ap, fmt); \
		emit (level, fmt, ap); \
		va_end (ap); \
	}

PD_LOG_FN (pd_log_error, "error", TRUE)
PD_LOG_FN (pd_log_warn, "warning", TRUE)
PD_LOG_FN (pd_log_info, "info", !quiet)
PD_LOG_FN (pd_log_debug, "debug", g_getenv ("POSTDESK_DEBUG") != NULL)
