/* test-intake.c - intake on a temporary home: accept (the envelope kept as intake keeps it,
 * MAILER-DAEMON as the null sender), a re-delivery recognised, one processing per recipient
 * (a ticket per queue; a queue address beside its +extension processed once), and the
 * quarantine path of pd_intake_settle. */
#include <glib/gstdio.h>
#include <string.h>

#include "core/error.h"
#include "cmd/cli.h"
#include "intake/intake.h"
#include "test-tree.h"

typedef struct {
	char *home;
	PdApp *app;
} Fixture;

static const char config[] = "[postdesk]\ndomain = example.com\n\n"
                             "[queue support]\naddress = support@example.com\ntag = SUPPORT\n\n"
                             "[queue sales]\naddress = sales@example.com\ntag = SALES\n";

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;

	(void) data;
	f->home = test_home_new ("pd-test-intake.XXXXXX", config);
	f->app = pd_app_open (PD_APP_STORE, &error);
	g_assert_no_error (error);
	g_assert_nonnull (f->app);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
	(void) data;
	pd_app_free (f->app);
	remove_tree (f->home);
	g_free (f->home);
}

static GBytes *
human_mail (const char *from, const char *subject)
{
	char *text = g_strdup_printf ("From: Ann <%s>\r\nTo: support@example.com, sales@example.com\r\n"
	                              "Subject: %s\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\n"
	                              "Message-ID: <%s.1@customer.example>\r\n\r\n"
	                              "Hello, my printer is on fire.\r\n",
	                              from, subject, subject);
	return g_bytes_new_take (text, strlen (text));
}

static void
test_sender_recipient (void)
{
	static const struct {
		const char *in, *want;
	} senders[] = {
		{ NULL, NULL },
		{ "", "" },
		{ "<>", "" },
		{ "MAILER-DAEMON", "" },
		{ " mailer-daemon ", "" },
		{ "Mailer-Daemon@mx.example", "" },
		{ "Ann@Customer.Example", "ann@customer.example" },
		{ "mailer-daemon-fan@x.example", "mailer-daemon-fan@x.example" },
	}, rcpts[] = {
		{ NULL, NULL },
		{ "", NULL },
		{ "  ", NULL },
		{ " Support@Example.COM ", "support@example.com" },
	};
	guint i;

	for (i = 0; i < G_N_ELEMENTS (senders); i++) {
		g_autofree char *got = pd_intake_sender (senders[i].in);
		if (g_strcmp0 (got, senders[i].want) != 0)
			g_error ("sender \"%s\": got \"%s\", want \"%s\"", senders[i].in, got, senders[i].want);
	}
	for (i = 0; i < G_N_ELEMENTS (rcpts); i++) {
		g_autofree char *got = pd_intake_recipient (rcpts[i].in);
		if (g_strcmp0 (got, rcpts[i].want) != 0)
			g_error ("recipient \"%s\": got \"%s\", want \"%s\"", rcpts[i].in, got, rcpts[i].want);
	}
}

static void
test_accept_duplicate (Fixture *f, gconstpointer data)
{
	g_autoptr (GBytes) raw = human_mail ("ann@customer.example", "accept");
	g_autoptr (GError) error = NULL;
	g_autoptr (PdIntakeRow) row = NULL;
	gint64 id, again, other;
	gboolean dup;

	(void) data;
	g_assert_true (pd_intake_accept (f->app, raw, "deliver", "MAILER-DAEMON", "Support@Example.com",
	                                 &id, &dup, &error));
	g_assert_no_error (error);
	g_assert_false (dup);
	row = pd_store_intake_get (f->app->store, id, FALSE, &error);
	g_assert_cmpstr (row->state, ==, "pending");
	g_assert_cmpstr (row->envelope_from, ==, "");
	g_assert_cmpstr (row->envelope_rcpt, ==, "support@example.com");
	g_assert_cmpstr (row->source, ==, "deliver");

	/* the same bytes for the same recipient (spelt differently): the same row */
	g_assert_true (pd_intake_accept (f->app, raw, "lmtp", "", " support@example.com", &again, &dup,
	                                 &error));
	g_assert_true (dup);
	g_assert_cmpint (again, ==, id);
	/* for another recipient: a row of its own */
	g_assert_true (pd_intake_accept (f->app, raw, "deliver", "", "sales@example.com", &other, &dup,
	                                 &error));
	g_assert_false (dup);
	g_assert_cmpint (other, !=, id);
}

static const char *
queue_of (Fixture *f, gint64 ticket)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (PdTicketRow) t = pd_store_ticket_get (f->app->store, ticket, &error);

	g_assert_no_error (error);
	return g_intern_string (t->queue);
}

