/* import.c - `postdesk import mbox|maildir PATH [--queue Q] [--closed-before DATE]`: thread an
 * old archive into tickets through the ordinary intake path (intake row, filter chain,
 * actions), with the app's no_mail flag: no acknowledgement, notification or SLA clock, and
 * times taken from each mail's Date. Each message is committed on its own, so an import
 * killed midway loses nothing; the next run starts where the last recorded position of the
 * mbox was, and whatever it reads again is a duplicate intake row that adds nothing. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/app.h"
#include "cmd/cli.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/log.h"
#include "intake/intake.h"
#include "intake/mbox.h"
#include "store/retention.h"

#define POSITION_EVERY 25 /* messages between two records of an mbox's position */

typedef struct {
	PdApp *app;
	const char *rcpt;
	const char *path;
	gboolean tty;
	gint64 last_shown;  /* monotonic µs */
	guint64 total;      /* for progress: bytes (mbox) or files (maildir) */
	guint64 done;
	guint seen, tickets, threaded, duplicates, quarantined, other;
} Import;

static void
progress (Import *im, gboolean last)
{
	gint64 t = g_get_monotonic_time ();

	if (!im->tty || (!last && t - im->last_shown < 200000))
		return;
	im->last_shown = t;
	fprintf (stderr, "\rimport %s: %u messages, %u%%, %u new tickets   %s",
	         im->path, im->seen,
	         im->total ? (guint) (100 * MIN (im->done, im->total) / im->total) : 100,
	         im->tickets, last ? "\n" : "");
	fflush (stderr);
}

static gboolean
one (Import *im, GBytes *raw, const char *sender, GError **error)
{
	PdOutcome out = { 0 };
	gint64 id;
	gboolean dup;

	if (!pd_intake_accept (im->app, raw, "import", sender, im->rcpt, &id, &dup, error) ||
	    !pd_intake_settle (im->app, id, &out, error))
		return FALSE;
	im->seen++;
	if (g_strcmp0 (out.action, "new-ticket") == 0)
		im->tickets++;
	else if (g_strcmp0 (out.action, "threaded") == 0 || g_strcmp0 (out.action, "same-message") == 0)
		im->threaded++;
	else if (g_strcmp0 (out.action, "already-done") == 0)
		im->duplicates++;
	else if (g_strcmp0 (out.action, "quarantined") == 0)
		im->quarantined++;
	else
		im->other++;
	pd_outcome_clear (&out);
	return TRUE;
}

static gboolean
import_mbox (Import *im, const char *path, guint limit, GError **error)
{
	g_autoptr (PdMbox) mbox = NULL;
	struct stat st;
	gint64 start = 0, end = 0;
	GBytes *raw;
	char *sender;
	guint n = 0;

	if (stat (path, &st) != 0) {
		g_set_error (error, PD_ERROR, PD_ERROR_NOTFOUND, "%s: %s", path, g_strerror (errno));
		return FALSE;
	}
	if (!pd_store_import_position (im->app->store, path, st.st_size, st.st_mtime, &start, error) ||
	    (mbox = pd_mbox_open (path, start, error)) == NULL)
		return FALSE;
	if (start > 0)
		pd_log_info ("import %s: going on at byte %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT,
		             path, start, (gint64) st.st_size);
	im->total = st.st_size;
	im->done = start;
	end = start;
	while ((limit == 0 || n < limit) && pd_mbox_next (mbox, &raw, &sender, &end)) {
		gboolean ok = one (im, raw, sender, error);

		g_bytes_unref (raw);
		g_free (sender);
		if (!ok)
			return FALSE;
		n++;
		im->done = end;
		progress (im, FALSE);
		if (n % POSITION_EVERY == 0 &&
		    !pd_store_import_set_position (im->app->store, path, st.st_size, st.st_mtime, end,
		                                   im->seen, pd_now (), error))
			return FALSE;
	}
	return pd_store_import_set_position (im->app->store, path, st.st_size, st.st_mtime, end,
	                                     im->seen, pd_now (), error);
}

