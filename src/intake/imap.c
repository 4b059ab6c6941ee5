/* imap.c - the fetcher thread of one [imap NAME] account: open a PdApp of its own, connect,
 * then for each new UID: fetch (in pieces, into a spool), commit to intake, move/flag,
 * remember the UID, process; then IDLE (or poll) and repeat; reconnect with backoff (1 s
 * doubling to 5 min) on trouble. IMAP commands live in imap-session.c. The thread owns its
 * PdApp and session; its account section is fixed for its life (a changed one restarts it,
 * pd_imap_fetchers_update), while processing follows the settings current in the cell,
 * message by message. */
#include "intake/imap.h"

#include <errno.h>
#include <glib-unix.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "core/error.h"
#include "intake/imap-private.h"
#include "intake/intake.h"
#include "intake/spool.h"
#include "core/log.h"

#define BACKOFF_MIN_S 1
#define BACKOFF_MAX_S 300

struct PdImapFetcher {
	PdSettings *settings;   /* a reference: the object ACCOUNT lives in */
	const PdImapSettings *account;
	PdSettingsCell *cell;   /* borrowed: the current settings, for processing */
	PdImapUrl url;
	char *source;           /* "imap:NAME" */
	GThread *thread;
	int wake[2];            /* pipe: stop writes, waits poll the read end */
	gint stopping;          /* atomic */
};

static gboolean
stopping (PdImapFetcher *f)
{
	return g_atomic_int_get (&f->stopping) != 0;
}

/* Sleep up to MS milliseconds; FALSE at once when stopping. */
static gboolean
wait_ms (PdImapFetcher *f, gint64 ms)
{
	gint64 deadline = g_get_monotonic_time () + ms * 1000;

	while (!stopping (f)) {
		struct pollfd p = { f->wake[0], POLLIN, 0 };
		gint64 left = (deadline - g_get_monotonic_time ()) / 1000;

		if (left <= 0)
			return TRUE;
		if (poll (&p, 1, (int) MIN (left, G_MAXINT)) > 0)
			break;
	}
	return FALSE;
}

/* The first line of the password file; a relative path is taken from the home. */
static char *
read_password (const char *file, const char *home, GError **error)
{
	g_autofree char *path = g_path_is_absolute (file) ? g_strdup (file)
	                                                  : g_build_filename (home, file, NULL);
	g_autofree char *text = NULL;
	g_autoptr (GError) local = NULL;

	if (!g_file_get_contents (path, &text, NULL, &local)) {
		g_set_error (error, PD_ERROR, PD_ERROR_TEMPFAIL, "password_file: %s", local->message);
		return NULL;
	}
	text[strcspn (text, "\r\n")] = '\0';
	return g_steal_pointer (&text);
}

/* The UID to continue after: the stored one, or 0 for a new account or a mailbox whose
 * UIDVALIDITY changed (everything is fetched again; intake recognises what it has). */
static gboolean
load_state (PdImapFetcher *f, PdApp *app, PdImapSession *s, guint32 *last_uid_r, GError **error)
{
	gboolean found;
	gint64 uidvalidity, last_uid;

	if (!pd_store_imap_get (app->store, f->account->name, &found, &uidvalidity, &last_uid, error))
		return FALSE;
	if (found && uidvalidity == s->uidvalidity) {
		*last_uid_r = (guint32) last_uid;
		return TRUE;
	}
	if (found)
		pd_log_warn ("imap %s: UIDVALIDITY of %s changed from %" G_GINT64_FORMAT " to %u:"
		             " fetching the whole mailbox again (stored messages are recognised)",
		             f->account->name, f->url.mailbox, uidvalidity, s->uidvalidity);
	*last_uid_r = 0;
	return pd_store_imap_set (app->store, f->account->name, s->uidvalidity, 0, error);
}

/* Process intake row ID as `serve` does (pd_intake_settle): a tempfail stays pending (serve
 * retries pending rows), anything else goes to quarantine with the reason. */
static gboolean
process (PdApp *app, gint64 id, GError **error)
{
	PdOutcome out = { 0 };
	g_autoptr (GError) local = NULL;
	gboolean ok = pd_intake_settle (app, id, &out, &local);

	pd_outcome_clear (&out);
	if (!ok && !g_error_matches (local, PD_ERROR, PD_ERROR_TEMPFAIL)) {
		g_propagate_error (error, g_steal_pointer (&local));
		return FALSE;
	}
	return TRUE;
}

