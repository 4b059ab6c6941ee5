/* test-home.c - where errors become exit codes (commands and the MTA mapping: only bad data
 * and usage are not a tempfail), and how the home and its config are found (--config,
 * POSTDESK_CONFIG, POSTDESK_HOME, ./var; [postdesk] home; nothing created). */
#include <gio/gio.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>
#include <sysexits.h>
#include <unistd.h>

#include "core/error.h"
#include "core/settings.h"

static void
test_exit_codes (void)
{
	static const struct {
		GQuark (*domain) (void);
		int code;
		int want, want_mta;
	} cases[] = {
		{ pd_error_quark, PD_ERROR_USAGE, EX_USAGE, EX_USAGE },
		{ pd_error_quark, PD_ERROR_DATA, EX_DATAERR, EX_DATAERR },
		{ pd_error_quark, PD_ERROR_TEMPFAIL, EX_TEMPFAIL, EX_TEMPFAIL },
		{ pd_error_quark, PD_ERROR_CONFIG, EX_CONFIG, EX_TEMPFAIL },
		{ pd_error_quark, PD_ERROR_NOTFOUND, EX_NOINPUT, EX_TEMPFAIL },
		{ pd_error_quark, PD_ERROR_IO, EX_IOERR, EX_TEMPFAIL },
		{ pd_error_quark, PD_ERROR_INTERNAL, EX_SOFTWARE, EX_TEMPFAIL },
		{ g_key_file_error_quark, G_KEY_FILE_ERROR_PARSE, EX_CONFIG, EX_TEMPFAIL },
		{ g_io_error_quark, G_IO_ERROR_NOT_FOUND, EX_NOINPUT, EX_TEMPFAIL },
		{ g_file_error_quark, G_FILE_ERROR_ACCES, EX_TEMPFAIL, EX_TEMPFAIL },
		{ g_file_error_quark, G_FILE_ERROR_NOSPC, EX_TEMPFAIL, EX_TEMPFAIL },
	};
	guint i;

	g_assert_cmpint (pd_error_exit_code (NULL), ==, EX_OK);
	g_assert_cmpint (pd_error_exit_code_mta (NULL), ==, EX_OK);
	for (i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autoptr (GError) e = g_error_new_literal (cases[i].domain (), cases[i].code, "x");

		if (pd_error_exit_code (e) != cases[i].want)
			g_error ("case %u: command exit got %d, want %d", i, pd_error_exit_code (e),
			         cases[i].want);
		if (pd_error_exit_code_mta (e) != cases[i].want_mta)
			g_error ("case %u: MTA exit got %d, want %d", i, pd_error_exit_code_mta (e),
			         cases[i].want_mta);
	}
}

typedef struct {
	char *dir;
	char *cwd;
	char *sysconf;
} Fixture;

static void
write_file (const char *path, const char *text)
{
	g_autoptr (GError) error = NULL;

	g_file_set_contents (path, text, -1, &error);
	g_assert_no_error (error);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;

	(void) data;
	f->dir = g_dir_make_tmp ("pd-test-home.XXXXXX", &error);
	g_assert_no_error (error);
	f->cwd = g_get_current_dir ();
	/* this machine's own system config (if any) must not count */
	f->sysconf = g_build_filename (f->dir, "etc-postdesk.conf", NULL);
	pd_settings_set_system_config (f->sysconf);
	g_assert_cmpint (chdir (f->dir), ==, 0);
	g_unsetenv ("POSTDESK_HOME");
	g_unsetenv ("POSTDESK_CONFIG");
	pd_settings_use_config (NULL);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
	g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", f->dir);

	(void) data;
	g_assert_cmpint (chdir (f->cwd), ==, 0);
	g_assert_cmpint (system (cmd), ==, 0);
	g_free (f->dir);
	g_free (f->cwd);
	g_free (f->sysconf);
	pd_settings_use_config (NULL);
	g_unsetenv ("POSTDESK_HOME");
	g_unsetenv ("POSTDESK_CONFIG");
}

