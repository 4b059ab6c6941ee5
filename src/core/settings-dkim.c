/* settings-dkim.c - parse [dkim]. The default header list covers what a receiver and RFC 8058
 * need protected: a one-click unsubscribe is only honoured when List-Unsubscribe and
 * List-Unsubscribe-Post are signed. */
#include "core/settings-dkim.h"

#include "core/error.h"

static const char *const default_headers[] = {
	"From", "To", "Cc", "Subject", "Date", "Message-ID", "Reply-To", "In-Reply-To",
	"References", "MIME-Version", "Content-Type", "Content-Transfer-Encoding", "List-Id",
	"List-Unsubscribe", "List-Unsubscribe-Post", "List-Post", "List-Help", "Precedence",
	"Auto-Submitted", NULL,
};

void
pd_dkim_settings_free (PdDkimSettings *s)
{
	if (s == NULL)
		return;
	g_free (s->domain);
	g_free (s->selector);
	g_free (s->key_file);
	g_strfreev (s->headers);
	g_free (s);
}

static char *
get (GKeyFile *kf, const char *key)
{
	char *v = g_key_file_get_string (kf, "dkim", key, NULL);

	if (v != NULL && *g_strstrip (v) == '\0')
		g_clear_pointer (&v, g_free);
	return v;
}

PdDkimSettings *
pd_dkim_settings_load (GKeyFile *kf, GError **error)
{
	PdDkimSettings *s;
	g_autofree char *headers = NULL;

	if (!g_key_file_has_group (kf, "dkim"))
		return NULL;
	s = g_new0 (PdDkimSettings, 1);
	s->domain = get (kf, "domain");
	s->selector = get (kf, "selector");
	s->key_file = get (kf, "key_file");
	headers = get (kf, "headers");
	if (s->domain == NULL && s->selector == NULL && s->key_file == NULL) {
		pd_dkim_settings_free (s);
		return NULL;
	}
	if (s->domain == NULL || s->selector == NULL || s->key_file == NULL) {
		g_set_error (error, PD_ERROR, PD_ERROR_CONFIG,
		             "[dkim] domain, selector and key_file go together");
		pd_dkim_settings_free (s);
		return NULL;
	}
	if (headers != NULL) {
		s->headers = g_strsplit_set (headers, ", \t", -1);
		/* drop the empty pieces between separators */
		guint j = 0;
		for (guint i = 0; s->headers[i] != NULL; i++) {
			if (*s->headers[i] == '\0')
				g_free (s->headers[i]);
			else
				s->headers[j++] = s->headers[i];
		}
		s->headers[j] = NULL;
		if (!g_strv_contains ((const char *const *) s->headers, "From") &&
		    !g_strv_contains ((const char *const *) s->headers, "from")) {
			g_set_error (error, PD_ERROR, PD_ERROR_CONFIG,
			             "[dkim] headers: From must be signed (RFC 6376 5.4)");
			pd_dkim_settings_free (s);
			return NULL;
		}
	} else {
		s->headers = g_strdupv ((char **) default_headers);
	}
	return s;
}
