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
	return g_test_run ();
}
