/* test-smtp.c - pd_smtp_send() against tests/lib/smtp-capture.py on 127.0.0.1.
 * The script is found under $POSTDESK_SRCDIR (default "."), run by $POSTDESK_PYTHON (default
 * /usr/bin/python3, Debian's, which has python3-aiosmtpd). A missing server fails the test. */
#include "outbound/smtp-client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

typedef struct {
	char *dir;  /* temporary directory: out/ holds the captured mail */
	GPid pid;   /* the capture server, 0 if none */
	int port;
	char *url;
} Fixture;

static const char *
python (void)
{
	const char *p = g_getenv ("POSTDESK_PYTHON");
	return p && *p ? p : "/usr/bin/python3";
}

/* In the server's process: end it when this test process dies, even by an abort. */
static void
die_with_parent (gpointer unused)
{
	(void) unused;
	prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* Start the capture server with EXTRA arguments (NULL-terminated, may be NULL). */
static gboolean
capture_start (Fixture *f, const char *const *extra)
{
	const char *srcdir = g_getenv ("POSTDESK_SRCDIR");
	g_autofree char *script = g_build_filename (srcdir && *srcdir ? srcdir : ".", "tests", "lib",
	                                            "smtp-capture.py", NULL);
	g_autofree char *out = g_build_filename (f->dir, "out", NULL);
	g_autofree char *port_file = g_build_filename (f->dir, "port", NULL);
	g_autofree char *pid_file = g_build_filename (f->dir, "pid", NULL);
	g_autoptr (GPtrArray) argv = g_ptr_array_new ();
	g_autoptr (GError) error = NULL;

	g_ptr_array_add (argv, (char *) python ());
	g_ptr_array_add (argv, script);
	g_ptr_array_add (argv, "--dir");
	g_ptr_array_add (argv, out);
	g_ptr_array_add (argv, "--port-file");
	g_ptr_array_add (argv, port_file);
	g_ptr_array_add (argv, "--pid-file");
	g_ptr_array_add (argv, pid_file);
	for (gsize i = 0; extra && extra[i]; i++)
		g_ptr_array_add (argv, (char *) extra[i]);
	g_ptr_array_add (argv, NULL);

	if (!g_spawn_async (NULL, (char **) argv->pdata, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
	                    die_with_parent, NULL,
	                    &f->pid, &error)) {
		g_test_message ("cannot run %s %s: %s", python (), script, error->message);
		return FALSE;
	}
	/* The port file appears once the server listens: wait up to 20 s. */
	for (int i = 0; i < 400; i++) {
		g_autofree char *text = NULL;
		int status;

		if (g_file_get_contents (port_file, &text, NULL, NULL)) {
			f->port = atoi (text);
			f->url = g_strdup_printf ("smtp://127.0.0.1:%d", f->port);
			return f->port > 0;
		}
		if (waitpid (f->pid, &status, WNOHANG) == f->pid) {
			g_test_message ("%s %s exited with status %d (is python3-aiosmtpd installed?)",
			                python (), script, status);
			g_spawn_close_pid (f->pid);
			f->pid = 0;
			return FALSE;
		}
		g_usleep (50 * 1000);
	}
	g_test_message ("%s did not start listening", script);
	return FALSE;
}

#define CAPTURE(f, ...)                                                                        \
	G_STMT_START                                                                           \
	{                                                                                      \
		const char *const extra_[] = { __VA_ARGS__, NULL };                            \
		if (!capture_start ((f), extra_)) {                                            \
			g_test_fail_printf ("the capture SMTP server did not start");          \
			return;                                                                \
		}                                                                              \
	}                                                                                      \
	G_STMT_END

static void
fixture_setup (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	(void) data;
	f->dir = g_dir_make_tmp ("test-smtp-XXXXXX", &error);
	g_assert_no_error (error);
}

static void
remove_tree (const char *path)
{
	GDir *dir = g_dir_open (path, 0, NULL);
	const char *name;

	while (dir && (name = g_dir_read_name (dir))) {
		g_autofree char *child = g_build_filename (path, name, NULL);
		if (g_file_test (child, G_FILE_TEST_IS_DIR))
			remove_tree (child);
		else
			g_unlink (child);
	}
	if (dir)
		g_dir_close (dir);
	g_rmdir (path);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
	(void) data;
	if (f->pid > 0) {
		int status;
		kill (f->pid, SIGTERM);
		waitpid (f->pid, &status, 0);
		g_spawn_close_pid (f->pid);
		g_assert_true (WIFEXITED (status));
		g_assert_cmpint (WEXITSTATUS (status), ==, 0);
	}
	remove_tree (f->dir);
	g_free (f->dir);
	g_free (f->url);
}

/* The text of captured file NNNN.SUFFIX, or NULL. (transfer full) */
static char *
captured (Fixture *f, int n, const char *suffix)
{
	g_autofree char *name = g_strdup_printf ("%04d.%s", n, suffix);
	g_autofree char *path = g_build_filename (f->dir, "out", name, NULL);
	char *text = NULL;

	if (!g_file_get_contents (path, &text, NULL, NULL))
		return NULL;
	return text;
}

static int
captured_count (Fixture *f)
{
	int n = 0;
	while (TRUE) {
		g_autofree char *json = captured (f, n + 1, "json");
		if (json == NULL)
			return n;
		n++;
	}
}

static PdSmtpSettings
settings_for (Fixture *f)
{
	return (PdSmtpSettings) { .url = f->url, .timeout = 20 };
}

static PdSmtpResult
send_one (PdSmtp *smtp, const char *from, const char *to, const char *text, char **reply_r)
{
	const char *rcpts[] = { to, NULL };
	g_autoptr (GBytes) data = g_bytes_new (text, strlen (text));
	return pd_smtp_send (smtp, from, rcpts, data, reply_r);
}

static const char message_lf[] = "From: a@example.com\n"
                                 "To: b@example.org\n"
                                 "Subject: dots\n"
                                 "\n"
                                 ".leading dot\n"
                                 "..two dots\n"
                                 ".\n"
                                 "a line\n"
                                 "\n"
                                 ".\n";

static void
test_deliver_lf (Fixture *f, gconstpointer data)
{
	g_autofree char *reply = NULL;
	g_autofree char *eml = NULL;
	g_autofree char *json = NULL;
	PdSmtpSettings s;
	g_autoptr (PdSmtp) smtp = NULL;
	(void) data;

	CAPTURE (f, "--reply-codes", "");
	s = settings_for (f);
	s.helo = "client.example.com";
	smtp = pd_smtp_new (&s);
	g_assert_cmpint (send_one (smtp, "a@example.com", "b@example.org", message_lf, &reply), ==,
	                 PD_SMTP_SENT);
	g_assert_true (g_str_has_prefix (reply, "250"));
	eml = captured (f, 1, "eml");
	json = captured (f, 1, "json");
	g_assert_nonnull (eml);
	g_assert_cmpstr (eml, ==, message_lf);
	g_assert_nonnull (strstr (json, "\"mail_from\": \"a@example.com\""));
	g_assert_nonnull (strstr (json, "\"rcpt_tos\": [\"b@example.org\"]"));
	g_assert_nonnull (strstr (json, "\"helo\": \"client.example.com\""));
}

/* CRLF input, no final line end, a dot as the very first byte of the data. */
static void
test_deliver_crlf (Fixture *f, gconstpointer data)
{
	static const struct {
		const char *sent;
		const char *want;
	} cases[] = {
		{ "Subject: crlf\r\n\r\n.x\r\nend\r\n", "Subject: crlf\n\n.x\nend\n" },
		{ "Subject: no end\r\n\r\nlast line", "Subject: no end\n\nlast line\n" },
		{ "Subject: mixed\n\r\nbody\r\n.\nend", "Subject: mixed\n\nbody\n.\nend\n" },
		{ ".X-First: dot\n\nbody\n", ".X-First: dot\n\nbody\n" },
	};
	g_autoptr (PdSmtp) smtp = NULL;
	PdSmtpSettings s;
	(void) data;

	CAPTURE (f, "--reply-codes", "");
	s = settings_for (f);
	smtp = pd_smtp_new (&s);
	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autofree char *eml = NULL;
		g_autofree char *reply = NULL;
		PdSmtpResult r = send_one (smtp, "a@example.com", "b@example.org", cases[i].sent, &reply);

		g_test_message ("case %zu: got %s (%s)", i, pd_smtp_result_name (r), reply);
		g_assert_cmpint (r, ==, PD_SMTP_SENT);
		eml = captured (f, (int) i + 1, "eml");
		g_assert_cmpstr (eml, ==, cases[i].want);
	}
}

