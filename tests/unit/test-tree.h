/* test-tree.h - for unit tests that make a temporary home: remove a directory tree. */
#ifndef PD_TEST_TREE_H
#define PD_TEST_TREE_H

#include <glib.h>
#include <glib/gstdio.h>

static inline void
remove_tree (const char *path)
{
	GDir *d = g_dir_open (path, 0, NULL);
	const char *name;

	if (d == NULL) {
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

#endif
