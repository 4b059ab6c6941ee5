/* test-retention.c - the pure parts of issue 13's queues, retention and migration: mbox
 * separators and >From unescaping, maildir order, whole-word matching for routing rules,
 * list values, retention durations, and the [route]/[retention] settings with their errors. */
#include <glib/gstdio.h>
#include <string.h>

#include "core/error.h"
#include "core/settings-retention.h"
#include "core/settings-route.h"
#include "intake/mbox.h"

static char *
write_tmp (const char *name, const char *text, char **dir_r)
{
	g_autoptr (GError) error = NULL;
	char *dir = g_dir_make_tmp ("pd-test-XXXXXX", &error);
	char *path = g_build_filename (dir, name, NULL);

	g_assert_no_error (error);
	g_assert_true (g_file_set_contents (path, text, -1, &error));
	*dir_r = dir;
	return path;
}

static char *
next_text (PdMbox *m, char **sender_r)
{
	g_autoptr (GBytes) msg = NULL;
	gint64 end;
	gsize len;
	const char *d;

	if (!pd_mbox_next (m, &msg, sender_r, &end))
		return NULL;
	d = g_bytes_get_data (msg, &len);
	return g_strndup (d, len);
}

static void
test_mbox (void)
{
	g_autofree char *dir = NULL;
	g_autofree char *path = write_tmp (
		"a.mbox",
		"From ann@example.org Mon Jan  1 00:00:00 2024\n"
		"Subject: one\n\n>From the start\n>From escaped\n>>From twice\n> From not\n"
		"From inside after text, not a separator\n\n"
		"From MAILER-DAEMON Tue Jan  2 00:00:00 2024\n"
		"Subject: two\n\nbody\n\n"
		"From  Wed Jan  3 00:00:00 2024\nSubject: three\n\nlast",
		&dir);
	g_autoptr (GError) error = NULL;
	g_autoptr (PdMbox) m = pd_mbox_open (path, 0, &error);
	g_autofree char *one = NULL, *two = NULL, *three = NULL;
	char *s1 = NULL, *s2 = NULL, *s3 = NULL;

	g_assert_no_error (error);
	one = next_text (m, &s1);
	g_assert_cmpstr (one, ==, "Subject: one\n\nFrom the start\nFrom escaped\n>From twice\n> From not\n"
	                          "From inside after text, not a separator\n");
	g_assert_cmpstr (s1, ==, "ann@example.org");
	two = next_text (m, &s2);
	g_assert_cmpstr (two, ==, "Subject: two\n\nbody\n");
	g_assert_cmpstr (s2, ==, ""); /* the null sender */
	three = next_text (m, &s3);
	g_assert_cmpstr (three, ==, "Subject: three\n\nlast");
	g_assert_null (s3);
	g_assert_null (next_text (m, &s3));
	g_free (s1);
	g_free (s2);
	g_unlink (path);
	g_rmdir (dir);
}

static void
test_mbox_resume (void)
{
	g_autofree char *dir = NULL;
	g_autofree char *path = write_tmp ("b.mbox",
	                                   "From a@x Mon Jan  1 00:00:00 2024\nSubject: 1\n\nx\n\n"
	                                   "From b@x Mon Jan  1 00:00:00 2024\nSubject: 2\n\ny\n",
	                                   &dir);
	g_autoptr (GError) error = NULL;
	g_autoptr (PdMbox) m = pd_mbox_open (path, 0, &error);
	g_autoptr (PdMbox) again = NULL;
	g_autoptr (GBytes) msg = NULL;
	g_autofree char *sender = NULL, *second = NULL, *s2 = NULL;
	gint64 end = 0;

	g_assert_true (pd_mbox_next (m, &msg, &sender, &end));
	/* a reader opened at the end of the first message reads the second one only */
	again = pd_mbox_open (path, end, &error);
	g_assert_no_error (error);
	second = next_text (again, &s2);
	g_assert_cmpstr (second, ==, "Subject: 2\n\ny\n");
	g_assert_cmpstr (s2, ==, "b@x");
	g_unlink (path);
	g_rmdir (dir);
}

