/* test-classify.c - one small message per classifier rule (loop, bounce, autoreply), run
 * through the real chain; table-driven, "got X, want Y". Also VERP correlation through a
 * fake PdQuery. Messages are written inline; no files, no store. */
#include <string.h>
#include <glib.h>
#include "mail/mail.h"
#include "mail/quote.h"
#include "filters/chain.h"
#include "core/token.h"

static const char *const own[] = { "support@example.com", NULL };
static const PdQueueInfo queue = { "support", "support@example.com", "SUPPORT" };

typedef struct {
	const char *name;
	const char *headers; /* without Date/Message-ID unless the case needs them */
	const char *body;
	PdClass want;
	const char *want_reason; /* substring of ctx->reason, or NULL */
	const char *want_rcpt;   /* bounce recipient, or NULL */
	const char *want_status; /* bounce status, or NULL */
	int want_hard;           /* -1 = don't care */
} Case;

#define DSN_HEAD \
	"MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; " \
	"boundary=\"B\"\n"
#define DSN_BODY(action, status, rcpt) \
	"--B\nContent-Type: text/plain\n\nDelivery report.\n\n--B\n" \
	"Content-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\n" \
	"Final-Recipient: rfc822; " rcpt "\nAction: " action "\nStatus: " status "\n" \
	"Diagnostic-Code: smtp; 550 " status " no\n\n--B\nContent-Type: text/rfc822-headers\n\n" \
	"Message-ID: <pd.1.2@example.com>\nFrom: support@example.com\n\n--B--\n"