static void
test_reuse (Fixture *f, gconstpointer data)
{
	g_autoptr (PdSmtp) smtp = NULL;
	PdSmtpSettings s;
	(void) data;

	CAPTURE (f, "--reply-codes", "");
	s = settings_for (f);
	smtp = pd_smtp_new (&s);
	for (int i = 1; i <= 3; i++) {
		g_autofree char *text = g_strdup_printf ("Subject: %d\n\nmessage %d\n", i, i);
		g_assert_cmpint (send_one (smtp, "a@example.com", "b@example.org", text, NULL), ==,
		                 PD_SMTP_SENT);
	}
	g_assert_cmpint (captured_count (f), ==, 3);
	for (int i = 1; i <= 3; i++) {
		g_autofree char *json = captured (f, i, "json");
		g_test_message ("message %d: %s", i, json);
		g_assert_nonnull (strstr (json, "\"session\": 1,"));
	}
}

/* A table of scripted replies: the first send gets WANT_FIRST, a second one is then SENT. */
static void
test_codes (Fixture *f, gconstpointer data)
{
	static const struct {
		const char *option;
		const char *codes;
		PdSmtpResult want;
		const char *reply_has;
	} cases[] = {
		{ "--reply-codes", "451", PD_SMTP_TEMPFAIL, "451" },
		{ "--reply-codes", "550", PD_SMTP_PERMFAIL, "550" },
		{ "--reply-codes", "554 5.7.1 spam go away", PD_SMTP_PERMFAIL, "go away" },
		{ "--rcpt-code", "450", PD_SMTP_TEMPFAIL, "450" },
		{ "--rcpt-code", "550", PD_SMTP_PERMFAIL, "550" },
	};
	(void) data;

	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autoptr (PdSmtp) smtp = NULL;
		g_autofree char *reply = NULL;
		g_autofree char *reply2 = NULL;
		PdSmtpSettings s;
		PdSmtpResult r;

		CAPTURE (f, cases[i].option, cases[i].codes);
		s = settings_for (f);
		smtp = pd_smtp_new (&s);
		r = send_one (smtp, "a@example.com", "b@example.org", "Subject: x\n\nx\n", &reply);
		g_test_message ("%s %s: got %s \"%s\"", cases[i].option, cases[i].codes,
		                pd_smtp_result_name (r), reply);
		g_assert_cmpint (r, ==, cases[i].want);
		g_assert_nonnull (strstr (reply, cases[i].reply_has));
		g_assert_cmpint (captured_count (f), ==, 0);

		r = send_one (smtp, "a@example.com", "b@example.org", "Subject: y\n\ny\n", &reply2);
		g_assert_cmpint (r, ==, PD_SMTP_SENT);
		g_assert_cmpint (captured_count (f), ==, 1);
		{
			g_autofree char *json = captured (f, 1, "json");
			g_test_message ("retry: %s", json);
		}

		fixture_teardown (f, NULL);
		memset (f, 0, sizeof *f);
		fixture_setup (f, NULL);
	}
}

