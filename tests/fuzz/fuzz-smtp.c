/* fuzz-smtp.c - libFuzzer target for the SMTP/LMTP server side (src/intake/smtp-command.c
 * driven by smtp-session.c, through the public pd_session_start): the input is what a client
 * sends. Byte 0 picks LMTP or SMTP, what the commit answers (stored, duplicate, tempfail) and
 * whether the listener stops half-way; byte 1 the size of the pieces the rest arrives in.
 * The session talks over a socketpair (no network) on this thread's main loop.
 *
 * The seam: this file defines pd_ingest_submit itself, so the linker takes it instead of
 * pipeline.c's (nothing else of pipeline.o is referenced): the fake checks what it is handed
 * and answers from an idle callback, as the real group commit answers from its thread. */
#include "fuzz-common.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/error.h"
#include "core/log.h"
#include "core/settings.h"
#include "intake/pipeline.h"
#include "intake/smtp-session.h"

static PdSettings *settings;
static gboolean verbose; /* POSTDESK_FUZZ_VERBOSE: print the replies */
static guint commit_mode; /* 0 stored, 1 duplicate, 2 tempfail */
static guint commits_pending;
static gint64 next_id;

typedef struct {
	PdIngestDone done;
	gpointer data;
	GDestroyNotify destroy;
	guint n_rcpts;
	char **rcpts; /* the recipients as submitted */
} Commit;

static gboolean
commit_now (gpointer user_data)
{
	Commit *c = user_data;
	PdIngestResult *results = g_new0 (PdIngestResult, MAX (c->n_rcpts, 1));
	guint i;

	for (i = 0; i < MAX (c->n_rcpts, 1); i++) {
		results[i].rcpt = c->rcpts[i];
		results[i].id = ++next_id;
		results[i].duplicate = commit_mode == 1;
		if (commit_mode == 2)
			g_set_error (&results[i].error, PD_ERROR, PD_ERROR_TEMPFAIL,
			             "database is locked (fake)");
	}
	c->done (results, MAX (c->n_rcpts, 1), c->data);
	for (i = 0; i < MAX (c->n_rcpts, 1); i++)
		g_clear_error (&results[i].error);
	g_free (results);
	g_strfreev (c->rcpts);
	if (c->destroy)
		c->destroy (c->data);
	g_free (c);
	commits_pending--;
	return G_SOURCE_REMOVE;
}

/* The session asks for the backlog before MAIL (back-pressure): none here, so that
 * pipeline.o, with its threads, stays out of this target like pd_ingest_submit. */
guint
pd_ingest_backlog (PdIngest *ingest)
{
	return ingest == NULL ? 0 : commits_pending;
}

void
pd_ingest_submit (PdIngest *ingest, GBytes *raw, const char *source, const char *envelope_from,
                  const char *const *envelope_rcpts, guint n_rcpts, PdIngestDone done,
                  gpointer data, GDestroyNotify destroy)
{
	Commit *c = g_new0 (Commit, 1);
	guint i;

	/* what the protocol side promises the group commit */
	if (ingest == NULL || raw == NULL || source == NULL || envelope_from == NULL ||
	    envelope_rcpts == NULL || n_rcpts == 0 || done == NULL)
		abort ();
	if (g_bytes_get_size (raw) > settings->max_message_size)
		abort ();
	for (i = 0; i < n_rcpts; i++)
		if (envelope_rcpts[i] == NULL || !pd_session_own_address (settings, envelope_rcpts[i]))
			abort ();
	c->n_rcpts = n_rcpts;
	c->rcpts = g_new0 (char *, n_rcpts + 1);
	for (i = 0; i < n_rcpts; i++)
		c->rcpts[i] = g_strdup (envelope_rcpts[i]);
	c->done = done;
	c->data = data;
	c->destroy = destroy;
	commits_pending++;
	g_idle_add (commit_now, c);
}

/* ---- the client's end: replies must be well-formed lines "NNN text" or "NNN-text" ---- */

typedef struct {
	int fd;
	GString *partial;
	gboolean closed;
} Client;

static void
check_replies (Client *c)
{
	char *line = c->partial->str, *crlf;

	while ((crlf = strstr (line, "\r\n")) != NULL) {
		gsize len = crlf - line;

		if (len < 4 || !g_ascii_isdigit (line[0]) || line[0] < '2' || line[0] > '5' ||
		    !g_ascii_isdigit (line[1]) || !g_ascii_isdigit (line[2]) ||
		    (line[3] != ' ' && line[3] != '-') || memchr (line, '\n', len) != NULL)
			abort ();
		if (verbose)
			fprintf (stderr, "S: %.*s\n", (int) len, line);
		line = crlf + 2;
	}
	g_string_erase (c->partial, 0, line - c->partial->str);
}

