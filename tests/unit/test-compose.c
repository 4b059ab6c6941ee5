/* test-compose.c - the direct writer of outgoing mail (compose-direct.c) gives GMime's bytes.
 * Every message here is composed twice with the same Date, by GMime's object model (the
 * reference, pd_compose_gmime) and by the direct writer (pd_compose_direct), and the bytes are
 * compared: a table of acknowledgements and notifications (ASCII, UTF-8 subjects and names,
 * subjects that fold, words GMime encodes, quoted-printable and base64 bodies, long lines,
 * "From " lines, long References, template headers), the built-in ack and notify templates
 * rendered, and a few thousand messages put together at random from such pieces. The table
 * also says which messages must take the direct path, so that it cannot quietly stop being
 * used. */
#include <string.h>
#include <glib.h>

#include "core/template.h"
#include "mail/compose.h"
#include "mail/mail.h"

static GDateTime *
test_date (guint i)
{
	static const char *const zones[] = { "+00:00", "+01:00", "-08:00", "+05:30", "+14:00" };
	g_autoptr (GTimeZone) tz = g_time_zone_new_identifier (zones[i % G_N_ELEMENTS (zones)]);

	return g_date_time_new (tz, 2026, 1 + i % 12, 1 + i % 28, i % 24, i % 60, (gdouble) (i % 60));
}

/* Compose SPEC both ways; the bytes must be equal when the direct writer takes it. Returns
 * whether it did. */
static gboolean
check_same (const PdComposeSpec *spec, guint i, const char *what)
{
	g_autoptr (GDateTime) date = test_date (i);
	g_autoptr (GError) error = NULL;
	g_autoptr (GBytes) want = pd_compose_gmime (spec, date, &error);
	g_autoptr (GBytes) got = pd_compose_direct (spec, date);

	g_assert_no_error (error);
	g_assert_nonnull (want);
	if (got == NULL)
		return FALSE;
	if (!g_bytes_equal (got, want)) {
		g_autofree char *w = g_strndup (g_bytes_get_data (want, NULL), g_bytes_get_size (want));
		g_autofree char *g = g_strndup (g_bytes_get_data (got, NULL), g_bytes_get_size (got));

		g_test_message ("%s: direct\n%s\nGMime\n%s", what, g, w);
		g_assert_cmpstr (g, ==, w);
	}
	return TRUE;
}

static const char long_line[] =
	"0123456789 123456789 123456789 123456789 123456789 123456789 123456789 123456789 "
	"123456789 123456789 123456789 123456789 123456789 123456789 123456789 123456789 ";

typedef struct {
	const char *what;
	gboolean direct; /* must the direct writer take it? */
	const char *from_name, *to_name, *subject, *in_reply_to, *body;
	const char *extra_name, *extra_value;
	const char *to_addr;
} Case;

