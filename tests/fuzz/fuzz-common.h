/* fuzz-common.h - what every libFuzzer target in tests/fuzz shares: logging that stays quiet
 * (a fuzzer runs millions of inputs) but turns a g_critical or g_error into a crash, since
 * either is a programmer's bug reached from input. Header only; included once per target. */
#ifndef PD_FUZZ_COMMON_H
#define PD_FUZZ_COMMON_H

#include <glib.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

static GLogWriterOutput
fuzz_log_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer data)
{
	(void) data;
	if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL)) {
		g_log_writer_standard_streams (level, fields, n_fields, NULL);
		abort ();
	}
	if (g_getenv ("POSTDESK_FUZZ_VERBOSE") != NULL)
		return g_log_writer_standard_streams (level, fields, n_fields, NULL);
	return G_LOG_WRITER_HANDLED;
}

static void
fuzz_quiet_logs (void)
{
	g_log_set_writer_func (fuzz_log_writer, NULL, NULL);
}

/* The input as a NUL-terminated string (a NUL inside cuts it short, as it would for a C
 * caller). (transfer full) */
static inline char *
fuzz_string (const uint8_t *data, size_t size)
{
	return g_strndup ((const char *) data, size);
}

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#endif