static void
test_per_recipient (Fixture *f, gconstpointer data)
{
	g_autoptr (GBytes) raw = human_mail ("bo@customer.example", "two-queues");
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) tickets = NULL;
	g_autoptr (GPtrArray) rows = NULL;
	const char *rcpts[] = { "support@example.com", "sales@example.com" };
	const char *want_action[] = { "new-ticket", "same-message" };
	gint64 ticket[2];
	guint i;

	(void) data;
	/* issue 13: one mail to two queue addresses is one ticket (in the first copy's queue);
	 * each recipient keeps its own intake row */
	for (i = 0; i < 2; i++) {
		PdOutcome out = { 0 };
		gint64 id;
		gboolean dup;

		g_assert_true (pd_intake_accept (f->app, raw, "deliver", "bo@customer.example", rcpts[i], &id,
		                                 &dup, &error));
		g_assert_true (pd_intake_settle (f->app, id, &out, &error));
		g_assert_no_error (error);
		g_assert_cmpstr (out.action, ==, want_action[i]);
		g_assert_true (out.acked == (i == 0));
		ticket[i] = out.ticket_id;
		pd_outcome_clear (&out);
		g_assert_cmpstr (queue_of (f, ticket[i]), ==, "support");

		/* settling again does nothing */
		g_assert_true (pd_intake_settle (f->app, id, &out, &error));
		g_assert_cmpstr (out.action, ==, "already-done");
		pd_outcome_clear (&out);
	}
	g_assert_cmpint (ticket[0], ==, ticket[1]);
	tickets = pd_store_ticket_list (f->app->store, &error);
	g_assert_cmpuint (tickets->len, ==, 1);
	rows = pd_store_intake_list (f->app->store, "done", &error);
	g_assert_cmpuint (rows->len, ==, 2);
}

/* support@ and support+urgent@ in one delivery: one queue, one ticket; the plain address is
 * left to the extension's row, whatever the order they are processed in */
static void
test_same_queue_once (Fixture *f, gconstpointer data)
{
	static const char *const orders[2][2] = {
		{ "support@example.com", "support+urgent@example.com" },
		{ "support+urgent@example.com", "support@example.com" },
	};
	guint o, i;

	(void) data;
	for (o = 0; o < 2; o++) {
		g_autofree char *subject = g_strdup_printf ("same-queue-%u", o);
		g_autoptr (GBytes) raw = human_mail ("cy@customer.example", subject);
		g_autoptr (GError) error = NULL;
		gint64 ids[2];
		guint tickets = 0, skipped = 0;

		for (i = 0; i < 2; i++) {
			gboolean dup;
			g_assert_true (pd_intake_accept (f->app, raw, "lmtp", "cy@customer.example", orders[o][i],
			                                 &ids[i], &dup, &error));
		}
		for (i = 0; i < 2; i++) {
			PdOutcome out = { 0 };
			g_autoptr (PdIntakeRow) row = NULL;

			g_assert_true (pd_intake_settle (f->app, ids[i], &out, &error));
			g_assert_no_error (error);
			row = pd_store_intake_get (f->app->store, ids[i], FALSE, &error);
			g_assert_cmpstr (row->state, ==, "done");
			if (g_strcmp0 (out.action, "skipped") == 0) {
				skipped++;
				g_assert_cmpstr (row->envelope_rcpt, ==, "support@example.com");
				g_assert_nonnull (strstr (row->reason, "support+urgent@example.com"));
			} else if (out.ticket_id > 0) {
				tickets++;
			}
			pd_outcome_clear (&out);
		}
		g_assert_cmpuint (tickets, ==, 1);
		g_assert_cmpuint (skipped, ==, 1);
	}
}

static void
test_quarantine_path (Fixture *f, gconstpointer data)
{
	static const guint8 junk[] = { 0x00, 0xff, 0x13, 0x37, 0x00, 0x01, 0x02 };
	g_autoptr (GBytes) raw = g_bytes_new_static (junk, sizeof junk);
	g_autoptr (GError) error = NULL;
	g_autoptr (PdIntakeRow) row = NULL;
	g_autoptr (GPtrArray) tickets = NULL;
	PdOutcome out = { 0 };
	gint64 id;
	gboolean dup;

	(void) data;
	g_assert_true (pd_intake_accept (f->app, raw, "deliver", "x@y.example", "support@example.com", &id,
	                                 &dup, &error));
	g_assert_true (pd_intake_settle (f->app, id, &out, &error));
	g_assert_no_error (error);
	g_assert_cmpstr (out.action, ==, "quarantined");
	g_assert_nonnull (out.note);
	row = pd_store_intake_get (f->app->store, id, TRUE, &error);
	g_assert_cmpstr (row->state, ==, "quarantined");
	g_assert_cmpstr (row->reason, ==, out.note);
	/* the bytes are kept exactly */
	g_assert_cmpmem (g_bytes_get_data (row->raw, NULL), g_bytes_get_size (row->raw), junk,
	                 sizeof junk);
	pd_outcome_clear (&out);
	tickets = pd_store_ticket_list (f->app->store, &error);
	g_assert_cmpuint (tickets->len, ==, 0);

	/* a quarantined row is not processed by a later settle */
	g_assert_true (pd_intake_settle (f->app, id, &out, &error));
	g_assert_cmpstr (out.action, ==, "already-done");
	pd_outcome_clear (&out);

	/* no such row: an error, not a silent success */
	g_assert_false (pd_intake_settle (f->app, 4242, &out, &error));
	g_assert_error (error, PD_ERROR, PD_ERROR_NOTFOUND);
	pd_outcome_clear (&out);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/intake/sender-recipient", test_sender_recipient);
#define ADD(name, fn) g_test_add ("/intake/" name, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
	ADD ("accept-duplicate", test_accept_duplicate);
	ADD ("per-recipient", test_per_recipient);
	ADD ("same-queue-once", test_same_queue_once);
	ADD ("quarantine", test_quarantine_path);
	return g_test_run ();
}
