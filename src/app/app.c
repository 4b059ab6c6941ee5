/* app.c - opening a home: settings, secret key, store, and the PdQuery adapter that lets
 * filters ask the store read-only questions. */
#include "app/app.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <string.h>
#include <unistd.h>

#include "core/error.h"
#include "core/fsutil.h"
#include "core/log.h"
#include "store/lists.h"
#include "core/settings-route.h"
#include "store/route.h"
#include "mail/mail.h"

#define SECRET_BYTES 32

/* The PdQuery adapter: each question runs on the home's own connection, so when the chain
 * runs inside pd_actions_apply's write transaction, the answers are those of the state the
 * verdict is applied to. */

static gboolean
q_ticket_by_message_id (void *self, const char *mid, gint64 *ticket_r, GError **error)
{
	return pd_store_ticket_by_message_id (self, mid, ticket_r, error);
}

static gboolean
q_ticket_queue (void *self, gint64 ticket, char **queue_r, GError **error)
{
	return pd_store_ticket_queue (self, ticket, queue_r, error);
}

static gboolean
q_is_participant (void *self, gint64 ticket, const char *addr, gboolean *yes_r, GError **error)
{
	return pd_store_is_participant (self, ticket, addr, yes_r, error);
}

static gboolean
q_outbox_row (void *self, gint64 id, gint64 *ticket_r, char **rcpt_r, GError **error)
{
	g_autoptr (PdOutboxRow) row = pd_store_outbox_get (self, id, error);

	if (row == NULL)
		return FALSE;
	*ticket_r = row->ticket_id;
	*rcpt_r = g_steal_pointer (&row->rcpt);
	return TRUE;
}

static gboolean
q_agent_by_address (void *self, const char *addr, gint64 *agent_r, gboolean *active_r,
                    char **name_r, GError **error)
{
	g_autoptr (PdAgentRow) row = NULL;

	*agent_r = 0;
	*active_r = FALSE;
	*name_r = NULL;
	if (!pd_store_agent_by_address (self, addr, &row, error))
		return FALSE;
	if (row != NULL) {
		*agent_r = row->id;
		*active_r = row->active;
		*name_r = g_steal_pointer (&row->name);
	}
	return TRUE;
}

static gboolean
q_outbox_by_message_id (void *self, const char *mid, gint64 *outbox_r, GError **error)
{
	return pd_store_outbox_by_message_id (self, mid, outbox_r, error);
}

/* lists (issue 12) */
static gboolean
q_list_by_address (void *self, const char *addr, gint64 *list_r, GError **error)
{
	return pd_store_list_id_by_address (self, addr, list_r, error);
}

static gboolean
q_same_message_ticket (void *self, const char *mid, const char *from, gint64 since,
                       gint64 *ticket_r, GError **error)
{
	return pd_store_same_message_ticket (self, mid, from, since, ticket_r, error);
}

static gboolean
create_secret (const char *path, GError **error)
{
	guint8 key[SECRET_BYTES];
	g_autofree char *hex = NULL;
	g_autofree char *tmp = g_strdup_printf ("%s.%d.tmp", path, (int) getpid ());
	GString *s = g_string_new (NULL);
	guint i;

	/* the kernel's generator: g_random is not meant for keys */
	{
		int fd = open ("/dev/urandom", O_RDONLY | O_CLOEXEC);
		ssize_t n = fd >= 0 ? read (fd, key, sizeof key) : -1;

		if (fd >= 0)
			close (fd);
		if (n != (ssize_t) sizeof key) {
			g_string_free (s, TRUE);
			g_set_error (error, PD_ERROR, PD_ERROR_IO, "cannot read /dev/urandom");
			return FALSE;
		}
	}
	for (i = 0; i < SECRET_BYTES; i++)
		g_string_append_printf (s, "%02x", key[i]);
	g_string_append_c (s, '\n');
	hex = g_string_free (s, FALSE);
	if (!pd_fs_write_file (tmp, hex, strlen (hex), 0600, error))
		return FALSE;
	/* link() fails if another process created the key first: theirs wins, ours goes */
	if (link (tmp, path) != 0 && errno != EEXIST) {
		int e = errno;
		g_unlink (tmp);
		g_set_error (error, PD_ERROR, PD_ERROR_IO, "%s: %s", path, g_strerror (e));
		return FALSE;
	}
	g_unlink (tmp);
	return TRUE;
}

