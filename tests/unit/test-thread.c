/* test-thread.c - the thread and route filters over a fake PdQuery (hash tables, no store):
 * signed reply address, In-Reply-To, References (newest wins), subject tag only from a
 * participant, queue routing; then the whole chain on a human mail, and store errors. */
#include <string.h>
#include <glib.h>
#include "filters/chain.h"
#include "core/error.h"
#include "core/token.h"

/* ---- the fake store ---- */

typedef struct {
	GHashTable *by_message_id; /* char* -> GINT_TO_POINTER (ticket) */
	GHashTable *queues;        /* GINT_TO_POINTER (ticket) -> char* queue name */
	GHashTable *participants;  /* "ticket:addr" -> "" */
	const char *fail;          /* name of the function that fails, or NULL */
	guint calls;
} FakeStore;

static gboolean
fake_fail (FakeStore *f, const char *fn, GError **error)
{
	f->calls++;
	if (g_strcmp0 (f->fail, fn) == 0) {
		g_set_error (error, PD_ERROR, PD_ERROR_TEMPFAIL, "database is locked (%s)", fn);
		return TRUE;
	}
	return FALSE;
}

static gboolean
fake_ticket_by_message_id (void *self, const char *message_id, gint64 *ticket_r, GError **error)
{
	FakeStore *f = self;

	if (fake_fail (f, "ticket_by_message_id", error))
		return FALSE;
	*ticket_r = GPOINTER_TO_INT (g_hash_table_lookup (f->by_message_id, message_id));
	return TRUE;
}

static gboolean
fake_ticket_queue (void *self, gint64 ticket, char **queue_r, GError **error)
{
	FakeStore *f = self;

	if (fake_fail (f, "ticket_queue", error))
		return FALSE;
	*queue_r = g_strdup (g_hash_table_lookup (f->queues, GINT_TO_POINTER ((int) ticket)));
	return TRUE;
}

static gboolean
fake_is_participant (void *self, gint64 ticket, const char *addr, gboolean *yes_r,
                     GError **error)
{
	FakeStore *f = self;
	g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT ":%s", ticket, addr);

	if (fake_fail (f, "is_participant", error))
		return FALSE;
	*yes_r = g_hash_table_contains (f->participants, key);
	return TRUE;
}

static gboolean
fake_outbox_row (void *self, gint64 outbox_id, gint64 *ticket_r, char **rcpt_r, GError **error)
{
	FakeStore *f = self;

	if (fake_fail (f, "outbox_row", error))
		return FALSE;
	g_set_error (error, PD_ERROR, PD_ERROR_NOTFOUND, "no outbox row %" G_GINT64_FORMAT, outbox_id);
	return FALSE;
}

static gboolean
fake_outbox_by_message_id (void *self, const char *message_id, gint64 *outbox_r, GError **error)
{
	FakeStore *f = self;

	if (fake_fail (f, "outbox_by_message_id", error))
		return FALSE;
	*outbox_r = 0;
	return TRUE;
}

static const PdQueueInfo queues[] = {
	{ "support", "support@example.com", "SUPPORT" },
	{ "sales", "sales@example.com", "SALES" },
};
static const char *const own_addresses[] = { "support@example.com", "sales@example.com", NULL };

/* agents: alice (active), dora (disabled) */
static gboolean
fake_agent_by_address (void *self, const char *addr, gint64 *agent_r, gboolean *active_r,
                       char **name_r, GError **error)
{
	*agent_r = 0;
	*active_r = FALSE;
	*name_r = NULL;
	if (g_strcmp0 (addr, "alice@example.com") == 0) {
		*agent_r = 1;
		*active_r = TRUE;
		*name_r = g_strdup ("Alice");
	} else if (g_strcmp0 (addr, "dora@example.com") == 0) {
		*agent_r = 2;
		*name_r = g_strdup ("Dora");
	}
	return TRUE;
}

typedef struct {
	FakeStore store;
	PdQuery query;
	GBytes *secret;
	PdContext ctx;
} Fixture;