static void
test_not_mbox (void)
{
	g_autofree char *dir = NULL;
	g_autofree char *path = write_tmp ("c.txt", "Subject: no separator\n\nx\n", &dir);
	g_autoptr (GError) error = NULL;
	PdMbox *m = pd_mbox_open (path, 0, &error);

	g_assert_null (m);
	g_assert_error (error, PD_ERROR, PD_ERROR_DATA);
	g_unlink (path);
	g_rmdir (dir);
}

static void
test_maildir (void)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *dir = g_dir_make_tmp ("pd-test-XXXXXX", &error);
	const char *files[] = { "cur/1700000002.x:2,S", "new/1700000001.y", "cur/.hidden",
		                "new/1700000003.z" };
	g_autoptr (GPtrArray) list = NULL;
	guint i;

	for (i = 0; i < G_N_ELEMENTS (files); i++) {
		g_autofree char *p = g_build_filename (dir, files[i], NULL);
		g_autofree char *d = g_path_get_dirname (p);

		g_mkdir_with_parents (d, 0700);
		g_assert_true (g_file_set_contents (p, "Subject: x\n\n", -1, NULL));
	}
	list = pd_maildir_list (dir, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (list->len, ==, 3);
	g_assert_true (g_str_has_suffix (list->pdata[0], "new/1700000001.y"));
	g_assert_true (g_str_has_suffix (list->pdata[1], "cur/1700000002.x:2,S"));
	g_assert_true (g_str_has_suffix (list->pdata[2], "new/1700000003.z"));
	g_clear_pointer (&list, g_ptr_array_unref);
	list = pd_maildir_list ("/nonexistent-maildir", &error);
	g_assert_null (list);
	g_assert_error (error, PD_ERROR, PD_ERROR_DATA);
}

static void
test_words (void)
{
	g_assert_true (pd_route_has_words ("Your INVOICE, please", "invoice"));
	g_assert_false (pd_route_has_words ("Invoiced twice", "invoice"));
	g_assert_false (pd_route_has_words ("reinvoice", "invoice"));
	g_assert_true (pd_route_has_words ("a credit note!", "credit note"));
	g_assert_true (pd_route_has_words ("a credit\r\n  note", "credit note"));
	g_assert_true (pd_route_has_words ("a credit note", "credit   note"));
	g_assert_false (pd_route_has_words ("a creditnote", "credit note"));
	g_assert_true (pd_route_has_words ("Rückerstattung bitte", "rückerstattung"));
	g_assert_false (pd_route_has_words ("Rückerstattungen", "rückerstattung"));
	g_assert_true (pd_route_has_words ("ÜBER alles", "über"));
	g_assert_false (pd_route_has_words (NULL, "x"));
}

static void
test_split (void)
{
	g_auto (GStrv) v = pd_route_split_list (" A@X.org, b@y ; ,c   # comment");

	g_assert_cmpuint (g_strv_length (v), ==, 3);
	g_assert_cmpstr (v[0], ==, "a@x.org");
	g_assert_cmpstr (v[1], ==, "b@y");
	g_assert_cmpstr (v[2], ==, "c");
}

static void
test_durations (void)
{
	gint64 s;

	g_assert_true (pd_retention_parse ("90d", &s));
	g_assert_cmpint (s, ==, 90 * 86400);
	g_assert_true (pd_retention_parse ("2y", &s));
	g_assert_cmpint (s, ==, 2 * 365 * 86400);
	g_assert_true (pd_retention_parse ("6w  # six weeks", &s));
	g_assert_cmpint (s, ==, 42 * 86400);
	g_assert_true (pd_retention_parse ("never", &s));
	g_assert_cmpint (s, ==, 0);
	g_assert_false (pd_retention_parse ("-3d", &s));
	g_assert_false (pd_retention_parse ("3 days", &s));
	g_assert_false (pd_retention_parse ("99999999999999999y", &s));
	{
		g_autofree char *a = pd_retention_text (730 * 86400);
		g_autofree char *b = pd_retention_text (12 * 3600);
		g_autofree char *c = pd_retention_text (90);

		g_assert_cmpstr (a, ==, "730 days");
		g_assert_cmpstr (b, ==, "12 hours");
		g_assert_cmpstr (c, ==, "90 seconds");
	}
}