static const Case cases[] = {
	/* issue 10, cpu: the lowering of a head (ASCII a word at a time, other text through
	 * g_utf8_strdown) and a bounce's lines looked at in place */
	{ "autoreply/self-declared-upper-case-ascii", "From: desk@shop.example\nSubject: Your mail\n",
	  "Thank You.\n\nTHIS IS AN AUTOMATIC REPLY, SENT BY OUR SYSTEM AT ONCE.\n", PD_CLASS_AUTOREPLY,
	  "this is an automatic reply", NULL, NULL, -1 },
	{ "autoreply/self-declared-upper-case-latin", "From: desk@shop.example\nSubject: Votre mail\n"
	  "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n",
	  "Merci.\n\nCECI EST UNE R\xc3\x89PONSE AUTOMATIQUE.\n", PD_CLASS_AUTOREPLY,
	  "ceci est une réponse automatique", NULL, NULL, -1 },
	{ "human/no-phrase-past-8-bytes", "From: ann@customer.example\nSubject: Help\n",
	  "My ORDER 1234 never came. THIS IS URGENT, PLEASE reply to this EMAIL soon.\n", PD_CLASS_HUMAN,
	  NULL, NULL, NULL, -1 },
	{ "bounce/dsn-fields-in-text-upper-case-at-start", "From: MAILER-DAEMON@mx.example.net\n"
	  "Subject: Returned mail\n", "FINAL-RECIPIENT: rfc822; joe@example.org\nAction: failed\n"
	  "Status: 5.1.1\n", PD_CLASS_BOUNCE, "dsn (in text) Action: failed", "joe@example.org",
	  "5.1.1", TRUE },
	{ "bounce/final-recipient-without-colon-is-not-dsn", "From: MAILER-DAEMON@mx.example.net\n"
	  "Subject: Returned mail\n", "Final recipient: rfc822; joe@example.org: failed, status "
	  "5.1.1; final-recipient\n", PD_CLASS_BOUNCE, "subject", "joe@example.org", "5.1.1", TRUE },
	{ "bounce/inline-original-after-blank-line", "From: MAILER-DAEMON@mx.example.net\n"
	  "Subject: failure notice\n",
	  "Hi. This is the qmail-send program at mx.example.net.\n"
	  "I'm afraid I wasn't able to deliver your message to the following addresses.\n\n"
	  "<joe@example.org>:\n550 5.1.1 no mailbox here by that name\n \t \n"
	  "RECEIVED: from support.example.com\nFrom: support@example.com\nTo: other@list.example\n",
	  PD_CLASS_BOUNCE, NULL, "joe@example.org", "5.1.1", TRUE },
	/* loop */
	{ "loop/x-loop", "From: a@b.example\nX-Loop: support@example.com\nSubject: hi\n", "x\n",
	  PD_CLASS_LOOP, "header X-Loop", NULL, NULL, -1 },
	{ "loop/message-id", "From: a@b.example\nMessage-ID: <pd.77.abc@example.com>\nSubject: hi\n",
	  "x\n", PD_CLASS_LOOP, "own Message-ID", NULL, NULL, -1 },
	{ "loop/from-own", "From: Support <support@example.com>\nSubject: hi\n", "x\n", PD_CLASS_LOOP,
	  "own address", NULL, NULL, -1 },
	{ "loop/foreign-x-loop-is-not-loop", "From: a@b.example\nX-Loop: other@else.example\nSubject: hi\n",
	  "x\n", PD_CLASS_AUTOREPLY, "header X-Loop", NULL, NULL, -1 },
	/* bounce: DSN */
	{ "bounce/dsn-failed", "From: MAILER-DAEMON@mx.example.net\nSubject: Undelivered Mail\n" DSN_HEAD, DSN_BODY ("failed", "5.1.1", "<Joe@Example.org>"),
	  PD_CLASS_BOUNCE, "dsn Action: failed", "joe@example.org", "5.1.1", TRUE },
	{ "bounce/dsn-soft", "From: MAILER-DAEMON@mx.example.net\nSubject: Undelivered Mail\n" DSN_HEAD, DSN_BODY ("failed", "4.2.2", "joe@example.org"),
	  PD_CLASS_BOUNCE, "dsn Action: failed", "joe@example.org", "4.2.2", FALSE },
	{ "bounce/dsn-delayed", "From: MAILER-DAEMON@mx.example.net\nSubject: Delayed\n" DSN_HEAD, DSN_BODY ("delayed", "4.4.7", "joe@example.org"),
	  PD_CLASS_DELAYED, "dsn Action: delayed", "joe@example.org", NULL, FALSE },
	{ "bounce/dsn-delivered-is-not-bounce", "From: MAILER-DAEMON@mx.example.net\nSubject: Delivered\n" DSN_HEAD, DSN_BODY ("delivered", "2.0.0", "joe@example.org"),
	  PD_CLASS_AUTOREPLY, "dsn Action: delivered", NULL, NULL, -1 },
	/* bounce: text */
	{ "bounce/postfix-text", "From: MAILER-DAEMON@mx.example.net (Mail Delivery System)\n"
	  "To: support@example.com\nSubject: Undelivered Mail Returned to Sender\n",
	  "This is the mail system at host mx.example.net.\n\nI'm sorry to have to inform you that your message could not\n"
	  "be delivered to one or more recipients.\n\n<joe@example.org>: host mx.example.org said: 550 5.1.1\n"
	  "    <joe@example.org>: Recipient address rejected: User unknown\n",
	  PD_CLASS_BOUNCE, "subject", "joe@example.org", "5.1.1", TRUE },
	{ "bounce/qmail-text-mailbox-full", "From: MAILER-DAEMON@mx.example.net\nTo: support@example.com\nSubject: failure notice\n",
	  "Hi. This is the qmail-send program at mx.example.net.\nI'm afraid I wasn't able to deliver your message to the following addresses.\n\n"
	  "<joe@example.org>:\nThe user's mailbox is full.\n\n--- Below this line is a copy of the message.\n\nFrom: support@example.com\nTo: joe@example.org\n",
	  PD_CLASS_BOUNCE, "mailbox is full", "joe@example.org", "4.2.2", FALSE },
	{ "bounce/exim-x-failed-recipients", "From: Mail Delivery System <Mailer-Daemon@mx.example.net>\nTo: support@example.com\n"
	  "Auto-Submitted: auto-replied\nX-Failed-Recipients: joe@example.org\nSubject: Mail delivery failed: returning message to sender\n",
	  "This message was created automatically by mail delivery software.\n\n  joe@example.org\n    unknown user\n",
	  PD_CLASS_BOUNCE, "X-Failed-Recipients", "joe@example.org", "5.1.1", TRUE },
	{ "bounce/exim-delay-warning", "From: Mail Delivery System <Mailer-Daemon@mx.example.net>\nTo: support@example.com\n"
	  "Subject: Warning: message 1abc delayed 24 hours\n",
	  "This message was created automatically by mail delivery software.\nA message that you sent has not yet been delivered to one or more of its\n"
	  "recipients after more than 24 hours on the queue.\n\n  joe@example.org\n\nNo action is required on your part.\n",
	  PD_CLASS_DELAYED, NULL, "joe@example.org", NULL, FALSE },
	{ "bounce/arf", "From: abuse@isp.example\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=feedback-report; boundary=\"B\"\n",
	  "--B\nContent-Type: text/plain\n\nComplaint\n--B\nContent-Type: message/feedback-report\n\nFeedback-Type: abuse\nVersion: 1\n"
	  "Original-Rcpt-To: <joe@example.org>\n\n--B--\n",
	  PD_CLASS_FEEDBACK, "arf Feedback-Type: abuse", "joe@example.org", NULL, -1 },
	{ "bounce/human-re-undeliverable-is-human", "From: Jane <jane@example.org>\nTo: support@example.com\nSubject: Re: Undeliverable: invoice\n",
	  "Your mail to me came back undeliverable, please resend.\n", PD_CLASS_HUMAN, NULL, NULL, NULL, -1 },
	/* autoreply */
	{ "auto/auto-submitted-generated", "From: a@b.example\nAuto-Submitted: auto-generated\nSubject: report\n", "x\n",
	  PD_CLASS_AUTOREPLY, "header Auto-Submitted: auto-generated", NULL, NULL, -1 },
	{ "auto/auto-submitted-no-is-human", "From: a@b.example\nAuto-Submitted: no\nSubject: hello\n", "x\n",
	  PD_CLASS_HUMAN, NULL, NULL, NULL, -1 },
	{ "auto/auto-submitted-vacation", "From: a@b.example\nAuto-Submitted: auto-replied (vacation)\nSubject: Re: hello\n", "x\n",
	  PD_CLASS_VACATION, "header Auto-Submitted", NULL, NULL, -1 },
	{ "auto/oof-subject-en", "From: a@b.example\nSubject: Out of Office: hello\n", "I am away.\n",
	  PD_CLASS_VACATION, "subject \"out of office\"", NULL, NULL, -1 },
	{ "auto/oof-subject-de", "From: a@b.example\nSubject: Abwesenheitsnotiz: Hallo\n", "x\n",
	  PD_CLASS_VACATION, "subject", NULL, NULL, -1 },
	{ "auto/oof-subject-lotus", "From: a@b.example\nSubject: AUTO: Jane is out of the office\n", "x\n",
	  PD_CLASS_VACATION, "subject \"auto:\"", NULL, NULL, -1 },
	{ "auto/exchange-oof", "From: a@b.example\nSubject: Automatic reply: hello\nX-Auto-Response-Suppress: All\n"
	  "X-MS-Exchange-Inbox-Rules-Loop: a@b.example\n", "x\n", PD_CLASS_VACATION,
	  "X-MS-Exchange-Inbox-Rules-Loop", NULL, NULL, -1 },
	{ "auto/xars-alone-is-human", "From: a@b.example\nSubject: meeting\nX-Auto-Response-Suppress: All\n", "x\n",
	  PD_CLASS_HUMAN, NULL, NULL, NULL, -1 },
	{ "auto/x-autoreply", "From: a@b.example\nX-Autoreply: yes\nSubject: Re: hello\n", "x\n",
	  PD_CLASS_AUTOREPLY, "header X-Autoreply: yes", NULL, NULL, -1 },
	{ "auto/amazon", "From: a@b.example\nX-AMAZON-MAIL-RELAY-TYPE: notification\nSubject: order\n", "x\n",
	  PD_CLASS_AUTOREPLY, "X-AMAZON-MAIL-RELAY-TYPE", NULL, NULL, -1 },
	{ "auto/precedence-junk", "From: a@b.example\nPrecedence: junk\nSubject: hello\n", "x\n",
	  PD_CLASS_AUTOREPLY, "header Precedence: junk", NULL, NULL, -1 },
	{ "auto/precedence-bulk-is-list", "From: a@b.example\nPrecedence: bulk\nSubject: hello\n", "x\n",
	  PD_CLASS_LIST, "header Precedence: bulk", NULL, NULL, -1 },
	{ "auto/list-id", "From: a@b.example\nList-Id: <dev.lists.example>\nSubject: [dev] hello\n", "x\n",
	  PD_CLASS_LIST, "header List-Id", NULL, NULL, -1 },
	{ "auto/list-unsubscribe", "From: news@shop.example\nList-Unsubscribe: <mailto:u@shop.example>\nSubject: sale\n", "x\n",
	  PD_CLASS_LIST, "header List-Unsubscribe", NULL, NULL, -1 },
	{ "auto/noreply-sender", "From: noreply@service.example\nSubject: Your receipt\n", "x\n",
	  PD_CLASS_AUTOREPLY, "sender noreply@service.example", NULL, NULL, -1 },
	{ "auto/majordomo-sender", "From: Majordomo@lists.example\nSubject: Welcome\n", "x\n",
	  PD_CLASS_AUTOREPLY, "sender majordomo@lists.example", NULL, NULL, -1 },
	{ "auto/reply-to-robot-is-human", "From: jane@example.org\nTo: majordomo@lists.example\nSubject: Re: Confirmation for subscribe\n",
	  "auth 1234 subscribe\n", PD_CLASS_HUMAN, NULL, NULL, NULL, -1 },
	{ "auto/human-reply-prefixes", "From: jane@example.org\nSubject: R: R: I: offerta\nIn-Reply-To: <x@y>\n", "ok\n",
	  PD_CLASS_HUMAN, NULL, NULL, NULL, -1 },
	{ "auto/vacation-word-in-human-subject", "From: jane@example.org\nSubject: Vacation request for May\n", "x\n",
	  PD_CLASS_HUMAN, NULL, NULL, NULL, -1 },
};