static gboolean
on_client_readable (int fd, GIOCondition cond, gpointer data)
{
	Client *c = data;
	char buf[4096];
	ssize_t n;

	(void) cond;
	while ((n = read (fd, buf, sizeof buf)) > 0)
		g_string_append_len (c->partial, buf, n);
	check_replies (c);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		if (c->partial->len > 0)
			abort (); /* a reply cut short */
		c->closed = TRUE;
		return G_SOURCE_REMOVE;
	}
	return G_SOURCE_CONTINUE;
}

static gboolean session_closed;

static void
on_session_closed (PdSession *session, gpointer data)
{
	(void) session;
	(void) data;
	session_closed = TRUE;
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *home = NULL;
	g_autofree char *conf = NULL;
	static const char text[] =
		"[postdesk]\ndomain = example.com\n"
		"[queue support]\naddress = support@example.com\ntag = SUPPORT\n"
		"[queue sales]\naddress = sales@example.com\ntag = SALES\n"
		"[limits]\nmessage_size = 3000\n"
		"[serve]\nmax_recipients = 4\nmax_line = 600\nidle_timeout = 30\n";

	(void) argc;
	(void) argv;
	fuzz_quiet_logs ();
	pd_log_set_quiet (TRUE);
	verbose = g_getenv ("POSTDESK_FUZZ_VERBOSE") != NULL;
	home = g_dir_make_tmp ("fuzz-smtp-XXXXXX", &error);
	if (home == NULL)
		g_error ("%s", error->message);
	conf = g_build_filename (home, "postdesk.conf", NULL);
	if (!g_file_set_contents (conf, text, -1, &error))
		g_error ("%s", error->message);
	settings = pd_settings_load (home, &error);
	if (settings == NULL)
		g_error ("settings: %s", error->message);
	g_unlink (conf);
	g_rmdir (home);
	return 0;
}

/* Run the main loop until nothing is ready. */
static void
settle (void)
{
	while (g_main_context_iteration (NULL, FALSE))
		;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	PdSessionHost host = { 0 };
	Client client = { -1, NULL, FALSE };
	g_autoptr (GSocket) sock = NULL;
	g_autoptr (GSocketConnection) conn = NULL;
	PdSession *session;
	int fds[2];
	gsize piece, pos = 0;
	gboolean stop_half = FALSE;

	if (size < 2)
		return 0;
	host.lmtp = data[0] & 1;
	commit_mode = (data[0] >> 1) % 3;
	stop_half = (data[0] & 0x10) != 0;
	piece = data[1] ? data[1] : size; /* 0: all at once */
	data += 2;
	size -= 2;

	if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
		abort ();
	sock = g_socket_new_from_fd (fds[0], NULL);
	if (sock == NULL)
		abort ();
	conn = g_socket_connection_factory_create_connection (sock);
	g_unix_set_fd_nonblocking (fds[1], TRUE, NULL);
	client.fd = fds[1];
	client.partial = g_string_new (NULL);
	g_unix_fd_add (fds[1], G_IO_IN | G_IO_HUP | G_IO_ERR, on_client_readable, &client);

	host.settings = settings;
	host.ingest = (PdIngest *) &host; /* never looked into: pd_ingest_submit is ours */
	host.closed = on_session_closed;
	session_closed = FALSE;
	session = pd_session_start (&host, conn);
	settle ();

	while (pos < size && !session_closed) {
		gsize n = MIN (piece, size - pos);
		ssize_t w = write (fds[1], data + pos, n);

		if (w < 0 && errno != EAGAIN && errno != EINTR)
			break; /* the session has gone */
		if (w > 0)
			pos += w;
		settle ();
		if (stop_half && pos >= size / 2 && !host.stopping && !session_closed) {
			host.stopping = TRUE;
			pd_session_stop (session);
			settle ();
		}
	}
	shutdown (fds[1], SHUT_WR);
	while (!session_closed || commits_pending > 0)
		g_main_context_iteration (NULL, TRUE);
	/* the session has closed its end: read the last replies up to EOF */
	while (!client.closed)
		g_main_context_iteration (NULL, TRUE);
	if (client.partial->len > 0)
		abort ();
	settle (); /* the watch has removed itself at EOF */
	close (fds[1]);
	g_string_free (client.partial, TRUE);
	return 0;
}
