/* test-spool.c - a spool filled piece by piece: under PD_SPOOL_MEMORY it stays in memory; past
 * it the bytes move to an unlinked file, come back as a mapping (below it, as its memory) that
 * pd_spool_from_bytes recognises with its SHA-256, and intake stores them (from the file, or from a big GBytes in pieces) byte for
 * byte, with the SHA-256 of what was appended; a re-delivery is recognised either way. */
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cli.h"
#include "core/error.h"
#include "intake/intake.h"
#include "intake/spool.h"
#include "test-tree.h"

typedef struct {
	char *home;
	PdApp *app;
} Fixture;

static const char config[] = "[postdesk]\ndomain = example.com\n\n"
                             "[queue support]\naddress = support@example.com\ntag = SUPPORT\n";

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;

	(void) data;
	f->home = test_home_new ("pd-test-spool.XXXXXX", config);
	f->app = pd_app_open (PD_APP_STORE, &error);
	g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
	(void) data;
	pd_app_free (f->app);
	remove_tree (f->home);
	g_free (f->home);
}

/* A message of SIZE bytes: headers, then numbered lines. (transfer full) */
static GBytes *
message (gsize size)
{
	GString *s = g_string_new ("From: a@customer.example\r\nTo: support@example.com\r\n"
	                           "Subject: spool\r\nMessage-ID: <spool@customer.example>\r\n\r\n");
	guint i = 0;

	while (s->len < size)
		g_string_append_printf (s, "line %u of a message that is spooled\r\n", i++);
	g_string_truncate (s, size);
	return g_string_free_to_bytes (s);
}

/* Append BYTES in pieces of growing, uneven sizes (a session appends line by line). */
static PdSpool *
spool_of (const char *dir, GBytes *bytes)
{
	gsize len, pos = 0, step = 1;
	const guint8 *data = g_bytes_get_data (bytes, &len);
	g_autoptr (GError) error = NULL;
	PdSpool *spool = pd_spool_new (dir);

	while (pos < len) {
		gsize n = MIN (step, len - pos);

		g_assert_true (pd_spool_append (spool, data + pos, n, &error));
		g_assert_no_error (error);
		pos += n;
		step = step * 3 + 1 > 200000 ? 7 : step * 3 + 1;
	}
	g_assert_true (pd_spool_finish (spool, &error));
	g_assert_no_error (error);
	return spool;
}

/* No file in DIR but the ones there before: the spool's file is unlinked at once. */
static guint
spool_files (const char *dir)
{
	GDir *d = g_dir_open (dir, 0, NULL);
	const char *name;
	guint n = 0;

	while ((name = g_dir_read_name (d)) != NULL)
		n += g_str_has_prefix (name, ".spool-");
	g_dir_close (d);
	return n;
}

static void
check_round_trip (Fixture *f, gsize size, gboolean want_mapped)
{
	g_autoptr (GBytes) want = message (size);
	g_autofree char *sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, want);
	PdSpool *spool = spool_of (f->home, want);
	g_autoptr (GBytes) got = NULL;
	g_autoptr (GError) error = NULL;

	g_assert_cmpuint (pd_spool_size (spool), ==, size);
	g_assert_cmpstr (pd_spool_sha256 (spool), ==, sha);
	g_assert_cmpuint (spool_files (f->home), ==, 0);
	got = pd_spool_steal_bytes (spool, &error);
	g_assert_no_error (error);
	g_assert_true (g_bytes_equal (got, want));
	/* the spool comes with its bytes, in memory or mapped: the writer takes their SHA-256
	 * from it instead of hashing them a second time (issue 10, lmtp2) */
	g_assert_nonnull (pd_spool_from_bytes (got));
	g_assert_cmpstr (pd_spool_sha256 (pd_spool_from_bytes (got)), ==, sha);
	g_assert_cmpint (want_mapped, ==, size > PD_SPOOL_MEMORY);
	g_assert_null (pd_spool_from_bytes (want)); /* an ordinary GBytes is not a spool */
}

static void
test_memory (Fixture *f, gconstpointer data)
{
	(void) data;
	check_round_trip (f, 1, FALSE);
	check_round_trip (f, 5000, FALSE);
	check_round_trip (f, PD_SPOOL_MEMORY, FALSE);
}

static void
test_file (Fixture *f, gconstpointer data)
{
	(void) data;
	check_round_trip (f, PD_SPOOL_MEMORY + 1, TRUE);
	check_round_trip (f, 3 * PD_SPOOL_MEMORY + 12345, TRUE);
}