/* A free port on 127.0.0.1; with LISTEN, a socket that listens there and never accepts. */
static int
loopback_socket (gboolean listen_too, int *port_r)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = 0 };
	socklen_t len = sizeof sa;
	int fd = socket (AF_INET, SOCK_STREAM, 0);

	g_assert_cmpint (fd, >=, 0);
	sa.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
	g_assert_cmpint (bind (fd, (struct sockaddr *) &sa, sizeof sa), ==, 0);
	g_assert_cmpint (getsockname (fd, (struct sockaddr *) &sa, &len), ==, 0);
	if (listen_too)
		g_assert_cmpint (listen (fd, 4), ==, 0);
	*port_r = ntohs (sa.sin_port);
	return fd;
}

static void
test_nothing_listening (void)
{
	int port;
	int fd = loopback_socket (FALSE, &port);
	g_autofree char *url = NULL;
	g_autofree char *reply = NULL;
	g_autoptr (PdSmtp) smtp = NULL;
	PdSmtpSettings s = { .timeout = 10 };

	close (fd); /* bound, never listened: nothing accepts on PORT */
	url = g_strdup_printf ("smtp://127.0.0.1:%d", port);
	s.url = url;
	smtp = pd_smtp_new (&s);
	g_assert_cmpint (send_one (smtp, "a@example.com", "b@example.org", "Subject: x\n\nx\n", &reply),
	                 ==, PD_SMTP_TEMPFAIL);
	g_test_message ("reply: %s", reply);
	g_assert_true (reply != NULL && *reply != '\0');
}

