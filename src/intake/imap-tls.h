/* imap-tls.h - checking the server certificate of an IMAP session. libetpan's TLS (GnuTLS in
 * Debian's build) completes the handshake without verifying anything, so the fetcher calls
 * this right after connecting/STARTTLS. It does not do TLS itself. */
#ifndef PD_IMAP_TLS_H
#define PD_IMAP_TLS_H

#include <glib.h>
#include <libetpan/libetpan.h>

/* Verify the peer chain of STREAM against the system trust store, plus the PEM
 * certificates in CA_FILE (NULL: none; a private CA), and HOST (name or IP). FALSE with a
 * PD_ERROR_TEMPFAIL error saying why (untrusted, expired, wrong name, CA_FILE unreadable). */
gboolean pd_imap_tls_verify (mailstream *stream, const char *host, const char *ca_file,
                             GError **error);

#endif
