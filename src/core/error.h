/* error.h - postdesk's one error domain and its mapping to sysexits.h.
 * Library code reports GErrors in PD_ERROR; only main() turns one into an exit code. */
#ifndef PD_ERROR_H
#define PD_ERROR_H

#include <glib.h>

#define PD_ERROR (pd_error_quark ())

typedef enum {
	PD_ERROR_USAGE,    /* bad command line: EX_USAGE */
	PD_ERROR_DATA,     /* bad input data (mail, file): EX_DATAERR */
	PD_ERROR_TEMPFAIL, /* a retry may succeed (busy database, relay 4xx, disk full): EX_TEMPFAIL */
	PD_ERROR_CONFIG,   /* broken configuration: EX_CONFIG */
	PD_ERROR_NOTFOUND, /* no such ticket, row, file: EX_NOINPUT */
	PD_ERROR_IO,       /* local I/O failure: EX_IOERR */
	PD_ERROR_INTERNAL, /* a bug or an impossible state: EX_SOFTWARE */
} PdErrorCode;

GQuark pd_error_quark (void);

/* The exit status for ERROR (NULL = success), following sysexits.h. Errors of other domains
 * (GIO, GKeyFile, GMime) are mapped by kind; anything unknown is EX_TEMPFAIL, so an MTA retries
 * rather than bounces. */
int pd_error_exit_code (const GError *error);

/* The exit status for an MTA (`deliver`): the mail cannot be accepted ever (PD_ERROR_DATA:
 * EX_DATAERR) or the command line is wrong (PD_ERROR_USAGE: EX_USAGE); anything else - a
 * missing or unreadable home, config or key, a read-only, locked, damaged or full database -
 * is EX_TEMPFAIL, so the MTA keeps the mail and retries instead of bouncing it. */
int pd_error_exit_code_mta (const GError *error);

#endif