gboolean
pd_app_prepare_home (const char *home, GError **error)
{
	g_autofree char *att = g_build_filename (home, "attachments", NULL);
	g_autofree char *key = g_build_filename (home, "secret.key", NULL);

	if (g_mkdir_with_parents (home, 0700) != 0 || g_mkdir_with_parents (att, 0700) != 0) {
		g_set_error (error, PD_ERROR, PD_ERROR_IO, "%s: %s", home, g_strerror (errno));
		return FALSE;
	}
	if (!g_file_test (key, G_FILE_TEST_EXISTS)) {
		g_autofree char *db = g_build_filename (home, "postdesk.db", NULL);

		if (!create_secret (key, error))
			return FALSE;
		if (g_file_test (db, G_FILE_TEST_EXISTS))
			pd_log_warn ("made a new secret key %s for the existing database %s: signed "
			             "addresses in mail sent before no longer verify", key, db);
	}
	return TRUE;
}

/* A message's text derived from its raw bytes, as processing got it (store.h: the text of
 * incoming mail is not stored twice). No limits: the mail parsed once already. */
static char *
derive_text (GBytes *raw)
{
	g_autoptr (PdMail) mail = pd_mail_parse (raw, NULL, NULL);

	return mail != NULL ? g_steal_pointer (&mail->body_text) : NULL;
}

static GBytes *
load_secret (const char *home, GError **error)
{
	g_autofree char *path = g_build_filename (home, "secret.key", NULL);
	g_autofree char *text = NULL;
	g_autoptr (GError) local = NULL;
	GStatBuf st;

	if (!g_file_get_contents (path, &text, NULL, &local)) {
		if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
			g_set_error (error, PD_ERROR, PD_ERROR_CONFIG,
			             "secret key %s is missing: restore it from a backup (the signed "
			             "addresses in mail already sent depend on it); only `postdesk init` "
			             "makes a new one, and that breaks those addresses", path);
		else
			g_set_error (error, PD_ERROR, PD_ERROR_CONFIG,
			             "secret key: %s (postdesk runs as uid %d, %s: it must own the home)",
			             local->message, (int) getuid (), g_get_user_name ());
		return NULL;
	}
	if (g_stat (path, &st) == 0 && (st.st_mode & 0077) != 0)
		g_warning ("%s is readable by others; chmod 600 it", path);
	g_strstrip (text);
	if (strlen (text) < 32) {
		g_set_error (error, PD_ERROR, PD_ERROR_CONFIG, "%s: too short to be a key", path);
		return NULL;
	}
	return g_bytes_new (text, strlen (text));
}

