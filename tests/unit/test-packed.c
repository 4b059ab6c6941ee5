/* test-packed.c - long text columns deflated in the store (issue 10): a long text comes back
 * byte for byte and takes less room; short text, old plain rows and NULL read as before; a
 * damaged packed value reads as NULL, not as garbage. On an in-memory database. */
#include <glib.h>
#include <sqlite3.h>
#include <string.h>

#include "store/packed.h"

static sqlite3 *
open_db (void)
{
	sqlite3 *db = NULL;

	g_assert_cmpint (sqlite3_open (":memory:", &db), ==, SQLITE_OK);
	g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)", NULL,
	                               NULL, NULL), ==, SQLITE_OK);
	return db;
}

static void
put (sqlite3 *db, int id, const char *text)
{
	sqlite3_stmt *st;

	g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO t VALUES (?, ?)", -1, &st, NULL), ==,
	                 SQLITE_OK);
	sqlite3_bind_int (st, 1, id);
	pd_bind_packed_text (st, 2, text);
	g_assert_cmpint (sqlite3_step (st), ==, SQLITE_DONE);
	sqlite3_finalize (st);
}

/* the value of row ID: *TYPE_R its SQLite type, *BYTES_R its stored size */
static char *
get (sqlite3 *db, int id, int *type_r, int *bytes_r)
{
	sqlite3_stmt *st;
	char *text;

	g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT v, typeof (v), length (CAST (v AS BLOB))"
	                                     " FROM t WHERE id = ?", -1, &st, NULL), ==, SQLITE_OK);
	sqlite3_bind_int (st, 1, id);
	g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
	text = pd_col_packed_text (st, 0);
	if (type_r)
		*type_r = g_str_equal ((const char *) sqlite3_column_text (st, 1), "blob") ? SQLITE_BLOB
		          : g_str_equal ((const char *) sqlite3_column_text (st, 1), "null") ? SQLITE_NULL
		                                                                            : SQLITE_TEXT;
	if (bytes_r)
		*bytes_r = sqlite3_column_int (st, 2);
	sqlite3_finalize (st);
	return text;
}

static void
test_long_text (void)
{
	sqlite3 *db = open_db ();
	g_autoptr (GString) text = g_string_new (NULL);
	g_autofree char *back = NULL;
	int type, bytes;

	for (int i = 0; i < 400; i++)
		g_string_append_printf (text, "Line %d: my order has not come, grüße, ça va? ☃\n", i);
	put (db, 1, text->str);
	back = get (db, 1, &type, &bytes);
	g_assert_cmpstr (back, ==, text->str);
	g_assert_cmpint (type, ==, SQLITE_BLOB);
	g_assert_cmpint (bytes, <, (int) text->len / 3);
	sqlite3_close (db);
}

static void
test_plain_kept (void)
{
	sqlite3 *db = open_db ();
	g_autofree char *a = NULL, *b = NULL, *c = NULL, *d = NULL;
	g_autoptr (GString) noise = g_string_new (NULL);
	int type;

	put (db, 1, "short text stays text");
	a = get (db, 1, &type, NULL);
	g_assert_cmpstr (a, ==, "short text stays text");
	g_assert_cmpint (type, ==, SQLITE_TEXT);

	put (db, 2, NULL);
	b = get (db, 2, &type, NULL);
	g_assert_null (b);
	g_assert_cmpint (type, ==, SQLITE_NULL);

	/* a row written before packing existed: plain TEXT, however long */
	g_assert_cmpint (sqlite3_exec (db, "INSERT INTO t VALUES (3, printf ('%.*c', 5000, 'x'))",
	                               NULL, NULL, NULL), ==, SQLITE_OK);
	c = get (db, 3, &type, NULL);
	g_assert_cmpint (strlen (c), ==, 5000);

	/* text that hardly deflates comes back all the same */
	for (int i = 0; i < 2000; i++)
		g_string_append_c (noise, (char) g_random_int_range (33, 127));
	put (db, 4, noise->str);
	d = get (db, 4, &type, NULL);
	g_assert_cmpstr (d, ==, noise->str);
	sqlite3_close (db);
}

static void
test_damaged (void)
{
	sqlite3 *db = open_db ();
	g_autofree char *back = NULL;

	/* the magic, then bytes that are not a deflate stream */
	g_assert_cmpint (sqlite3_exec (db, "INSERT INTO t VALUES (1, X'50447a31ffffffff00')", NULL,
	                               NULL, NULL), ==, SQLITE_OK);
	back = get (db, 1, NULL, NULL);
	g_assert_null (back);
	sqlite3_close (db);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/packed/long-text", test_long_text);
	g_test_add_func ("/packed/plain-kept", test_plain_kept);
	g_test_add_func ("/packed/damaged", test_damaged);
	return g_test_run ();
}