static void
fixture_set_up (Fixture *fx, gconstpointer data)
{
	FakeStore *f = &fx->store;

	f->by_message_id = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	f->queues = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
	f->participants = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	/* ticket 5 in support, customer ann; ticket 7 in sales, customer bob; 8 in support */
	g_hash_table_insert (f->queues, GINT_TO_POINTER (5), g_strdup ("support"));
	g_hash_table_insert (f->queues, GINT_TO_POINTER (7), g_strdup ("sales"));
	g_hash_table_insert (f->queues, GINT_TO_POINTER (8), g_strdup ("support"));
	g_hash_table_insert (f->participants, g_strdup ("5:ann@example.org"), (char *) "");
	g_hash_table_insert (f->participants, g_strdup ("7:bob@example.org"), (char *) "");
	g_hash_table_insert (f->by_message_id, g_strdup ("first@example.org"), GINT_TO_POINTER (5));
	g_hash_table_insert (f->by_message_id, g_strdup ("pd.1.abc@example.com"), GINT_TO_POINTER (5));
	g_hash_table_insert (f->by_message_id, g_strdup ("sales-1@example.org"), GINT_TO_POINTER (7));
	g_hash_table_insert (f->by_message_id, g_strdup ("other-8@example.org"), GINT_TO_POINTER (8));

	fx->query.self = f;
	fx->query.ticket_by_message_id = fake_ticket_by_message_id;
	fx->query.ticket_queue = fake_ticket_queue;
	fx->query.is_participant = fake_is_participant;
	fx->query.outbox_row = fake_outbox_row;
	fx->query.outbox_by_message_id = fake_outbox_by_message_id;
	fx->query.agent_by_address = fake_agent_by_address;

	fx->secret = g_bytes_new_static ("test-secret-0123456789", 22);
	pd_context_init (&fx->ctx);
	fx->ctx.domain = "example.com";
	fx->ctx.queues = queues;
	fx->ctx.n_queues = G_N_ELEMENTS (queues);
	fx->ctx.own_addresses = own_addresses;
	fx->ctx.secret = fx->secret;
	fx->ctx.query = &fx->query;
}

static void
fixture_tear_down (Fixture *fx, gconstpointer data)
{
	pd_context_clear (&fx->ctx);
	g_bytes_unref (fx->secret);
	g_hash_table_destroy (fx->store.by_message_id);
	g_hash_table_destroy (fx->store.queues);
	g_hash_table_destroy (fx->store.participants);
}

/* A fresh context for the next case, same givens. */
static void
reset (Fixture *fx)
{
	PdContext given = fx->ctx;

	pd_context_clear (&fx->ctx);
	pd_context_init (&fx->ctx);
	fx->ctx.domain = given.domain;
	fx->ctx.queues = given.queues;
	fx->ctx.n_queues = given.n_queues;
	fx->ctx.own_addresses = given.own_addresses;
	fx->ctx.secret = given.secret;
	fx->ctx.query = given.query;
	fx->store.fail = NULL;
}

static PdMail *
mail_new (const char *headers)
{
	g_autofree char *text = g_strconcat (headers, "MIME-Version: 1.0\n"
	                                     "Content-Type: text/plain; charset=utf-8\n\n"
	                                     "Hello,\nmy printer is on fire.\nAnn\n", NULL);
	g_autoptr (GBytes) raw = g_bytes_new (text, strlen (text));
	g_autoptr (GError) error = NULL;
	PdMail *mail = pd_mail_parse (raw, NULL, &error);

	g_assert_no_error (error);
	g_assert_nonnull (mail);
	return mail;
}

static void
run_thread_route (Fixture *fx, const PdMail *mail)
{
	g_assert_cmpint (pd_filter_thread.run (&fx->ctx, mail), ==, PD_CONTINUE);
	g_assert_cmpint (pd_filter_route.run (&fx->ctx, mail), ==, PD_CONTINUE);
	g_assert_nonnull (fx->ctx.queue);
	g_assert_cmpstr (fx->ctx.priority, ==, "normal");
}