/* A relay that never greets: the per-message timeout gives TEMPFAIL. */
static void
test_timeout (void)
{
	int port;
	int fd = loopback_socket (TRUE, &port);
	g_autofree char *url = g_strdup_printf ("smtp://127.0.0.1:%d", port);
	g_autofree char *reply = NULL;
	g_autoptr (PdSmtp) smtp = NULL;
	PdSmtpSettings s = { .url = url, .timeout = 1 };
	gint64 start = g_get_monotonic_time ();

	smtp = pd_smtp_new (&s);
	g_assert_cmpint (send_one (smtp, "a@example.com", "b@example.org", "Subject: x\n\nx\n", &reply),
	                 ==, PD_SMTP_TEMPFAIL);
	g_test_message ("reply: %s", reply);
	g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
	close (fd);
}

/* STARTTLS required, and the relay does not offer it: TEMPFAIL, nothing sent in clear. */
static void
test_starttls_missing (Fixture *f, gconstpointer data)
{
	g_autoptr (PdSmtp) smtp = NULL;
	g_autofree char *reply = NULL;
	PdSmtpSettings s;
	(void) data;

	CAPTURE (f, "--reply-codes", "");
	s = settings_for (f);
	s.starttls = TRUE;
	smtp = pd_smtp_new (&s);
	g_assert_cmpint (send_one (smtp, "a@example.com", "b@example.org", "Subject: x\n\nx\n", &reply),
	                 ==, PD_SMTP_TEMPFAIL);
	g_test_message ("reply: %s", reply);
	g_assert_cmpint (captured_count (f), ==, 0);
}

static void
test_null_sender (Fixture *f, gconstpointer data)
{
	g_autoptr (PdSmtp) smtp = NULL;
	g_autofree char *json = NULL;
	PdSmtpSettings s;
	(void) data;

	CAPTURE (f, "--reply-codes", "");
	s = settings_for (f);
	smtp = pd_smtp_new (&s);
	g_assert_cmpint (send_one (smtp, "", "b@example.org", "Subject: bounce\n\nx\n", NULL), ==,
	                 PD_SMTP_SENT);
	json = captured (f, 1, "json");
	g_assert_nonnull (json);
	g_assert_nonnull (strstr (json, "\"mail_from\": \"\","));
}

static void
test_bad_address (void)
{
	g_autofree char *reply = NULL;
	g_autoptr (PdSmtp) smtp = NULL;
	PdSmtpSettings s = { .url = "smtp://127.0.0.1:9" };

	smtp = pd_smtp_new (&s);
	g_assert_cmpint (send_one (smtp, "a@example.com", "b@example.org>\r\nRSET", "x\n", &reply), ==,
	                 PD_SMTP_PERMFAIL);
	g_assert_nonnull (strstr (reply, "invalid"));
}