static gboolean
import_maildir (Import *im, const char *path, guint limit, GError **error)
{
	g_autoptr (GPtrArray) files = pd_maildir_list (path, error);
	guint i;

	if (files == NULL)
		return FALSE;
	im->total = files->len;
	for (i = 0; i < files->len && (limit == 0 || i < limit); i++) {
		g_autoptr (GMappedFile) map = g_mapped_file_new (files->pdata[i], FALSE, error);
		g_autoptr (GBytes) raw = NULL;

		if (map == NULL)
			return FALSE;
		raw = g_mapped_file_get_bytes (map);
		if (!one (im, raw, NULL, error))
			return FALSE;
		im->done = i + 1;
		progress (im, FALSE);
	}
	return TRUE;
}

gboolean
pd_cmd_import (int argc, char **argv, GError **error)
{
	g_autofree char *queue = NULL, *closed_before = NULL, *path = NULL;
	gint limit = 0;
	gint64 before = 0, closed = 0;
	g_autoptr (PdApp) app = NULL;
	const PdQueueSettings *q;
	Import im = { 0 };
	gboolean ok;
	const GOptionEntry entries[] = {
		{ "queue", 'q', 0, G_OPTION_ARG_STRING, &queue,
		  "new tickets go to queue Q (default: routing as for new mail)", "Q" },
		{ "closed-before", 0, 0, G_OPTION_ARG_STRING, &closed_before,
		  "close imported tickets with no mail since DATE (ISO 8601 or Unix seconds)", "DATE" },
		{ "limit", 0, 0, G_OPTION_ARG_INT, &limit,
		  "read at most N messages in this run (the next run goes on)", "N" },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "mbox|maildir PATH",
	                   "Thread an old archive into tickets without sending any mail (no "
	                   "acknowledgements, no notifications). Safe to run again: what is there "
	                   "already is skipped, and an interrupted import goes on where it stopped. "
	                   "Progress is shown on a terminal.",
	                   entries, error))
		return FALSE;
	if (argc < 3 || (strcmp (argv[1], "mbox") != 0 && strcmp (argv[1], "maildir") != 0)) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "import: mbox FILE or maildir DIR");
		return FALSE;
	}
	if (limit < 0) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "import: --limit wants a number >= 0");
		return FALSE;
	}
	if (closed_before != NULL && strlen (closed_before) == 10 && closed_before[4] == '-') {
		char *midnight = g_strconcat (closed_before, "T00:00:00Z", NULL); /* a date alone */

		g_free (closed_before);
		closed_before = midnight;
	}
	if (closed_before != NULL && !pd_clock_parse (closed_before, &before)) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE,
		             "import: --closed-before wants a date like 2024-01-01, got \"%s\"", closed_before);
		return FALSE;
	}
	if ((app = pd_app_open (PD_APP_STORE, error)) == NULL)
		return FALSE;
	q = queue ? pd_settings_queue (app->settings, queue) : app->settings->queues->pdata[0];
	if (q == NULL) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "import: no queue %s (postdesk queue list)", queue);
		return FALSE;
	}
	app->no_mail = TRUE;
	app->import_queue = queue ? q->name : NULL;
	path = g_canonicalize_filename (argv[2], NULL);
	im.app = app;
	im.rcpt = q->address; /* the intake rows' recipient, part of their dedup key */
	im.path = argv[2];
	im.tty = isatty (STDERR_FILENO);
	if (im.tty)
		pd_log_set_quiet (TRUE); /* the progress line stands for the line per message */
	ok = strcmp (argv[1], "mbox") == 0 ? import_mbox (&im, path, limit, error)
	                                  : import_maildir (&im, path, limit, error);
	progress (&im, TRUE);
	if (!ok)
		return FALSE;
	if (closed_before != NULL) {
		if (!pd_store_begin (app->store, error))
			return FALSE;
		if (!pd_store_import_close (app->store, before, pd_now (), &closed, error)) {
			pd_store_rollback (app->store);
			return FALSE;
		}
		if (!pd_store_commit (app->store, error))
			return FALSE;
	}
	printf ("imported %u messages: %u new tickets, %u threaded onto tickets, %u there already, "
	        "%u quarantined, %u stored without a ticket; %" G_GINT64_FORMAT " tickets closed\n",
	        im.seen, im.tickets, im.threaded, im.duplicates, im.quarantined, im.other, closed);
	return TRUE;
}
