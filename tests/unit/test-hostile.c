/* test-hostile.c - hostile shapes of mail (issue 8's probes), generated large, run through
 * parse + filter chain + quote stripping with a CPU ceiling measured by getrusage: linear code
 * takes milliseconds, the quadratic versions took 10-60 s. Also every file under
 * tests/data/hostile/ (small probes kept in the tree), each with the same ceiling. */
#include <string.h>
#include <sys/resource.h>
#include <glib.h>
#include "mail/mail.h"
#include "mail/quote.h"
#include "filters/chain.h"

/* Generous on purpose (sanitizer builds, slow CI machines): not a speed test, a complexity one. */
#define CPU_CEILING_S 2.0
/* Shapes of tens of megabytes spend a linear second or two in GMime under ASan alone. */
#define CPU_CEILING_BIG_S 8.0

static const char *const own[] = { "support@example.com", NULL };
static const PdQueueInfo queue = { "support", "support@example.com", "SUPPORT" };

static double
cpu_seconds (void)
{
	struct rusage ru;

	getrusage (RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec
	       + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* Parse RAW, run the chain and the quote stripper on its text, as deliver and the agent
 * notification do; return the CPU seconds spent. The mail must parse. */
static double
run_path (GBytes *raw, PdClass *klass_r)
{
	PdMailLimits limits = { 50 * 1024 * 1024, 30, 500 };
	g_autoptr (GError) error = NULL;
	g_autoptr (GBytes) secret = g_bytes_new_static ("0123456789abcdef0123456789abcdef", 32);
	double start = cpu_seconds ();
	g_autoptr (PdMail) mail = pd_mail_parse (raw, &limits, &error);
	PdContext ctx;

	g_assert_no_error (error);
	g_assert_nonnull (mail);
	pd_context_init (&ctx);
	ctx.domain = "example.com";
	ctx.queues = &queue;
	ctx.n_queues = 1;
	ctx.own_addresses = own;
	ctx.secret = secret;
	g_assert_true (pd_chain_run (&ctx, mail, &error));
	g_assert_no_error (error);
	{
		g_autofree char *removed = NULL;
		g_autofree char *text = pd_quote_new_text (mail->body_text, &removed);
		g_assert_nonnull (text);
	}
	if (klass_r)
		*klass_r = ctx.klass;
	pd_context_clear (&ctx);
	return cpu_seconds () - start;
}

static void
check_cpu (const char *name, double took, double ceiling)
{
	g_test_message ("%s: %.3f s CPU", name, took);
	if (took > ceiling)
		g_test_message ("%s: got %.3f s of CPU, want under %.1f s", name, took, ceiling);
	g_assert_cmpfloat (took, <, ceiling);
}

#define HEAD \
	"From: Customer <customer@example.org>\nTo: support@example.com\n" \
	"Subject: hostile\nMessage-ID: <hostile@example.org>\n" \
	"Date: Tue, 1 Feb 2022 11:00:00 +0100\nContent-Type: text/plain; charset=utf-8\n\n"

static GBytes *
message (const char *head, GString *body)
{
	g_string_prepend (body, head);
	return g_string_free_to_bytes (body);
}

/* 80 KB of lines "1:1:1:...": the unanchored "\d.*\s...:$" attribution patterns on joins of
 * up to five lines. */
static void
test_colons (void)
{
	GString *body = g_string_new (NULL);

	while (body->len < 80 * 1024) {
		for (int i = 0; i < 39; i++)
			g_string_append (body, "1:");
		g_string_append (body, "1\n");
	}
	g_autoptr (GBytes) raw = message (HEAD, body);
	check_cpu ("colons", run_path (raw, NULL), CPU_CEILING_S);
}

/* The same with blanks, so every joined line has spaces before its last colon. */
static void
test_colons_spaced (void)
{
	GString *body = g_string_new (NULL);

	while (body->len < 80 * 1024) {
		for (int i = 0; i < 19; i++)
			g_string_append (body, "1 : ");
		g_string_append (body, "1:\n");
	}
	g_autoptr (GBytes) raw = message (HEAD, body);
	check_cpu ("colons-spaced", run_path (raw, NULL), CPU_CEILING_S);
}

/* 20,000 lines "To: a": a header block looked for from every line. */
static void
test_header_lines (void)
{
	GString *body = g_string_new ("Hello,\n\n");

	for (int i = 0; i < 20000; i++)
		g_string_append (body, "To: a\n");
	g_autoptr (GBytes) raw = message (HEAD, body);
	check_cpu ("header-lines", run_path (raw, NULL), CPU_CEILING_S);
}

/* 20,000 quoted lines alternating with reply lines. */
static void
test_quote_alternating (void)
{
	GString *body = g_string_new ("On Tue, 1 Feb 2022 at 10:00, Support <support@example.com> wrote:\n");

	for (int i = 0; i < 20000; i++)
		g_string_append_printf (body, "> question %d\nanswer %d\n", i, i);
	g_autoptr (GBytes) raw = message (HEAD, body);
	check_cpu ("quote-alternating", run_path (raw, NULL), CPU_CEILING_S);
}

/* Attributions and separators in every line: markers, delimiters and mobile footers. */
static void
test_markers (void)
{
	GString *body = g_string_new ("Hello\n");

	for (int i = 0; i < 5000; i++)
		g_string_append (body, "text\n-----\nSent from my iPhone\nOn 1 Feb 2022 Bob wrote:\n");
	g_autoptr (GBytes) raw = message (HEAD, body);
	check_cpu ("markers", run_path (raw, NULL), CPU_CEILING_S);
}

/* A 30 MB body on a single line. */
static void
test_single_line (void)
{
	GString *body = g_string_sized_new (30 * 1024 * 1024 + 1024);

	while (body->len < 30 * 1024 * 1024)
		g_string_append (body, "On 1 wrote: 1:1 <a@b> ----- 1:1 1:1 1:1 1:1 1:1 1:1 ");
	g_string_append_c (body, '\n');
	g_autoptr (GBytes) raw = message (HEAD, body);
	check_cpu ("single-line", run_path (raw, NULL), CPU_CEILING_BIG_S);
}

/* A 49 MB body of short lines. */
static void
test_short_lines (void)
{
	GString *body = g_string_sized_new (49 * 1024 * 1024 + 1024);

	while (body->len < 49 * 1024 * 1024)
		g_string_append (body, "> a\nb:\n1 c\n");
	g_autoptr (GBytes) raw = message (HEAD, body);
	check_cpu ("short-lines", run_path (raw, NULL), CPU_CEILING_BIG_S);
}

/* A text bounce with one line of 20,000 addresses. */
static void
test_bounce_addresses (void)
{
	GString *body = g_string_new ("This is the mail system at host mx.example.net.\n\n"
	                              "I'm sorry to have to inform you that your message could not\n"
	                              "be delivered to one or more recipients.\n\n");
	PdClass klass = PD_CLASS_HUMAN;

	for (int i = 0; i < 20000; i++)
		g_string_append_printf (body, "<user%d@example.org> ", i);
	g_string_append (body, ": host mx.example.org said: 550 5.1.1 User unknown\n");
	g_autoptr (GBytes) raw = message (
		"From: MAILER-DAEMON@mx.example.net (Mail Delivery System)\nTo: support@example.com\n"
		"Subject: Undelivered Mail Returned to Sender\nMessage-ID: <b@mx.example.net>\n\n",
		body);
	check_cpu ("bounce-addresses", run_path (raw, &klass), CPU_CEILING_S);
	g_assert_cmpstr (pd_class_name (klass), ==, "bounce");
}

/* The same addresses, each on its own line, and each twice. */
static void
test_bounce_address_lines (void)
{
	GString *body = g_string_new ("Delivery to the following recipients failed.\n\n");

	for (int i = 0; i < 20000; i++)
		g_string_append_printf (body, "user%d@example.org: 550 5.1.1 unknown user%d@example.org\n",
		                        i, i);
	g_autoptr (GBytes) raw = message (
		"From: MAILER-DAEMON@mx.example.net\nTo: support@example.com\n"
		"Subject: Undeliverable: hello\nMessage-ID: <b2@mx.example.net>\n\n",
		body);
	check_cpu ("bounce-address-lines", run_path (raw, NULL), CPU_CEILING_S);
}

/* A delivery report with 20,000 recipient blocks. */
static void
test_dsn_blocks (void)
{
	GString *body = g_string_new ("--B\nContent-Type: text/plain\n\nDelivery report.\n\n--B\n"
	                              "Content-Type: message/delivery-status\n\n"
	                              "Reporting-MTA: dns; mx.example.net\n\n");
	PdClass klass = PD_CLASS_HUMAN;

	for (int i = 0; i < 20000; i++)
		g_string_append_printf (body, "Final-Recipient: rfc822; user%d@example.org\n"
		                              "Action: failed\nStatus: 5.1.1\n\n", i);
	g_string_append (body, "--B--\n");
	g_autoptr (GBytes) raw = message (
		"From: MAILER-DAEMON@mx.example.net\nTo: support@example.com\n"
		"Subject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n"
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n",
		body);
	check_cpu ("dsn-blocks", run_path (raw, &klass), CPU_CEILING_S);
	g_assert_cmpstr (pd_class_name (klass), ==, "bounce");
}

/* Every file under tests/data/hostile/ (*.eml): parses and runs in bounded CPU. */
static void
test_data_file (gconstpointer data)
{
	const char *path = data;
	g_autofree char *text = NULL;
	gsize len;
	g_autoptr (GError) error = NULL;

	g_assert_true (g_file_get_contents (path, &text, &len, &error));
	g_assert_no_error (error);
	g_autoptr (GBytes) raw = g_bytes_new_take (g_steal_pointer (&text), len);
	check_cpu (path, run_path (raw, NULL), CPU_CEILING_S);
}

static int
by_name (gconstpointer a, gconstpointer b)
{
	return strcmp (*(char *const *) a, *(char *const *) b);
}

static void
add_data_files (void)
{
	const char *srcdir = g_getenv ("POSTDESK_SRCDIR");
	g_autofree char *dir = g_build_filename (srcdir ? srcdir : ".", "tests", "data", "hostile",
	                                         NULL);
	g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
	g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
	const char *name;

	/* the directory is part of the tree: a missing one is a broken checkout, not a skip */
	g_assert_nonnull (d);
	while ((name = g_dir_read_name (d)) != NULL)
		if (g_str_has_suffix (name, ".eml"))
			g_ptr_array_add (names, g_strdup (name));
	g_assert_cmpuint (names->len, >, 0);
	g_ptr_array_sort (names, by_name);
	for (guint i = 0; i < names->len; i++) {
		g_autofree char *test = g_strdup_printf ("/hostile/data/%s", (char *) names->pdata[i]);
		g_test_add_data_func_full (test, g_build_filename (dir, names->pdata[i], NULL),
		                           test_data_file, g_free);
	}
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/hostile/colons", test_colons);
	g_test_add_func ("/hostile/colons-spaced", test_colons_spaced);
	g_test_add_func ("/hostile/header-lines", test_header_lines);
	g_test_add_func ("/hostile/quote-alternating", test_quote_alternating);
	g_test_add_func ("/hostile/markers", test_markers);
	g_test_add_func ("/hostile/bounce-addresses", test_bounce_addresses);
	g_test_add_func ("/hostile/bounce-address-lines", test_bounce_address_lines);
	g_test_add_func ("/hostile/dsn-blocks", test_dsn_blocks);
	g_test_add_func ("/hostile/single-line", test_single_line);
	g_test_add_func ("/hostile/short-lines", test_short_lines);
	add_data_files ();
	return g_test_run ();
}