static void
test_auth (Fixture *f, gconstpointer data)
{
	static const struct {
		const char *user;
		const char *password;
		PdSmtpResult want;
	} cases[] = {
		{ "agent", "wrong", PD_SMTP_TEMPFAIL }, /* 535: configuration trouble, keep the mail */
		{ NULL, NULL, PD_SMTP_TEMPFAIL },       /* 530 to MAIL: the same */
		{ "agent", "s3cret", PD_SMTP_SENT },
	};
	(void) data;

	CAPTURE (f, "--auth", "agent:s3cret");
	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autoptr (PdSmtp) smtp = NULL;
		g_autofree char *reply = NULL;
		PdSmtpSettings s = settings_for (f);
		PdSmtpResult r;

		s.user = (char *) cases[i].user;
		s.password = (char *) cases[i].password;
		smtp = pd_smtp_new (&s);
		r = send_one (smtp, "a@example.com", "b@example.org", "Subject: auth\n\nx\n", &reply);
		g_test_message ("user %s: got %s \"%s\"", cases[i].user, pd_smtp_result_name (r), reply);
		g_assert_cmpint (r, ==, cases[i].want);
	}
	g_assert_cmpint (captured_count (f), ==, 1);
	{
		g_autofree char *json = captured (f, 1, "json");
		g_assert_nonnull (strstr (json, "\"auth\": \"agent\""));
	}
}

/* ---- cross-message pipelining, against tests/lib/pipeline-sink.py (strict, scripted) ---- */

/* Start pipeline-sink.py with EXTRA arguments (NULL-terminated); its record goes to
 * DIR/sink.jsonl. */
static gboolean
psink_start (Fixture *f, const char *const *extra)
{
	const char *srcdir = g_getenv ("POSTDESK_SRCDIR");
	g_autofree char *script = g_build_filename (srcdir && *srcdir ? srcdir : ".", "tests", "lib",
	                                            "pipeline-sink.py", NULL);
	g_autofree char *out = g_build_filename (f->dir, "sink.jsonl", NULL);
	g_autofree char *port_file = g_build_filename (f->dir, "port", NULL);
	g_autoptr (GPtrArray) argv = g_ptr_array_new ();
	g_autoptr (GError) error = NULL;

	g_ptr_array_add (argv, (char *) python ());
	g_ptr_array_add (argv, script);
	g_ptr_array_add (argv, "--out");
	g_ptr_array_add (argv, out);
	g_ptr_array_add (argv, "--port-file");
	g_ptr_array_add (argv, port_file);
	for (gsize i = 0; extra && extra[i]; i++)
		g_ptr_array_add (argv, (char *) extra[i]);
	g_ptr_array_add (argv, NULL);
	if (!g_spawn_async (NULL, (char **) argv->pdata, NULL,
	                    G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL, die_with_parent,
	                    NULL, &f->pid, &error)) {
		g_test_message ("cannot run %s: %s", script, error->message);
		return FALSE;
	}
	for (int i = 0; i < 400; i++) {
		g_autofree char *text = NULL;

		if (g_file_get_contents (port_file, &text, NULL, NULL)) {
			f->port = atoi (text);
			f->url = g_strdup_printf ("smtp://127.0.0.1:%d", f->port);
			return f->port > 0;
		}
		g_usleep (50 * 1000);
	}
	return FALSE;
}

#define PSINK(f, ...)                                                                          \
	G_STMT_START                                                                           \
	{                                                                                      \
		const char *const extra_[] = { __VA_ARGS__, NULL };                            \
		if (!psink_start ((f), extra_)) {                                              \
			g_test_fail_printf ("pipeline-sink.py did not start");                 \
			return;                                                                \
		}                                                                              \
	}                                                                                      \
	G_STMT_END

/* How many lines of the sink's record contain NEEDLE. */
static guint
psink_count (Fixture *f, const char *needle)
{
	g_autofree char *path = g_build_filename (f->dir, "sink.jsonl", NULL);
	g_autofree char *text = NULL;
	g_auto (GStrv) lines = NULL;
	guint n = 0;

	if (!g_file_get_contents (path, &text, NULL, NULL))
		return 0;
	lines = g_strsplit (text, "\n", -1);
	for (guint i = 0; lines[i]; i++)
		if (strstr (lines[i], needle))
			n++;
	return n;
}

static void
submit_one (PdSmtp *smtp, const char *to, guint tag, GPtrArray *outcomes)
{
	const char *rcpts[] = { to, NULL };
	g_autofree char *text = g_strdup_printf ("Subject: m%u\n\n.dot line %u\nbody\n", tag, tag);
	g_autoptr (GBytes) data = g_bytes_new (text, strlen (text));

	pd_smtp_submit (smtp, "bounces@example.com", rcpts, data, GUINT_TO_POINTER (tag), outcomes);
}