/* What intake stores is what was appended, whichever way it comes in. */
static void
check_stored (Fixture *f, GBytes *raw, const char *rcpt, gboolean want_duplicate)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (PdIntakeRow) row = NULL;
	g_autofree char *sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, raw);
	gint64 id = 0;
	gboolean duplicate = FALSE;

	g_assert_true (pd_intake_accept (f->app, raw, "lmtp", "a@customer.example", rcpt, &id,
	                                 &duplicate, &error));
	g_assert_no_error (error);
	g_assert_cmpint (duplicate, ==, want_duplicate);
	row = pd_store_intake_get (f->app->store, id, TRUE, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (row->sha256, ==, sha);
	g_assert_cmpint (row->size, ==, g_bytes_get_size (raw));
	g_assert_true (g_bytes_equal (row->raw, raw));
	g_assert_cmpstr (row->envelope_rcpt, ==, rcpt);
}

static void
test_intake (Fixture *f, gconstpointer data)
{
	static const gsize sizes[] = { 300, 3 * PD_SPOOL_MEMORY + 7 };
	guint i;

	(void) data;
	for (i = 0; i < G_N_ELEMENTS (sizes); i++) {
		g_autoptr (GBytes) want = message (sizes[i]);
		g_autoptr (GBytes) mapped = pd_spool_steal_bytes (spool_of (f->home, want), NULL);
		/* a plain GBytes of the same message, made different by one byte */
		g_autoptr (GByteArray) other = g_byte_array_new ();
		g_autoptr (GBytes) plain = NULL;

		g_byte_array_append (other, g_bytes_get_data (want, NULL), g_bytes_get_size (want));
		other->data[other->len - 1] = 'X';
		plain = g_byte_array_free_to_bytes (g_steal_pointer (&other));
		check_stored (f, mapped, "support@example.com", FALSE);
		check_stored (f, mapped, "support@example.com", TRUE);
		check_stored (f, mapped, "support+x@example.com", FALSE); /* the body is stored once */
		check_stored (f, plain, "support@example.com", FALSE);
		check_stored (f, plain, "support@example.com", TRUE);
	}
}

/* Reading a descriptor: the bytes, and over the hard maximum a refusal. */
static void
test_read_fd (Fixture *f, gconstpointer data)
{
	g_autoptr (GBytes) want = message (2 * PD_SPOOL_MEMORY + 99);
	g_autofree char *path = g_build_filename (f->home, "in.eml", NULL);
	g_autoptr (GError) error = NULL;
	g_autoptr (PdSpool) spool = NULL;
	g_autoptr (GBytes) got = NULL;
	int fd;

	(void) data;
	g_assert_true (g_file_set_contents (path, g_bytes_get_data (want, NULL),
	                                    g_bytes_get_size (want), NULL));
	fd = g_open (path, O_RDONLY, 0);
	spool = pd_spool_read_fd (fd, g_bytes_get_size (want), f->home, &error);
	g_assert_no_error (error);
	got = pd_spool_steal_bytes (g_steal_pointer (&spool), NULL);
	g_assert_true (g_bytes_equal (got, want));
	lseek (fd, 0, SEEK_SET);
	spool = pd_spool_read_fd (fd, g_bytes_get_size (want) - 1, f->home, &error);
	g_assert_null (spool);
	g_assert_error (error, PD_ERROR, PD_ERROR_DATA);
	close (fd);
}

/* A directory it cannot write in: a temporary failure once the bytes pass the memory part. */
static void
test_no_room (Fixture *f, gconstpointer data)
{
	g_autofree char *dir = g_build_filename (f->home, "missing", NULL);
	g_autoptr (PdSpool) spool = pd_spool_new (dir);
	g_autoptr (GBytes) big = message (PD_SPOOL_MEMORY + 10);
	g_autoptr (GError) error = NULL;

	(void) data;
	g_assert_true (pd_spool_append (spool, g_bytes_get_data (big, NULL), 10, &error));
	g_assert_false (pd_spool_append (spool, g_bytes_get_data (big, NULL),
	                                 g_bytes_get_size (big), &error));
	g_assert_error (error, PD_ERROR, PD_ERROR_TEMPFAIL);
	g_clear_error (&error);
	g_assert_false (pd_spool_finish (spool, &error));
	g_assert_error (error, PD_ERROR, PD_ERROR_TEMPFAIL);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add ("/spool/memory", Fixture, NULL, fixture_set_up, test_memory, fixture_tear_down);
	g_test_add ("/spool/file", Fixture, NULL, fixture_set_up, test_file, fixture_tear_down);
	g_test_add ("/spool/intake", Fixture, NULL, fixture_set_up, test_intake, fixture_tear_down);
	g_test_add ("/spool/read-fd", Fixture, NULL, fixture_set_up, test_read_fd, fixture_tear_down);
	g_test_add ("/spool/no-room", Fixture, NULL, fixture_set_up, test_no_room, fixture_tear_down);
	return g_test_run ();
}
