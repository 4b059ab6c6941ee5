/* test-session.c - the SMTP/LMTP server session. First the protocol alone (smtp-command.c
 * driven through smtp-session-private.h on a session with no socket): EHLO/LHLO, MAIL, RCPT,
 * DATA, the state machine and its errors, dot-unstuffing and the limits inside DATA. Then
 * whole sessions on a socketpair: the greeting, pipelining, overlong lines, input cut at
 * every byte, and the deadlines. A message is never committed here (no PdIngest): the e2e
 * tests 200-lmtp and 210-smtp do that. */
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "intake/smtp-session-private.h"

static PdQueueSettings support = { .name = "support", .address = "support@example.com" };
static PdQueueSettings sales = { .name = "sales", .address = "sales@example.com" };

typedef struct {
	PdSettings set;
	PdSessionHost host;
	PdSession *s;    /* protocol tests: a session with no socket */
	gboolean closed; /* socket tests: the session reported its end */
} Fixture;

static void
session_closed (PdSession *session, gpointer data)
{
	Fixture *fx = data;

	fx->closed = TRUE;
}

static void
fixture_set_up (Fixture *fx, gconstpointer lmtp)
{
	fx->set.queues = g_ptr_array_new ();
	g_ptr_array_add (fx->set.queues, &support);
	g_ptr_array_add (fx->set.queues, &sales);
	fx->set.bounce_address = (char *) "bounces@example.com";
	fx->set.max_message_size = 2000;
	fx->set.max_recipients = 3;
	fx->set.max_line = 600;
	fx->set.max_connections = 10;
	fx->set.max_per_address = 10;
	fx->set.idle_timeout = 30;
	fx->set.command_timeout = 30;
	fx->set.session_timeout = 60;
	fx->host.lmtp = lmtp != NULL;
	fx->host.settings = &fx->set;
	fx->host.closed = session_closed;
	fx->host.data = fx;

	fx->s = g_new0 (PdSession, 1);
	fx->s->ref = 1;
	fx->s->host = &fx->host;
	fx->s->in = g_byte_array_new ();
	fx->s->out = g_string_new (NULL);
	fx->s->rcpts = g_ptr_array_new_with_free_func (g_free);
	fx->s->peer = g_strdup ("test");
}

static void
fixture_tear_down (Fixture *fx, gconstpointer lmtp)
{
	PdSession *s = fx->s;

	g_byte_array_unref (s->in);
	g_string_free (s->out, TRUE);
	g_ptr_array_unref (s->rcpts);
	g_clear_pointer (&s->msg, pd_spool_free);
	g_free (s->from);
	g_free (s->peer);
	g_free (s);
	g_ptr_array_unref (fx->set.queues);
}

/* Give one command line (CRLF added); the replies, CRLF between lines, none at the end. */
static char *
say (Fixture *fx, const char *command)
{
	g_autofree char *line = g_strconcat (command, "\r\n", NULL);

	g_string_truncate (fx->s->out, 0);
	pd_session_command (fx->s, line, strlen (line));
	if (fx->s->out->len >= 2)
		g_string_truncate (fx->s->out, fx->s->out->len - 2);
	return g_strdup (fx->s->out->str);
}

typedef struct {
	const char *command;
	const char *want; /* the reply starts with this */
} Step;

/* Run STEPS in order; each reply must start with its WANT. */
static void
converse (Fixture *fx, const Step *steps, gsize n)
{
	gsize i;

	for (i = 0; i < n; i++) {
		g_autofree char *got = say (fx, steps[i].command);

		if (!g_str_has_prefix (got, steps[i].want))
			g_error ("step %" G_GSIZE_FORMAT " \"%s\": got \"%s\", want \"%s...\"", i,
			         steps[i].command, got, steps[i].want);
	}
}
#define CONVERSE(fx, steps) converse ((fx), (steps), G_N_ELEMENTS (steps))

/* ---- the protocol alone ---- */