static void
test_nothing_found (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (PdLocation) loc = NULL;

	(void) data;
	loc = pd_settings_locate (TRUE, &error);
	g_assert_null (loc);
	g_assert_error (error, PD_ERROR, PD_ERROR_CONFIG);
	g_assert_nonnull (strstr (error->message, "postdesk init"));
	g_assert_false (g_file_test ("var", G_FILE_TEST_EXISTS));
	g_clear_error (&error);
	/* init and classify fall back to ./var, still creating nothing */
	loc = pd_settings_locate (FALSE, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (loc->home, ==, "./var");
	g_assert_cmpstr (loc->config, ==, "./var/postdesk.conf");
	g_assert_false (g_file_test ("var", G_FILE_TEST_EXISTS));
	(void) f;
}

static void
test_order (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (PdLocation) loc = NULL;
	g_autofree char *a = g_build_filename (f->dir, "a", NULL);
	g_autofree char *b = g_build_filename (f->dir, "b", NULL);
	g_autofree char *a_conf = g_build_filename (a, "postdesk.conf", NULL);
	g_autofree char *b_conf = g_build_filename (f->dir, "b.conf", NULL);
	g_autofree char *b_text = g_strdup_printf ("[postdesk]\nhome = b\n");

	(void) data;
	g_assert_cmpint (g_mkdir (a, 0700), ==, 0);
	g_assert_cmpint (g_mkdir (b, 0700), ==, 0);
	g_assert_cmpint (g_mkdir ("var", 0700), ==, 0);
	write_file (a_conf, "[postdesk]\nhome = /elsewhere\n");
	write_file (b_conf, b_text);

	/* ./var when it exists */
	loc = pd_settings_locate (TRUE, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (loc->home, ==, "./var");
	g_clear_pointer (&loc, pd_location_free);

	/* the system config beats ./var */
	write_file (f->sysconf, "[postdesk]\nhome = b\n");
	loc = pd_settings_locate (TRUE, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (loc->config, ==, f->sysconf);
	g_assert_true (g_str_has_suffix (loc->home, "/b"));
	g_assert_cmpstr (loc->source, ==, "the system config");
	g_clear_pointer (&loc, pd_location_free);

	/* POSTDESK_HOME beats the system config; its config's home key is not read */
	g_setenv ("POSTDESK_HOME", a, TRUE);
	loc = pd_settings_locate (TRUE, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (loc->home, ==, a);
	g_assert_cmpstr (loc->config, ==, a_conf);
	g_assert_cmpstr (loc->source, ==, "POSTDESK_HOME");
	g_clear_pointer (&loc, pd_location_free);

	/* POSTDESK_CONFIG beats POSTDESK_HOME; home relative to the file's directory */
	g_setenv ("POSTDESK_CONFIG", b_conf, TRUE);
	loc = pd_settings_locate (TRUE, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (loc->config, ==, b_conf);
	g_assert_true (g_str_has_suffix (loc->home, "/b"));
	g_assert_true (g_file_test (loc->home, G_FILE_TEST_IS_DIR));
	g_clear_pointer (&loc, pd_location_free);

	/* --config beats both; with no home key the home is the file's directory */
	pd_settings_use_config (a_conf);
	write_file (a_conf, "[postdesk]\ndomain = a.example\n");
	loc = pd_settings_locate (TRUE, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (loc->home, ==, a);
	g_assert_cmpstr (loc->source, ==, "--config");
	g_clear_pointer (&loc, pd_location_free);

	/* a config naming a home that does not exist: an error naming both, nothing made */
	write_file (a_conf, "[postdesk]\nhome = /nonexistent/pd-home\n");
	loc = pd_settings_locate (TRUE, &error);
	g_assert_null (loc);
	g_assert_error (error, PD_ERROR, PD_ERROR_CONFIG);
	g_assert_nonnull (strstr (error->message, "/nonexistent/pd-home"));
	g_assert_nonnull (strstr (error->message, "--config"));
	g_clear_error (&error);

	/* a broken config file named by --config: an error naming the file */
	write_file (a_conf, "[postdesk\n");
	loc = pd_settings_locate (TRUE, &error);
	g_assert_null (loc);
	g_assert_error (error, PD_ERROR, PD_ERROR_CONFIG);
	g_assert_nonnull (strstr (error->message, a_conf));
}

static void
test_load_needs_file (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *conf = g_build_filename (f->dir, "postdesk.conf", NULL);
	g_autoptr (PdSettings) s = pd_settings_load_file (conf, f->dir, &error);

	(void) data;
	g_assert_null (s);
	g_assert_error (error, PD_ERROR, PD_ERROR_CONFIG);
	g_assert_nonnull (strstr (error->message, "postdesk init"));
	g_clear_error (&error);
	write_file (conf, "[postdesk]\ndomain = x.example\n");
	s = pd_settings_load_file (conf, f->dir, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (s->domain, ==, "x.example");
	g_assert_cmpstr (s->config, ==, conf);
}

static void
test_example_listeners (void)
{
	g_autofree char *text = pd_settings_example ("example.com");
	g_autoptr (GKeyFile) kf = g_key_file_new ();
	g_autoptr (GError) error = NULL;
	g_autofree char *lmtp = NULL, *smtp = NULL;

	g_key_file_load_from_data (kf, text, -1, G_KEY_FILE_NONE, &error);
	g_assert_no_error (error);
	lmtp = g_key_file_get_string (kf, "serve", "lmtp", NULL);
	smtp = g_key_file_get_string (kf, "serve", "smtp", NULL);
	g_assert_cmpstr (lmtp, ==, "127.0.0.1:2424");
	g_assert_cmpstr (smtp, ==, "127.0.0.1:2525");
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/home/exit-codes", test_exit_codes);
	g_test_add ("/home/nothing-found", Fixture, NULL, fixture_setup, test_nothing_found,
	            fixture_teardown);
	g_test_add ("/home/order", Fixture, NULL, fixture_setup, test_order, fixture_teardown);
	g_test_add ("/home/load-needs-file", Fixture, NULL, fixture_setup, test_load_needs_file,
	            fixture_teardown);
	g_test_add_func ("/home/example-listeners", test_example_listeners);
	return g_test_run ();
}