/* The largest message fetched at all: as `deliver`, over the limit is stored and quarantined,
 * far over it is left in the mailbox (logged) rather than copied into the home and the
 * database. */
static gsize
hard_max (PdApp *app)
{
	return MIN ((gsize) 900 * 1024 * 1024, app->settings->max_message_size * 4);
}

/* Where the pieces of a message go while it is fetched (PdImapSink). */
typedef struct {
	PdImapFetcher *f;
	PdSpool *spool;
	gsize max;           /* hard_max */
	gboolean too_big;    /* the server's RFC822.SIZE said less than it sent */
} Taking;

static gboolean
to_spool (gpointer data, const void *bytes, gsize len, GError **error)
{
	Taking *t = data;

	/* a big message takes a while: stopping ends it between pieces, and it stays on the
	 * server for the next start */
	if (stopping (t->f)) {
		g_set_error (error, PD_ERROR, PD_ERROR_TEMPFAIL, "stopping in the middle of a fetch");
		return FALSE;
	}
	if (pd_spool_size (t->spool) + len > t->max) {
		t->too_big = TRUE;
		g_set_error (error, PD_ERROR, PD_ERROR_DATA, "larger than %" G_GSIZE_FORMAT " bytes",
		             t->max);
		return FALSE;
	}
	return pd_spool_append (t->spool, bytes, len, error);
}

/* Fetch, commit, move/flag, record one message. The bytes go through a spool (intake/spool.h:
 * the first megabyte in memory, then an unlinked file in the home) and are committed as
 * `deliver` commits stdin, in pieces: over the size limit the row is quarantined at once
 * (QUARANTINED_R) and never parsed. A refused move/flag (the server said NO) is logged and
 * the UID still recorded: the mail is safe, and one message the server will not move must
 * not hold up the rest. A lost connection returns FALSE: the next session fetches the UID
 * again (nothing was stored from a fetch that broke off) and intake recognises what it has. */
static gboolean
take_one (PdImapFetcher *f, PdApp *app, PdImapSession *s, const PdImapNew *n, gint64 *id_r,
          gboolean *quarantined_r, GError **error)
{
	g_autoptr (PdSpool) spool = NULL;
	g_autoptr (GError) local = NULL;
	gboolean duplicate = FALSE, found = FALSE;
	const char *name = f->account->name;
	Taking taking = { f, NULL, hard_max (app), FALSE };

	*id_r = 0;
	*quarantined_r = FALSE;
	if (n->size > taking.max) {
		pd_log_error ("imap %s: uid %u is %u bytes, far over the message size limit: left in"
		              " the mailbox", name, n->uid, n->size);
		return TRUE;
	}
	taking.spool = spool = pd_spool_new (app->home);
	if (!pd_imap_session_fetch (s, n->uid, to_spool, &taking, &found, &local)) {
		if (stopping (f))
			pd_log_info ("imap %s: uid %u: stopping after %" G_GSIZE_FORMAT " of %u bytes;"
			             " it stays in the mailbox", name, n->uid, pd_spool_size (spool),
			             n->size);
		if (!taking.too_big) {
			g_propagate_error (error, g_steal_pointer (&local));
			return FALSE;
		}
		pd_log_error ("imap %s: uid %u is %s (the server announced %u), far over the message"
		              " size limit: left in the mailbox", name, n->uid, local->message, n->size);
		return TRUE;
	}
	if (!found) {
		pd_log_info ("imap %s: uid %u vanished before it was fetched", name, n->uid);
		return TRUE;
	}
	if (!pd_spool_finish (spool, error) ||
	    !pd_spool_accept (spool, app, f->source, NULL, NULL, app->settings->max_message_size,
	                      id_r, &duplicate, quarantined_r, error))
		return FALSE;
	if (!pd_imap_session_after (s, n->uid, &local)) {
		if (s->lost) {
			g_propagate_prefixed_error (error, g_steal_pointer (&local),
			                            "uid %u is stored as intake=%" G_GINT64_FORMAT
			                            " but after=%s failed: ", n->uid, *id_r, f->account->after);
			return FALSE;
		}
		pd_log_error ("imap %s: uid %u is stored as intake=%" G_GINT64_FORMAT " but after=%s"
		              " was refused: %s; it stays in the mailbox", name, n->uid, *id_r,
		              f->account->after, local->message);
	}
	pd_log_info ("imap %s: uid %u -> intake=%" G_GINT64_FORMAT " (%" G_GSIZE_FORMAT " bytes)%s%s"
	             " after=%s", name, n->uid, *id_r, pd_spool_size (spool),
	             duplicate ? " (already stored)" : "", *quarantined_r ? " (quarantined)" : "",
	             f->account->after);
	return TRUE;
}

