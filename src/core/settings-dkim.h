/* settings-dkim.h - the [dkim] section: who signs outgoing list mail (domain, selector) and
 * with which key (a PEM RSA private key file, read when signing, never kept in memory
 * longer). All three keys or none; none = DKIM off. Parsed by settings-dkim.c. */
#ifndef PD_SETTINGS_DKIM_H
#define PD_SETTINGS_DKIM_H

#include <glib.h>

typedef struct PdDkimSettings {
	char *domain;    /* d= */
	char *selector;  /* s= */
	char *key_file;  /* PEM private key */
	char **headers;  /* headers = From, To, ...: the fields signed (those present) */
} PdDkimSettings;

/* Read [dkim] from KF: NULL with no error when the section is absent (DKIM off).
 * (transfer full) */
PdDkimSettings *pd_dkim_settings_load (GKeyFile *kf, GError **error);
void pd_dkim_settings_free (PdDkimSettings *s);

#endif
