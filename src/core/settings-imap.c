/* settings-imap.c - the [imap NAME] sections: one IMAP account each for the fetcher (URL,
 * login, what to do after a fetch, TLS, poll and IDLE times), and whether two are the same
 * (a reload keeps a fetcher whose account did not change). */
#include "core/error.h"
#include "core/settings-private.h"

void
pd_imap_settings_free (PdImapSettings *m)
{
	g_free (m->name);
	g_free (m->url);
	g_free (m->user);
	g_free (m->password_file);
	g_free (m->after);
	g_free (m->ca_file);
	g_free (m);
}

gboolean
pd_imap_settings_equal (const PdImapSettings *a, const PdImapSettings *b)
{
	return g_strcmp0 (a->name, b->name) == 0 && g_strcmp0 (a->url, b->url) == 0 &&
	       g_strcmp0 (a->user, b->user) == 0 && g_strcmp0 (a->password_file, b->password_file) == 0 &&
	       g_strcmp0 (a->after, b->after) == 0 && g_strcmp0 (a->ca_file, b->ca_file) == 0 &&
	       a->starttls == b->starttls && a->allow_plaintext == b->allow_plaintext &&
	       a->tls_insecure == b->tls_insecure && a->poll_interval == b->poll_interval &&
	       a->idle_timeout == b->idle_timeout;
}

gboolean
pd_settings_imap_load (PdSettings *s, GKeyFile *kf, GError **error)
{
	g_auto (GStrv) groups = g_key_file_get_groups (kf, NULL);
	guint i;
	gint64 n;

	for (i = 0; groups && groups[i]; i++) {
		PdImapSettings *m;
		const char *g = groups[i];

		if (!g_str_has_prefix (g, "imap "))
			continue;
		m = g_new0 (PdImapSettings, 1);
		g_ptr_array_add (s->imap, m);
		m->name = g_strstrip (g_strdup (g + 5));
		m->url = pd_settings_get_str (kf, g, "url", NULL);
		m->user = pd_settings_get_str (kf, g, "user", NULL);
		m->password_file = pd_settings_get_str (kf, g, "password_file", NULL);
		m->after = pd_settings_get_str (kf, g, "after", "seen");
		if (m->url == NULL || !(g_str_has_prefix (m->url, "imap://") ||
		                        g_str_has_prefix (m->url, "imaps://"))) {
			g_set_error (error, PD_ERROR, PD_ERROR_CONFIG,
			             "[%s] url: want imap://HOST[:PORT]/MAILBOX or imaps://...", g);
			return FALSE;
		}
		if (m->user == NULL || m->password_file == NULL) {
			g_set_error (error, PD_ERROR, PD_ERROR_CONFIG, "[%s]: user and password_file are needed", g);
			return FALSE;
		}
		if (!(g_str_equal (m->after, "seen") || g_str_equal (m->after, "delete") ||
		      (g_str_has_prefix (m->after, "move:") && m->after[5] != '\0'))) {
			g_set_error (error, PD_ERROR, PD_ERROR_CONFIG,
			             "[%s] after: want move:FOLDER, seen or delete, got \"%s\"", g, m->after);
			return FALSE;
		}
		m->ca_file = pd_settings_get_str (kf, g, "ca_file", NULL);
		if (!pd_settings_get_bool (kf, g, "starttls", FALSE, &m->starttls, error) ||
		    !pd_settings_get_bool (kf, g, "allow_plaintext", FALSE, &m->allow_plaintext, error) ||
		    !pd_settings_get_bool (kf, g, "tls_insecure", FALSE, &m->tls_insecure, error) ||
		    !pd_settings_get_int (kf, g, "poll_interval", 60, 1, &n, error))
			return FALSE;
		m->poll_interval = n;
		if (!pd_settings_get_int (kf, g, "idle_timeout", 25 * 60, 1, &n, error))
			return FALSE;
		m->idle_timeout = n;
	}
	return TRUE;
}