/* Take in every message above *LAST_UID. Order matters: committed before moved/flagged,
 * moved/flagged before the UID is recorded, so a crash anywhere re-fetches (and intake's
 * SHA-256 dedup recognises) rather than loses. */
static gboolean
fetch_new (PdImapFetcher *f, PdApp **app_p, PdImapSession *s, guint32 *last_uid, GError **error)
{
	g_autoptr (GArray) news = pd_imap_session_new_uids (s, *last_uid, error);
	guint i;

	if (news == NULL)
		return FALSE;
	for (i = 0; i < news->len && !stopping (f); i++) {
		const PdImapNew *n = &g_array_index (news, PdImapNew, i);
		PdApp *app;
		gint64 id;
		gboolean quarantined;

		/* each message with the settings current when it is taken in (SIGHUP) */
		pd_app_follow (app_p, f->cell);
		app = *app_p;
		if (!take_one (f, app, s, n, &id, &quarantined, error) ||
		    !pd_store_imap_set (app->store, f->account->name, s->uidvalidity, n->uid, error))
			return FALSE;
		*last_uid = n->uid;
		if (id > 0 && !quarantined && !process (app, id, error))
			return FALSE;
	}
	return TRUE;
}

/* One connection, until it fails (FALSE) or the fetcher stops (TRUE). UP_R: the session got
 * as far as waiting for new mail, so the next failure starts the backoff afresh. */
static gboolean
run_session (PdImapFetcher *f, PdApp **app, gboolean *up_r, GError **error)
{
	PdImapSession s;
	g_autofree char *password = read_password (f->account->password_file, (*app)->home, error);
	guint32 last_uid = 0;
	gboolean ok;

	if (password == NULL || !pd_imap_session_open (&s, f->account, &f->url, password, error))
		return FALSE;
	pd_log_info ("imap %s: connected to %s:%u%s, mailbox %s (uidvalidity %u), %s",
	             f->account->name, f->url.host, f->url.port,
	             f->url.tls ? " (TLS)" : s.starttls ? " (STARTTLS)" : " (in clear)", f->url.mailbox,
	             s.uidvalidity, s.has_idle ? "IDLE" : "polling");
	ok = load_state (f, *app, &s, &last_uid, error);
	while (ok && !stopping (f)) {
		ok = fetch_new (f, app, &s, &last_uid, error);
		if (!ok || stopping (f))
			break;
		*up_r = TRUE;
		if (pd_imap_session_changed (&s))
			continue;
		if (s.has_idle) {
			ok = pd_imap_session_idle (&s, f->wake[0], f->account->idle_timeout, error);
		} else if (wait_ms (f, (gint64) f->account->poll_interval * 1000)) {
			ok = pd_imap_session_noop (&s, error);
		}
	}
	pd_imap_session_close (&s, ok);
	return ok;
}

static gpointer
fetcher_main (gpointer data)
{
	PdImapFetcher *f = data;
	g_autoptr (PdApp) app = NULL;
	gint64 backoff = BACKOFF_MIN_S;

	while (!stopping (f)) {
		g_autoptr (GError) error = NULL;
		gboolean up = FALSE;

		if (app == NULL) {
			g_autoptr (PdSettings) current = pd_settings_cell_get (f->cell);

			app = pd_app_open_with_settings (current, &error);
		} else {
			pd_app_follow (&app, f->cell);
		}
		if (app != NULL && run_session (f, &app, &up, &error))
			break;
		if (stopping (f))
			break;
		if (up)
			backoff = BACKOFF_MIN_S;
		pd_log_warn ("imap %s: %s; reconnecting in %" G_GINT64_FORMAT " s", f->account->name,
		             error ? error->message : "unknown error", backoff);
		if (!wait_ms (f, backoff * 1000))
			break;
		backoff = MIN (backoff * 2, BACKOFF_MAX_S);
	}
	pd_log_info ("imap %s: stopped", f->account->name);
	return NULL;
}

