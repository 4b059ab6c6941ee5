/* test-tree.h - for unit tests that make a temporary home: remove a directory tree, and make a
 * home with a configuration the way `postdesk init` makes one. */
#ifndef PD_TEST_TREE_H
#define PD_TEST_TREE_H

#include <glib.h>
#include <glib/gstdio.h>

#include "cmd/cli.h"

/* Remove PATH and everything below it. A symbolic link is removed, never followed: a test
 * home that links outside itself must not take the target with it. */
static inline void
remove_tree (const char *path)
{
	GDir *d;
	const char *name;

	if (g_file_test (path, G_FILE_TEST_IS_SYMLINK) || (d = g_dir_open (path, 0, NULL)) == NULL) {
		g_unlink (path);
		return;
	}
	while ((name = g_dir_read_name (d)) != NULL) {
		g_autofree char *p = g_build_filename (path, name, NULL);
		remove_tree (p);
	}
	g_dir_close (d);
	g_rmdir (path);
}

/* A new temporary home named after TEMPLATE (ending in XXXXXX) holding CONFIG as its
 * postdesk.conf, set as POSTDESK_HOME and initialised by `postdesk init` (the key and the
 * database added, the configuration kept). Returns its path; remove it with remove_tree. */
static inline char *
test_home_new (const char *template, const char *config)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *conf = NULL;
	char *argv[] = { (char *) "init", NULL };
	char *home = g_dir_make_tmp (template, &error);

	g_assert_no_error (error);
	conf = g_build_filename (home, "postdesk.conf", NULL);
	g_assert_true (g_file_set_contents (conf, config, -1, &error));
	g_setenv ("POSTDESK_HOME", home, TRUE);
	g_assert_true (pd_cmd_init (1, argv, &error));
	g_assert_no_error (error);
	return home;
}

#endif