static void
test_ehlo (Fixture *fx, gconstpointer lmtp)
{
	g_autofree char *got = say (fx, "EHLO client.example");
	g_auto (GStrv) lines = g_strsplit (got, "\r\n", -1);
	g_autofree char *want = g_strdup_printf ("250-%s", g_get_host_name ());

	g_assert_cmpuint (g_strv_length (lines), ==, 5);
	g_assert_cmpstr (lines[0], ==, want);
	g_assert_cmpstr (lines[1], ==, "250-PIPELINING");
	g_assert_cmpstr (lines[2], ==, "250-8BITMIME");
	g_assert_cmpstr (lines[3], ==, "250-SIZE 2000");
	g_assert_cmpstr (lines[4], ==, "250 ENHANCEDSTATUSCODES"); /* no STARTTLS without a certificate */
	g_assert_cmpint (fx->s->state, ==, ST_READY);
}

static void
test_hello_variants (Fixture *fx, gconstpointer lmtp)
{
	static const Step steps[] = {
		{ "MAIL FROM:<a@b.example>", "503 5.5.1 Say EHLO/HELO first" },
		{ "LHLO x", "500 5.5.1" }, /* LHLO is LMTP's */
		{ "HELO", "501 5.5.4" },
		{ "EHLO", "501 5.5.4" },
		{ "helo client.example", "250 " },
		{ "ehlo client.example", "250-" },
	};

	CONVERSE (fx, steps);
	g_assert_cmpuint (fx->s->bad, ==, 4);
}

static void
test_lmtp_hello (Fixture *fx, gconstpointer lmtp)
{
	static const Step steps[] = {
		{ "MAIL FROM:<a@b.example>", "503 5.5.1 Say LHLO first" },
		{ "EHLO x", "502 5.5.1" },
		{ "HELO x", "502 5.5.1" },
		{ "LHLO client.example", "250-" },
		{ "MAIL FROM:<a@b.example>", "250 2.1.0" },
	};

	CONVERSE (fx, steps);
}

static void
test_transaction (Fixture *fx, gconstpointer lmtp)
{
	static const Step steps[] = {
		{ "EHLO x", "250-" },
		{ "RCPT TO:<support@example.com>", "503 5.5.1 Need MAIL first" },
		{ "DATA", "503 5.5.1 Need RCPT first" },
		{ "MAIL FROM:<Ann@Customer.Example> BODY=8BITMIME SIZE=100", "250 2.1.0" },
		{ "MAIL FROM:<b@b.example>", "503 5.5.1 Nested MAIL" },
		{ "DATA", "554 5.5.1 No valid recipients" },
		{ "RCPT TO:<nobody@example.com>", "550 5.1.1 <nobody@example.com>" },
		{ "RCPT TO:<support@other.example>", "550 5.1.1" },
		{ "RCPT TO:support@example.com", "501 5.1.3" },
		{ "RCPT TO:<support>", "501 5.1.3" },
		{ "RCPT TO:<Support@Example.COM>", "250 2.1.5" },
		{ "RCPT TO:<sales+t12-abc@example.com>", "250 2.1.5" },
		{ "RCPT TO:<bounces+o4-x@example.com> NOTIFY=NEVER", "555 5.5.4 Unsupported parameter: NOTIFY=NEVER" },
		{ "RCPT TO:<bounces+o4-x@example.com>", "250 2.1.5" },
		{ "RCPT TO:<support+x@example.com>", "452 4.5.3 Too many recipients" },
		{ "DATA extra", "501 5.5.4" },
		{ "DATA", "354 " },
	};

	CONVERSE (fx, steps);
	g_assert_cmpint (fx->s->state, ==, ST_DATA);
	g_assert_cmpstr (fx->s->from, ==, "ann@customer.example");
	g_assert_cmpuint (fx->s->rcpts->len, ==, 3);
	g_assert_cmpstr (fx->s->rcpts->pdata[0], ==, "support@example.com");
	g_assert_cmpstr (fx->s->rcpts->pdata[1], ==, "sales+t12-abc@example.com");
	g_assert_nonnull (fx->s->msg);
}

