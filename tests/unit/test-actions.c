/* test-actions.c - the one transaction per incoming mail, on a real temporary home (config,
 * key and database made by `init`): what each kind of mail leads to (ticket, acknowledgement,
 * threading, no answer to automatic mail, the rate limit), that the verdict is taken inside
 * the write transaction, and that store errors reach the caller. Got X, want Y. */
#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "app/app.h"
#include "cmd/cli.h"
#include "core/error.h"
#include "core/token.h"
#include "intake/intake.h"
#include "tickets/actions.h"
#include "test-tree.h"

typedef struct {
	char *dir;
	PdApp *app;
} Fixture;

static void
setup (Fixture *fx, gconstpointer data)
{
	const char *extra = data;
	g_autoptr (GError) error = NULL;
	g_autofree char *text = NULL;

	text = g_strdup_printf ("[postdesk]\ndomain = example.com\n\n"
	                        "[queue support]\naddress = support@example.com\ntag = SUPPORT\n\n%s\n",
	                        extra ? extra : "");
	fx->dir = test_home_new ("pd-actions.XXXXXX", text);
	fx->app = pd_app_open (PD_APP_STORE, &error);
	g_assert_no_error (error);
	g_assert_nonnull (fx->app);
}

static void
teardown (Fixture *fx, gconstpointer data)
{
	(void) data;
	g_clear_pointer (&fx->app, pd_app_free);
	remove_tree (fx->dir);
	g_free (fx->dir);
	g_unsetenv ("POSTDESK_HOME");
}

/* Accept RAW as it would come from an MTA and process it. Returns the intake id. */
static gint64
deliver (Fixture *fx, const char *raw, const char *envelope_from, const char *envelope_rcpt,
         PdOutcome *out)
{
	g_autoptr (GBytes) bytes = g_bytes_new (raw, strlen (raw));
	g_autoptr (GError) error = NULL;
	gboolean duplicate;
	gint64 id = 0;

	g_assert_true (pd_intake_accept (fx->app, bytes, "test", envelope_from, envelope_rcpt, &id,
	                                 &duplicate, &error));
	g_assert_no_error (error);
	g_assert_false (duplicate);
	memset (out, 0, sizeof *out);
	g_assert_true (pd_intake_process (fx->app, id, out, &error));
	g_assert_no_error (error);
	return id;
}

static char *
human_mail (const char *from, const char *to, const char *subject, const char *mid,
            const char *extra_headers)
{
	return g_strdup_printf ("From: %s\nTo: %s\nSubject: %s\nMessage-ID: <%s>\n"
	                        "Date: Mon, 23 Nov 2026 10:00:00 +0000\n%s\nHello, I need help.\n",
	                        from, to, subject, mid, extra_headers ? extra_headers : "");
}

static guint
n_tickets (Fixture *fx)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) rows = pd_store_ticket_list (fx->app->store, &error);

	g_assert_no_error (error);
	return rows->len;
}

static GPtrArray *
outbox (Fixture *fx)
{
	g_autoptr (GError) error = NULL;
	GPtrArray *rows = pd_store_outbox_list (fx->app->store, &error);

	g_assert_no_error (error);
	return rows;
}

