/* dkim.c - DKIM signing with libopendkim (dkim.h). A library handle per call: the settings
 * (and with them the key and the header list) may change at any SIGHUP, and a handle costs
 * far less than the RSA operation itself. */
#include "outbound/dkim.h"

#include <string.h>

#include <opendkim/dkim.h>

#include "core/error.h"
#include "core/settings-dkim.h"

#define FIELD "DKIM-Signature"

static gboolean
dkim_fail (GError **error, DKIM *dkim, DKIM_STAT st, const char *what)
{
	const char *detail = dkim != NULL ? dkim_geterror (dkim) : NULL;

	g_set_error (error, PD_ERROR, PD_ERROR_CONFIG, "DKIM: %s: %s%s%s", what,
	             dkim_getresultstr (st), detail != NULL ? ": " : "", detail != NULL ? detail : "");
	return FALSE;
}

char *
pd_dkim_signature (const PdSettings *s, const char *raw, gsize len, GError **error)
{
	const PdDkimSettings *d = s->dkim;
	g_autofree char *key = NULL;
	g_autoptr (GError) local = NULL;
	DKIM_LIB *lib = NULL;
	DKIM *dkim = NULL;
	DKIM_STAT st = DKIM_STAT_OK;
	unsigned int flags = DKIM_LIBFLAGS_FIXCRLF;
	u_char *hdr = NULL;
	size_t hlen = 0;
	GString *out = NULL;

	if (d == NULL)
		return NULL;
	if (!g_file_get_contents (d->key_file, &key, NULL, &local)) {
		g_set_error (error, PD_ERROR, PD_ERROR_CONFIG, "[dkim] key_file: %s", local->message);
		return NULL;
	}
	lib = dkim_init (NULL, NULL);
	if (lib == NULL) {
		g_set_error (error, PD_ERROR, PD_ERROR_CONFIG, "DKIM: the library did not start");
		return NULL;
	}
	if (dkim_options (lib, DKIM_OP_SETOPT, DKIM_OPTS_FLAGS, &flags, sizeof flags) != DKIM_STAT_OK ||
	    dkim_options (lib, DKIM_OP_SETOPT, DKIM_OPTS_SIGNHDRS, d->headers,
	                  sizeof (char **)) != DKIM_STAT_OK) {
		g_set_error (error, PD_ERROR, PD_ERROR_CONFIG, "DKIM: cannot set the signed headers");
		goto out;
	}
	dkim = dkim_sign (lib, (const unsigned char *) "postdesk", NULL, (dkim_sigkey_t) key,
	                  (const unsigned char *) d->selector, (const unsigned char *) d->domain,
	                  DKIM_CANON_RELAXED, DKIM_CANON_RELAXED, DKIM_SIGN_RSASHA256, -1, &st);
	if (dkim == NULL) {
		dkim_fail (error, NULL, st, "cannot sign with [dkim] key_file");
		goto out;
	}
	if ((st = dkim_chunk (dkim, (u_char *) raw, len)) != DKIM_STAT_OK ||
	    (st = dkim_chunk (dkim, NULL, 0)) != DKIM_STAT_OK) {
		dkim_fail (error, dkim, st, "the message");
		goto out;
	}
	if ((st = dkim_eom (dkim, NULL)) != DKIM_STAT_OK) {
		dkim_fail (error, dkim, st, "signing");
		goto out;
	}
	if ((st = dkim_getsighdr_d (dkim, strlen (FIELD ": "), &hdr, &hlen)) != DKIM_STAT_OK) {
		dkim_fail (error, dkim, st, "the signature field");
		goto out;
	}
	/* the library folds with a bare LF: a header line ends in CRLF on the wire */
	out = g_string_new (FIELD ": ");
	for (size_t i = 0; i < hlen; i++) {
		if (hdr[i] == '\r')
			continue;
		if (hdr[i] == '\n')
			g_string_append_c (out, '\r');
		g_string_append_c (out, hdr[i]);
	}
	g_string_append (out, "\r\n");
out:
	if (dkim != NULL)
		dkim_free (dkim);
	dkim_close (lib);
	if (key != NULL)
		memset (key, 0, strlen (key));
	return out != NULL ? g_string_free (out, FALSE) : NULL;
}

GBytes *
pd_dkim_sign_bytes (const PdSettings *s, GBytes *raw, GError **error)
{
	gsize len = 0;
	const char *data = g_bytes_get_data (raw, &len);
	g_autoptr (GError) local = NULL;
	g_autofree char *sig = pd_dkim_signature (s, data, len, &local);
	GString *out;

	if (sig == NULL) {
		if (local != NULL) {
			g_propagate_error (error, g_steal_pointer (&local));
			return NULL;
		}
		return g_bytes_ref (raw);
	}
	out = g_string_sized_new (strlen (sig) + len);
	if (memchr (data, '\r', MIN (len, (gsize) 4096)) != NULL) {
		g_string_append (out, sig);
	} else {
		for (const char *p = sig; *p != '\0'; p++)
			if (*p != '\r')
				g_string_append_c (out, *p);
	}
	g_string_append_len (out, data, len);
	return g_string_free_to_bytes (out);
}