static PdMail *
parse (const char *headers, const char *body)
{
	g_autofree char *text = g_strconcat (headers, "\n", body, NULL);
	g_autoptr (GBytes) raw = g_bytes_new (text, strlen (text));
	PdMailLimits limits = { 0, 0, 0 };
	g_autoptr (GError) error = NULL;
	PdMail *mail = pd_mail_parse (raw, &limits, &error);
	g_assert_no_error (error);
	g_assert_nonnull (mail);
	return mail;
}

static void
setup (PdContext *ctx, GBytes *secret)
{
	pd_context_init (ctx);
	ctx->domain = "example.com";
	ctx->queues = &queue;
	ctx->n_queues = 1;
	ctx->own_addresses = own;
	ctx->secret = secret;
}

static void
test_case (gconstpointer data)
{
	const Case *c = data;
	g_autoptr (GBytes) secret = g_bytes_new_static ("unit-secret", 11);
	g_autoptr (PdMail) mail = parse (c->headers, c->body);
	PdContext ctx;
	setup (&ctx, secret);
	g_autoptr (GError) error = NULL;
	gboolean ok = pd_chain_run (&ctx, mail, &error);
	g_assert_no_error (error);
	g_assert_true (ok);
	if (ctx.klass != c->want)
		g_test_message ("%s: got class %s (%s), want %s", c->name, pd_class_name (ctx.klass),
		                ctx.reason, pd_class_name (c->want));
	g_assert_cmpstr (pd_class_name (ctx.klass), ==, pd_class_name (c->want));
	if (c->want_reason != NULL) {
		if (ctx.reason == NULL || strstr (ctx.reason, c->want_reason) == NULL)
			g_test_message ("%s: got reason \"%s\", want it to contain \"%s\"", c->name,
			                ctx.reason, c->want_reason);
		g_assert_nonnull (ctx.reason);
		g_assert_nonnull (strstr (ctx.reason, c->want_reason));
	}
	if (c->want_rcpt != NULL)
		g_assert_cmpstr (ctx.bounce_recipient, ==, c->want_rcpt);
	if (c->want_status != NULL)
		g_assert_cmpstr (ctx.bounce_status, ==, c->want_status);
	if (c->want_hard >= 0)
		g_assert_cmpint (ctx.bounce_hard, ==, c->want_hard);
	pd_context_clear (&ctx);
}