static void
test_paths (Fixture *fx, gconstpointer lmtp)
{
	static const struct {
		const char *command, *want, *from;
	} cases[] = {
		{ "MAIL FROM:<>", "250", "" },
		{ "MAIL FROM: <a@b.example>", "250", "a@b.example" },
		{ "MAIL FROM:<@relay.example,@other.example:A@B.example>", "250", "a@b.example" },
		{ "MAIL FROM:a@b.example", "501", NULL },
		{ "MAIL FROM:<a@b.example", "501", NULL },
		{ "MAIL FROM:<a b@b.example>", "501", NULL },
		{ "MAIL TO:<a@b.example>", "501", NULL },
		{ "MAIL FROM:<a@b.example> SIZE=2001", "552 5.3.4", NULL },
		{ "MAIL FROM:<a@b.example> SIZE=2000", "250", "a@b.example" },
		{ "MAIL FROM:<a@b.example> BODY=BINARYMIME", "555", NULL },
		{ "MAIL FROM:<a@b.example> AUTH=<>", "555", NULL },
	};
	guint i;

	for (i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autofree char *got = NULL;

		g_free (say (fx, "EHLO x"));
		got = say (fx, cases[i].command);

		if (!g_str_has_prefix (got, cases[i].want))
			g_error ("%s: got \"%s\", want \"%s...\"", cases[i].command, got, cases[i].want);
		g_assert_cmpstr (fx->s->from, ==, cases[i].from);
		g_assert_cmpint (fx->s->state, ==, cases[i].from ? ST_MAIL : ST_READY);
	}
}

static void
test_other_commands (Fixture *fx, gconstpointer lmtp)
{
	static const Step steps[] = {
		{ "NOOP", "250 2.0.0" },
		{ "noop with an argument", "250 2.0.0" },
		{ "EHLO x", "250-" },
		{ "MAIL FROM:<a@b.example>", "250" },
		{ "RCPT TO:<support@example.com>", "250" },
		{ "RSET", "250 2.0.0" },
		{ "RCPT TO:<support@example.com>", "503" }, /* the transaction is gone */
		{ "MAIL FROM:<a@b.example>", "250" },        /* but the greeting stays */
		{ "VRFY support", "252 2.5.0" },
		{ "EXPN staff", "502 5.5.1" },
		{ "HELP", "502 5.5.1" },
		{ "AUTH PLAIN AGEAYg==", "502 5.5.1" },
		{ "BDAT 10 LAST", "502 5.5.1" },
		{ "STARTTLS", "502 5.5.1 STARTTLS not available" },
		{ "FROBNICATE", "500 5.5.1" },
		{ "", "500 5.5.1" },
		{ "QUIT", "221 2.0.0" },
	};

	CONVERSE (fx, steps);
	g_assert_true (fx->s->quit);
	g_assert_cmpstr (fx->s->from, ==, "a@b.example");
}

/* Ten errors and the client is shown the door; a stored message forgives (not tested here). */
static void
test_too_many_errors (Fixture *fx, gconstpointer lmtp)
{
	guint i;

	for (i = 1; i < MAX_BAD; i++) {
		g_autofree char *got = say (fx, "GARBAGE");

		g_assert_true (g_str_has_prefix (got, "500 "));
		g_assert_false (fx->s->quit);
	}
	{
		g_autofree char *got = say (fx, "GARBAGE");

		g_assert_true (g_str_has_prefix (got, "500 5.5.1 Command unrecognized\r\n421 4.7.0"));
		g_assert_true (fx->s->quit);
	}
}

static void
test_stopping (Fixture *fx, gconstpointer lmtp)
{
	static const Step steps[] = {
		{ "EHLO x", "250-" },
		{ "MAIL FROM:<a@b.example>", "250" },
	};
	g_autofree char *got = NULL;

	CONVERSE (fx, steps);
	fx->host.stopping = TRUE;
	/* the transaction in flight goes on */
	g_free (got);
	got = say (fx, "RCPT TO:<support@example.com>");
	g_assert_true (g_str_has_prefix (got, "250"));
	g_free (got);
	got = say (fx, "RSET");
	g_free (got);
	/* no new one starts */
	got = say (fx, "MAIL FROM:<a@b.example>");
	g_assert_true (g_str_has_prefix (got, "421 4.3.2"));
	g_assert_true (fx->s->quit);
}