static void
test_table (void)
{
	g_autofree char *line998 = g_strnfill (998, 'a');
	g_autofree char *line999 = g_strnfill (999, 'b');
	g_autofree char *body998 = g_strdup_printf ("Hello,\n%s\nbye\n", line998);
	g_autofree char *body999 = g_strdup_printf ("Hello,\n%s\nbye\n", line999);
	g_autofree char *longbody = g_strdup_printf ("Hello,\n%s%s\n", long_line, long_line);
	g_autofree char *x56 = g_strnfill (78 - 9 - 13, 'x');
	g_autofree char *x57 = g_strnfill (79 - 9 - 13, 'x');
	g_autofree char *subj78 = g_strdup_printf ("[SUPPORT #1] %s", x56);
	g_autofree char *subj79 = g_strdup_printf ("[SUPPORT #1] %s", x57);
	const Case cases[] = {
		{ "plain ack", TRUE, "Support", "Jo Bloggs", "[SUPPORT #1] my printer", "a@b",
		  "Hello Jo,\n\nthank you.\n\n-- \nSupport\n" },
		{ "no names", TRUE, NULL, NULL, "[SUPPORT #2] x", NULL, "text" },
		{ "quoted name", TRUE, "Support, Inc.", "Bloggs, Jo \"JB\" \\o/", "[S #3] q", "x@y",
		  "body\n" },
		{ "name with dots", TRUE, "Acme Ltd.", "J. R. Doe", "s", NULL, "b\n" },
		{ "name with double space", FALSE, NULL, "Jo  Bloggs", "s", NULL, "b\n" },
		{ "utf-8 name", FALSE, NULL, "Jörg Müller", "s", NULL, "b\n" },
		{ "utf-8 name outside latin-1", FALSE, NULL, "Дмитрий", "s", NULL, "b\n" },
		{ "utf-8 subject", TRUE, NULL, NULL, "[SUPPORT #4] Ünïcode Grüße", NULL, "b\n" },
		{ "cyrillic subject", TRUE, NULL, NULL, "[SUPPORT #4] Привет, мир — как дела?", NULL, "b\n" },
		{ "subject of 78", TRUE, NULL, NULL, subj78, NULL, "b\n" },
		{ "subject of 79", TRUE, NULL, NULL, subj79, NULL, "b\n" },
		{ "long subject folds", TRUE, NULL, NULL,
		  "[SUPPORT #5] a rather long subject that goes on and on past the seventy-eight "
		  "column limit of a header line and then some more words",
		  NULL, "b\n" },
		{ "long word in subject", TRUE, NULL, NULL,
		  "[SUPPORT #6] a-very-long-word-without-any-spaces-at-all-that-exceeds-the-limit-78",
		  NULL, "b\n" },
		{ "long utf-8 subject", TRUE, NULL, NULL,
		  "[SUPPORT #7] Ünïcode überall: Straße, Größe, Maß, naïve café, résumé, "
		  "crème brûlée, smörgåsbord, Ærø, Ħ, 日本語のテキスト",
		  NULL, "b\n" },
		{ "encoded-word lookalike", TRUE, NULL, NULL, "[S #8] =?utf-8?q?hi?= there", NULL,
		  "b\n" },
		{ "outer spaces", FALSE, NULL, NULL, "  spaced   subject  ", NULL, "b\n" },
		{ "tab in subject", TRUE, NULL, NULL, "a\tb", NULL, "b\n" },
		{ "only spaces", FALSE, NULL, NULL, "   ", NULL, "b\n" },
		{ "empty subject", TRUE, NULL, NULL, "", NULL, "b\n" },
		{ "utf-8 body", TRUE, NULL, NULL, "s", NULL, "Hällo Jörg,\nGrüße\n" },
		{ "utf-8 body outside latin-1", TRUE, NULL, NULL, "s", NULL, "Привет\nмир\n" },
		{ "mostly 8-bit body (base64)", TRUE, NULL, NULL, "s", NULL, "日本語のテキストです。\n" },
		{ "line of 998", TRUE, NULL, NULL, "s", NULL, body998 },
		{ "line of 999", TRUE, NULL, NULL, "s", NULL, body999 },
		{ "long lines", TRUE, NULL, NULL, "s", NULL, longbody },
		{ "From line", TRUE, NULL, NULL, "s", NULL, "a\nFrom me\n.\n" },
		{ "From at start", TRUE, NULL, NULL, "s", NULL, "From me\n" },
		{ "From inside", TRUE, NULL, NULL, "s", NULL, "a From me\n" },
		{ "trailing spaces", TRUE, NULL, NULL, "s", NULL, "a  \nb\t\n \n" },
		{ "no final newline", TRUE, NULL, NULL, "s", NULL, "a\nb" },
		{ "blank lines at end", TRUE, NULL, NULL, "s", NULL, "a\n\n\n" },
		{ "dot lines", TRUE, NULL, NULL, "s", NULL, ".\n..\n.x\n" },
		{ "CR in body", TRUE, NULL, NULL, "s", NULL, "a\r\nb\rc\n" },
		{ "control bytes", TRUE, NULL, NULL, "s", NULL, "a\x01\x1b[1mb\x7f\n" },
		{ "empty body", TRUE, NULL, NULL, "s", NULL, "" },
		{ "template header", TRUE, NULL, NULL, "s", NULL, "b\n", "X-Ticket", "42" },
		{ "utf-8 template header", TRUE, NULL, NULL, "s", NULL, "b\n", "X-Note", "für dich" },
		{ "long template header", TRUE, NULL, NULL, "s", NULL, "b\n", "Comments",
		  "0123456789 123456789 123456789 123456789 123456789 123456789 123456789 "
		  "123456789 123456789 123456789 123456789 123456789 123456789 123456789" },
		{ "template Reply-To", FALSE, NULL, NULL, "s", NULL, "b\n", "Reply-To", "x@y" },
		{ "template X-Loop", FALSE, NULL, NULL, "s", NULL, "b\n", "x-loop", "x@y" },
		{ "template Content-Type", FALSE, NULL, NULL, "s", NULL, "b\n", "Content-Type",
		  "text/html" },
		{ "odd in-reply-to", TRUE, NULL, NULL, "s", "weird id with spaces@x", "b\n" },
		{ "utf-8 in-reply-to", TRUE, NULL, NULL, "s", "ü@x", "b\n" },
		{ "long in-reply-to", TRUE, NULL, NULL, "s",
		  "CAFE1234567890abcdef1234567890abcdef1234567890abcdef1234567890@mail.example.com",
		  "b\n" },
		{ "quoted local part", FALSE, NULL, "Jo", "s", NULL, "b\n", NULL, NULL,
		  "\"jo bloggs\"@example.org" },
		{ "utf-8 domain", FALSE, NULL, "Jo", "s", NULL, "b\n", NULL, NULL, "jo@bücher.example" },
		{ "long name folds", FALSE, NULL,
		  "A Very Long Display Name That Goes On And On Until The Header Must Fold", "s",
		  NULL, "b\n" },
	};

	for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
		const Case *c = &cases[i];
		const char *refs[] = { "root@example.com", "b@c", NULL };
		g_autoptr (GPtrArray) extra = g_ptr_array_new ();
		PdComposeSpec spec = { 0 };
		gboolean direct;

		g_ptr_array_add (extra, "Subject");
		g_ptr_array_add (extra, (char *) c->subject);
		if (c->extra_name) {
			g_ptr_array_add (extra, (char *) c->extra_name);
			g_ptr_array_add (extra, (char *) c->extra_value);
		}
		spec.from_name = c->from_name;
		spec.from_addr = "support@example.com";
		spec.to_name = c->to_name;
		spec.to_addr = c->to_addr ? c->to_addr : "jo@example.org";
		spec.reply_to = "support+t.1.3f2a9b@example.com";
		spec.subject = c->subject;
		spec.message_id = "pd.1764403200.0a1b2c3d4e5f6071@example.com";
		spec.in_reply_to = c->in_reply_to;
		spec.references = c->in_reply_to ? refs : NULL;
		spec.auto_submitted = i % 2 ? "auto-replied" : "auto-generated";
		spec.loop_address = "support@example.com";
		spec.body = c->body;
		spec.extra_headers = extra;
		direct = check_same (&spec, i, c->what);
		if (c->direct && !direct)
			g_error ("%s: the direct writer left it to GMime", c->what);
		if (!c->direct && direct)
			g_error ("%s: the direct writer took it, GMime's path was expected", c->what);
	}
}

