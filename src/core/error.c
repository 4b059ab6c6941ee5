/* error.c - the PD_ERROR domain and the mappings from errors to sysexits.h codes: one for
 * commands, one for an MTA (deliver). Nothing else in postdesk decides an exit status. */
#include "core/error.h"

#include <gio/gio.h>
#include <sysexits.h>

G_DEFINE_QUARK (postdesk-error-quark, pd_error)

int
pd_error_exit_code (const GError *error)
{
	if (error == NULL)
		return EX_OK;
	if (error->domain == PD_ERROR) {
		switch ((PdErrorCode) error->code) {
		case PD_ERROR_USAGE: return EX_USAGE;
		case PD_ERROR_DATA: return EX_DATAERR;
		case PD_ERROR_TEMPFAIL: return EX_TEMPFAIL;
		case PD_ERROR_CONFIG: return EX_CONFIG;
		case PD_ERROR_NOTFOUND: return EX_NOINPUT;
		case PD_ERROR_IO: return EX_IOERR;
		case PD_ERROR_INTERNAL: return EX_SOFTWARE;
		}
	}
	if (error->domain == G_KEY_FILE_ERROR)
		return EX_CONFIG;
	if (error->domain == G_IO_ERROR && error->code == G_IO_ERROR_NOT_FOUND)
		return EX_NOINPUT;
	/* disk full, permission trouble, anything unknown: let the caller retry */
	return EX_TEMPFAIL;
}

int
pd_error_exit_code_mta (const GError *error)
{
	if (error == NULL)
		return EX_OK;
	if (g_error_matches (error, PD_ERROR, PD_ERROR_DATA))
		return EX_DATAERR;
	if (g_error_matches (error, PD_ERROR, PD_ERROR_USAGE))
		return EX_USAGE;
	/* a local fault: a bounce would lose the customer's mail for our mistake */
	return EX_TEMPFAIL;
}
