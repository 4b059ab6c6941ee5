/* test-sender.c - the sender filter against forged mail: only the topmost
 * Authentication-Results of the trusted authserv-id counts (RFC 8601 §5), and an agent's
 * reply has exactly one From mailbox and a Sender, if any, that agrees. Runs the filter alone
 * over a fake PdQuery (agent@staff.test is an active agent, ticket 5 exists). */
#include <string.h>
#include <glib.h>
#include "filters/chain.h"
#include "core/token.h"

static gboolean
fake_agent_by_address (void *self, const char *addr, gint64 *agent_r, gboolean *active_r,
                       char **name_r, GError **error)
{
	gboolean agent = g_strcmp0 (addr, "agent@staff.test") == 0;

	*agent_r = agent ? 1 : 0;
	*active_r = agent;
	*name_r = agent ? g_strdup ("Agent") : NULL;
	return TRUE;
}

static gboolean
fake_ticket_queue (void *self, gint64 ticket, char **queue_r, GError **error)
{
	*queue_r = ticket == 5 ? g_strdup ("support") : NULL;
	return TRUE;
}

static const PdQuery query = {
	.ticket_queue = fake_ticket_queue,
	.agent_by_address = fake_agent_by_address,
};

typedef struct {
	const char *name;
	const char *headers; /* above To: (the agent address of ticket 5) and Subject: */
	gint64 want_agent;
} Case;

/* Run the sender filter on HEADERS with AUTHSERV trusted (or none). FALSE (and the case
 * printed) when the verdict is not the one wanted. */
static gboolean
run_case (const Case *c, const char *authserv)
{
	g_autoptr (GBytes) secret = g_bytes_new_static ("test-secret-0123456789", 22);
	g_autofree char *to = pd_token_address (secret, "support@example.com", 'a', 5);
	g_autofree char *text = g_strdup_printf ("%sTo: %s\nSubject: Re: [SUPPORT #5] printer\n"
	                                         "MIME-Version: 1.0\n"
	                                         "Content-Type: text/plain; charset=utf-8\n\n"
	                                         "#status resolved\n", c->headers, to);
	g_autoptr (GBytes) raw = g_bytes_new (text, strlen (text));
	g_autoptr (GError) error = NULL;
	g_autoptr (PdMail) mail = pd_mail_parse (raw, NULL, &error);
	PdContext ctx;
	gboolean good;

	g_assert_no_error (error);
	pd_context_init (&ctx);
	ctx.domain = "example.com";
	ctx.secret = secret;
	ctx.query = &query;
	ctx.trusted_authserv = authserv;
	g_assert_cmpint (pd_filter_sender.run (&ctx, mail), ==, PD_CONTINUE);
	g_assert_no_error (ctx.error);
	good = ctx.agent_id == c->want_agent;
	if (c->want_agent != 0)
		good = good && ctx.spoof_note == NULL && ctx.ticket_id == 5;
	else if (mail->from && g_strcmp0 (mail->from->addr, "agent@staff.test") == 0)
		good = good && ctx.spoof_note != NULL; /* an agent's From not trusted: say why */
	if (!good)
		g_printerr ("case \"%s\" (authserv %s): got agent %" G_GINT64_FORMAT ", want %"
		            G_GINT64_FORMAT " (note: %s)\n", c->name, authserv ? authserv : "none",
		            ctx.agent_id, c->want_agent, ctx.spoof_note ? ctx.spoof_note : "none");
	pd_context_clear (&ctx);
	return good;
}

#define FROM "From: Agent <agent@staff.test>\n"
#define AR "Authentication-Results: "

static void
test_auth_results (void)
{
	static const Case cases[] = {
		{ "the MX's pass", AR "mx.staff.test; dkim=pass header.d=staff.test\n" FROM, 1 },
		{ "spf pass with a version", AR "mx.staff.test 1; spf=pass smtp.mailfrom=agent@staff.test\n" FROM, 1 },
		{ "authserv-id in another case", AR "MX.Staff.Test; dkim=pass header.d=staff.test\n" FROM, 1 },
		{ "no Authentication-Results", FROM, 0 },
		{ "the MX says fail", AR "mx.staff.test; spf=fail smtp.mailfrom=agent@staff.test\n" FROM, 0 },
		{ "forged pass below the MX's fail",
		  AR "mx.staff.test; spf=fail smtp.mailfrom=agent@staff.test\n"
		  "Received: from ext.test by mx.staff.test; Mon, 23 Nov 2026 10:00:00 +0000\n"
		  AR "mx.staff.test; dkim=pass header.d=staff.test\n" FROM, 0 },
		{ "forged pass below the MX's none",
		  AR "mx.staff.test; none\n" AR "mx.staff.test; dkim=pass header.d=staff.test\n" FROM, 0 },
		{ "forged pass below the MX's pass for another domain",
		  AR "mx.staff.test; dkim=pass header.d=ext.test\n"
		  AR "mx.staff.test; dkim=pass header.d=staff.test\n" FROM, 0 },
		{ "another authserv above the MX's pass",
		  AR "mx.ext.test; dkim=fail\n" AR "mx.staff.test; dkim=pass header.d=staff.test\n" FROM, 1 },
		{ "the MX's pass above a forged fail",
		  AR "mx.staff.test; dkim=pass header.d=staff.test\n" AR "mx.staff.test; dkim=fail\n" FROM, 1 },
		{ "a look-alike authserv-id", AR "mx.staff.test.ext.test; dkim=pass header.d=staff.test\n" FROM, 0 },
	};
	guint i, failed = 0;

	for (i = 0; i < G_N_ELEMENTS (cases); i++)
		failed += !run_case (&cases[i], "mx.staff.test");
	g_assert_cmpuint (failed, ==, 0);
}

static void
test_from_sender (void)
{
	static const Case cases[] = {
		{ "one From mailbox", FROM, 1 },
		{ "two From mailboxes", "From: agent@staff.test, evil@ext.test\n", 0 },
		{ "two From mailboxes, display names", "From: Agent <agent@staff.test>, Evil <evil@ext.test>\n", 0 },
		{ "the agent second", "From: evil@ext.test, agent@staff.test\n", 0 },
		{ "two From fields", FROM "From: evil@ext.test\n", 0 },
		{ "a group", "From: Staff: agent@staff.test;\n", 0 },
		{ "Sender agrees", FROM "Sender: agent@staff.test\n", 1 },
		{ "Sender agrees, other case", FROM "Sender: The Agent <AGENT@Staff.Test>\n", 1 },
		{ "Sender differs", FROM "Sender: evil@ext.test\n", 0 },
		{ "Sender with two mailboxes", FROM "Sender: agent@staff.test, evil@ext.test\n", 0 },
		{ "two Sender fields", FROM "Sender: agent@staff.test\nSender: evil@ext.test\n", 0 },
		{ "empty Sender", FROM "Sender: \n", 0 },
	};
	guint i, failed = 0;

	for (i = 0; i < G_N_ELEMENTS (cases); i++) {
		failed += !run_case (&cases[i], NULL);
		/* the same with the MX's pass on top */
		{
			g_autofree char *h = g_strconcat (AR "mx.staff.test; dkim=pass header.d=staff.test\n",
			                                  cases[i].headers, NULL);
			Case c = cases[i];

			c.headers = h;
			failed += !run_case (&c, "mx.staff.test");
		}
	}
	g_assert_cmpuint (failed, ==, 0);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/sender/authentication-results", test_auth_results);
	g_test_add_func ("/sender/from-and-sender", test_from_sender);
	return g_test_run ();
}
