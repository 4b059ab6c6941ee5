/* deliver.c - `postdesk deliver`: one message on stdin, for an MTA's pipe transport, for one
 * or several recipients. Exit 0 once the mail is safe (processed, or quarantined with its
 * reason); 75 when a retry may succeed (the MTA keeps the mail and tries again; a re-delivery
 * is recognised per recipient). stdin is read in bounded memory (intake/spool.h). */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "app/app.h"
#include "cmd/cli.h"
#include "core/error.h"
#include "intake/intake.h"
#include "intake/spool.h"
#include "core/log.h"
#include "store/intake-row.h"

/* Past [serve] max_pending rows waiting, the listeners refuse mail (451 4.3.2); deliver
 * still takes it (the MTA would only queue it) but says so. Only a log line: never a
 * reason to fail. */
static void
say_backlog (PdApp *app, gint64 id)
{
	g_autoptr (GError) error = NULL;
	gint64 pending;

	/* this message's own row is pending too: the others are PENDING - 1 */
	if (!pd_store_intake_pending_count (app->store, (gint64) app->settings->max_pending + 1,
	                                    &pending, &error))
		return;
	if (pending - 1 >= app->settings->max_pending)
		pd_log_warn ("intake=%" G_GINT64_FORMAT " taken although %" G_GINT64_FORMAT " or more"
		             " messages wait to be processed ([serve] max_pending %u, where the"
		             " listeners answer 451): processing is behind",
		             id, pending - 1, app->settings->max_pending);
}

/* Accept SPOOL for each of RCPTS (none: one row without a recipient), then settle each row
 * that is pending. A message over the size limit is kept in quarantine at once, never parsed.
 * A failure a retry may fix is reported after the other recipients are done: the MTA's retry
 * finds the settled ones stored and skips them. */
static gboolean
deliver_all (PdApp *app, PdSpool *spool, const char *sender, GPtrArray *rcpts, GError **error)
{
	g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
	g_autoptr (GError) retry = NULL;
	guint i, n = MAX (rcpts->len, 1);

	for (i = 0; i < n; i++) {
		gint64 id;
		gboolean duplicate, quarantined;

		if (!pd_spool_accept (spool, app, "deliver", sender, rcpts->len ? rcpts->pdata[i] : NULL,
		                      app->settings->max_message_size, &id, &duplicate, &quarantined,
		                      error))
			return FALSE;
		if (!quarantined)
			g_array_append_val (ids, id);
	}
	if (ids->len > 0)
		say_backlog (app, g_array_index (ids, gint64, 0));
	/* the bytes are on disk: processing need not wait for it (see pd_store_set_durable) */
	if (!pd_store_set_durable (app->store, FALSE, error))
		return FALSE;
	for (i = 0; i < ids->len; i++) {
		PdOutcome out = { 0 };
		g_autoptr (GError) local = NULL;
		gboolean ok = pd_intake_settle (app, g_array_index (ids, gint64, i), &out, &local);

		pd_outcome_clear (&out);
		if (!ok && !g_error_matches (local, PD_ERROR, PD_ERROR_TEMPFAIL)) {
			g_propagate_error (error, g_steal_pointer (&local));
			return FALSE;
		}
		if (!ok && retry == NULL)
			retry = g_steal_pointer (&local);
	}
	if (retry != NULL) {
		/* the bytes are stored and pending: the MTA's retry finds them and processes them */
		g_propagate_error (error, g_steal_pointer (&retry));
		return FALSE;
	}
	return TRUE;
}

gboolean
pd_cmd_deliver (int argc, char **argv, GError **error)
{
	g_auto (GStrv) recipients = NULL;
	g_autofree char *sender = NULL;
	g_autoptr (GPtrArray) rcpts = g_ptr_array_new ();
	g_autoptr (PdApp) app = NULL;
	g_autoptr (PdSpool) spool = NULL;
	gsize hard_max;
	int i;
	const GOptionEntry entries[] = {
		{ "recipient", 'r', 0, G_OPTION_ARG_STRING_ARRAY, &recipients,
		  "envelope recipient (the queue address the mail was sent to); repeat it, or give"
		  " more addresses after the options, for several",
		  "ADDR" },
		{ "sender", 'f', 0, G_OPTION_ARG_STRING, &sender,
		  "envelope sender (empty, <> or MAILER-DAEMON for the null sender)", "ADDR" },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "[ADDR...] < MESSAGE",
	                   "Take one message on stdin: store it, make or thread a ticket per\n"
	                   "recipient, queue the acknowledgement. Exit 0 when it is safe, 75 when the\n"
	                   "MTA should retry. Addresses after the options are recipients too.",
	                   entries, error))
		return FALSE;
	for (i = 0; recipients != NULL && recipients[i] != NULL; i++)
		g_ptr_array_add (rcpts, recipients[i]);
	for (i = 1; i < argc; i++)
		g_ptr_array_add (rcpts, argv[i]);
	app = pd_app_open (PD_APP_STORE, error);
	if (app == NULL)
		return FALSE;
	/* over the configured limit is stored and quarantined; far over it is refused. Read in
	 * bounded memory: the size of the input never decides the size of the process */
	hard_max = pd_row_hard_max (app->settings->max_message_size); /* as postdesk-deliver's */
	spool = pd_spool_read_fd (STDIN_FILENO, hard_max, app->home, error);
	if (spool == NULL)
		return FALSE;
	if (pd_spool_size (spool) == 0) {
		g_set_error (error, PD_ERROR, PD_ERROR_DATA, "no message on stdin");
		return FALSE;
	}
	return deliver_all (app, spool, sender, rcpts, error);
}