/* Into DATA with one (SMTP) or two (LMTP) recipients. */
static void
start_data (Fixture *fx)
{
	static const Step smtp[] = {
		{ "EHLO x", "250-" },
		{ "MAIL FROM:<a@b.example>", "250" },
		{ "RCPT TO:<support@example.com>", "250" },
		{ "DATA", "354" },
	};
	static const Step lmtp[] = {
		{ "LHLO x", "250-" },
		{ "MAIL FROM:<a@b.example>", "250" },
		{ "RCPT TO:<support@example.com>", "250" },
		{ "RCPT TO:<sales@example.com>", "250" },
		{ "DATA", "354" },
	};

	if (fx->host.lmtp)
		CONVERSE (fx, lmtp);
	else
		CONVERSE (fx, smtp);
	g_string_truncate (fx->s->out, 0);
}

static void
data_line (Fixture *fx, const char *line)
{
	pd_session_data_line (fx->s, line, strlen (line), strlen (line) > fx->set.max_line ? LINE_LONG : LINE_OK);
}

/* Lines are kept exactly as received (CRLF or LF), less one leading dot. */
static void
test_dot_unstuffing (Fixture *fx, gconstpointer lmtp)
{
	static const char *const lines[] = {
		"Subject: dots\r\n", "\r\n", "..\r\n", "...\r\n", "..leading\r\n", ". \r\n",
		".x\r\n", "no dot.\r\n", "bare LF\n", "..\n", ".\r\r\n",
	};
	static const char want[] = "Subject: dots\r\n\r\n.\r\n..\r\n.leading\r\n \r\n"
	                           "x\r\nno dot.\r\nbare LF\n.\n\r\r\n";
	guint i;

	start_data (fx);
	for (i = 0; i < G_N_ELEMENTS (lines); i++)
		data_line (fx, lines[i]);
	g_assert_cmpint (fx->s->state, ==, ST_DATA);
	g_assert_cmpuint (fx->s->msg_size, ==, strlen (want));
	g_assert_cmpuint (pd_spool_size (fx->s->msg), ==, strlen (want));
	g_assert_true (pd_spool_finish (fx->s->msg, NULL));
	{
		g_autoptr (GBytes) got = pd_spool_steal_bytes (g_steal_pointer (&fx->s->msg), NULL);

		g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), want, strlen (want));
	}
	g_assert_cmpuint (fx->s->out->len, ==, 0); /* nothing said until the end */
}

/* Over max_message_size: nothing kept, and after the final dot a 552 (one per recipient for
 * LMTP); the session is ready for the next transaction. */
static void
test_data_too_big (Fixture *fx, gconstpointer lmtp)
{
	g_autofree char *x = g_strnfill (98, 'x');
	g_autofree char *line = g_strdup_printf ("%s\r\n", x);
	g_autofree char *want = g_strdup_printf ("552 5.3.4 Message too big (limit 2000 bytes)\r\n%s",
	                                         lmtp ? "552 5.3.4 Message too big (limit 2000 bytes)\r\n" : "");
	guint i;

	start_data (fx);
	for (i = 0; i < 20; i++)
		data_line (fx, line);
	g_assert_false (fx->s->too_big);
	data_line (fx, line);
	g_assert_true (fx->s->too_big);
	g_assert_null (fx->s->msg);
	data_line (fx, line);
	data_line (fx, ".\r\n");
	g_assert_cmpstr (fx->s->out->str, ==, want);
	g_assert_cmpint (fx->s->state, ==, ST_READY);
	g_assert_null (fx->s->from);
	g_assert_cmpuint (fx->s->rcpts->len, ==, 0);
	g_assert_false (fx->s->too_big);
}

static void
test_data_long_line (Fixture *fx, gconstpointer lmtp)
{
	start_data (fx);
	data_line (fx, "Subject: long\r\n");
	pd_session_data_line (fx->s, "", 0, LINE_LONG);
	data_line (fx, "after\r\n");
	data_line (fx, ".\n"); /* a bare LF ends it too */
	g_assert_cmpstr (fx->s->out->str, ==,
	                 lmtp ? "500 5.5.2 Message has a line longer than 600 bytes\r\n"
	                        "500 5.5.2 Message has a line longer than 600 bytes\r\n"
	                      : "500 5.5.2 Message has a line longer than 600 bytes\r\n");
	g_assert_cmpint (fx->s->state, ==, ST_READY);
}