/* The home must be a directory this user may search, read and (for the store) write. */
static gboolean
check_home (const PdLocation *loc, gboolean write, GError **error)
{
	int mode = R_OK | X_OK | (write ? W_OK : 0);
	int e;

	if (g_access (loc->home, mode) == 0)
		return TRUE;
	e = errno;
	g_set_error (error, PD_ERROR, PD_ERROR_CONFIG,
	             "home %s (from %s): %s: postdesk runs as uid %d (%s), which must own it and "
	             "may %s it (chown -R the home to that user)",
	             loc->home, loc->source, g_strerror (e), (int) getuid (), g_get_user_name (),
	             write ? "read and write" : "read");
	return FALSE;
}
static void
build_views (PdApp *app)
{
	PdSettings *s = app->settings;
	GPtrArray *own = g_ptr_array_new ();
	guint i;

	app->queues = g_new0 (PdQueueInfo, s->queues->len);
	for (i = 0; i < s->queues->len; i++) {
		const PdQueueSettings *q = s->queues->pdata[i];

		app->queues[i].name = q->name;
		app->queues[i].address = q->address;
		app->queues[i].tag = q->tag;
		g_ptr_array_add (own, g_strdup (q->address));
		/* routing: a queue's other addresses are ours as well */
		{
			const PdQueueRouting *r = pd_route_queue (s->routing, q->name);
			guint j;

			if (r != NULL) {
				app->queues[i].addresses = (const char *const *) r->addresses;
				app->queues[i].priority = r->priority;
				for (j = 1; r->addresses[j] != NULL; j++)
					g_ptr_array_add (own, g_strdup (r->addresses[j]));
			}
		}
	}
	g_ptr_array_add (own, g_strdup (s->bounce_address));
	if (s->kb != NULL && s->kb->address != NULL)
		g_ptr_array_add (own, g_strdup (s->kb->address));
	g_ptr_array_add (own, NULL);
	app->own_addresses = (char **) g_ptr_array_free (own, FALSE);
}

/* Classify's read-only view: the home's config and key when there is a home, else the
 * defaults and a throw-away key (nothing we could have signed exists then). */
static gboolean
open_read_only (PdApp *app, const PdLocation *loc, GError **error)
{
	g_autofree char *key = g_build_filename (loc->home, "secret.key", NULL);

	if (g_file_test (loc->config, G_FILE_TEST_EXISTS)) {
		app->config = g_strdup (loc->config);
		app->settings = pd_settings_load_file (loc->config, loc->home, error);
	} else
		app->settings = pd_settings_defaults (loc->home);
	if (app->settings == NULL)
		return FALSE;
	app->secret = g_file_test (key, G_FILE_TEST_EXISTS)
	                      ? load_secret (loc->home, error)
	                      : g_bytes_new_take (g_strdup_printf ("%08x%08x%08x%08x", g_random_int (),
	                                                           g_random_int (), g_random_int (),
	                                                           g_random_int ()),
	                                          32);
	return app->secret != NULL;
}

/* Freed memory stays with the process up to a megabyte per arena. SQLite builds a small
 * temporary b-tree for every CHECK (x IN (...)) of a row it writes (tickets, outbox, intake:
 * several per mail) and frees it at once; with glibc's default (dynamic, from 128 KB) that
 * free gave the top of the heap back to the kernel and the next statement faulted the pages
 * in again, madvise and page faults every mail, a tenth of the worker's CPU (issue 10, cpu).
 * Once per process, before the store opens. */
static void
keep_freed_memory (void)
{
#ifdef __GLIBC__
	static gsize once = 0;

	if (g_once_init_enter (&once)) {
		mallopt (M_MMAP_THRESHOLD, 512 * 1024);
		mallopt (M_TRIM_THRESHOLD, 1024 * 1024);
		g_once_init_leave (&once, 1);
	}
#endif
}

PdApp *
pd_app_open (PdAppFlags flags, GError **error)
{
	g_autoptr (PdApp) app = g_new0 (PdApp, 1);
	g_autoptr (PdLocation) loc = pd_settings_locate ((flags & PD_APP_STORE) != 0, error);

	if (loc == NULL)
		return NULL;
	app->home = g_strdup (loc->home);
	if (!(flags & PD_APP_STORE)) {
		if (!open_read_only (app, loc, error))
			return NULL;
		build_views (app);
		return g_steal_pointer (&app);
	}
	/* nothing is created here: a home that was never initialised is an error */
	if (!check_home (loc, TRUE, error))
		return NULL;
	app->config = g_strdup (loc->config);
	app->settings = pd_settings_load_file (loc->config, loc->home, error);
	if (app->settings == NULL)
		return NULL;
	app->secret = load_secret (app->home, error);
	if (app->secret == NULL)
		return NULL;
	if (!(flags & PD_APP_INIT) && !g_file_test (app->settings->database, G_FILE_TEST_EXISTS)) {
		g_set_error (error, PD_ERROR, PD_ERROR_CONFIG,
		             "database %s does not exist: create it with `postdesk init`, or restore it "
		             "from a backup ([postdesk] database in %s names it)",
		             app->settings->database, loc->config);
		return NULL;
	}
	build_views (app);
	pd_store_set_text_deriver (derive_text);
	keep_freed_memory ();
	app->store = pd_store_open (app->settings->database, app->settings->busy_timeout, error);
	if (app->store == NULL)
		return NULL;
	app->query.self = app->store;
	app->query.ticket_by_message_id = q_ticket_by_message_id;
	app->query.ticket_queue = q_ticket_queue;
	app->query.is_participant = q_is_participant;
	app->query.outbox_row = q_outbox_row;
	app->query.outbox_by_message_id = q_outbox_by_message_id;
	app->query.agent_by_address = q_agent_by_address;
	app->query.list_by_address = q_list_by_address; /* lists (issue 12) */
	app->query.same_message_ticket = q_same_message_ticket;
	return g_steal_pointer (&app);
}