/* The outcome of TAG in OUTCOMES (there must be exactly one). */
static PdSmtpOutcome *
outcome_of (GPtrArray *outcomes, guint tag)
{
	PdSmtpOutcome *found = NULL;

	for (guint i = 0; i < outcomes->len; i++) {
		PdSmtpOutcome *o = outcomes->pdata[i];

		if (GPOINTER_TO_UINT (o->tag) == tag) {
			g_assert_null (found);
			found = o;
		}
	}
	g_assert_nonnull (found);
	return found;
}

static GPtrArray *
outcomes_new (void)
{
	return g_ptr_array_new_with_free_func ((GDestroyNotify) pd_smtp_outcome_free);
}

/* A message's outcome comes with the next submit (its content rode with the next envelope),
 * the last one's with the flush; the next MAIL arrived with the previous "."; content never
 * before its 354; dot-stuffing intact. */
static void
test_pipeline_deferred (Fixture *f, gconstpointer data)
{
	g_autoptr (PdSmtp) smtp = NULL;
	g_autoptr (GPtrArray) outcomes = outcomes_new ();
	PdSmtpSettings s;
	(void) data;

	PSINK (f, "--reject-local", "nobody");
	s = settings_for (f);
	smtp = pd_smtp_new (&s);
	submit_one (smtp, "a@example.org", 1, outcomes);
	g_assert_cmpuint (outcomes->len, ==, 0);
	g_assert_true (pd_smtp_pending (smtp));
	g_assert_cmpuint (psink_count (f, "\"n\":"), ==, 0); /* not delivered: no content yet */
	submit_one (smtp, "b@example.org", 2, outcomes);
	g_assert_cmpuint (outcomes->len, ==, 1);
	g_assert_cmpint (outcome_of (outcomes, 1)->result, ==, PD_SMTP_SENT);
	g_assert_true (g_str_has_prefix (outcome_of (outcomes, 1)->reply, "250 "));
	submit_one (smtp, "c@example.org", 3, outcomes);
	g_assert_cmpuint (outcomes->len, ==, 2);
	pd_smtp_flush (smtp, outcomes);
	g_assert_false (pd_smtp_pending (smtp));
	g_assert_cmpuint (outcomes->len, ==, 3);
	for (guint t = 1; t <= 3; t++)
		g_assert_cmpint (outcome_of (outcomes, t)->result, ==, PD_SMTP_SENT);
	pd_smtp_flush (smtp, outcomes); /* nothing waits: nothing happens */
	g_assert_cmpuint (outcomes->len, ==, 3);
	g_assert_cmpuint (psink_count (f, "\"n\":"), ==, 3);
	g_assert_cmpuint (psink_count (f, "\\n.dot line 2\\nbody\\n\""), ==, 1);
	g_assert_cmpuint (psink_count (f, "\"cross\""), ==, 2);
	g_assert_cmpuint (psink_count (f, "\"violation\""), ==, 0);
	/* pd_smtp_send on the same connection still works (and still pipelines its envelope) */
	{
		g_autofree char *reply = NULL;

		g_assert_cmpint (send_one (smtp, "a@b.example", "d@example.org", "Subject: x\n\ny\n",
		                           &reply), ==, PD_SMTP_SENT);
	}
	g_assert_cmpuint (psink_count (f, "\"n\":"), ==, 4);
}

/* A refused RCPT (DATA then gets 554) and a tempfailed MAIL in the stream: their outcomes at
 * once, the message before them still sent, RSET before the next MAIL (the sink answers a
 * MAIL in an open transaction 503 "nested"), the connection goes on. */