typedef struct {
	const char *name;
	const char *headers;       /* %s: a reply address for the case's token, if any */
	const char *envelope_rcpt; /* %s too; may be NULL */
	char token_kind;           /* 0: no token */
	gint64 token_id;
	gboolean bad_signature;
	gint64 want_ticket;
	const char *want_by;
	const char *want_queue;
} Case;

static const Case cases[] = {
	{ "token in To", "From: ann@example.org\nTo: %s\nSubject: Re: hello\n", NULL, 't', 5, FALSE,
	  5, "token", "support" },
	{ "token in To, follow-up keeps the ticket's queue",
	  "From: bob@example.org\nTo: %s\nSubject: Re: offer\n", NULL, 't', 7, FALSE, 7, "token",
	  "sales" },
	{ "token in Cc", "From: x@example.org\nTo: someone@example.net\nCc: Desk <%s>\nSubject: x\n",
	  NULL, 't', 7, FALSE, 7, "token", "sales" },
	{ "token in envelope recipient only", "From: x@example.org\nTo: support@example.com\nSubject: x\n",
	  "%s", 't', 7, FALSE, 7, "token", "sales" },
	{ "token in upper case (a relay folded the local part)",
	  "From: x@example.org\nTo: %s\nSubject: x\n", NULL, 'T', 5, FALSE, 5, "token", "support" },
	{ "token for a ticket the store does not know",
	  "From: ann@example.org\nTo: %s\nSubject: Re: hello\n", NULL, 't', 99, FALSE, 0, "new",
	  "support" },
	{ "token with a bad signature", "From: ann@example.org\nTo: %s\nSubject: Re: hello\n", NULL,
	  't', 5, TRUE, 0, "new", "support" },
	{ "outbox token is not a ticket token", "From: ann@example.org\nTo: %s\nSubject: x\n", NULL,
	  'o', 5, FALSE, 0, "new", "support" },
	{ "token wins over In-Reply-To",
	  "From: ann@example.org\nTo: %s\nIn-Reply-To: <sales-1@example.org>\nSubject: x\n", NULL,
	  't', 5, FALSE, 5, "token", "support" },
	{ "In-Reply-To known",
	  "From: ann@example.org\nTo: support@example.com\nIn-Reply-To: <pd.1.abc@example.com>\n"
	  "Subject: Re: hello\n",
	  NULL, 0, 0, FALSE, 5, "in-reply-to", "support" },
	{ "In-Reply-To known, sent to the other queue: the ticket's queue",
	  "From: bob@example.org\nTo: support@example.com\nIn-Reply-To: <sales-1@example.org>\n"
	  "Subject: Re: offer\n",
	  NULL, 0, 0, FALSE, 7, "in-reply-to", "sales" },
	{ "In-Reply-To unknown, References known",
	  "From: ann@example.org\nTo: support@example.com\nIn-Reply-To: <unknown@example.org>\n"
	  "References: <first@example.org> <unknown@example.org>\nSubject: Re: hello\n",
	  NULL, 0, 0, FALSE, 5, "references", "support" },
	{ "References: the newest known wins",
	  "From: ann@example.org\nTo: support@example.com\n"
	  "References: <first@example.org> <sales-1@example.org> <unknown@example.org>\n"
	  "Subject: Re: hello\n",
	  NULL, 0, 0, FALSE, 7, "references", "sales" },
	{ "References: the newest known wins, other order",
	  "From: ann@example.org\nTo: support@example.com\n"
	  "References: <sales-1@example.org> <first@example.org>\n"
	  "Subject: Re: hello\n",
	  NULL, 0, 0, FALSE, 5, "references", "support" },
	{ "In-Reply-To wins over References",
	  "From: ann@example.org\nTo: support@example.com\nIn-Reply-To: <other-8@example.org>\n"
	  "References: <first@example.org>\nSubject: Re: hello\n",
	  NULL, 0, 0, FALSE, 8, "in-reply-to", "support" },
	{ "subject tag from a participant",
	  "From: Ann <ANN@example.org>\nTo: support@example.com\nSubject: Re: [SUPPORT #5] printer\n",
	  NULL, 0, 0, FALSE, 5, "subject-tag", "support" },
	{ "subject tag from a stranger",
	  "From: mallory@example.net\nTo: support@example.com\nSubject: Re: [SUPPORT #5] printer\n",
	  NULL, 0, 0, FALSE, 0, "new", "support" },
	{ "subject tag, blanks and case", "From: ann@example.org\nTo: x@example.net\n"
	  "Subject: Re: [ support  #5 ] printer\n",
	  NULL, 0, 0, FALSE, 5, "subject-tag", "support" },
	{ "subject tag without blank", "From: ann@example.org\nTo: x@example.net\n"
	  "Subject: [Support#5]\n",
	  NULL, 0, 0, FALSE, 5, "subject-tag", "support" },
	{ "subject tag of the other queue", "From: bob@example.org\nTo: support@example.com\n"
	  "Subject: Fwd: [SALES #7] offer\n",
	  NULL, 0, 0, FALSE, 7, "subject-tag", "sales" },
	{ "subject tag after another bracket", "From: ann@example.org\nTo: x@example.net\n"
	  "Subject: [EXTERNAL] Re: [SUPPORT #5] printer\n",
	  NULL, 0, 0, FALSE, 5, "subject-tag", "support" },
	{ "encoded subject tag", "From: ann@example.org\nTo: x@example.net\n"
	  "Subject: =?utf-8?q?Re=3A_=5BSUPPORT_=235=5D_caf=C3=A9?=\n",
	  NULL, 0, 0, FALSE, 5, "subject-tag", "support" },
	{ "unknown tag", "From: ann@example.org\nTo: support@example.com\nSubject: [BILLING #5] x\n",
	  NULL, 0, 0, FALSE, 0, "new", "support" },
	{ "tag with id 0", "From: ann@example.org\nTo: support@example.com\nSubject: [SUPPORT #0] x\n",
	  NULL, 0, 0, FALSE, 0, "new", "support" },
	{ "tag without number", "From: ann@example.org\nTo: support@example.com\nSubject: [SUPPORT #] x\n",
	  NULL, 0, 0, FALSE, 0, "new", "support" },
	{ "tag not closed", "From: ann@example.org\nTo: support@example.com\nSubject: [SUPPORT #5 x\n",
	  NULL, 0, 0, FALSE, 0, "new", "support" },
	{ "longer tag word", "From: ann@example.org\nTo: support@example.com\nSubject: [SUPPORTED #5]\n",
	  NULL, 0, 0, FALSE, 0, "new", "support" },
	{ "tag of a ticket the sender is on, but another id",
	  "From: ann@example.org\nTo: support@example.com\nSubject: [SUPPORT #7] x\n", NULL, 0, 0,
	  FALSE, 0, "new", "support" },
	{ "route: envelope rcpt sales", "From: new@example.org\nTo: support@example.com\nSubject: hi\n",
	  "sales@example.com", 0, 0, FALSE, 0, "new", "sales" },
	{ "route: envelope rcpt upper case", "From: new@example.org\nTo: x@example.net\nSubject: hi\n",
	  "SALES@Example.COM", 0, 0, FALSE, 0, "new", "sales" },
	{ "route: To with +extension", "From: new@example.org\nTo: sales+de@example.com\nSubject: hi\n",
	  NULL, 0, 0, FALSE, 0, "new", "sales" },
	{ "route: Cc", "From: new@example.org\nTo: x@example.net\nCc: Sales <sales@example.com>\n"
	  "Subject: hi\n",
	  NULL, 0, 0, FALSE, 0, "new", "sales" },
	{ "route: To wins over Cc",
	  "From: new@example.org\nTo: sales@example.com\nCc: support@example.com\nSubject: hi\n",
	  NULL, 0, 0, FALSE, 0, "new", "sales" },
	{ "route: unknown address, first queue",
	  "From: new@example.org\nTo: someone@example.net\nSubject: hi\n", "other@example.com", 0, 0,
	  FALSE, 0, "new", "support" },
	{ "route: lookalike domain", "From: new@example.org\nTo: sales@example.com.evil.net\n"
	  "Subject: hi\n",
	  NULL, 0, 0, FALSE, 0, "new", "support" },
	{ "route: no To at all", "From: new@example.org\nSubject: hi\n", NULL, 0, 0, FALSE, 0,
	  "new", "support" },
};