/* Cc, no Reply-To, no threading, no automatic-mail headers (an agent's reply); a long
 * References list (more than 10 ids: the first and the last 9) that GMime folds. */
static void
test_shapes (void)
{
	const char *cc[] = { "ann@example.org", "bob@example.net", NULL };
	const char *refs[13];
	char *ids[12];
	PdComposeSpec spec = { 0 };

	for (guint i = 0; i < 12; i++)
		refs[i] = ids[i] = g_strdup_printf ("message.%u.abcdef%u@mail.example.com", i, i * 7);
	refs[12] = NULL;
	spec.from_name = "Ann Agent via Support";
	spec.from_addr = "support@example.com";
	spec.to_addr = "jo@example.org";
	spec.cc = cc;
	spec.subject = "Re: [SUPPORT #9] answer";
	spec.message_id = "pd.1.2@example.com";
	spec.body = "Here it is.\n";
	g_assert_true (check_same (&spec, 1, "cc, human mail"));
	spec.in_reply_to = refs[11];
	spec.references = refs;
	g_assert_true (check_same (&spec, 2, "long references"));
	refs[3] = NULL;
	g_assert_true (check_same (&spec, 3, "three references"));
	/* mailboxes around the line length where GMime folds them (From, To, Reply-To, Cc);
	 * the cases found by e2e 286: a From line of exactly 78 is folded */
	for (guint len = 20; len < 60; len++) {
		g_autofree char *name = g_strnfill (len, 'n');
		g_autofree char *local = g_strnfill (len, 'a');
		g_autofree char *addr = g_strdup_printf ("%s@example.org", local);
		const char *ccs[] = { "ann@example.org", addr, NULL };
		PdComposeSpec m = spec;
		guint direct = 0;

		for (guint k = 4; k < len - 1; k += 7)
			name[k] = ' ';
		m.from_name = name;
		direct += check_same (&m, len, "From");
		m.from_name = NULL;
		m.from_addr = addr;
		direct += check_same (&m, len, "From, address alone");
		m.from_addr = spec.from_addr;
		m.to_name = name;
		direct += check_same (&m, len, "To");
		m.to_name = NULL;
		m.reply_to = addr;
		direct += check_same (&m, len, "Reply-To");
		m.reply_to = NULL;
		m.cc = ccs;
		direct += check_same (&m, len, "Cc");
		/* short enough lines are written directly */
		if (len < 40)
			g_assert_cmpuint (direct, ==, 5);
	}
	/* header values of every length around the fold: threading, X-Loop, Subject, a
	 * template's own header */
	for (guint len = 50; len < 85; len++) {
		g_autofree char *id = g_strnfill (len, 'i');
		g_autofree char *loop = g_strnfill (len, 'l');
		g_autofree char *subject = g_strnfill (len, 's');
		g_autofree char *value = g_strnfill (len, 'v');
		const char *ids2[] = { "root@example.com", id, NULL };
		g_autoptr (GPtrArray) extra = g_ptr_array_new ();
		PdComposeSpec m = spec;

		id[len / 2] = '@';
		loop[len / 2] = '@';
		subject[len / 3] = ' ';
		value[len / 4] = ' ';
		g_ptr_array_add (extra, "X-Ticket-Note");
		g_ptr_array_add (extra, value);
		m.in_reply_to = id;
		m.references = ids2;
		m.loop_address = loop;
		m.auto_submitted = "auto-replied";
		m.subject = subject;
		m.extra_headers = extra;
		g_assert_true (check_same (&m, len, "lengths around the fold"));
		/* our own Message-Id, written directly up to the line length */
		m.message_id = id;
		if (check_same (&m, len, "Message-Id") != (len + 14 <= 78))
			g_error ("Message-Id of %u: the direct writer should take it up to 64", len);
	}
	/* with an attachment or HTML, GMime's path */
	spec.html = "<p>x</p>";
	g_assert_false (check_same (&spec, 4, "html"));
	for (guint i = 0; i < 12; i++)
		g_free (ids[i]);
}