static void
test_pipeline_refusals (Fixture *f, gconstpointer data)
{
	g_autoptr (PdSmtp) smtp = NULL;
	g_autoptr (GPtrArray) outcomes = outcomes_new ();
	PdSmtpSettings s;
	(void) data;

	PSINK (f, "--reject-local", "nobody", "--tempfail-mail-every", "4");
	s = settings_for (f);
	smtp = pd_smtp_new (&s);
	submit_one (smtp, "a@example.org", 1, outcomes);
	submit_one (smtp, "nobody@example.org", 2, outcomes); /* 550 */
	g_assert_cmpuint (outcomes->len, ==, 2);
	g_assert_cmpint (outcome_of (outcomes, 1)->result, ==, PD_SMTP_SENT);
	g_assert_cmpint (outcome_of (outcomes, 2)->result, ==, PD_SMTP_PERMFAIL);
	g_assert_true (g_str_has_prefix (outcome_of (outcomes, 2)->reply, "550 "));
	g_assert_false (pd_smtp_pending (smtp));
	submit_one (smtp, "c@example.org", 3, outcomes);  /* after an RSET */
	submit_one (smtp, "d@example.org", 4, outcomes);  /* the 4th MAIL: 451 */
	g_assert_cmpint (outcome_of (outcomes, 3)->result, ==, PD_SMTP_SENT);
	g_assert_cmpint (outcome_of (outcomes, 4)->result, ==, PD_SMTP_TEMPFAIL);
	g_assert_true (g_str_has_prefix (outcome_of (outcomes, 4)->reply, "451 "));
	submit_one (smtp, "e@example.org", 5, outcomes);
	pd_smtp_flush (smtp, outcomes);
	g_assert_cmpint (outcome_of (outcomes, 5)->result, ==, PD_SMTP_SENT);
	g_assert_cmpuint (outcomes->len, ==, 5);
	g_assert_cmpuint (psink_count (f, "\"nested\""), ==, 0);
	g_assert_cmpuint (psink_count (f, "\"violation\""), ==, 0);
	g_assert_cmpuint (psink_count (f, "\"n\":"), ==, 3);
	g_assert_cmpuint (psink_count (f, "nobody@"), ==, 1); /* the 550 event, no message */
}

/* The relay hangs up at a "." (no reply), after a 250 (before the pipelined envelope is
 * answered), and with 421 to a MAIL: every message whose 250 was not read is a tempfail, the
 * one whose 250 was read is sent, and the next submit connects again. */
static void
test_pipeline_hangups (Fixture *f, gconstpointer data)
{
	g_autoptr (PdSmtp) smtp = NULL;
	g_autoptr (GPtrArray) outcomes = outcomes_new ();
	PdSmtpSettings s;
	(void) data;

	/* counted over the run: the 2nd and 4th "." get no reply, the 3rd is answered then
	 * hung up on; the 4th MAIL gets 421 (a MAIL that came with a dropped "." is not
	 * counted: the sink hung up before it) */
	PSINK (f, "--drop-at-dot-every", "2", "--drop-after-dot-every", "3",
	       "--421-at-mail-every", "4");
	s = settings_for (f);
	smtp = pd_smtp_new (&s);
	submit_one (smtp, "a@example.org", 1, outcomes); /* MAIL 1 */
	submit_one (smtp, "b@example.org", 2, outcomes); /* "." 1, MAIL 2 */
	submit_one (smtp, "c@example.org", 3, outcomes); /* "." 2 dropped: 2 and 3 lost */
	g_assert_cmpuint (outcomes->len, ==, 3);
	g_assert_cmpint (outcome_of (outcomes, 1)->result, ==, PD_SMTP_SENT);
	g_assert_cmpint (outcome_of (outcomes, 2)->result, ==, PD_SMTP_TEMPFAIL);
	g_assert_cmpint (outcome_of (outcomes, 3)->result, ==, PD_SMTP_TEMPFAIL);
	g_assert_false (pd_smtp_pending (smtp));
	submit_one (smtp, "d@example.org", 4, outcomes); /* a new connection, MAIL 3 */
	submit_one (smtp, "e@example.org", 5, outcomes); /* "." 3: 250, then the hang-up */
	g_assert_cmpint (outcome_of (outcomes, 4)->result, ==, PD_SMTP_SENT);
	g_assert_cmpint (outcome_of (outcomes, 5)->result, ==, PD_SMTP_TEMPFAIL);
	submit_one (smtp, "f@example.org", 6, outcomes); /* MAIL 4: 421 */
	g_assert_cmpint (outcome_of (outcomes, 6)->result, ==, PD_SMTP_TEMPFAIL);
	g_test_message ("6: %s", outcome_of (outcomes, 6)->reply);
	g_assert_true (g_str_has_prefix (outcome_of (outcomes, 6)->reply, "421 "));
	submit_one (smtp, "g@example.org", 7, outcomes); /* MAIL 5 */
	pd_smtp_flush (smtp, outcomes);                   /* "." 4 dropped */
	g_assert_cmpint (outcome_of (outcomes, 7)->result, ==, PD_SMTP_TEMPFAIL);
	submit_one (smtp, "h@example.org", 8, outcomes); /* MAIL 6 */
	pd_smtp_flush (smtp, outcomes);                   /* "." 5 */
	g_assert_cmpint (outcome_of (outcomes, 8)->result, ==, PD_SMTP_SENT);
	g_assert_cmpuint (outcomes->len, ==, 8);
	g_assert_cmpuint (psink_count (f, "\"n\":"), ==, 3); /* 1, 4, 8 */
	g_assert_cmpuint (psink_count (f, "\"violation\""), ==, 0);
}