static void
test_human_ack (Fixture *fx, gconstpointer data)
{
	g_autofree char *raw = human_mail ("Ann <ann@customer.example>", "support@example.com",
	                                   "Login broken", "m1@customer.example", NULL);
	g_autoptr (GPtrArray) rows = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (PdTicketRow) t = NULL;
	const PdOutboxRow *ack;
	PdOutcome out;

	(void) data;
	deliver (fx, raw, "ann@customer.example", "support@example.com", &out);
	g_assert_cmpstr (out.action, ==, "new-ticket");
	g_assert_cmpint (out.ticket_id, ==, 1);
	g_assert_true (out.acked);
	pd_outcome_clear (&out);
	g_assert_cmpuint (n_tickets (fx), ==, 1);
	t = pd_store_ticket_get (fx->app->store, 1, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (t->customer, ==, "ann@customer.example");
	g_assert_cmpstr (t->queue, ==, "support");
	g_assert_cmpstr (t->state, ==, "new");
	rows = outbox (fx);
	g_assert_cmpuint (rows->len, ==, 1);
	ack = rows->pdata[0];
	g_assert_cmpstr (ack->kind, ==, "ack");
	g_assert_cmpstr (ack->rcpt, ==, "ann@customer.example");
	g_assert_cmpstr (ack->state, ==, "queued");
	g_assert_cmpint (ack->ticket_id, ==, 1);
}

static void
test_followup_token (Fixture *fx, gconstpointer data)
{
	g_autofree char *first = human_mail ("Ann <ann@customer.example>", "support@example.com",
	                                     "Printer", "p1@customer.example", NULL);
	g_autofree char *reply_to = NULL, *second = NULL;
	g_autoptr (GPtrArray) rows = NULL;
	g_autoptr (GError) error = NULL;
	gboolean yes = FALSE;
	PdOutcome out;

	(void) data;
	deliver (fx, first, NULL, "support@example.com", &out);
	g_assert_cmpstr (out.action, ==, "new-ticket");
	pd_outcome_clear (&out);
	/* a colleague writes to the signed reply address: no ids, no tag */
	reply_to = pd_token_address (fx->app->secret, "support@example.com", 't', 1);
	second = human_mail ("Bob <bob@customer.example>", reply_to, "from my colleague",
	                     "p2@customer.example", NULL);
	deliver (fx, second, NULL, reply_to, &out);
	g_assert_cmpstr (out.action, ==, "threaded");
	g_assert_cmpint (out.ticket_id, ==, 1);
	g_assert_false (out.acked);
	pd_outcome_clear (&out);
	g_assert_cmpuint (n_tickets (fx), ==, 1);
	rows = outbox (fx);
	g_assert_cmpuint (rows->len, ==, 1); /* only the first mail's acknowledgement */
	/* the signed address made him a participant */
	g_assert_true (pd_store_is_participant (fx->app->store, 1, "bob@customer.example", &yes, &error));
	g_assert_true (yes);
}

static void
test_autoreply_no_ack (Fixture *fx, gconstpointer data)
{
	g_autofree char *raw = human_mail ("Ann <ann@customer.example>", "support@example.com",
	                                   "Out of office", "oof@customer.example",
	                                   "Auto-Submitted: auto-replied\n");
	g_autoptr (GPtrArray) rows = NULL;
	PdOutcome out;

	(void) data;
	deliver (fx, raw, "ann@customer.example", "support@example.com", &out);
	g_assert_cmpstr (out.action, ==, "stored");
	g_assert_false (out.acked);
	g_assert_cmpint (out.ticket_id, ==, 0);
	pd_outcome_clear (&out);
	g_assert_cmpuint (n_tickets (fx), ==, 0);
	rows = outbox (fx);
	g_assert_cmpuint (rows->len, ==, 0);
}

static char *
dsn (const char *to, const char *rcpt)
{
	return g_strdup_printf (
		"From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\nTo: %s\n"
		"Subject: Undelivered Mail Returned to Sender\nMessage-ID: <dsn.%s@mx.example.net>\n"
		"Date: Mon, 23 Nov 2026 10:05:00 +0000\nMIME-Version: 1.0\n"
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n"
		"--B\nContent-Type: text/plain\n\nI could not deliver your message.\n\n"
		"--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\n"
		"Final-Recipient: rfc822; %s\nAction: failed\nStatus: 5.1.1\n"
		"Diagnostic-Code: smtp; 550 5.1.1 no such user\n\n--B--\n",
		to, rcpt, rcpt);
}

static void
test_bounce_no_ack (Fixture *fx, gconstpointer data)
{
	g_autofree char *first = human_mail ("Ann <ann@customer.example>", "support@example.com",
	                                     "Hello", "b1@customer.example", NULL);
	g_autofree char *verp = NULL, *bounce = NULL;
	g_autoptr (GPtrArray) rows = NULL;
	g_autoptr (GError) error = NULL;
	const PdOutboxRow *ack;
	gboolean suppressed = FALSE;
	PdOutcome out;

	(void) data;
	deliver (fx, first, "ann@customer.example", "support@example.com", &out);
	pd_outcome_clear (&out);
	/* the acknowledgement (outbox row 1) bounces to its VERP address */
	verp = pd_token_address (fx->app->secret, fx->app->settings->bounce_address, 'o', 1);
	bounce = dsn (verp, "ann@customer.example");
	deliver (fx, bounce, "", verp, &out);
	g_assert_cmpstr (out.action, ==, "stored");
	g_assert_false (out.acked);
	g_assert_cmpint (out.ticket_id, ==, 1); /* noted on the ticket of the row it reports */
	pd_outcome_clear (&out);
	g_assert_cmpuint (n_tickets (fx), ==, 1);
	rows = outbox (fx);
	g_assert_cmpuint (rows->len, ==, 1); /* no answer to the bounce */
	ack = rows->pdata[0];
	g_assert_cmpstr (ack->state, ==, "failed");
	g_assert_true (pd_store_address_suppressed (fx->app->store, "ann@customer.example",
	                                            g_get_real_time () / G_USEC_PER_SEC, &suppressed,
	                                            &error));
	g_assert_true (suppressed);
}

static void
test_rate_limit (Fixture *fx, gconstpointer data)
{
	g_autoptr (GPtrArray) rows = NULL;
	guint i, acked = 0;

	(void) data;
	/* [autoreply] per_hour = 2 (the fixture's config): the third new ticket gets no ack */
	for (i = 0; i < 3; i++) {
		g_autofree char *subject = g_strdup_printf ("Question %u", i);
		g_autofree char *mid = g_strdup_printf ("q%u@customer.example", i);
		g_autofree char *raw = human_mail ("Ann <ann@customer.example>", "support@example.com",
		                                   subject, mid, NULL);
		PdOutcome out;

		deliver (fx, raw, "ann@customer.example", "support@example.com", &out);
		g_assert_cmpstr (out.action, ==, "new-ticket");
		if (out.acked)
			acked++;
		if (i == 2) {
			g_assert_false (out.acked);
			g_assert_nonnull (out.note);
			g_assert_nonnull (strstr (out.note, "in the last hour (limit 2)"));
		}
		pd_outcome_clear (&out);
	}
	g_assert_cmpuint (acked, ==, 2);
	g_assert_cmpuint (n_tickets (fx), ==, 3);
	rows = outbox (fx);
	g_assert_cmpuint (rows->len, ==, 2);
}

/* The verdict is taken inside the write transaction: a context judged before another
 * process committed the first mail's ticket does not open a second one. */
static void
test_judged_in_transaction (Fixture *fx, gconstpointer data)
{
	g_autofree char *first = human_mail ("Ann <ann@customer.example>", "support@example.com",
	                                     "Race", "race1@customer.example", NULL);
	g_autofree char *second = human_mail ("Ann <ann@customer.example>", "support@example.com",
	                                      "Re: Race", "race2@customer.example",
	                                      "In-Reply-To: <race1@customer.example>\n");
	g_autoptr (GBytes) bytes = g_bytes_new (second, strlen (second));
	g_autoptr (GError) error = NULL;
	g_autoptr (PdMail) mail = NULL;
	gboolean duplicate;
	gint64 id;
	PdContext ctx;
	PdOutcome out = { 0 };

	(void) data;
	/* the follow-up is accepted and judged first: no ticket knows its In-Reply-To yet */
	g_assert_true (pd_intake_accept (fx->app, bytes, "test", NULL, "support@example.com", &id,
	                                 &duplicate, &error));
	mail = pd_mail_parse (bytes, NULL, &error);
	g_assert_no_error (error);
	pd_app_context (fx->app, &ctx, NULL, "support@example.com");
	g_assert_true (pd_chain_run (&ctx, mail, &error));
	g_assert_cmpint (ctx.ticket_id, ==, 0);
	g_assert_cmpstr (ctx.threaded_by, ==, "new");
	/* meanwhile the first mail is committed (another process, in real life) */
	deliver (fx, first, NULL, "support@example.com", &out);
	g_assert_cmpint (out.ticket_id, ==, 1);
	pd_outcome_clear (&out);
	/* applying the follow-up judges again, under the write lock */
	memset (&out, 0, sizeof out);
	g_assert_true (pd_actions_apply (fx->app, id, mail, &ctx, &out, &error));
	g_assert_no_error (error);
	g_assert_cmpstr (out.action, ==, "threaded");
	g_assert_cmpint (out.ticket_id, ==, 1);
	g_assert_cmpstr (ctx.threaded_by, ==, "in-reply-to");
	pd_outcome_clear (&out);
	pd_context_clear (&ctx);
	g_assert_cmpuint (n_tickets (fx), ==, 1);
}

static gboolean
failing_outbox_row (void *self, gint64 id, gint64 *ticket_r, char **rcpt_r, GError **error)
{
	(void) self;
	(void) id;
	(void) ticket_r;
	(void) rcpt_r;
	g_set_error (error, PD_ERROR, PD_ERROR_TEMPFAIL, "database is locked");
	return FALSE;
}

/* A store error while the bounce filter looks up the VERP row is the caller's error (a
 * tempfail: the row stays pending and is retried), never a bounce correlated by guesswork. */
static void
test_bounce_store_error (Fixture *fx, gconstpointer data)
{
	g_autofree char *verp = pd_token_address (fx->app->secret, fx->app->settings->bounce_address,
	                                          'o', 7);
	g_autofree char *bounce = dsn (verp, "ann@customer.example");
	g_autoptr (GBytes) bytes = g_bytes_new (bounce, strlen (bounce));
	g_autoptr (GError) error = NULL;
	g_autoptr (PdIntakeRow) row = NULL;
	gboolean duplicate;
	gint64 id;
	PdOutcome out = { 0 };

	(void) data;
	fx->app->query.outbox_row = failing_outbox_row;
	g_assert_true (pd_intake_accept (fx->app, bytes, "test", "", verp, &id, &duplicate, &error));
	g_assert_false (pd_intake_process (fx->app, id, &out, &error));
	g_assert_error (error, PD_ERROR, PD_ERROR_TEMPFAIL);
	g_assert_nonnull (strstr (error->message, "database is locked"));
	pd_outcome_clear (&out);
	g_clear_error (&error);
	row = pd_store_intake_get (fx->app->store, id, FALSE, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (row->state, ==, "pending");
}

int
main (int argc, char **argv)
{
	static const char rate[] = "[autoreply]\nper_hour = 2\n";

	g_test_init (&argc, &argv, NULL);
	g_mime_init ();
	g_test_add ("/actions/human/ticket-and-ack", Fixture, NULL, setup, test_human_ack, teardown);
	g_test_add ("/actions/human/followup-signed-address", Fixture, NULL, setup, test_followup_token,
	            teardown);
	g_test_add ("/actions/autoreply/no-ack", Fixture, NULL, setup, test_autoreply_no_ack, teardown);
	g_test_add ("/actions/bounce/no-ack", Fixture, NULL, setup, test_bounce_no_ack, teardown);
	g_test_add ("/actions/bounce/store-error", Fixture, NULL, setup, test_bounce_store_error,
	            teardown);
	g_test_add ("/actions/human/rate-limit", Fixture, rate, setup, test_rate_limit, teardown);
	g_test_add ("/actions/judged-in-transaction", Fixture, NULL, setup, test_judged_in_transaction,
	            teardown);
	return g_test_run ();
}