/* TEMPLATE with each "%s" replaced by ADDR (the templates are data, not printf formats). */
static char *
subst (const char *template, const char *addr)
{
	g_auto (GStrv) parts = NULL;

	if (template == NULL)
		return NULL;
	parts = g_strsplit (template, "%s", -1);
	return g_strjoinv (addr, parts);
}

static char *
token_address (Fixture *fx, const Case *c)
{
	char *addr;

	if (c->token_kind == 0)
		return g_strdup ("nobody@example.com");
	addr = pd_token_address (fx->secret, "support@example.com", g_ascii_tolower (c->token_kind),
	                         c->token_id);
	if (c->bad_signature) {
		char *at = strchr (addr, '@');
		at[-1] = at[-1] == '0' ? '1' : '0';
	}
	if (g_ascii_isupper (c->token_kind)) {
		char *p;
		for (p = addr; *p; p++)
			*p = g_ascii_toupper (*p);
	}
	return addr;
}

static void
test_cases (Fixture *fx, gconstpointer data)
{
	g_autoptr (GString) failures = g_string_new (NULL);
	guint i;

	for (i = 0; i < G_N_ELEMENTS (cases); i++) {
		const Case *c = &cases[i];
		g_autofree char *addr = token_address (fx, c);
		g_autofree char *headers = subst (c->headers, addr);
		g_autofree char *rcpt = subst (c->envelope_rcpt, addr);
		g_autoptr (PdMail) mail = NULL;

		g_test_message ("case %s", c->name);
		reset (fx);
		mail = mail_new (headers);
		fx->ctx.envelope_rcpt = rcpt;
		run_thread_route (fx, mail);
		if (fx->ctx.ticket_id != c->want_ticket || g_strcmp0 (fx->ctx.threaded_by, c->want_by) != 0 ||
		    g_strcmp0 (fx->ctx.queue->name, c->want_queue) != 0)
			g_string_append_printf (failures,
			                        " [case %s: got ticket %" G_GINT64_FORMAT " by %s queue %s, "
			                        "want ticket %" G_GINT64_FORMAT " by %s queue %s]",
			                        c->name, fx->ctx.ticket_id, fx->ctx.threaded_by,
			                        fx->ctx.queue->name, c->want_ticket, c->want_by,
			                        c->want_queue);
		/* the filters only judge */
		g_assert_cmpint (fx->ctx.klass, ==, PD_CLASS_HUMAN);
		fx->ctx.envelope_rcpt = NULL;
	}
	if (failures->len > 0)
		g_test_fail_printf ("%s", failures->str);
}

