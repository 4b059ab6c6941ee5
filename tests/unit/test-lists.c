/* test-lists.c - lists (issue 12): the join policy, names and addresses, topic lists, the
 * request parser (subject and body), CSV lines (quotes, bad lines), the listreq filter's
 * recognition of request addresses, and against a real store: status changes with their
 * consent rows, and an import that reports bad lines by number and never brings back
 * someone who unsubscribed. "got X, want Y" tables. */
#include <stdio.h>
#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "core/error.h"
#include "core/token.h"
#include "filters/chain.h"
#include "lists/import.h"
#include "lists/links.h"
#include "lists/list.h"
#include "lists/request.h"
#include "lists/subscriber.h"
#include "store/lists.h"
#include "store/campaign.h"
#include "store/list-articles.h"

static void
test_policy (void)
{
	static const struct {
		PdListPolicy policy;
		const char *domains, *addr;
		gboolean customer, want;
	} cases[] = {
		{ PD_LIST_OPEN, "", "a@x.org", FALSE, TRUE },
		{ PD_LIST_CONFIRM, "", "a@x.org", FALSE, TRUE },
		{ PD_LIST_CLOSED, "x.org", "a@x.org", TRUE, FALSE },
		{ PD_LIST_CUSTOMERS, "", "a@x.org", FALSE, FALSE },
		{ PD_LIST_CUSTOMERS, "", "a@x.org", TRUE, TRUE },
		{ PD_LIST_CUSTOMERS, "x.org", "a@x.org", FALSE, TRUE },
		{ PD_LIST_CUSTOMERS, "y.org, x.org", "a@X.ORG", FALSE, TRUE },
		{ PD_LIST_CUSTOMERS, "x.org", "a@mail.x.org", FALSE, TRUE },
		{ PD_LIST_CUSTOMERS, "x.org", "a@badx.org", FALSE, FALSE },
		{ PD_LIST_CUSTOMERS, "x.org", "a@x.org.evil.com", FALSE, FALSE },
		{ PD_LIST_CUSTOMERS, "@x.org", "a@x.org", FALSE, TRUE },
		{ PD_LIST_CUSTOMERS, ",,", "a@x.org", FALSE, FALSE },
	};
	PdListPolicy p;
	guint i;

	for (i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_test_message ("case %u: %s", i, cases[i].addr);
		g_assert_cmpint (pd_list_may_join (cases[i].policy, cases[i].domains, cases[i].addr,
		                                   cases[i].customer), ==, cases[i].want);
	}
	g_assert_true (pd_list_policy_from_name ("customers", &p));
	g_assert_cmpint (p, ==, PD_LIST_CUSTOMERS);
	g_assert_false (pd_list_policy_from_name ("moderated", &p));
}

static void
test_names (void)
{
	g_assert_true (pd_list_name_valid ("news"));
	g_assert_true (pd_list_name_valid ("news-2026.en_x"));
	g_assert_false (pd_list_name_valid ("News"));
	g_assert_false (pd_list_name_valid ("-news"));
	g_assert_false (pd_list_name_valid (""));
	g_assert_false (pd_list_name_valid ("~news.3"));
	g_assert_false (pd_list_name_valid ("a/b"));
	g_assert_true (pd_list_address_valid ("ann@example.org"));
	g_assert_true (pd_list_address_valid ("ann+x@mail.example.org"));
	g_assert_false (pd_list_address_valid ("ann"));
	g_assert_false (pd_list_address_valid ("ann@localhost"));
	g_assert_false (pd_list_address_valid ("@example.org"));
	g_assert_false (pd_list_address_valid ("a b@example.org"));
	g_assert_false (pd_list_address_valid ("a@b@example.org"));
	g_assert_false (pd_list_address_valid ("<a@example.org>"));
	g_assert_false (pd_list_address_valid ("a@example.org."));
	g_assert_false (pd_list_address_valid ("a@.org"));
}