/* No PIPELINING: each submit delivers at once, one command at a time. */
static void
test_pipeline_lockstep (Fixture *f, gconstpointer data)
{
	g_autoptr (PdSmtp) smtp = NULL;
	g_autoptr (GPtrArray) outcomes = outcomes_new ();
	PdSmtpSettings s;
	(void) data;

	PSINK (f, "--no-pipelining", "--reject-local", "nobody");
	s = settings_for (f);
	smtp = pd_smtp_new (&s);
	submit_one (smtp, "a@example.org", 1, outcomes);
	g_assert_false (pd_smtp_pending (smtp));
	g_assert_cmpuint (outcomes->len, ==, 1);
	g_assert_cmpint (outcome_of (outcomes, 1)->result, ==, PD_SMTP_SENT);
	submit_one (smtp, "nobody@example.org", 2, outcomes);
	g_assert_cmpint (outcome_of (outcomes, 2)->result, ==, PD_SMTP_PERMFAIL);
	submit_one (smtp, "c@example.org", 3, outcomes);
	g_assert_cmpint (outcome_of (outcomes, 3)->result, ==, PD_SMTP_SENT);
	pd_smtp_flush (smtp, outcomes);
	g_assert_cmpuint (outcomes->len, ==, 3);
	g_assert_cmpuint (psink_count (f, "\"violation\""), ==, 0);
	g_assert_cmpuint (psink_count (f, "\"nested\""), ==, 0);
	g_assert_cmpuint (psink_count (f, "\"cross\""), ==, 0);
	g_assert_cmpuint (psink_count (f, "\"n\":"), ==, 2);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add ("/smtp/deliver-lf", Fixture, NULL, fixture_setup, test_deliver_lf,
	            fixture_teardown);
	g_test_add ("/smtp/deliver-crlf", Fixture, NULL, fixture_setup, test_deliver_crlf,
	            fixture_teardown);
	g_test_add ("/smtp/reuse", Fixture, NULL, fixture_setup, test_reuse, fixture_teardown);
	g_test_add ("/smtp/codes", Fixture, NULL, fixture_setup, test_codes, fixture_teardown);
	g_test_add ("/smtp/null-sender", Fixture, NULL, fixture_setup, test_null_sender,
	            fixture_teardown);
	g_test_add ("/smtp/starttls-missing", Fixture, NULL, fixture_setup, test_starttls_missing,
	            fixture_teardown);
	g_test_add ("/smtp/auth", Fixture, NULL, fixture_setup, test_auth, fixture_teardown);
	g_test_add_func ("/smtp/nothing-listening", test_nothing_listening);
	g_test_add_func ("/smtp/timeout", test_timeout);
	g_test_add_func ("/smtp/bad-address", test_bad_address);
	g_test_add ("/smtp/pipeline/deferred", Fixture, NULL, fixture_setup, test_pipeline_deferred,
	            fixture_teardown);
	g_test_add ("/smtp/pipeline/refusals", Fixture, NULL, fixture_setup, test_pipeline_refusals,
	            fixture_teardown);
	g_test_add ("/smtp/pipeline/hangups", Fixture, NULL, fixture_setup, test_pipeline_hangups,
	            fixture_teardown);
	g_test_add ("/smtp/pipeline/lockstep", Fixture, NULL, fixture_setup, test_pipeline_lockstep,
	            fixture_teardown);
	return g_test_run ();
}