PdApp *
pd_app_open_with_settings (PdSettings *settings, GError **error)
{
	g_autoptr (PdApp) app = g_new0 (PdApp, 1);

	app->home = g_strdup (settings->home);
	app->settings = pd_settings_ref (settings);
	app->secret = load_secret (app->home, error);
	if (app->secret == NULL)
		return NULL;
	build_views (app);
	pd_store_set_text_deriver (derive_text);
	keep_freed_memory ();
	app->store = pd_store_open (settings->database, settings->busy_timeout, error);
	if (app->store == NULL)
		return NULL;
	app->query.self = app->store;
	app->query.ticket_by_message_id = q_ticket_by_message_id;
	app->query.ticket_queue = q_ticket_queue;
	app->query.is_participant = q_is_participant;
	app->query.outbox_row = q_outbox_row;
	app->query.outbox_by_message_id = q_outbox_by_message_id;
	app->query.agent_by_address = q_agent_by_address;
	app->query.list_by_address = q_list_by_address; /* lists (issue 12) */
	app->query.same_message_ticket = q_same_message_ticket;
	return g_steal_pointer (&app);
}

gboolean
pd_app_follow (PdApp **app, PdSettingsCell *cell)
{
	g_autoptr (PdSettings) current = pd_settings_cell_get (cell);
	g_autoptr (GError) error = NULL;
	PdApp *fresh;

	if (*app != NULL && (*app)->settings == current)
		return TRUE;
	fresh = pd_app_open_with_settings (current, &error);
	if (fresh == NULL) {
		pd_log_error ("reload: %s; this thread keeps the old configuration", error->message);
		return FALSE;
	}
	pd_app_free (*app);
	*app = fresh;
	return TRUE;
}

void
pd_app_free (PdApp *app)
{
	if (app == NULL)
		return;
	pd_store_close (app->store);
	g_free (app->queues);
	g_strfreev (app->own_addresses);
	g_clear_pointer (&app->secret, g_bytes_unref);
	pd_settings_free (app->settings);
	g_free (app->home);
	g_free (app->config);
	g_free (app);
}

void
pd_app_context (PdApp *app, PdContext *ctx, const char *envelope_from, const char *envelope_rcpt)
{
	pd_context_init (ctx);
	ctx->domain = app->settings->domain;
	ctx->queues = app->queues;
	ctx->n_queues = app->settings->queues->len;
	ctx->own_addresses = (const char *const *) app->own_addresses;
	ctx->secret = app->secret;
	ctx->query = app->store ? &app->query : NULL;
	ctx->trusted_authserv = app->settings->agent_authserv;
	ctx->envelope_from = envelope_from;
	ctx->envelope_rcpt = envelope_rcpt;
	ctx->routing = app->settings->routing;
	ctx->queue_override = app->import_queue;
	ctx->kb_address = app->settings->kb ? app->settings->kb->address : NULL;
	ctx->kb_queue = app->settings->kb ? app->settings->kb->queue : NULL;
}