/* No query at all (classify without a database): everything is new, routing by address. */
static void
test_no_query (Fixture *fx, gconstpointer data)
{
	g_autofree char *addr = pd_token_address (fx->secret, "sales@example.com", 't', 7);
	g_autofree char *headers = g_strdup_printf (
		"From: ann@example.org\nTo: %s\nIn-Reply-To: <first@example.org>\n"
		"Subject: [SUPPORT #5]\n", addr);
	g_autoptr (PdMail) mail = mail_new (headers);

	fx->ctx.query = NULL;
	run_thread_route (fx, mail);
	g_assert_cmpint (fx->ctx.ticket_id, ==, 0);
	g_assert_cmpstr (fx->ctx.threaded_by, ==, "new");
	g_assert_cmpstr (fx->ctx.queue->name, ==, "sales");

	/* a query with every member NULL behaves the same */
	{
		PdQuery empty = { 0 };

		reset (fx);
		fx->ctx.query = &empty;
		run_thread_route (fx, mail);
		g_assert_cmpint (fx->ctx.ticket_id, ==, 0);
		g_assert_cmpstr (fx->ctx.threaded_by, ==, "new");
		g_assert_cmpstr (fx->ctx.queue->name, ==, "sales");
		fx->ctx.query = &fx->query;
	}
}