static void
test_own_address (void)
{
	PdSettings set = { 0 };
	static const struct {
		const char *addr;
		gboolean want;
	} cases[] = {
		{ "support@example.com", TRUE },
		{ "SUPPORT@example.com", TRUE },
		{ "support+t1-abc@example.com", TRUE },
		{ "support+@example.com", TRUE },
		{ "bounces+o9-x@example.com", TRUE },
		{ "sales@example.com", TRUE },
		{ "support@example.org", FALSE },
		{ "supportx@example.com", FALSE },
		{ "x+support@example.com", FALSE },
		{ "@example.com", FALSE },
		{ "support", FALSE },
		{ "", FALSE },
	};
	guint i;

	set.queues = g_ptr_array_new ();
	g_ptr_array_add (set.queues, &support);
	g_ptr_array_add (set.queues, &sales);
	set.bounce_address = (char *) "bounces@example.com";
	for (i = 0; i < G_N_ELEMENTS (cases); i++)
		if (pd_session_own_address (&set, cases[i].addr) != cases[i].want)
			g_error ("%s: got %d, want %d", cases[i].addr, !cases[i].want, cases[i].want);
	g_ptr_array_unref (set.queues);
}

/* ---- whole sessions on a socketpair ---- */

typedef struct {
	GSocket *client;
	GString *got; /* everything the server said */
	gboolean eof;
} Peer;

/* Start a session on one end of a socketpair; the other end is the (non-blocking) client. */
static void
peer_start (Fixture *fx, Peer *p)
{
	int fds[2];
	g_autoptr (GSocket) server = NULL;
	g_autoptr (GSocketConnection) conn = NULL;
	g_autoptr (GError) error = NULL;

	g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM, 0, fds), ==, 0);
	server = g_socket_new_from_fd (fds[0], &error);
	g_assert_no_error (error);
	p->client = g_socket_new_from_fd (fds[1], &error);
	g_assert_no_error (error);
	g_socket_set_blocking (p->client, FALSE);
	p->got = g_string_new (NULL);
	p->eof = FALSE;
	conn = g_socket_connection_factory_create_connection (server);
	fx->closed = FALSE;
	pd_session_start (&fx->host, conn);
}

/* Take what the server has said so far (without waiting). */
static void
peer_poll (Peer *p)
{
	char buf[4096];

	while (!p->eof) {
		g_autoptr (GError) error = NULL;
		gssize n = g_socket_receive (p->client, buf, sizeof buf, NULL, &error);

		if (n > 0) {
			g_string_append_len (p->got, buf, n);
		} else if (n == 0 || !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)) {
			p->eof = TRUE;
		} else {
			break;
		}
	}
}

/* Run the main loop until the server closed the connection (at most SECONDS). */
static void
peer_wait_eof (Fixture *fx, Peer *p, double seconds)
{
	gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

	while (!(p->eof && fx->closed) && g_get_monotonic_time () < end) {
		g_main_context_iteration (NULL, FALSE);
		peer_poll (p);
		g_usleep (1000);
	}
	g_assert_true (p->eof);
	g_assert_true (fx->closed);
}

static void
peer_send (Fixture *fx, Peer *p, const char *data, gsize len)
{
	gsize done = 0;

	while (done < len) {
		g_autoptr (GError) error = NULL;
		gssize n = g_socket_send (p->client, data + done, len - done, NULL, &error);

		if (n < 0) {
			g_assert_true (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK));
			n = 0;
		}
		done += n;
		/* let the session read it */
		while (g_main_context_iteration (NULL, FALSE))
			;
		peer_poll (p);
	}
}

static void
peer_free (Peer *p)
{
	g_clear_object (&p->client);
	g_string_free (p->got, TRUE);
}

/* The reply codes of TEXT, one per reply (the last line of a multi-line reply). */
static char *
codes (const char *text)
{
	g_auto (GStrv) lines = g_strsplit (text, "\r\n", -1);
	GString *out = g_string_new (NULL);
	guint i;

	for (i = 0; lines[i]; i++)
		if (strlen (lines[i]) >= 4 && lines[i][3] == ' ')
			g_string_append_printf (out, "%s%.3s", out->len ? " " : "", lines[i]);
	return g_string_free (out, FALSE);
}