static void
test_topics (void)
{
	static const struct {
		const char *in, *allowed, *want;
	} cases[] = {
		{ "b, A,,b", NULL, "b,a" },
		{ "", NULL, "" },
		{ NULL, NULL, "" },
		{ " x ,y", "y, z", "y" },
		{ "Z,y", "y,z", "z,y" },
	};
	guint i;

	for (i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autofree char *got = pd_list_topics_normalise (cases[i].in, cases[i].allowed);

		g_assert_cmpstr (got, ==, cases[i].want);
	}
}

static void
test_request_parse (void)
{
	static const struct {
		const char *subject, *body;
		PdListCommand want;
		const char *token;
	} cases[] = {
		{ "subscribe", "", PD_LIST_CMD_SUBSCRIBE, NULL },
		{ "SUBSCRIBE", NULL, PD_LIST_CMD_SUBSCRIBE, NULL },
		{ "Re: confirm k12-0123456789ab", "", PD_LIST_CMD_CONFIRM, "k12-0123456789ab" },
		{ "RE: AW: Fwd:  confirm  k3-aa", "", PD_LIST_CMD_CONFIRM, "k3-aa" },
		{ "unsubscribe", "subscribe", PD_LIST_CMD_UNSUBSCRIBE, NULL },
		{ "", "\n\n  help\n", PD_LIST_CMD_HELP, NULL },
		{ "hello there", "Hi,\nplease\nunsubscribe\nthanks", PD_LIST_CMD_UNSUBSCRIBE, NULL },
		{ "question", "a\nb\nc\nd\ne\nunsubscribe", PD_LIST_CMD_NONE, NULL },
		{ "", "thanks\n-- \nunsubscribe", PD_LIST_CMD_NONE, NULL },
		{ "", "text\n> subscribe", PD_LIST_CMD_NONE, NULL },
		{ "please subscribe me to your list of many things", "", PD_LIST_CMD_NONE, NULL },
		{ "subscribe me please", "", PD_LIST_CMD_SUBSCRIBE, NULL },
		{ "confirm", "", PD_LIST_CMD_NONE, NULL },
		{ NULL, "join", PD_LIST_CMD_SUBSCRIBE, NULL },
		{ "", "", PD_LIST_CMD_NONE, NULL },
	};
	guint i;

	for (i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autofree char *token = NULL;
		PdListCommand got = pd_list_request_parse (cases[i].subject, cases[i].body, &token);

		g_test_message ("case %u: subject \"%s\"", i, cases[i].subject);
		g_assert_cmpint (got, ==, cases[i].want);
		g_assert_cmpstr (token, ==, cases[i].token);
	}
}