/* A fake store: outbox row 456 went to joe@example.org with Message-ID pd.1.2@example.com. */
static gboolean
fake_outbox_row (void *self, gint64 id, gint64 *ticket_r, char **rcpt_r, GError **error)
{
	(void) self;
	(void) error;
	*ticket_r = 9;
	*rcpt_r = id == 456 ? g_strdup ("joe@example.org") : NULL;
	return TRUE;
}

static gboolean
fake_outbox_by_message_id (void *self, const char *message_id, gint64 *outbox_r, GError **error)
{
	(void) self;
	(void) error;
	*outbox_r = g_strcmp0 (message_id, "pd.1.2@example.com") == 0 ? 321 : 0;
	return TRUE;
}

static void
test_verp (void)
{
	g_autoptr (GBytes) secret = g_bytes_new_static ("unit-secret", 11);
	g_autofree char *verp = pd_token_address (secret, "bounces@example.com", 'o', 456);
	/* the remote MTA reports a forwarding address: VERP still names the right recipient */
	const char *body = DSN_BODY ("failed", "5.1.1", "catchall@example.org");
	g_autofree char *head = g_strdup_printf ("From: MAILER-DAEMON@mx.example.net\nTo: %s\n"
	                                         "Subject: Undelivered Mail\n" DSN_HEAD, verp);
	g_autoptr (PdMail) mail = parse (head, body);
	PdQuery query = { .outbox_row = fake_outbox_row, .outbox_by_message_id = fake_outbox_by_message_id };
	PdContext ctx;
	setup (&ctx, secret);
	ctx.query = &query;
	g_autoptr (GError) error = NULL;
	g_assert_true (pd_chain_run (&ctx, mail, &error));
	g_assert_cmpstr (pd_class_name (ctx.klass), ==, "bounce");
	g_assert_cmpint (ctx.bounce_outbox_id, ==, 456);
	g_assert_cmpstr (ctx.bounce_correlated_by, ==, "verp");
	g_assert_cmpstr (ctx.bounce_recipient, ==, "joe@example.org");
	pd_context_clear (&ctx);

	/* a text bounce (no DSN) naming another address, with a list in the returned original:
	 * the VERP token's row still decides (issue 9: VERP over the MTA's text over the original) */
	g_autofree char *thead = g_strdup_printf ("From: MAILER-DAEMON@mx.example.net\nTo: %s\n"
	                                          "Subject: failure notice\n", verp);
	g_autoptr (PdMail) tmail = parse (thead, "Hi. This is the qmail-send program at mx.example.net.\n"
	                                  "I'm afraid I wasn't able to deliver your message to the "
	                                  "following addresses.\n\n<forward@elsewhere.example>:\n"
	                                  "550 5.1.1 no mailbox here by that name\n\n--- Below this "
	                                  "line is a copy of the message.\n\nFrom: support@example.com\n"
	                                  "To: users@lists.example\n");
	setup (&ctx, secret);
	ctx.query = &query;
	g_assert_true (pd_chain_run (&ctx, tmail, &error));
	g_assert_cmpstr (pd_class_name (ctx.klass), ==, "bounce");
	g_assert_cmpstr (ctx.bounce_correlated_by, ==, "verp");
	g_assert_cmpstr (ctx.bounce_recipient, ==, "joe@example.org");
	pd_context_clear (&ctx);
	/* without the store, the MTA's text, never the list in the original */
	g_autoptr (PdMail) tmail2 = parse (thead, "Hi. This is the qmail-send program at mx.example.net.\n"
	                                   "I'm afraid I wasn't able to deliver your message to the "
	                                   "following addresses.\n\n<forward@elsewhere.example>:\n"
	                                   "550 5.1.1 no mailbox here by that name\n\n--- Below this "
	                                   "line is a copy of the message.\n\nFrom: support@example.com\n"
	                                   "To: users@lists.example\n");
	setup (&ctx, secret);
	g_assert_true (pd_chain_run (&ctx, tmail2, &error));
	g_assert_cmpstr (ctx.bounce_recipient, ==, "forward@elsewhere.example");
	pd_context_clear (&ctx);

	/* a forged token is not trusted: fall back to the original's Message-ID */
	const char *forged = "From: MAILER-DAEMON@mx.example.net\n"
	                     "To: bounces+o456-0000000000@example.com\n"
	                     "Subject: Undelivered Mail\n" DSN_HEAD;
	g_autoptr (PdMail) mail2 = parse (forged, body);
	setup (&ctx, secret);
	ctx.query = &query;
	g_assert_true (pd_chain_run (&ctx, mail2, &error));
	g_assert_cmpint (ctx.bounce_outbox_id, ==, 321);
	g_assert_cmpstr (ctx.bounce_correlated_by, ==, "message-id");
	g_assert_cmpstr (ctx.bounce_recipient, ==, "catchall@example.org");
	pd_context_clear (&ctx);

	/* no store at all: Final-Recipient */
	g_autoptr (PdMail) mail3 = parse (forged, body);
	setup (&ctx, secret);
	g_assert_true (pd_chain_run (&ctx, mail3, &error));
	g_assert_cmpint (ctx.bounce_outbox_id, ==, 0);
	g_assert_cmpstr (ctx.bounce_correlated_by, ==, "final-recipient");
	pd_context_clear (&ctx);
}

