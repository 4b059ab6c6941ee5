/* deliver.c - `postdesk deliver`: one message on stdin, for an MTA's pipe transport.
 * Exit 0 once the mail is safe (processed, or quarantined with its reason); 75 when a retry
 * may succeed (the MTA keeps the mail and tries again; a re-delivery is recognised). */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "app/app.h"
#include "cmd/cli.h"
#include "core/error.h"
#include "core/strutil.h"
#include "intake/intake.h"
#include "core/log.h"

/* Read all of FD; more than HARD_MAX bytes is refused (a sender's MTA then bounces it). */
static GBytes *
read_all (int fd, gsize hard_max, GError **error)
{
	GByteArray *buf = g_byte_array_sized_new (64 * 1024);
	guint8 chunk[64 * 1024];

	for (;;) {
		ssize_t n = read (fd, chunk, sizeof chunk);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			g_set_error (error, PD_ERROR, PD_ERROR_TEMPFAIL, "reading stdin: %s", g_strerror (errno));
			g_byte_array_unref (buf);
			return NULL;
		}
		if (n == 0)
			break;
		g_byte_array_append (buf, chunk, n);
		if (buf->len > hard_max) {
			g_set_error (error, PD_ERROR, PD_ERROR_DATA,
			             "message larger than %" G_GSIZE_FORMAT " bytes refused", hard_max);
			g_byte_array_unref (buf);
			return NULL;
		}
	}
	return g_byte_array_free_to_bytes (buf);
}

gboolean
pd_cmd_deliver (int argc, char **argv, GError **error)
{
	g_autofree char *recipient = NULL, *sender = NULL;
	g_autoptr (PdApp) app = NULL;
	g_autoptr (GBytes) raw = NULL;
	g_autoptr (GError) local = NULL;
	PdOutcome out = { 0 };
	gint64 id;
	gboolean duplicate;
	gsize hard_max;
	const GOptionEntry entries[] = {
		{ "recipient", 'r', 0, G_OPTION_ARG_STRING, &recipient,
		  "envelope recipient (the queue address the mail was sent to)", "ADDR" },
		{ "sender", 'f', 0, G_OPTION_ARG_STRING, &sender,
		  "envelope sender (empty for the null sender <>)", "ADDR" },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "< MESSAGE",
	                   "Take one message on stdin: store it, make or thread a ticket, queue the\n"
	                   "acknowledgement. Exit 0 when it is safe, 75 when the MTA should retry.",
	                   entries, error))
		return FALSE;
	app = pd_app_open (PD_APP_STORE, error);
	if (app == NULL)
		return FALSE;
	/* over the configured limit is stored and quarantined; far over it is refused */
	hard_max = MIN ((gsize) 900 * 1024 * 1024, app->settings->max_message_size * 4);
	raw = read_all (STDIN_FILENO, hard_max, error);
	if (raw == NULL)
		return FALSE;
	if (g_bytes_get_size (raw) == 0) {
		g_set_error (error, PD_ERROR, PD_ERROR_DATA, "no message on stdin");
		return FALSE;
	}
	if (sender)
		pd_ascii_lower (g_strstrip (sender));
	if (recipient)
		pd_ascii_lower (g_strstrip (recipient));
	if (!pd_intake_accept (app, raw, "deliver", sender, recipient, &id, &duplicate, error))
		return FALSE;
	if (pd_intake_process (app, id, &out, &local)) {
		pd_outcome_clear (&out);
		return TRUE;
	}
	pd_outcome_clear (&out);
	if (g_error_matches (local, PD_ERROR, PD_ERROR_TEMPFAIL)) {
		/* the bytes are stored and pending: the MTA's retry finds them and processes them */
		g_propagate_error (error, g_steal_pointer (&local));
		return FALSE;
	}
	/* a retry cannot help: keep the mail in quarantine with the reason and report success */
	pd_log_error ("intake=%" G_GINT64_FORMAT " processing failed: %s; quarantined", id,
	              local->message);
	{
		g_autofree char *reason = g_strdup_printf ("processing failed: %s", local->message);
		return pd_intake_quarantine (app, id, reason, error);
	}
}