/* The built-in templates, rendered as ack.c and notify.c render them. */
static void
test_templates (void)
{
	const char *subjects[] = { "my printer", "Drucker geht nicht — bitte helfen Sie mir schnell",
	                           ("a long subject line from a customer who writes a whole sentence "
	                            "into the subject of the mail"),
	                           "" };
	const char *names[] = { "Jo Bloggs", NULL, "Müller, Jörg" };

	for (guint i = 0; i < G_N_ELEMENTS (subjects) * G_N_ELEMENTS (names); i++) {
		const char *subject = subjects[i % G_N_ELEMENTS (subjects)];
		const char *name = names[i / G_N_ELEMENTS (subjects)];
		g_autoptr (PdTemplateData) data = pd_template_data_new ();
		g_autoptr (PdRendered) r = NULL;
		g_autoptr (GError) error = NULL;
		const char *refs[] = { "orig@example.org", NULL };
		PdComposeSpec spec = { 0 };
		gboolean direct;

		pd_template_data_set_int (data, "ticket", 1000 + i);
		pd_template_data_set (data, "tag", "SUPPORT");
		pd_template_data_set (data, "subject", *subject ? subject : "(no subject)");
		pd_template_data_set (data, "customer_name", name);
		pd_template_data_set (data, "customer", name ? name : "jo@example.org");
		pd_template_data_set (data, "text", "Der Drucker druckt nicht.\nFrom now on, please.\n");
		pd_template_data_set (data, "queue_address", "support@example.com");
		pd_template_data_set (data, "signature", "Support");
		pd_template_data_set (data, "state", "new");
		r = pd_template_render ("/nonexistent", "en", i % 2 ? "notify" : "ack", data, &error);
		g_assert_no_error (error);
		spec.from_name = "Support";
		spec.from_addr = "support@example.com";
		spec.to_name = name;
		spec.to_addr = "jo@example.org";
		spec.reply_to = "support+t.1.3f2a9b@example.com";
		spec.subject = pd_rendered_header (r, "Subject");
		spec.message_id = "pd.1764403200.0a1b2c3d4e5f6071@example.com";
		spec.in_reply_to = refs[0];
		spec.references = refs;
		spec.auto_submitted = "auto-replied";
		spec.loop_address = "support@example.com";
		spec.body = r->body;
		spec.extra_headers = r->headers;
		direct = check_same (&spec, i, spec.subject);
		/* an ASCII name (or none) is always written directly */
		if (name == NULL || g_str_is_ascii (name))
			g_assert_true (direct);
	}
}

