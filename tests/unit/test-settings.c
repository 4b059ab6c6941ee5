/* test-settings.c - the settings object's life: the [imap NAME] keys (ca_file,
 * allow_plaintext, starttls), references held across a swap in a PdSettingsCell, many threads
 * taking references while the main thread swaps, and when two [imap] sections are "the same". */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "core/error.h"
#include "core/settings.h"

/* A home with postdesk.conf = TEXT. (transfer full) */
static char *
home_with (const char *text)
{
	g_autoptr (GError) error = NULL;
	char *home = g_dir_make_tmp ("pd-settings-XXXXXX", &error);
	g_autofree char *conf = NULL;

	g_assert_no_error (error);
	conf = g_build_filename (home, "postdesk.conf", NULL);
	g_assert_true (g_file_set_contents (conf, text, -1, &error));
	return home;
}

static void
home_remove (char *home)
{
	g_autofree char *conf = g_build_filename (home, "postdesk.conf", NULL);

	g_unlink (conf);
	g_rmdir (home);
	g_free (home);
}

#define ACCOUNT(NAME) "[imap " NAME "]\nurl = imap://127.0.0.1:1143/INBOX\nuser = u\npassword_file = p\n"

static PdSettings *
load (const char *text, GError **error)
{
	char *home = home_with (text);
	PdSettings *s = pd_settings_load (home, error);

	home_remove (home);
	return s;
}

static const PdImapSettings *
account (const PdSettings *s, const char *name)
{
	guint i;

	for (i = 0; i < s->imap->len; i++) {
		const PdImapSettings *m = s->imap->pdata[i];

		if (g_str_equal (m->name, name))
			return m;
	}
	g_assert_not_reached ();
}

static void
test_imap_keys (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (PdSettings) s = load (ACCOUNT ("plain") "allow_plaintext = true\n"
	                                 ACCOUNT ("private") "ca_file = /etc/postdesk/ca.pem\nstarttls = yes\n"
	                                 ACCOUNT ("defaults"), &error);
	const PdImapSettings *m;

	g_assert_no_error (error);
	g_assert_cmpuint (s->imap->len, ==, 3);
	m = account (s, "plain");
	g_assert_true (m->allow_plaintext);
	g_assert_null (m->ca_file);
	m = account (s, "private");
	g_assert_cmpstr (m->ca_file, ==, "/etc/postdesk/ca.pem");
	g_assert_true (m->starttls);
	g_assert_false (m->allow_plaintext);
	m = account (s, "defaults");
	/* a password is never sent in clear unless the section says so */
	g_assert_false (m->allow_plaintext);
	g_assert_false (m->starttls);
	g_assert_false (m->tls_insecure);
	g_assert_null (m->ca_file);
}

static void
test_imap_bad_bool (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (PdSettings) s = load (ACCOUNT ("x") "allow_plaintext = maybe\n", &error);

	g_assert_null (s);
	g_assert_error (error, PD_ERROR, PD_ERROR_CONFIG);
	g_assert_nonnull (strstr (error->message, "allow_plaintext"));
}

static void
test_imap_equal (void)
{
	static const struct {
		const char *extra;
		gboolean equal;
	} cases[] = {
		{ "", TRUE },
		{ "after = delete\n", FALSE },
		{ "ca_file = /x.pem\n", FALSE },
		{ "allow_plaintext = true\n", FALSE },
		{ "starttls = true\n", FALSE },
		{ "tls_insecure = true\n", FALSE },
		{ "poll_interval = 5\n", FALSE },
		{ "idle_timeout = 60\n", FALSE },
	};
	g_autoptr (PdSettings) base = load (ACCOUNT ("a"), NULL);
	guint i;

	for (i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autofree char *text = g_strconcat (ACCOUNT ("a"), cases[i].extra, NULL);
		g_autoptr (PdSettings) other = load (text, NULL);
		gboolean got = pd_imap_settings_equal (base->imap->pdata[0], other->imap->pdata[0]);

		g_test_message ("case %u: \"%s\": got %d, want %d", i, cases[i].extra, got, cases[i].equal);
		g_assert_cmpint (got, ==, cases[i].equal);
	}
}

/* A reference taken before a swap stays valid (and unchanged) after it; the cell hands out
 * the new object from then on. */
static void
test_cell_swap (void)
{
	PdSettings *one = load ("[postdesk]\ndomain = one.example\n", NULL);
	PdSettings *two = load ("[postdesk]\ndomain = two.example\n", NULL);
	PdSettingsCell *cell = pd_settings_cell_new (one);
	PdSettings *held;

	pd_settings_unref (one); /* the cell's reference is the only one now */
	held = pd_settings_cell_get (cell);
	g_assert_true (held == one);
	pd_settings_cell_set (cell, two);
	pd_settings_unref (two);
	/* still alive through HELD (ASan would see a use after free) */
	g_assert_cmpstr (held->domain, ==, "one.example");
	{
		g_autoptr (PdSettings) now = pd_settings_cell_get (cell);

		g_assert_true (now == two);
		g_assert_cmpstr (now->domain, ==, "two.example");
	}
	pd_settings_unref (held); /* frees ONE */
	pd_settings_cell_free (cell); /* frees TWO */
}

typedef struct {
	PdSettingsCell *cell;
	gint stop;
	guint reads;
} Race;

static gpointer
reader (gpointer data)
{
	Race *r = data;

	while (!g_atomic_int_get (&r->stop)) {
		g_autoptr (PdSettings) s = pd_settings_cell_get (r->cell);

		/* every object seen is whole */
		g_assert_true (g_str_has_suffix (s->domain, ".example"));
		g_assert_cmpuint (s->queues->len, ==, 1);
		r->reads++;
	}
	return NULL;
}

/* Threads take references while the main thread swaps: no object is freed under a reader
 * (run under --enable-sanitizers to see it). */
static void
test_cell_threads (void)
{
	Race r[4] = { { 0 } };
	GThread *threads[G_N_ELEMENTS (r)];
	PdSettings *first = load ("[postdesk]\ndomain = d0.example\n", NULL);
	PdSettingsCell *cell = pd_settings_cell_new (first);
	guint i;

	pd_settings_unref (first);
	for (i = 0; i < G_N_ELEMENTS (r); i++) {
		r[i].cell = cell;
		threads[i] = g_thread_new ("reader", reader, &r[i]);
	}
	for (i = 1; i <= 200; i++) {
		g_autofree char *text = g_strdup_printf ("[postdesk]\ndomain = d%u.example\n", i);
		g_autoptr (PdSettings) s = load (text, NULL);

		pd_settings_cell_set (cell, s);
	}
	for (i = 0; i < G_N_ELEMENTS (r); i++) {
		g_atomic_int_set (&r[i].stop, 1);
		g_thread_join (threads[i]);
		g_test_message ("reader %u: %u reads", i, r[i].reads);
	}
	{
		g_autoptr (PdSettings) last = pd_settings_cell_get (cell);

		g_assert_cmpstr (last->domain, ==, "d200.example");
	}
	pd_settings_cell_free (cell);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/settings/imap/keys", test_imap_keys);
	g_test_add_func ("/settings/imap/bad-bool", test_imap_bad_bool);
	g_test_add_func ("/settings/imap/equal", test_imap_equal);
	g_test_add_func ("/settings/cell/swap", test_cell_swap);
	g_test_add_func ("/settings/cell/threads", test_cell_threads);
	return g_test_run ();
}