/* The whole input at once, then chunk by chunk down to a byte at a time: the same replies. */
static void
run_cut (Fixture *fx, const char *input, const char *want_codes)
{
	gsize len = strlen (input), chunk;

	for (chunk = len; chunk >= 1; chunk = chunk > 64 ? chunk / 2 : chunk - 1) {
		Peer p;
		gsize off;
		g_autofree char *got = NULL;

		peer_start (fx, &p);
		for (off = 0; off < len; off += chunk)
			peer_send (fx, &p, input + off, MIN (chunk, len - off));
		peer_wait_eof (fx, &p, 10);
		got = codes (p.got->str);
		if (g_strcmp0 (got, want_codes) != 0)
			g_error ("chunks of %" G_GSIZE_FORMAT ": got \"%s\", want \"%s\"\n%s", chunk, got,
			         want_codes, p.got->str);
		peer_free (&p);
	}
}

static void
test_greeting (Fixture *fx, gconstpointer lmtp)
{
	Peer p;
	g_autofree char *want = g_strdup_printf ("220 %s %s postdesk\r\n221 2.0.0 Bye\r\n",
	                                         g_get_host_name (), lmtp ? "LMTP" : "ESMTP");

	peer_start (fx, &p);
	peer_send (fx, &p, "QUIT\r\n", 6);
	peer_wait_eof (fx, &p, 10);
	g_assert_cmpstr (p.got->str, ==, want);
	peer_free (&p);
}

/* Pipelined commands (RFC 2920) and a too-big message, fed whole and cut everywhere. */
static void
test_pipelining (Fixture *fx, gconstpointer lmtp)
{
	GString *in = g_string_new (lmtp ? "LHLO x\r\n" : "EHLO x\r\n");
	g_autofree char *input = NULL;
	guint i;

	g_string_append (in, "MAIL FROM:<a@b.example>\r\nRCPT TO:<nobody@example.com>\r\n"
	                     "RCPT TO:<support@example.com>\r\nRCPT TO:<sales@example.com>\r\nDATA\r\n"
	                     "Subject: big\r\n\r\n");
	for (i = 0; i < 40; i++)
		g_string_append (in, "..a line of a message too big for the limit of 2000 bytes\r\n");
	g_string_append (in, ".\r\nNOOP\r\nRSET\r\nQUIT\r\n");
	input = g_string_free (in, FALSE);
	run_cut (fx, input, lmtp ? "220 250 250 550 250 250 354 552 552 250 250 221"
	                         : "220 250 250 550 250 250 354 552 250 250 221");
}

/* Overlong command lines get 500 and the session goes on, however they arrive. */
static void
test_long_lines (Fixture *fx, gconstpointer lmtp)
{
	g_autofree char *a = g_strnfill (1500, 'a');
	g_autofree char *input = g_strdup_printf ("%s x\r\nNOOP %s\r\nNOOP %s\nNOOP\r\nQUIT\r\n",
	                                          lmtp ? "LHLO" : "EHLO", a, a);

	run_cut (fx, input, "220 250 500 500 250 221");
}

/* Binary noise with NULs and bare CRs: errors, then 421 after too many, never a crash. */
static void
test_noise (Fixture *fx, gconstpointer lmtp)
{
	static const char noise[] = "\x00\x01\xff\r\r\n\x00MAIL\x00" "FROM:<a@b>\r\n\xfe\xfe\n"
	                            "\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n";
	Peer p;
	g_autofree char *got = NULL;

	peer_start (fx, &p);
	peer_send (fx, &p, noise, sizeof noise - 1);
	peer_wait_eof (fx, &p, 10);
	got = codes (p.got->str);
	g_assert_true (g_str_has_prefix (got, "220 500"));
	g_assert_true (g_str_has_suffix (got, " 421"));
	peer_free (&p);
}

/* The deadlines: silence, a line begun but never ended, bytes dripped without a whole line
 * (they do not extend the idle timer), and the session's own limit. Each gets 421 4.4.2. */