/* The whole registry on a plain human mail: human, new, first queue, no error. */
static void
test_chain_human (Fixture *fx, gconstpointer data)
{
	g_autoptr (PdMail) mail = mail_new ("From: Ann Customer <ann@example.org>\n"
	                                    "To: Support <support@example.com>\n"
	                                    "Subject: My printer is on fire\n"
	                                    "Message-ID: <CAF=xyz123@mail.example.org>\n"
	                                    "Date: Tue, 1 Feb 2022 10:00:00 +0000\n");
	g_autoptr (GError) error = NULL;
	guint i;

	fx->ctx.envelope_from = "ann@example.org";
	fx->ctx.envelope_rcpt = "support@example.com";
	g_assert_true (pd_chain_run (&fx->ctx, mail, &error));
	g_assert_no_error (error);
	g_assert_cmpstr (pd_class_name (fx->ctx.klass), ==, "human");
	g_assert_cmpint (fx->ctx.ticket_id, ==, 0);
	g_assert_cmpstr (fx->ctx.threaded_by, ==, "new");
	g_assert_cmpstr (fx->ctx.queue->name, ==, "support");
	g_assert_cmpstr (fx->ctx.priority, ==, "normal");
	g_assert_cmpstr (fx->ctx.reason, ==, "no automatic-mail signal");
	g_assert_null (fx->ctx.bounce_recipient);
	g_assert_null (fx->ctx.error);

	/* the registry is complete and in order */
	for (i = 0; pd_filters[i] != NULL; i++)
		;
	g_assert_cmpuint (i, ==, 8);
	g_assert_true (pd_filters[3] == &pd_filter_listreq); /* lists (issue 12) */
	g_assert_true (pd_filters[4] == &pd_filter_sender);
	g_assert_true (pd_filters[5] == &pd_filter_thread);
	g_assert_true (pd_filters[6] == &pd_filter_route);
	g_assert_true (pd_filters[7] == &pd_filter_kb_address);
}

/* A human follow-up through the whole chain: the token threads it. */
static void
test_chain_follow_up (Fixture *fx, gconstpointer data)
{
	g_autofree char *addr = pd_token_address (fx->secret, "sales@example.com", 't', 7);
	g_autofree char *headers = g_strdup_printf ("From: Bob <bob@example.org>\nTo: %s\n"
	                                            "Subject: Re: [SALES #7] offer\n"
	                                            "Message-ID: <reply-1@example.org>\n"
	                                            "In-Reply-To: <sales-1@example.org>\n",
	                                            addr);
	g_autoptr (PdMail) mail = mail_new (headers);
	g_autoptr (GError) error = NULL;

	fx->ctx.envelope_from = "bob@example.org";
	fx->ctx.envelope_rcpt = addr;
	g_assert_true (pd_chain_run (&fx->ctx, mail, &error));
	g_assert_no_error (error);
	g_assert_cmpint (fx->ctx.klass, ==, PD_CLASS_HUMAN);
	g_assert_cmpint (fx->ctx.ticket_id, ==, 7);
	g_assert_cmpstr (fx->ctx.threaded_by, ==, "token");
	g_assert_cmpstr (fx->ctx.queue->name, ==, "sales");
}