/* tests/data/classify/: hand-written messages of the kinds the classifier and the reply
 * extractor had never seen (issue 9), with the expected class, failed recipient, a reason
 * substring and the new text in manifest.tsv ("-" = not checked). Every miss is named. */
static void
test_data (void)
{
	const char *srcdir = g_getenv ("POSTDESK_SRCDIR");
	g_autofree char *dir = g_build_filename (srcdir ? srcdir : ".", "tests", "data", "classify", NULL);
	g_autofree char *manifest_path = g_build_filename (dir, "manifest.tsv", NULL);
	g_autofree char *manifest = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (GBytes) secret = g_bytes_new_static ("unit-secret", 11);
	guint rows = 0, misses = 0;
	/* the measures of issue 9's table, on this set */
	guint bounces = 0, bounces_found = 0, rcpts = 0, rcpts_exact = 0, autos = 0, autos_found = 0;
	guint texts = 0, texts_exact = 0, humans = 0, humans_automatic = 0;

	if (!g_file_get_contents (manifest_path, &manifest, NULL, &error))
		g_error ("%s", error->message);
	g_auto (GStrv) lines = g_strsplit (manifest, "\n", -1);
	for (guint i = 1; lines[i]; i++) {
		if (*lines[i] == '\0')
			continue;
		g_auto (GStrv) col = g_strsplit (lines[i], "\t", -1);
		g_assert_cmpuint (g_strv_length (col), ==, 5);
		g_autofree char *path = g_build_filename (dir, col[0], NULL);
		g_autofree char *raw = NULL;
		gsize len = 0;
		if (!g_file_get_contents (path, &raw, &len, &error))
			g_error ("%s", error->message);
		g_autoptr (GBytes) bytes = g_bytes_new (raw, len);
		PdMailLimits limits = { 0, 0, 0 };
		g_autoptr (PdMail) mail = pd_mail_parse (bytes, &limits, &error);
		g_assert_no_error (error);
		PdContext ctx;
		setup (&ctx, secret);
		g_assert_true (pd_chain_run (&ctx, mail, &error));
		g_assert_no_error (error);
		rows++;
		GString *why = g_string_new (NULL);
		gboolean want_bounce = g_str_equal (col[1], "bounce") || g_str_equal (col[1], "delayed");
		gboolean want_auto = g_str_equal (col[1], "autoreply") || g_str_equal (col[1], "vacation") ||
		                     g_str_equal (col[1], "list");
		gboolean got_bounce = ctx.klass == PD_CLASS_BOUNCE || ctx.klass == PD_CLASS_DELAYED;
		gboolean got_auto = ctx.klass == PD_CLASS_AUTOREPLY || ctx.klass == PD_CLASS_VACATION ||
		                    ctx.klass == PD_CLASS_LIST;
		bounces += want_bounce;
		bounces_found += want_bounce && got_bounce;
		autos += want_auto;
		autos_found += want_auto && got_auto;
		if (g_str_equal (col[1], "human")) {
			humans++;
			humans_automatic += ctx.klass != PD_CLASS_HUMAN;
		}
		if (!g_str_equal (col[2], "-")) {
			rcpts++;
			rcpts_exact += g_strcmp0 (ctx.bounce_recipient, col[2]) == 0;
		}
		if (!g_str_equal (pd_class_name (ctx.klass), col[1]))
			g_string_append_printf (why, " class %s (%s), want %s;", pd_class_name (ctx.klass),
			                        ctx.reason, col[1]);
		if (!g_str_equal (col[2], "-") && g_strcmp0 (ctx.bounce_recipient, col[2]) != 0)
			g_string_append_printf (why, " recipient %s, want %s;", ctx.bounce_recipient, col[2]);
		if (!g_str_equal (col[3], "-") && (ctx.reason == NULL || !strstr (ctx.reason, col[3])))
			g_string_append_printf (why, " reason \"%s\", want \"%s\";", ctx.reason, col[3]);
		if (!g_str_equal (col[4], "-")) {
			g_autofree char *want_path = g_build_filename (dir, col[4], NULL);
			g_autofree char *want = NULL;
			if (!g_file_get_contents (want_path, &want, NULL, &error))
				g_error ("%s", error->message);
			g_autofree char *got = pd_quote_new_text (mail->body_text ? mail->body_text : "", NULL);
			texts++;
			if (strcmp (g_strstrip (got), g_strstrip (want)) != 0)
				g_string_append_printf (why, " new text \"%s\";", got);
			else
				texts_exact++;
		}
		if (why->len > 0) {
			g_printerr ("# miss %s:%s\n", col[0], why->str);
			misses++;
		}
		g_string_free (why, TRUE);
		pd_context_clear (&ctx);
	}
	g_printerr ("# tests/data/classify: %u of %u as expected\n", rows - misses, rows);
	g_printerr ("# bounce detected %u/%u, failed recipient exact %u/%u, automatic reply recognised "
	            "%u/%u, reply text exact %u/%u, human classed automatic %u of %u\n", bounces_found,
	            bounces, rcpts_exact, rcpts, autos_found, autos, texts_exact, texts, humans_automatic,
	            humans);
	g_assert_cmpuint (rows, >, 0);
	g_assert_cmpuint (misses, ==, 0);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_mime_init ();
	for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autofree char *path = g_strdup_printf ("/classify/%s", cases[i].name);
		g_test_add_data_func (path, &cases[i], test_case);
	}
	g_test_add_func ("/classify/bounce/verp", test_verp);
	g_test_add_func ("/classify/data", test_data);
	return g_test_run ();
}
