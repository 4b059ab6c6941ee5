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
#include "intake/spool.h"
#include "core/log.h"

gboolean
pd_cmd_deliver (int argc, char **argv, GError **error)
{
	g_autofree char *recipient = NULL, *sender = NULL;
	g_autoptr (PdApp) app = NULL;
	g_autoptr (PdSpool) spool = NULL;
	g_autoptr (GError) local = NULL;
	PdOutcome out = { 0 };
	gint64 id;
	gboolean duplicate, quarantined;
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
	/* over the configured limit is stored and quarantined; far over it is refused. Read in
	 * bounded memory (spool.h): the size of the input never decides the size of the process */
	hard_max = MIN ((gsize) 900 * 1024 * 1024, app->settings->max_message_size * 4);
	spool = pd_spool_read_fd (STDIN_FILENO, hard_max, app->home, error);
	if (spool == NULL)
		return FALSE;
	if (pd_spool_size (spool) == 0) {
		g_set_error (error, PD_ERROR, PD_ERROR_DATA, "no message on stdin");
		return FALSE;
	}
	if (sender)
		pd_ascii_lower (g_strstrip (sender));
	if (recipient)
		pd_ascii_lower (g_strstrip (recipient));
	if (!pd_spool_accept (spool, app, "deliver", sender, recipient,
	                      app->settings->max_message_size, &id, &duplicate, &quarantined, error))
		return FALSE;
	g_clear_pointer (&spool, pd_spool_free);
	if (quarantined)
		return TRUE; /* kept with its reason, never parsed */
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