/* A store failure in any query the thread or route filter makes: the chain fails with it. */
static void
test_chain_query_error (Fixture *fx, gconstpointer data)
{
	static const struct {
		const char *fail;
		const char *headers; /* %s: a valid reply address for ticket 5 */
	} errors[] = {
		{ "ticket_queue", "From: ann@example.org\nTo: %s\nSubject: Re: x\n" },
		{ "ticket_by_message_id",
		  "From: ann@example.org\nTo: support@example.com\nIn-Reply-To: <first@example.org>\n"
		  "Subject: Re: x\n" },
		{ "ticket_by_message_id",
		  "From: ann@example.org\nTo: support@example.com\nReferences: <first@example.org>\n"
		  "Subject: Re: x\n" },
		{ "is_participant",
		  "From: ann@example.org\nTo: support@example.com\nSubject: Re: [SUPPORT #5] x\n" },
		/* found by Message-ID; the route filter then asks the ticket's queue */
		{ "ticket_queue",
		  "From: ann@example.org\nTo: support@example.com\nIn-Reply-To: <first@example.org>\n"
		  "Subject: Re: x\n" },
	};
	g_autofree char *addr = pd_token_address (fx->secret, "support@example.com", 't', 5);
	guint i;

	for (i = 0; i < G_N_ELEMENTS (errors); i++) {
		g_autofree char *headers = subst (errors[i].headers, addr);
		g_autoptr (PdMail) mail = mail_new (headers);
		g_autoptr (GError) error = NULL;

		g_test_message ("case %u: %s fails", i, errors[i].fail);
		reset (fx);
		fx->store.fail = errors[i].fail;
		g_assert_false (pd_chain_run (&fx->ctx, mail, &error));
		g_assert_error (error, PD_ERROR, PD_ERROR_TEMPFAIL);
		g_assert_nonnull (strstr (error->message, "database is locked"));
		g_assert_true (g_str_has_prefix (error->message, "filter "));
		/* the error moved to the caller */
		g_assert_null (fx->ctx.error);
	}
}

/* Filters run alone report PD_FAIL with ctx->error set. */
static void
test_filter_fail (Fixture *fx, gconstpointer data)
{
	g_autoptr (PdMail) mail = mail_new ("From: ann@example.org\nTo: support@example.com\n"
	                                    "In-Reply-To: <first@example.org>\nSubject: x\n");

	fx->store.fail = "ticket_by_message_id";
	g_assert_cmpint (pd_filter_thread.run (&fx->ctx, mail), ==, PD_FAIL);
	g_assert_error (fx->ctx.error, PD_ERROR, PD_ERROR_TEMPFAIL);

	reset (fx);
	fx->ctx.ticket_id = 5;
	fx->store.fail = "ticket_queue";
	g_assert_cmpint (pd_filter_route.run (&fx->ctx, mail), ==, PD_FAIL);
	g_assert_error (fx->ctx.error, PD_ERROR, PD_ERROR_TEMPFAIL);
}

static void
test_class_names (void)
{
	static const char *const names[] = { "human", "autoreply", "vacation", "bounce", "delayed",
	                                     "loop", "list", "feedback" };
	guint i;

	g_assert_cmpuint (G_N_ELEMENTS (names), ==, PD_CLASS_COUNT);
	for (i = 0; i < G_N_ELEMENTS (names); i++) {
		PdClass k = PD_CLASS_COUNT;

		g_assert_cmpstr (pd_class_name ((PdClass) i), ==, names[i]);
		g_assert_true (pd_class_from_name (names[i], &k));
		g_assert_cmpint (k, ==, i);
	}
	{
		PdClass k = PD_CLASS_COUNT;
		g_assert_false (pd_class_from_name ("Human", &k));
		g_assert_false (pd_class_from_name ("", &k));
		g_assert_false (pd_class_from_name (NULL, &k));
		g_assert_cmpint (k, ==, PD_CLASS_COUNT);
	}
}

/* The sender filter: an agent's reply is trusted only from an active agent AND at the
 * signed agent address of an existing ticket; anything else is customer mail with a note. */
