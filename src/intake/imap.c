/* imap.c - the fetcher thread of one [imap NAME] account: open a PdApp of its own, connect,
 * then for each new UID: fetch, commit to intake, move/flag, remember the UID, process;
 * then IDLE (or poll) and repeat; reconnect with backoff (1 s doubling to 5 min) on trouble.
 * IMAP commands live in imap-session.c; the thread owns its PdApp, session and settings copy. */
#include "intake/imap.h"

#include <errno.h>
#include <glib-unix.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "core/error.h"
#include "intake/imap-private.h"
#include "intake/intake.h"
#include "core/log.h"

#define BACKOFF_MIN_S 1
#define BACKOFF_MAX_S 300

struct PdImapFetcher {
	PdImapSettings account; /* deep copy */
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

	if (!pd_store_imap_get (app->store, f->account.name, &found, &uidvalidity, &last_uid, error))
		return FALSE;
	if (found && uidvalidity == s->uidvalidity) {
		*last_uid_r = (guint32) last_uid;
		return TRUE;
	}
	if (found)
		pd_log_warn ("imap %s: UIDVALIDITY of %s changed from %" G_GINT64_FORMAT " to %u:"
		             " fetching the whole mailbox again (stored messages are recognised)",
		             f->account.name, f->url.mailbox, uidvalidity, s->uidvalidity);
	*last_uid_r = 0;
	return pd_store_imap_set (app->store, f->account.name, s->uidvalidity, 0, error);
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
 * far over it is left in the mailbox (logged) rather than loaded into memory. */
static gsize
hard_max (PdApp *app)
{
	return MIN ((gsize) 900 * 1024 * 1024, app->settings->max_message_size * 4);
}

/* Fetch, commit, move/flag, record one message. A refused move/flag (the server said NO)
 * is logged and the UID still recorded: the mail is safe, and one message the server will
 * not move must not hold up the rest. A lost connection returns FALSE: the next session
 * fetches the UID again and intake recognises it. */
static gboolean
take_one (PdImapFetcher *f, PdApp *app, PdImapSession *s, const PdImapNew *n, gint64 *id_r,
          GError **error)
{
	g_autoptr (GBytes) raw = NULL;
	g_autoptr (GError) local = NULL;
	gboolean duplicate = FALSE;
	const char *name = f->account.name;

	*id_r = 0;
	if (n->size > hard_max (app)) {
		pd_log_error ("imap %s: uid %u is %u bytes, far over the message size limit: left in"
		              " the mailbox", name, n->uid, n->size);
		return TRUE;
	}
	if (!pd_imap_session_fetch (s, n->uid, &raw, error))
		return FALSE;
	if (raw == NULL) {
		pd_log_info ("imap %s: uid %u vanished before it was fetched", name, n->uid);
		return TRUE;
	}
	if (!pd_intake_accept (app, raw, f->source, NULL, NULL, id_r, &duplicate, error))
		return FALSE;
	if (!pd_imap_session_after (s, n->uid, &local)) {
		if (s->lost) {
			g_propagate_prefixed_error (error, g_steal_pointer (&local),
			                            "uid %u is stored as intake=%" G_GINT64_FORMAT
			                            " but after=%s failed: ", n->uid, *id_r, f->account.after);
			return FALSE;
		}
		pd_log_error ("imap %s: uid %u is stored as intake=%" G_GINT64_FORMAT " but after=%s"
		              " was refused: %s; it stays in the mailbox", name, n->uid, *id_r,
		              f->account.after, local->message);
	}
	pd_log_info ("imap %s: uid %u -> intake=%" G_GINT64_FORMAT "%s after=%s", name, n->uid, *id_r,
	             duplicate ? " (already stored)" : "", f->account.after);
	return TRUE;
}

/* Take in every message above *LAST_UID. Order matters: committed before moved/flagged,
 * moved/flagged before the UID is recorded, so a crash anywhere re-fetches (and intake's
 * SHA-256 dedup recognises) rather than loses. */
static gboolean
fetch_new (PdImapFetcher *f, PdApp *app, PdImapSession *s, guint32 *last_uid, GError **error)
{
	g_autoptr (GArray) news = pd_imap_session_new_uids (s, *last_uid, error);
	guint i;

	if (news == NULL)
		return FALSE;
	for (i = 0; i < news->len && !stopping (f); i++) {
		const PdImapNew *n = &g_array_index (news, PdImapNew, i);
		gint64 id;

		if (!take_one (f, app, s, n, &id, error) ||
		    !pd_store_imap_set (app->store, f->account.name, s->uidvalidity, n->uid, error))
			return FALSE;
		*last_uid = n->uid;
		if (id > 0 && !process (app, id, error))
			return FALSE;
	}
	return TRUE;
}

/* One connection, until it fails (FALSE) or the fetcher stops (TRUE). UP_R: the session got
 * as far as waiting for new mail, so the next failure starts the backoff afresh. */
static gboolean
run_session (PdImapFetcher *f, PdApp *app, gboolean *up_r, GError **error)
{
	PdImapSession s;
	g_autofree char *password = read_password (f->account.password_file, app->home, error);
	guint32 last_uid = 0;
	gboolean ok;

	if (password == NULL || !pd_imap_session_open (&s, &f->account, &f->url, password, error))
		return FALSE;
	pd_log_info ("imap %s: connected to %s:%u%s, mailbox %s (uidvalidity %u), %s",
	             f->account.name, f->url.host, f->url.port,
	             f->url.tls ? " (TLS)" : f->account.starttls ? " (STARTTLS)" : "", f->url.mailbox,
	             s.uidvalidity, s.has_idle ? "IDLE" : "polling");
	ok = load_state (f, app, &s, &last_uid, error);
	while (ok && !stopping (f)) {
		ok = fetch_new (f, app, &s, &last_uid, error);
		if (!ok || stopping (f))
			break;
		*up_r = TRUE;
		if (s.has_idle) {
			ok = pd_imap_session_idle (&s, f->wake[0], f->account.idle_timeout, error);
		} else if (wait_ms (f, (gint64) f->account.poll_interval * 1000)) {
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

		if (app == NULL)
			app = pd_app_open (PD_APP_STORE, &error);
		if (app != NULL && run_session (f, app, &up, &error))
			break;
		if (stopping (f))
			break;
		if (up)
			backoff = BACKOFF_MIN_S;
		pd_log_warn ("imap %s: %s; reconnecting in %" G_GINT64_FORMAT " s", f->account.name,
		             error ? error->message : "unknown error", backoff);
		if (!wait_ms (f, backoff * 1000))
			break;
		backoff = MIN (backoff * 2, BACKOFF_MAX_S);
	}
	pd_log_info ("imap %s: stopped", f->account.name);
	return NULL;
}

static void
fetcher_free (PdImapFetcher *f)
{
	g_free (f->account.name);
	g_free (f->account.url);
	g_free (f->account.user);
	g_free (f->account.password_file);
	g_free (f->account.after);
	pd_imap_url_clear (&f->url);
	g_free (f->source);
	if (f->wake[0] >= 0)
		close (f->wake[0]);
	if (f->wake[1] >= 0)
		close (f->wake[1]);
	g_free (f);
}

PdImapFetcher *
pd_imap_fetcher_start (const PdImapSettings *account, GError **error)
{
	PdImapFetcher *f = g_new0 (PdImapFetcher, 1);
	g_autofree char *thread_name = NULL;
	g_autoptr (GError) local = NULL;

	f->wake[0] = f->wake[1] = -1;
	f->account = *account;
	f->account.name = g_strdup (account->name);
	f->account.url = g_strdup (account->url);
	f->account.user = g_strdup (account->user);
	f->account.password_file = g_strdup (account->password_file);
	f->account.after = g_strdup (account->after ? account->after : "seen");
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
	signal (SIGPIPE, SIG_IGN);
	thread_name = g_strdup_printf ("imap-%s", account->name);
	f->thread = g_thread_new (thread_name, fetcher_main, f);
	return f;
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
pd_imap_fetchers_start (const PdSettings *settings, GError **error)
{
	g_autoptr (GPtrArray) all =
		g_ptr_array_new_with_free_func ((GDestroyNotify) pd_imap_fetcher_stop);
	guint i;

	for (i = 0; i < settings->imap->len; i++) {
		PdImapFetcher *f = pd_imap_fetcher_start (settings->imap->pdata[i], error);

		if (f == NULL)
			return NULL;
		g_ptr_array_add (all, f);
	}
	return g_steal_pointer (&all);
}