static PdSettings *
load (const char *conf, GError **error)
{
	g_autofree char *dir = NULL;
	g_autofree char *path = write_tmp ("postdesk.conf", conf, &dir);
	PdSettings *s = pd_settings_load_file (path, dir, error);

	g_unlink (path);
	g_rmdir (dir);
	return s;
}

static void
test_settings (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (PdSettings) s = load ("[postdesk]\ndomain = example.com\n"
	                                 "[queue support]\naddresses = help@example.com, Hilfe@Example.com\n"
	                                 "priority = high\n"
	                                 "[queue sales]\n"
	                                 "[route b]\nsubject = x\nqueue = sales\n"
	                                 "[route a]\nbody = y\npriority = urgent\n"
	                                 "[retention]\nclosed_tickets = 2y\nbounces = 90d\n",
	                                 &error);
	const PdQueueRouting *q;
	const PdRouteRule *r;

	g_assert_no_error (error);
	q = pd_route_queue (s->routing, "support");
	g_assert_cmpstr (q->addresses[0], ==, "support@example.com");
	g_assert_cmpstr (q->addresses[1], ==, "help@example.com");
	g_assert_cmpstr (q->addresses[2], ==, "hilfe@example.com");
	g_assert_cmpstr (q->priority, ==, "high");
	g_assert_cmpstr (pd_route_queue (s->routing, "sales")->priority, ==, "normal");
	g_assert_true (pd_route_queue_for_address (s->routing, "hilfe+x@example.com") == q);
	g_assert_null (pd_route_queue_for_address (s->routing, "other@example.com"));
	g_assert_cmpuint (s->routing->rules->len, ==, 2);
	r = s->routing->rules->pdata[0];
	g_assert_cmpstr (r->name, ==, "b"); /* file order, not sorted */
	g_assert_cmpint (s->retention->closed_tickets, ==, 2 * 365 * 86400);
	g_assert_cmpint (s->retention->bounces, ==, 90 * 86400);
	g_assert_cmpint (s->retention->quarantine, ==, 0);
	g_assert_true (pd_retention_any (s->retention));
}

static void
test_settings_errors (void)
{
	const struct {
		const char *conf;
		const char *want;
	} cases[] = {
		{ "[queue a]\npriority = soon\n", "[queue a] priority" },
		{ "[queue a]\naddresses = not-an-address\n", "not an address" },
		{ "[queue a]\naddresses = x@y\n[queue b]\naddresses = x@y\n", "x@y is an address of [queue a]" },
		{ "[queue a]\n[route r]\nqueue = b\n", "[route r] queue: no [queue b]" },
		{ "[queue a]\n[route r]\nsubject = x\n", "needs queue or priority" },
		{ "[queue a]\n[route r]\npriority = asap\n", "[route r] priority" },
		{ "[retention]\nbounces = soon\n", "[retention] bounces" },
	};
	guint i;

	for (i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autoptr (GError) error = NULL;
		PdSettings *s = load (cases[i].conf, &error);

		g_assert_null (s);
		g_assert_error (error, PD_ERROR, PD_ERROR_CONFIG);
		if (strstr (error->message, cases[i].want) == NULL)
			g_error ("case %u: \"%s\" does not name \"%s\"", i, error->message, cases[i].want);
	}
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/mbox/read", test_mbox);
	g_test_add_func ("/mbox/resume", test_mbox_resume);
	g_test_add_func ("/mbox/not-mbox", test_not_mbox);
	g_test_add_func ("/maildir/order", test_maildir);
	g_test_add_func ("/route/words", test_words);
	g_test_add_func ("/route/split", test_split);
	g_test_add_func ("/route/settings", test_settings);
	g_test_add_func ("/route/settings-errors", test_settings_errors);
	g_test_add_func ("/retention/durations", test_durations);
	return g_test_run ();
}