static void
test_sender (Fixture *fx, gconstpointer data)
{
	g_autofree char *agent5 = pd_token_address (fx->secret, "support@example.com", 'a', 5);
	g_autofree char *agent99 = pd_token_address (fx->secret, "support@example.com", 'a', 99);
	g_autofree char *cust5 = pd_token_address (fx->secret, "support@example.com", 't', 5);
	const struct {
		const char *name, *from, *to;
		gint64 want_agent, want_ticket;
		gboolean want_note;
	} sender_cases[] = {
		{ "agent at the agent address", "alice@example.com", agent5, 1, 5, FALSE },
		{ "agent at the customer address", "alice@example.com", cust5, 0, 5, TRUE },
		{ "agent at the queue address", "alice@example.com", "support@example.com", 0, 0, TRUE },
		{ "disabled agent at the agent address", "dora@example.com", agent5, 0, 0, TRUE },
		{ "stranger at the agent address", "eve@example.org", agent5, 0, 0, TRUE },
		{ "agent address of an unknown ticket", "alice@example.com", agent99, 0, 0, FALSE },
		{ "customer at the queue address", "ann@example.org", "support@example.com", 0, 0, FALSE },
	};
	guint i;

	for (i = 0; i < G_N_ELEMENTS (sender_cases); i++) {
		g_autofree char *headers = g_strdup_printf ("From: %s\nTo: %s\nSubject: re\n", sender_cases[i].from,
		                                            sender_cases[i].to);
		g_autoptr (PdMail) mail = mail_new (headers);
		g_autoptr (GError) error = NULL;

		reset (fx);
		g_test_message ("case %s", sender_cases[i].name);
		g_assert_true (pd_chain_run (&fx->ctx, mail, &error));
		g_assert_no_error (error);
		g_assert_cmpint (fx->ctx.agent_id, ==, sender_cases[i].want_agent);
		g_assert_cmpint (fx->ctx.ticket_id, ==, sender_cases[i].want_ticket);
		g_assert_cmpint (fx->ctx.spoof_note != NULL, ==, sender_cases[i].want_note);
		if (sender_cases[i].want_agent)
			g_assert_cmpstr (fx->ctx.threaded_by, ==, "agent");
	}
}

/* With a trusted authserv-id, an agent's reply also needs its dkim or spf pass. */
static void
test_sender_auth (Fixture *fx, gconstpointer data)
{
	g_autofree char *agent5 = pd_token_address (fx->secret, "support@example.com", 'a', 5);
	const struct {
		const char *name, *header;
		gint64 want_agent;
	} auth_cases[] = {
		{ "no header", "", 0 },
		{ "dkim pass", "Authentication-Results: mx.example.com; dkim=pass header.d=example.com\n", 1 },
		{ "spf pass", "Authentication-Results: mx.example.com 1; spf=pass smtp.mailfrom=alice@example.com\n", 1 },
		{ "dkim fail", "Authentication-Results: mx.example.com; dkim=fail header.d=example.com\n", 0 },
		{ "other domain", "Authentication-Results: mx.example.com; dkim=pass header.d=evil.example\n", 0 },
		{ "untrusted authserv", "Authentication-Results: mx.evil.example; dkim=pass header.d=example.com\n", 0 },
		{ "second header passes", "Authentication-Results: mx.evil.example; none\n"
		                          "Authentication-Results: MX.example.com; spf=fail; dkim=pass header.d=example.com\n", 1 },
	};
	guint i;

	for (i = 0; i < G_N_ELEMENTS (auth_cases); i++) {
		g_autofree char *headers = g_strdup_printf ("%sFrom: alice@example.com\nTo: %s\nSubject: re\n",
		                                            auth_cases[i].header, agent5);
		g_autoptr (PdMail) mail = mail_new (headers);
		g_autoptr (GError) error = NULL;

		reset (fx);
		fx->ctx.trusted_authserv = "mx.example.com";
		g_test_message ("case %s", auth_cases[i].name);
		g_assert_true (pd_chain_run (&fx->ctx, mail, &error));
		g_assert_cmpint (fx->ctx.agent_id, ==, auth_cases[i].want_agent);
		g_assert_cmpint (fx->ctx.spoof_note != NULL, ==, auth_cases[i].want_agent == 0);
	}
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
	ADD ("/thread/cases", test_cases);
	ADD ("/thread/no-query", test_no_query);
	ADD ("/thread/filter-fail", test_filter_fail);
	ADD ("/thread/chain/human", test_chain_human);
	ADD ("/thread/chain/follow-up", test_chain_follow_up);
	ADD ("/thread/chain/query-error", test_chain_query_error);
	ADD ("/thread/sender", test_sender);
	ADD ("/thread/sender-auth", test_sender_auth);
#undef ADD
	g_test_add_func ("/thread/class-names", test_class_names);
	return g_test_run ();
}