/* Messages put together at random from pieces that matter to encoding and folding. */
static void
test_random (void)
{
	static const char *const words[] = {
		"a", "printer", "[SUPPORT", "#12]", "Re:", "Fwd:", "ü", "Größe", "日本語", "—", "\"q\"",
		"(c)", "a,b", "x.y", "=?", "?=", "=?utf-8?q?x?=", "", " ", "\t", "\\", "<a@b>", ";",
		"supercalifragilisticexpialidocious-and-then-some-more-characters",
		"0123456789012345678901234567890123456789", "From", "From ", ".", "é", "Ω", "😀",
		"x", "word", "another", "hello", "@", ":", "'", "~",
	};
	GRand *rnd = g_rand_new_with_seed (20261129);
	guint direct = 0, n = 3000;

	for (guint i = 0; i < n; i++) {
		GString *subject = g_string_new (NULL), *name = g_string_new (NULL),
		        *body = g_string_new (NULL);
		g_autofree char *what = NULL;
		PdComposeSpec spec = { 0 };
		guint k = g_rand_int_range (rnd, 0, 30);

		for (guint j = 0; j < k; j++)
			g_string_append_printf (subject, "%s%s", j ? " " : "",
			                        words[g_rand_int_range (rnd, 0, G_N_ELEMENTS (words))]);
		k = g_rand_int_range (rnd, 0, 5);
		for (guint j = 0; j < k; j++)
			g_string_append_printf (name, "%s%s", j ? " " : "",
			                        words[g_rand_int_range (rnd, 0, G_N_ELEMENTS (words))]);
		k = g_rand_int_range (rnd, 0, 200);
		for (guint j = 0; j < k; j++) {
			guint r = g_rand_int_range (rnd, 0, 12);

			g_string_append (body, words[g_rand_int_range (rnd, 0, G_N_ELEMENTS (words))]);
			g_string_append (body, r == 0 ? "\n" : r == 1 ? "\n\n" : r == 2 ? "" : " ");
		}
		spec.from_name = "Support";
		spec.from_addr = "support@example.com";
		spec.to_name = g_rand_boolean (rnd) ? name->str : NULL;
		spec.to_addr = "customer.name+tag@mail.example.org";
		spec.reply_to = "support+t.1.3f2a9b@example.com";
		spec.subject = subject->str;
		spec.message_id = "pd.1764403200.0a1b2c3d4e5f6071@example.com";
		spec.auto_submitted = "auto-replied";
		spec.loop_address = "support@example.com";
		spec.body = body->str;
		what = g_strdup_printf ("random %u: subject \"%s\", name \"%s\"", i, subject->str,
		                        name->str);
		direct += check_same (&spec, i, what);
		g_string_free (subject, TRUE);
		g_string_free (name, TRUE);
		g_string_free (body, TRUE);
	}
	g_rand_free (rnd);
	g_test_message ("%u of %u written directly", direct, n);
	g_assert_cmpuint (direct, >, n / 3);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/compose/table", test_table);
	g_test_add_func ("/compose/shapes", test_shapes);
	g_test_add_func ("/compose/templates", test_templates);
	g_test_add_func ("/compose/random", test_random);
	return g_test_run ();
}