static void
fetcher_free (PdImapFetcher *f)
{
	pd_settings_unref (f->settings);
	pd_imap_url_clear (&f->url);
	g_free (f->source);
	if (f->wake[0] >= 0)
		close (f->wake[0]);
	if (f->wake[1] >= 0)
		close (f->wake[1]);
	g_free (f);
}

PdImapFetcher *
pd_imap_fetcher_start (PdSettings *settings, const PdImapSettings *account, PdSettingsCell *cell,
                       GError **error)
{
	PdImapFetcher *f = g_new0 (PdImapFetcher, 1);
	g_autofree char *thread_name = NULL;
	g_autoptr (GError) local = NULL;

	f->wake[0] = f->wake[1] = -1;
	f->settings = pd_settings_ref (settings);
	f->account = account;
	f->cell = cell;
	f->source = g_strconcat ("imap:", account->name, NULL);
	if (!pd_imap_url_parse (account->url, &f->url, error)) {
		g_prefix_error (error, "[imap %s] ", account->name);
		fetcher_free (f);
		return NULL;
	}
	if (!g_unix_open_pipe (f->wake, FD_CLOEXEC, &local)) {
		g_set_error (error, PD_ERROR, PD_ERROR_TEMPFAIL, "pipe: %s", local->message);
		fetcher_free (f);
		return NULL;
	}
	thread_name = g_strdup_printf ("imap-%s", account->name);
	f->thread = g_thread_new (thread_name, fetcher_main, f);
	return f;
}

const PdImapSettings *
pd_imap_fetcher_account (PdImapFetcher *f)
{
	return f->account;
}

void
pd_imap_fetcher_stop (PdImapFetcher *f)
{
	if (f == NULL)
		return;
	g_atomic_int_set (&f->stopping, 1);
	while (write (f->wake[1], "x", 1) < 0 && errno == EINTR)
		;
	g_thread_join (f->thread);
	fetcher_free (f);
}

GPtrArray *
pd_imap_fetchers_start (PdSettingsCell *cell, GError **error)
{
	g_autoptr (PdSettings) settings = pd_settings_cell_get (cell);
	g_autoptr (GPtrArray) all =
		g_ptr_array_new_with_free_func ((GDestroyNotify) pd_imap_fetcher_stop);
	guint i;

	for (i = 0; i < settings->imap->len; i++) {
		PdImapFetcher *f = pd_imap_fetcher_start (settings, settings->imap->pdata[i], cell, error);

		if (f == NULL)
			return NULL;
		g_ptr_array_add (all, f);
	}
	return g_steal_pointer (&all);
}

static const PdImapSettings *
find_account (const PdSettings *settings, const char *name)
{
	guint i;

	for (i = 0; i < settings->imap->len; i++) {
		const PdImapSettings *m = settings->imap->pdata[i];

		if (g_strcmp0 (m->name, name) == 0)
			return m;
	}
	return NULL;
}

void
pd_imap_fetchers_update (GPtrArray *fetchers, PdSettingsCell *cell)
{
	g_autoptr (PdSettings) settings = pd_settings_cell_get (cell);
	guint i = 0;

	/* stop the removed and changed ones first: never two fetchers on one account */
	while (i < fetchers->len) {
		const PdImapSettings *old = pd_imap_fetcher_account (fetchers->pdata[i]);
		const PdImapSettings *now = find_account (settings, old->name);

		if (now != NULL && pd_imap_settings_equal (old, now)) {
			i++;
			continue;
		}
		pd_log_info ("imap %s: section %s: stopping the fetcher", old->name,
		             now ? "changed" : "removed");
		g_ptr_array_remove_index (fetchers, i);
	}
	for (i = 0; i < settings->imap->len; i++) {
		const PdImapSettings *m = settings->imap->pdata[i];
		g_autoptr (GError) error = NULL;
		PdImapFetcher *f;
		guint j;
		gboolean running = FALSE;

		for (j = 0; j < fetchers->len && !running; j++)
			running = g_strcmp0 (pd_imap_fetcher_account (fetchers->pdata[j])->name, m->name) == 0;
		if (running)
			continue;
		if ((f = pd_imap_fetcher_start (settings, m, cell, &error)) == NULL) {
			pd_log_error ("imap %s: %s; not started", m->name, error->message);
			continue;
		}
		pd_log_info ("imap %s: fetcher started", m->name);
		g_ptr_array_add (fetchers, f);
	}
}