static void
test_deadlines (Fixture *fx, gconstpointer lmtp)
{
	static const struct {
		const char *name;
		int idle, command, session;
		const char *first;  /* sent at once */
		const char *drip;   /* then this, a byte each DRIP_EVERY seconds (NULL: nothing) */
		double drip_every;
		const char *want;   /* the 421's text */
		double min, max;    /* seconds until the close */
	} cases[] = {
		{ "silence", 1, 30, 60, "", NULL, 0, "Idle timeout", 0.9, 3 },
		{ "a line never ended", 30, 1, 60, "NOOP", NULL, 0, "Command timeout", 0.9, 3 },
		{ "bytes, no whole line", 2, 30, 60, "", "NOOOOOOOOOOOOOOOOOOOOOOOOOOOOO", 0.3, "Idle timeout",
		  1.9, 4 },
		{ "whole lines, too long a session", 30, 30, 2, "", "NOOP\r\nNOOP\r\nNOOP\r\nNOOP\r\n", 0.2,
		  "Session time limit", 1.9, 4 },
	};
	guint i;

	for (i = 0; i < G_N_ELEMENTS (cases); i++) {
		Peer p;
		gint64 start = g_get_monotonic_time ();
		double took;
		guint n = 0;

		fx->set.idle_timeout = cases[i].idle;
		fx->set.command_timeout = cases[i].command;
		fx->set.session_timeout = cases[i].session;
		peer_start (fx, &p);
		peer_send (fx, &p, cases[i].first, strlen (cases[i].first));
		while (!(p.eof && fx->closed) && g_get_monotonic_time () - start < 10 * G_USEC_PER_SEC) {
			if (cases[i].drip && cases[i].drip[n] != '\0' &&
			    g_get_monotonic_time () - start > (gint64) (n * cases[i].drip_every * G_USEC_PER_SEC)) {
				peer_send (fx, &p, cases[i].drip + n, 1);
				n++;
			}
			g_main_context_iteration (NULL, FALSE);
			peer_poll (&p);
			g_usleep (1000);
		}
		took = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
		g_test_message ("%s: closed after %.1f s: %s", cases[i].name, took, p.got->str);
		g_assert_true (p.eof);
		if (strstr (p.got->str, "\r\n421 4.4.2 ") == NULL || strstr (p.got->str, cases[i].want) == NULL)
			g_error ("%s: got \"%s\", want 421 4.4.2 %s", cases[i].name, p.got->str, cases[i].want);
		if (took < cases[i].min || took > cases[i].max)
			g_error ("%s: closed after %.1f s, want %.1f to %.1f", cases[i].name, took, cases[i].min,
			         cases[i].max);
		peer_free (&p);
	}
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
#define ADD(path, lmtp, fn) g_test_add (path, Fixture, lmtp, fixture_set_up, fn, fixture_tear_down)
	ADD ("/session/ehlo", NULL, test_ehlo);
	ADD ("/session/hello-variants", NULL, test_hello_variants);
	ADD ("/session/lmtp-hello", "lmtp", test_lmtp_hello);
	ADD ("/session/transaction", NULL, test_transaction);
	ADD ("/session/paths", NULL, test_paths);
	ADD ("/session/other-commands", NULL, test_other_commands);
	ADD ("/session/too-many-errors", NULL, test_too_many_errors);
	ADD ("/session/stopping", NULL, test_stopping);
	ADD ("/session/dot-unstuffing", NULL, test_dot_unstuffing);
	ADD ("/session/data-too-big/smtp", NULL, test_data_too_big);
	ADD ("/session/data-too-big/lmtp", "lmtp", test_data_too_big);
	ADD ("/session/data-long-line/smtp", NULL, test_data_long_line);
	ADD ("/session/data-long-line/lmtp", "lmtp", test_data_long_line);
	ADD ("/session/socket/greeting/smtp", NULL, test_greeting);
	ADD ("/session/socket/greeting/lmtp", "lmtp", test_greeting);
	ADD ("/session/socket/pipelining/smtp", NULL, test_pipelining);
	ADD ("/session/socket/pipelining/lmtp", "lmtp", test_pipelining);
	ADD ("/session/socket/long-lines", NULL, test_long_lines);
	ADD ("/session/socket/noise", NULL, test_noise);
	ADD ("/session/socket/deadlines", NULL, test_deadlines);
#undef ADD
	g_test_add_func ("/session/own-address", test_own_address);
	return g_test_run ();
}
