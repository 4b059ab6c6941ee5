/* list-feedback.c - `postdesk list-feedback`: helpers around list mail's feedback, for
 * operators and tests: the VERP return path of a delivery, a DKIM signature over a message as
 * the campaign sender would add it, and one run of the knowledge-base mailer (which
 * `postdesk tick` and serve's scheduler also run). Runs in postdesk-net (libopendkim). */
#include <stdio.h>

#include "app/app.h"
#include "cmd/cli.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/token.h"
#include "lists/kb-mailer.h"
#include "outbound/dkim.h"

static gboolean
feedback_verp (int argc, char **argv, GError **error)
{
	g_autoptr (PdApp) app = NULL;
	g_autofree char *addr = NULL;
	gint64 id;

	if (!pd_cli_parse (&argc, &argv, "DELIVERY_ID",
	                   "Print the VERP return path (bounces+dID-SIG@) of a campaign delivery.",
	                   NULL, error))
		return FALSE;
	if (argc != 2) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "list-feedback verp DELIVERY_ID");
		return FALSE;
	}
	if (!pd_cli_id (argv[1], &id, error) || (app = pd_app_open (PD_APP_NO_STORE, error)) == NULL)
		return FALSE;
	addr = pd_token_address (app->secret, app->settings->bounce_address, 'd', id);
	printf ("%s\n", addr);
	return TRUE;
}

static gboolean
feedback_dkim (int argc, char **argv, GError **error)
{
	g_autoptr (PdApp) app = NULL;
	g_autoptr (GBytes) raw = NULL, signed_ = NULL;
	g_autofree char *data = NULL;
	gsize len = 0;
	g_autoptr (GError) local = NULL;

	if (!pd_cli_parse (&argc, &argv, "FILE",
	                   "Print FILE (- = stdin) with the DKIM-Signature of [dkim] in front; "
	                   "unchanged when DKIM is off.",
	                   NULL, error))
		return FALSE;
	if (argc != 2) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "list-feedback dkim-sign FILE");
		return FALSE;
	}
	if ((app = pd_app_open (PD_APP_NO_STORE, error)) == NULL)
		return FALSE;
	if (g_str_equal (argv[1], "-")) {
		g_autoptr (GIOChannel) in = g_io_channel_unix_new (0);

		g_io_channel_set_encoding (in, NULL, NULL);
		if (g_io_channel_read_to_end (in, &data, &len, &local) != G_IO_STATUS_NORMAL) {
			g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "stdin: %s",
			             local ? local->message : "?");
			return FALSE;
		}
	} else if (!g_file_get_contents (argv[1], &data, &len, &local)) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "%s", local->message);
		return FALSE;
	}
	raw = g_bytes_new_take (g_steal_pointer (&data), len);
	if ((signed_ = pd_dkim_sign_bytes (app->settings, raw, error)) == NULL)
		return FALSE;
	fwrite (g_bytes_get_data (signed_, NULL), 1, g_bytes_get_size (signed_), stdout);
	return fflush (stdout) == 0;
}

static gboolean
feedback_run (int argc, char **argv, GError **error)
{
	g_autoptr (PdApp) app = NULL;
	PdListMailStats st = { 0 };

	if (!pd_cli_parse (&argc, &argv, "",
	                   "Archive announcements and mail new knowledge-base articles to the lists "
	                   "that follow their topics (what the scheduler does at each run).",
	                   NULL, error) ||
	    (app = pd_app_open (PD_APP_STORE, error)) == NULL ||
	    !pd_list_kb_mail_run (app->store, app->settings, pd_now (), &st, error))
		return FALSE;
	printf ("{\"archived\":%u,\"articles\":%u,\"campaigns\":%u,\"deliveries\":%" G_GINT64_FORMAT "}\n",
	        st.archived, st.articles, st.campaigns, st.deliveries);
	return TRUE;
}

static const PdCommand feedback_commands[] = {
	{ "verp", feedback_verp, "the VERP return path of a campaign delivery" },
	{ "dkim-sign", feedback_dkim, "a message with the DKIM signature the sender adds" },
	{ "run", feedback_run, "archive announcements and mail new kb articles to lists, once" },
	{ NULL, NULL, NULL },
};

gboolean
pd_cmd_list_feedback (int argc, char **argv, GError **error)
{
	return pd_cli_dispatch ("list-feedback", feedback_commands, argc, argv, error);
}