static void
test_csv_split (void)
{
	static const struct {
		const char *line;
		gboolean ok;
		guint n;
		const char *f0, *f1;
	} cases[] = {
		{ "a@x.org,Ann", TRUE, 2, "a@x.org", "Ann" },
		{ "a@x.org,\"Smith, Ann\"", TRUE, 2, "a@x.org", "Smith, Ann" },
		{ "\"a@x.org\",\"Ann \"\"the\"\" Smith\"", TRUE, 2, "a@x.org", "Ann \"the\" Smith" },
		{ "a@x.org,", TRUE, 2, "a@x.org", "" },
		{ ",", TRUE, 2, "", "" },
		{ "", TRUE, 1, "", NULL },
		{ "a@x.org,\"\"", TRUE, 2, "a@x.org", "" },
		{ "a@x.org,\"open", FALSE, 0, NULL, NULL },
		{ "a@x.org,\"closed\" after", FALSE, 0, NULL, NULL },
		{ "a@x.org,An\"n", FALSE, 0, NULL, NULL },
	};
	g_autoptr (GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
	guint i;

	for (i = 0; i < G_N_ELEMENTS (cases); i++) {
		const char *why = NULL;
		gboolean ok = pd_csv_split (cases[i].line, fields, &why);

		g_test_message ("case %u: %s", i, cases[i].line);
		g_assert_cmpint (ok, ==, cases[i].ok);
		if (!ok) {
			g_assert_nonnull (why);
			continue;
		}
		g_assert_cmpuint (fields->len, ==, cases[i].n);
		g_assert_cmpstr (fields->pdata[0], ==, cases[i].f0);
		if (cases[i].f1)
			g_assert_cmpstr (fields->pdata[1], ==, cases[i].f1);
	}
}

/* parsers cut at every byte: no crash, no read past the end (ASan), an answer each time */
static void
test_cut_every_byte (void)
{
	static const char *const lines[] = {
		"\"a@x.org\",\"Ann \"\"the\"\" Smith\",en,\"a,b\"",
		"a@x.org,\"Smith, Ann\",,",
	};
	static const char body[] = "Hello,\n\n  confirm k12-0123456789ab\n> quoted\n-- \nsig\n";
	g_autoptr (GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
	guint i, n;

	for (i = 0; i < G_N_ELEMENTS (lines); i++)
		for (n = 0; n <= strlen (lines[i]); n++) {
			g_autofree char *cut = g_strndup (lines[i], n);
			const char *why = NULL;

			if (!pd_csv_split (cut, fields, &why))
				g_assert_nonnull (why);
		}
	for (n = 0; n <= strlen (body); n++) {
		g_autofree char *cut = g_strndup (body, n), *token = NULL;
		PdListCommand cmd = pd_list_request_parse (cut, cut, &token);

		g_assert_true (cmd != PD_LIST_CMD_CONFIRM || token != NULL);
	}
}

/* ---- the listreq filter, with a query that knows one list ---- */

static gboolean
fake_list_by_address (void *self, const char *addr, gint64 *list_r, GError **error)
{
	(void) self;
	(void) error;
	*list_r = g_ascii_strcasecmp (addr, "news@example.org") == 0 ? 7 : 0;
	return TRUE;
}

static void
test_listreq (void)
{
	g_autoptr (GBytes) secret = g_bytes_new_static ("k", 1);
	g_autofree char *mailto = pd_list_unsubscribe_address (secret, "news@example.org", 42);
	g_autofree char *forged = g_strdup ("news-request+m42-000000000000@example.org");
	PdQuery q = { 0 };
	struct {
		const char *rcpt;
		gint64 list;
		int kind;
		gint64 sub;
	} cases[] = {
		{ "news-request@example.org", 7, PD_LIST_REQ_COMMANDS, 0 },
		{ "NEWS-Request@Example.org", 7, PD_LIST_REQ_COMMANDS, 0 },
		{ "news+subscribe@example.org", 7, PD_LIST_REQ_SUBSCRIBE, 0 },
		{ "news+unsubscribe@example.org", 7, PD_LIST_REQ_UNSUBSCRIBE, 0 },
		{ mailto, 7, PD_LIST_REQ_UNSUBSCRIBE_ID, 42 },
		{ forged, 7, PD_LIST_REQ_COMMANDS, 0 },
		{ "news@example.org", 0, 0, 0 },
		{ "news+other@example.org", 0, 0, 0 },
		{ "other-request@example.org", 0, 0, 0 },
		{ "support@example.org", 0, 0, 0 },
		{ "-request@example.org", 0, 0, 0 },
	};
	g_autoptr (PdMail) mail = NULL;
	g_autoptr (GBytes) raw = g_bytes_new_static ("From: a@x.org\r\nTo: b@x.org\r\nSubject: s\r\n\r\nhi\r\n", 46);
	guint i;

	mail = pd_mail_parse (raw, NULL, NULL);
	g_assert_nonnull (mail);
	q.list_by_address = fake_list_by_address;
	for (i = 0; i < G_N_ELEMENTS (cases); i++) {
		PdContext ctx;

		pd_context_init (&ctx);
		ctx.query = &q;
		ctx.secret = secret;
		ctx.envelope_rcpt = cases[i].rcpt;
		g_test_message ("case %u: %s", i, cases[i].rcpt);
		g_assert_cmpint (pd_filter_listreq.run (&ctx, mail), ==, PD_CONTINUE);
		g_assert_cmpint (ctx.list_id, ==, cases[i].list);
		g_assert_cmpint (ctx.list_request, ==, cases[i].kind);
		g_assert_cmpint (ctx.list_subscriber, ==, cases[i].sub);
		pd_context_clear (&ctx);
	}
}

/* ---- against a real store ---- */

typedef struct {
	char *dir;
	PdStore *store;
	gint64 list;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
	g_autofree char *path = NULL;
	PdListRow row = { 0 };

	(void) data;
	f->dir = g_dir_make_tmp ("test-lists-XXXXXX", NULL);
	path = g_build_filename (f->dir, "postdesk.db", NULL);
	f->store = pd_store_open (path, 1000, NULL);
	g_assert_nonnull (f->store);
	row.name = (char *) "news";
	row.address = (char *) "news@example.org";
	row.topics = (char *) "a,b";
	g_assert_true (pd_store_list_create (f->store, &row, 1000, &f->list, NULL));
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
	g_autofree char *db = g_build_filename (f->dir, "postdesk.db", NULL);
	g_autofree char *wal = g_strconcat (db, "-wal", NULL), *shm = g_strconcat (db, "-shm", NULL);

	(void) data;
	pd_store_close (f->store);
	g_unlink (db);
	g_unlink (wal);
	g_unlink (shm);
	g_rmdir (f->dir);
	g_free (f->dir);
}

static gboolean
count_consent (const PdConsentRow *row, gpointer data, GError **error)
{
	GString *s = data;

	(void) error;
	g_string_append_printf (s, "%s/%s;", row->action, row->via);
	return TRUE;
}

static char *
ledger (Fixture *f, const char *addr)
{
	GString *s = g_string_new (NULL);

	g_assert_true (pd_store_consent_foreach (f->store, f->list, addr, count_consent, s, NULL));
	return g_string_free (s, FALSE);
}

static void
test_transitions (Fixture *f, gconstpointer data)
{
	gint64 id, id2;
	PdSubResult res;
	g_autofree char *l = NULL;
	g_autoptr (PdSubscriberRow) row = NULL;

	(void) data;
	g_assert_true (pd_subscriber_request (f->store, f->list, "Ann@X.org", "Ann", "mail", "<m1>",
	                                      2000, &id, &res, NULL));
	g_assert_cmpint (res, ==, PD_SUB_CHANGED);
	row = pd_store_subscriber_get (f->store, id, NULL);
	g_assert_cmpstr (row->status, ==, "pending");
	g_assert_cmpstr (row->address, ==, "ann@x.org");
	g_assert_true (pd_subscriber_confirm (f->store, id, "mail", "<m2>", 2001, &res, NULL));
	g_assert_cmpint (res, ==, PD_SUB_CHANGED);
	g_assert_true (pd_subscriber_confirm (f->store, id, "web", "web 127.0.0.1", 2002, &res, NULL));
	g_assert_cmpint (res, ==, PD_SUB_ALREADY);
	g_assert_true (pd_subscriber_unsubscribe (f->store, id, "web", "web 127.0.0.1", "one-click",
	                                          2003, &res, NULL));
	g_assert_cmpint (res, ==, PD_SUB_CHANGED);
	/* an old confirm link after leaving changes nothing */
	g_assert_true (pd_subscriber_confirm (f->store, id, "web", "web 127.0.0.1", 2004, &res, NULL));
	g_assert_cmpint (res, ==, PD_SUB_NOT_VALID);
	/* the person's own request brings them back, pending until confirmed */
	g_assert_true (pd_subscriber_request (f->store, f->list, "ann@x.org", NULL, "mail", "<m3>",
	                                      2005, &id2, &res, NULL));
	g_assert_cmpint (id2, ==, id);
	g_assert_cmpint (res, ==, PD_SUB_CHANGED);
	g_assert_true (pd_subscriber_set_prefs (f->store, id, "a", "de", "web", "web ::1", 2006, &res,
	                                        NULL));
	g_assert_cmpint (res, ==, PD_SUB_CHANGED);
	g_assert_true (pd_subscriber_set_prefs (f->store, id, "a", "de", "web", "web ::1", 2007, &res,
	                                        NULL));
	g_assert_cmpint (res, ==, PD_SUB_ALREADY);
	l = ledger (f, "ann@x.org");
	g_assert_cmpstr (l, ==, "request/mail;confirm/mail;unsubscribe/web;request/mail;change/web;");
}

typedef struct {
	GString *lines;
} Reports;

static void
report (guint64 line, const char *why, gpointer data)
{
	g_string_append_printf (((Reports *) data)->lines, "%" G_GUINT64_FORMAT ":%s\n", line, why);
}

static void
test_import (Fixture *f, gconstpointer data)
{
	static const char csv[] =
		"\xEF\xBB\xBF" "Address,Name,topics\r\n"       /* 1 */
		"ann@x.org,\"Smith, Ann\",a\r\n"               /* 2 added */
		"bob@x.org,Bob,\"a,zzz\"\n"                    /* 3 added, topic zzz dropped */
		"not-an-address,Nobody,\n"                     /* 4 bad */
		"carl@x.org,\"Carl\n"                          /* 5 bad: open quote */
		"\n"                                           /* 6 blank */
		"dora@x.org,Dora\n"                            /* 7 bad: 2 fields */
		"gone@x.org,Gone,\n"                           /* 8 skipped: unsubscribed */
		"ANN@x.org,Ann again,\n"                       /* 9 already */
		"pend@x.org,Pending,\n";                       /* 10 pending made active */
	g_autofree char *path = g_build_filename (f->dir, "in.csv", NULL);
	Reports r = { g_string_new (NULL) };
	PdImportStats st;
	PdSubResult res;
	gint64 gone, pend;
	FILE *in;
	g_autoptr (PdSubscriberRow) bob = NULL, gone_row = NULL;
	g_autofree char *gone_ledger = NULL;

	(void) data;
	g_assert_true (pd_subscriber_admin_add (f->store, f->list, "gone@x.org", NULL, "t", FALSE, 1, &gone,
	                                        &res, NULL));
	g_assert_true (pd_subscriber_unsubscribe (f->store, gone, "mail", "<x>", NULL, 2, &res, NULL));
	g_assert_true (pd_subscriber_request (f->store, f->list, "pend@x.org", NULL, "mail", "<y>", 3,
	                                      &pend, &res, NULL));
	g_assert_true (g_file_set_contents (path, csv, -1, NULL));
	in = fopen (path, "r");
	g_assert_nonnull (in);
	g_assert_true (pd_list_import (f->store, f->list, "a,b", in, "in.csv", 5000, report, &r, &st,
	                               NULL));
	fclose (in);
	g_assert_cmpstr (r.lines->str, ==,
	                 "4:not an address: \"not-an-address\"\n"
	                 "5:a quoted field is not closed on its line\n"
	                 "7:2 fields, the header has 3\n"
	                 "8:gone@x.org unsubscribed: not subscribed again by an import\n");
	g_assert_cmpuint (st.added, ==, 2);
	g_assert_cmpuint (st.bad, ==, 3);
	g_assert_cmpuint (st.unsubscribed, ==, 1);
	g_assert_cmpuint (st.already, ==, 1);
	g_assert_cmpuint (st.activated, ==, 1);
	g_assert_true (pd_store_subscriber_find (f->store, f->list, "bob@x.org", &bob, NULL));
	g_assert_cmpstr (bob->topics, ==, "a");
	g_assert_cmpstr (bob->status, ==, "active");
	gone_row = pd_store_subscriber_get (f->store, gone, NULL);
	g_assert_cmpstr (gone_row->status, ==, "unsubscribed");
	gone_ledger = ledger (f, "gone@x.org");
	g_assert_cmpstr (gone_ledger, ==, "subscribe/admin;unsubscribe/mail;");
	g_string_free (r.lines, TRUE);
}

static void
test_import_no_address (Fixture *f, gconstpointer data)
{
	g_autofree char *path = g_build_filename (f->dir, "bad.csv", NULL);
	g_autoptr (GError) error = NULL;
	PdImportStats st;
	FILE *in;

	(void) data;
	g_assert_true (g_file_set_contents (path, "mail,name\na@x.org,A\n", -1, NULL));
	in = fopen (path, "r");
	g_assert_false (pd_list_import (f->store, f->list, "", in, "bad.csv", 1, NULL, NULL, &st, &error));
	fclose (in);
	g_assert_nonnull (error);
	g_assert_nonnull (strstr (error->message, "address"));
}

static void
test_delete_keeps_ledger (Fixture *f, gconstpointer data)
{
	gint64 id;
	PdSubResult res;
	gboolean removed;
	g_autoptr (PdListRow) gone = NULL;
	g_autoptr (PdSubscriberRow) row = NULL;
	g_autoptr (GError) error = NULL;

	(void) data;
	g_assert_true (pd_subscriber_admin_add (f->store, f->list, "a@x.org", NULL, "t", FALSE, 1, &id, &res,
	                                        NULL));
	g_assert_true (pd_store_list_delete (f->store, f->list, "t", 2, &removed, NULL));
	g_assert_false (removed);
	gone = pd_store_list_get (f->store, "news", &error);
	g_assert_null (gone);
	row = pd_store_subscriber_get (f->store, id, NULL);
	g_assert_cmpstr (row->status, ==, "unsubscribed");
}

/* lists3: one INSERT of campaigns makes every kind (the kb mailer's article and digest
 * campaigns too), and an unsubscribed address needs force from an administrator */
static void
test_campaign_kinds (Fixture *f, gconstpointer data)
{
	gint64 a, d, n;
	g_autoptr (PdCampaignRow) ra = NULL, rd = NULL, rn = NULL;

	(void) data;
	g_assert_true (pd_store_campaign_insert (f->store, f->list, "article", 7, "An article", NULL,
	                                         "text", 0, 0, 0, 0, "100%", "t", 1000, &a, NULL));
	g_assert_true (pd_store_campaign_insert (f->store, f->list, NULL, 0, "News", "default", NULL,
	                                         0, 0, 0, 0, "100%", "t", 1000, &n, NULL));
	g_assert_true (pd_store_list_campaign_add (f->store, f->list, "digest", "3 new", "body", 0,
	                                           2000, &d, NULL));
	ra = pd_store_campaign_get (f->store, a, NULL);
	rn = pd_store_campaign_get (f->store, n, NULL);
	rd = pd_store_campaign_get (f->store, d, NULL);
	g_assert_cmpstr (ra->kind, ==, "article");
	g_assert_cmpstr (ra->state, ==, "draft");
	g_assert_cmpstr (rn->kind, ==, "announcement");
	g_assert_cmpstr (rd->kind, ==, "digest");
	g_assert_cmpstr (rd->state, ==, "running");
	g_assert_cmpstr (rd->created_by, ==, "kb");
	g_assert_cmpint (rd->started_at, ==, 2000);
	g_assert_cmpint (rd->created_at, ==, 2000);
}

static void
test_admin_force (Fixture *f, gconstpointer data)
{
	PdSubResult res;
	gint64 id, again;
	g_autoptr (GError) error = NULL;
	g_autoptr (PdSubscriberRow) row = NULL;

	(void) data;
	g_assert_true (pd_subscriber_admin_add (f->store, f->list, "u@x.org", NULL, "t", FALSE, 1, &id,
	                                        &res, NULL));
	g_assert_true (pd_subscriber_unsubscribe (f->store, id, "web", "w", NULL, 2, &res, NULL));
	g_assert_false (pd_subscriber_admin_add (f->store, f->list, "u@x.org", NULL, "t", FALSE, 3,
	                                         &again, &res, &error));
	g_assert_error (error, PD_ERROR, PD_ERROR_DATA);
	row = pd_store_subscriber_get (f->store, id, NULL);
	g_assert_cmpstr (row->status, ==, "unsubscribed");
	g_assert_true (pd_subscriber_admin_add (f->store, f->list, "u@x.org", NULL, "t", TRUE, 4,
	                                        &again, &res, NULL));
	g_assert_cmpint (again, ==, id);
	g_assert_cmpint (res, ==, PD_SUB_CHANGED);
	g_clear_pointer (&row, pd_subscriber_row_free);
	row = pd_store_subscriber_get (f->store, id, NULL);
	g_assert_cmpstr (row->status, ==, "active");
}

/* lists4: a subscriber disabled by bounces comes back by an administrator (enable/admin, no
 * force) or by their own confirmation (enable/mail); a request alone leaves them disabled. */
static void
test_reenable (Fixture *f, gconstpointer data)
{
	static const char *const statuses[] = { "disabled", "bouncing" };
	PdSubResult res;
	gint64 id, again;
	g_autoptr (PdSubscriberRow) row = NULL;
	guint i;

	(void) data;
	for (i = 0; i < G_N_ELEMENTS (statuses); i++) {
		g_autofree char *addr = g_strdup_printf ("r%u@x.org", i);

		g_test_message ("admin re-enables a %s subscriber", statuses[i]);
		g_assert_true (pd_subscriber_admin_add (f->store, f->list, addr, NULL, "t", FALSE, 1,
		                                        &id, &res, NULL));
		g_assert_true (pd_store_subscriber_set_status (f->store, id, statuses[i], 2, NULL));
		g_assert_true (pd_subscriber_admin_add (f->store, f->list, addr, NULL, "t", FALSE, 3,
		                                        &again, &res, NULL));
		g_assert_cmpint (again, ==, id);
		g_assert_cmpint (res, ==, PD_SUB_ENABLED);
		g_clear_pointer (&row, pd_subscriber_row_free);
		row = pd_store_subscriber_get (f->store, id, NULL);
		g_assert_cmpstr (row->status, ==, "active");
	}
	/* by mail: the request leaves the status, the confirmation enables */
	g_assert_true (pd_store_subscriber_set_status (f->store, id, "disabled", 4, NULL));
	g_assert_true (pd_subscriber_request (f->store, f->list, "r1@x.org", NULL, "mail", "m@x", 5,
	                                      &again, &res, NULL));
	g_assert_cmpint (res, ==, PD_SUB_CHANGED);
	g_clear_pointer (&row, pd_subscriber_row_free);
	row = pd_store_subscriber_get (f->store, id, NULL);
	g_assert_cmpstr (row->status, ==, "disabled");
	g_assert_true (pd_subscriber_confirm (f->store, id, "mail", "m2@x", 6, &res, NULL));
	g_assert_cmpint (res, ==, PD_SUB_CHANGED);
	g_clear_pointer (&row, pd_subscriber_row_free);
	row = pd_store_subscriber_get (f->store, id, NULL);
	g_assert_cmpstr (row->status, ==, "active");
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/lists/policy", test_policy);
	g_test_add_func ("/lists/names", test_names);
	g_test_add_func ("/lists/topics", test_topics);
	g_test_add_func ("/lists/request-parse", test_request_parse);
	g_test_add_func ("/lists/csv-split", test_csv_split);
	g_test_add_func ("/lists/cut-every-byte", test_cut_every_byte);
	g_test_add_func ("/lists/listreq", test_listreq);
	g_test_add ("/lists/store/transitions", Fixture, NULL, fixture_set_up, test_transitions,
	            fixture_tear_down);
	g_test_add ("/lists/store/import", Fixture, NULL, fixture_set_up, test_import,
	            fixture_tear_down);
	g_test_add ("/lists/store/import-no-address", Fixture, NULL, fixture_set_up,
	            test_import_no_address, fixture_tear_down);
	g_test_add ("/lists/store/campaign-kinds", Fixture, NULL, fixture_set_up,
	            test_campaign_kinds, fixture_tear_down);
	g_test_add ("/lists/store/admin-force", Fixture, NULL, fixture_set_up, test_admin_force,
	            fixture_tear_down);
	g_test_add ("/lists/store/reenable", Fixture, NULL, fixture_set_up, test_reenable,
	            fixture_tear_down);
	g_test_add ("/lists/store/delete-keeps-ledger", Fixture, NULL, fixture_set_up,
	            test_delete_keeps_ledger, fixture_tear_down);
	return g_test_run ();
}
