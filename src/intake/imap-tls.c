/* imap-tls.c - verify an IMAP server's certificate chain after libetpan's handshake, with
 * GnuTLS's trust list (system CAs and the account's ca_file) and hostname check. libetpan hands us the chain as DER;
 * it does not check it (its GnuTLS code has no verification hook), so without this any
 * certificate would do. Nothing here is kept: the caller owns the stream. */
#include "intake/imap-tls.h"

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "core/error.h"

gboolean
pd_imap_tls_verify (mailstream *stream, const char *host, const char *ca_file, GError **error)
{
	carray *chain = mailstream_get_certificate_chain (stream);
	gnutls_x509_trust_list_t trust = NULL;
	gnutls_x509_crt_t *certs = NULL;
	unsigned int n = 0, i, status = 0;
	gboolean ok = FALSE;
	int rc;

	if (chain == NULL || carray_count (chain) == 0) {
		g_set_error (error, PD_ERROR, PD_ERROR_TEMPFAIL, "TLS: the server sent no certificate");
		goto out;
	}
	certs = g_new0 (gnutls_x509_crt_t, carray_count (chain));
	for (i = 0; i < carray_count (chain); i++) {
		MMAPString *der = carray_get (chain, i);
		gnutls_datum_t datum = { (unsigned char *) der->str, (unsigned int) der->len };

		if (gnutls_x509_crt_init (&certs[n]) < 0)
			goto out;
		n++;
		if ((rc = gnutls_x509_crt_import (certs[i], &datum, GNUTLS_X509_FMT_DER)) < 0) {
			g_set_error (error, PD_ERROR, PD_ERROR_TEMPFAIL, "TLS: bad server certificate: %s",
			             gnutls_strerror (rc));
			goto out;
		}
	}
	if ((rc = gnutls_x509_trust_list_init (&trust, 0)) < 0 ||
	    (rc = gnutls_x509_trust_list_add_system_trust (trust, 0, 0)) < 0) {
		g_set_error (error, PD_ERROR, PD_ERROR_TEMPFAIL, "TLS: no system trust store: %s",
		             gnutls_strerror (rc));
		goto out;
	}
	if (ca_file != NULL) {
		if (!g_file_test (ca_file, G_FILE_TEST_IS_REGULAR)) {
			g_set_error (error, PD_ERROR, PD_ERROR_TEMPFAIL, "TLS: ca_file %s: no such file",
			             ca_file);
			goto out;
		}
		rc = gnutls_x509_trust_list_add_trust_file (trust, ca_file, NULL, GNUTLS_X509_FMT_PEM, 0, 0);
		if (rc <= 0) {
			g_set_error (error, PD_ERROR, PD_ERROR_TEMPFAIL, "TLS: ca_file %s: %s", ca_file,
			             rc < 0 ? gnutls_strerror (rc) : "no PEM certificate in it");
			goto out;
		}
	}
	{
		gnutls_typed_vdata_st data[] = {
			{ GNUTLS_DT_DNS_HOSTNAME, (unsigned char *) host, 0 },
			{ GNUTLS_DT_KEY_PURPOSE_OID, (unsigned char *) GNUTLS_KP_TLS_WWW_SERVER, 0 },
		};

		rc = gnutls_x509_trust_list_verify_crt2 (trust, certs, n, data, G_N_ELEMENTS (data), 0,
		                                         &status, NULL);
	}
	if (rc < 0) {
		g_set_error (error, PD_ERROR, PD_ERROR_TEMPFAIL, "TLS: verification failed: %s",
		             gnutls_strerror (rc));
		goto out;
	}
	if (status != 0) {
		gnutls_datum_t text = { NULL, 0 };

		gnutls_certificate_verification_status_print (status, GNUTLS_CRT_X509, &text, 0);
		g_set_error (error, PD_ERROR, PD_ERROR_TEMPFAIL,
		             "TLS: certificate of %s not trusted: %s (ca_file can name a private CA;"
		             " tls_insecure = true skips this check)",
		             host, text.data ? (const char *) text.data : "unknown reason");
		gnutls_free (text.data);
		goto out;
	}
	ok = TRUE;
out:
	if (!ok && error && *error == NULL)
		g_set_error (error, PD_ERROR, PD_ERROR_TEMPFAIL, "TLS: cannot check the certificate");
	for (i = 0; i < n; i++)
		gnutls_x509_crt_deinit (certs[i]);
	g_free (certs);
	if (trust)
		gnutls_x509_trust_list_deinit (trust, 1);
	if (chain)
		mailstream_certificate_chain_free (chain);
	return ok;
}
