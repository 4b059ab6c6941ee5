/* test-store.c - the store on a temporary database: migrations (a fresh database and one at
 * schema 4 with rows, migrated keeping them valid), intake deduplication by (bytes,
 * recipient) with the bytes stored once, outbox basics, and a busy database as TEMPFAIL.
 * The test builds the old database with sqlite3 itself; the code under test never does. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "core/error.h"
#include "core/sha256.h"
#include "store/store.h"
#include "test-tree.h"

typedef struct {
	char *dir;
	char *path;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;

	(void) data;
	f->dir = g_dir_make_tmp ("pd-test-store.XXXXXX", &error);
	g_assert_no_error (error);
	f->path = g_build_filename (f->dir, "postdesk.db", NULL);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
	(void) data;
	remove_tree (f->dir);
	g_free (f->path);
	g_free (f->dir);
}

static PdStore *
open_store (Fixture *f, int busy_ms)
{
	g_autoptr (GError) error = NULL;
	PdStore *store = pd_store_open (f->path, busy_ms, &error);

	g_assert_no_error (error);
	g_assert_nonnull (store);
	return store;
}

/* A raw query of one integer, straight from SQLite (for checking the schema). */
static gint64
query_int (const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *stmt = NULL;
	gint64 v = -1;

	g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
	g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
	if (sqlite3_step (stmt) == SQLITE_ROW)
		v = sqlite3_column_int64 (stmt, 0);
	sqlite3_finalize (stmt);
	sqlite3_close (db);
	return v;
}

static void
test_migrate_fresh (Fixture *f, gconstpointer data)
{
	g_autoptr (PdStore) store = open_store (f, 1000);
	g_autoptr (PdStore) again = NULL;

	(void) data;
	g_assert_nonnull (store);
	g_assert_cmpint (query_int (f->path, "PRAGMA user_version"), >=, 5);
	g_assert_cmpint (query_int (f->path, "SELECT count(*) FROM bodies"), ==, 0);
	/* opening again applies nothing twice */
	again = open_store (f, 1000);
	g_assert_cmpint (query_int (f->path, "SELECT count(*) FROM sqlite_master WHERE name = 'bodies'"),
	                 ==, 1);
}

/* A database as schema 4 left it, with two intake rows and a message referencing one. */
static void
make_schema4 (const char *path)
{
	static const char *const files[] = { "001_init.sql", "002_imap.sql", "003_addresses.sql",
		                             "004_agents.sql" };
	sqlite3 *db = NULL;
	guint i;

	g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
	g_assert_cmpint (sqlite3_exec (db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL), ==, SQLITE_OK);
	for (i = 0; i < G_N_ELEMENTS (files); i++) {
		g_autofree char *res = g_strconcat ("/org/postdesk/db/", files[i], NULL);
		g_autoptr (GBytes) sql = g_resources_lookup_data (res, 0, NULL);
		g_autofree char *text = NULL;

		g_assert_nonnull (sql);
		text = g_strndup (g_bytes_get_data (sql, NULL), g_bytes_get_size (sql));
		g_assert_cmpint (sqlite3_exec (db, text, NULL, NULL, NULL), ==, SQLITE_OK);
	}
	g_assert_cmpint (
		sqlite3_exec (db,
	                      "INSERT INTO intake (sha256, received_at, source, envelope_from, envelope_rcpt,"
	                      " size, raw, state) VALUES"
	                      " ('9dd4e461268c8034f5c8564e155c67a6', 1, 'deliver', 'ann@x.example',"
	                      "  'support@example.com', 5, X'6F6C642031', 'done'),"
	                      " ('b0ab3b6b2b8bbd9a36c4b6df8e0e8a47', 2, 'imap:box', NULL, NULL, 5,"
	                      "  X'6F6C642032', 'pending');"
	                      "INSERT INTO tickets (queue, subject, customer, created_at, updated_at)"
	                      " VALUES ('support', 'old', 'ann@x.example', 1, 1);"
	                      "INSERT INTO messages (ticket_id, intake_id, direction, class, created_at)"
	                      " VALUES (1, 1, 'in', 'human', 1);"
	                      "PRAGMA user_version = 4;",
	                      NULL, NULL, NULL),
		==, SQLITE_OK);
	sqlite3_close (db);
}

static void
test_migrate_keeps_rows (Fixture *f, gconstpointer data)
{
	g_autoptr (PdStore) store = NULL;
	g_autoptr (PdIntakeRow) one = NULL;
	g_autoptr (PdIntakeRow) two = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) pending = NULL;

	(void) data;
	make_schema4 (f->path);
	store = open_store (f, 1000);
	g_assert_cmpint (query_int (f->path, "PRAGMA user_version"), >=, 5);
	g_assert_cmpint (query_int (f->path, "SELECT count(*) FROM pragma_foreign_key_check"), ==, 0);

	one = pd_store_intake_get (store, 1, TRUE, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (one->state, ==, "done");
	g_assert_cmpstr (one->envelope_rcpt, ==, "support@example.com");
	g_assert_cmpstr (one->sha256, ==, "9dd4e461268c8034f5c8564e155c67a6");
	g_assert_cmpint (one->size, ==, 5);
	g_assert_cmpmem (g_bytes_get_data (one->raw, NULL), g_bytes_get_size (one->raw), "old 1", 5);
	two = pd_store_intake_get (store, 2, TRUE, &error);
	g_assert_no_error (error);
	g_assert_null (two->envelope_rcpt);
	g_assert_cmpmem (g_bytes_get_data (two->raw, NULL), g_bytes_get_size (two->raw), "old 2", 5);
	pending = pd_store_intake_list (store, "pending", &error);
	g_assert_no_error (error);
	g_assert_cmpuint (pending->len, ==, 1);
	g_assert_cmpint (((PdIntakeRow *) pending->pdata[0])->id, ==, 2);
}

/* A message migrated from schema 4 is still recognised: the same bytes for the same
 * recipient are a duplicate, for another recipient a new row sharing the stored bytes. */
static void
test_migrated_dedup (Fixture *f, gconstpointer data)
{
	g_autoptr (PdStore) store = NULL;
	g_autoptr (GBytes) raw = g_bytes_new_static ("new 1", 5);
	g_autoptr (GError) error = NULL;
	sqlite3 *db = NULL;
	g_autofree char *state = NULL;
	g_autofree char *sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, raw);
	g_autofree char *sql = NULL;
	gint64 id;

	(void) data;
	make_schema4 (f->path);
	/* give row 1 the real checksum of its bytes, as intake did */
	g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
	sql = g_strdup_printf ("UPDATE intake SET sha256 = '%s', raw = X'6E65772031' WHERE id = 1", sha);
	g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
	sqlite3_close (db);
	store = open_store (f, 1000);

	g_assert_true (pd_store_intake_add (store, raw, "deliver", NULL, "support@example.com", 10, &id,
	                                    &state, &error));
	g_assert_no_error (error);
	g_assert_cmpint (id, ==, 1);
	g_assert_cmpstr (state, ==, "done");
	g_clear_pointer (&state, g_free);
	g_assert_true (pd_store_intake_add (store, raw, "deliver", NULL, "sales@example.com", 10, &id,
	                                    &state, &error));
	g_assert_no_error (error);
	g_assert_null (state);
	g_assert_cmpint (id, ==, 3);
	g_assert_cmpint (query_int (f->path, "SELECT count(*) FROM bodies"), ==, 2);
	g_assert_cmpint (query_int (f->path, "SELECT body_id FROM intake WHERE id = 3"), ==, 1);
}

typedef struct {
	const char *bytes;
	const char *rcpt;
	gboolean want_new;
	gint64 want_id;   /* the row it gets */
	gint64 want_body; /* the stored bytes it shares */
} AddCase;

static void
test_intake_dedup (Fixture *f, gconstpointer data)
{
	static const AddCase cases[] = {
		{ "mail A", "support@example.com", TRUE, 1, 1 },
		{ "mail A", "support@example.com", FALSE, 1, 1 }, /* a re-delivery */
		{ "mail A", "sales@example.com", TRUE, 2, 1 },    /* another queue: same bytes */
		{ "mail A", NULL, TRUE, 3, 1 },                   /* no recipient (IMAP) */
		{ "mail A", NULL, FALSE, 3, 1 },
		{ "mail B", "support@example.com", TRUE, 4, 2 },
		{ "mail A", "sales@example.com", FALSE, 2, 1 },
		{ "mail B", NULL, TRUE, 5, 2 },
	};
	g_autoptr (PdStore) store = open_store (f, 1000);
	guint i;

	(void) data;
	for (i = 0; i < G_N_ELEMENTS (cases); i++) {
		const AddCase *c = &cases[i];
		g_autoptr (GBytes) raw = g_bytes_new_static (c->bytes, strlen (c->bytes));
		g_autoptr (GError) error = NULL;
		g_autoptr (PdIntakeRow) row = NULL;
		g_autofree char *state = NULL;
		gint64 id = 0;

		g_assert_true (pd_store_begin (store, &error));
		g_assert_true (pd_store_intake_add (store, raw, "deliver", "ann@x.example", c->rcpt, 100 + i,
		                                    &id, &state, &error));
		g_assert_no_error (error);
		g_assert_true (pd_store_commit (store, &error));
		if ((state == NULL) != c->want_new || id != c->want_id)
			g_error ("case %u (%s, %s): got id %" G_GINT64_FORMAT " new %d, want id %" G_GINT64_FORMAT
			         " new %d",
			         i, c->bytes, c->rcpt ? c->rcpt : "-", id, state == NULL, c->want_id,
			         c->want_new);
		row = pd_store_intake_get (store, id, TRUE, &error);
		g_assert_no_error (error);
		g_assert_cmpint (row->body_id, ==, c->want_body);
		g_assert_cmpstr (row->envelope_rcpt, ==, c->rcpt);
		g_assert_cmpmem (g_bytes_get_data (row->raw, NULL), g_bytes_get_size (row->raw), c->bytes,
		                 strlen (c->bytes));
	}
	/* two messages: the bytes are stored twice, not once per recipient */
	g_assert_cmpint (query_int (f->path, "SELECT count(*) FROM bodies"), ==, 2);
	g_assert_cmpint (query_int (f->path, "SELECT count(*) FROM intake"), ==, 5);
}

static void
test_intake_siblings_finish (Fixture *f, gconstpointer data)
{
	g_autoptr (PdStore) store = open_store (f, 1000);
	g_autoptr (GBytes) raw = g_bytes_new_static ("shared", 6);
	g_autoptr (GBytes) other = g_bytes_new_static ("other", 5);
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) sib = NULL;
	g_autoptr (GPtrArray) quarantined = NULL;
	g_autoptr (PdIntakeRow) row = NULL;
	const char *rcpts[] = { "support@example.com", "sales@example.com", "support+t1@example.com" };
	gint64 ids[3], lone;
	guint i;

	(void) data;
	for (i = 0; i < 3; i++) {
		g_autofree char *state = NULL;
		g_assert_true (pd_store_intake_add (store, raw, "lmtp", NULL, rcpts[i], 1, &ids[i], &state,
		                                    &error));
	}
	{
		g_autofree char *state = NULL;
		g_assert_true (pd_store_intake_add (store, other, "lmtp", NULL, rcpts[0], 1, &lone, &state,
		                                    &error));
	}
	sib = pd_store_intake_siblings (store, ids[1], &error);
	g_assert_no_error (error);
	g_assert_cmpuint (sib->len, ==, 2);
	g_assert_cmpint (((PdIntakeRow *) sib->pdata[0])->id, ==, ids[0]);
	g_assert_cmpint (((PdIntakeRow *) sib->pdata[1])->id, ==, ids[2]);
	g_clear_pointer (&sib, g_ptr_array_unref);
	sib = pd_store_intake_siblings (store, lone, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (sib->len, ==, 0);

	g_assert_true (pd_store_intake_finish (store, ids[1], "quarantined", NULL, "bad", 5, &error));
	row = pd_store_intake_get (store, ids[1], FALSE, &error);
	g_assert_cmpstr (row->state, ==, "quarantined");
	g_assert_cmpstr (row->reason, ==, "bad");
	g_assert_null (row->raw);
	quarantined = pd_store_intake_list (store, "quarantined", &error);
	g_assert_cmpuint (quarantined->len, ==, 1);
	g_assert_null (pd_store_intake_get (store, 999, FALSE, &error));
	g_assert_error (error, PD_ERROR, PD_ERROR_NOTFOUND);
}

/* A batch: one transaction, each begin..commit inside it a savepoint; a rollback undoes only
 * its own mail's writes, the others commit with the batch. */
static void
test_batch_savepoints (Fixture *f, gconstpointer data)
{
	g_autoptr (PdStore) store = open_store (f, 1000);
	g_autoptr (GBytes) raw = g_bytes_new_static ("Subject: ack\r\n\r\nhi\r\n", 20);
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) rows = NULL;
	gint64 id, count;

	(void) data;
	g_assert_true (pd_store_batch_begin (store, &error));
	g_assert_no_error (error);
	for (int i = 0; i < 3; i++) {
		g_autofree char *mid = g_strdup_printf ("batch%d@example.com", i);

		g_assert_true (pd_store_begin (store, &error));
		g_assert_true (pd_store_outbox_add (store, "ack", 0, "ann@x.example", mid, raw, TRUE, 100,
		                                    &id, &error));
		if (i == 1)
			pd_store_rollback (store); /* the failing mail */
		else
			g_assert_true (pd_store_commit (store, &error));
		g_assert_no_error (error);
	}
	g_assert_true (pd_store_batch_commit (store, &error));
	g_assert_no_error (error);
	rows = pd_store_outbox_list (store, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (rows->len, ==, 2);
	g_assert_true (pd_store_outbox_by_message_id (store, "batch1@example.com", &id, &error));
	g_assert_cmpint (id, ==, 0);
	/* after the batch, begin/commit are plain transactions again */
	g_assert_true (pd_store_begin (store, &error));
	g_assert_true (pd_store_outbox_add (store, "ack", 0, "ann@x.example", "after@example.com", raw,
	                                    TRUE, 100, &id, &error));
	pd_store_rollback (store);
	g_assert_true (pd_store_outbox_auto_count (store, "ann@x.example", 0, -1, &count, &error));
	g_assert_cmpint (count, ==, 2);
}

/* The rate-limit count stops at its limit, whatever one address's history holds. */
static void
test_outbox_auto_count_limit (Fixture *f, gconstpointer data)
{
	g_autoptr (PdStore) store = open_store (f, 1000);
	g_autoptr (GBytes) raw = g_bytes_new_static ("Subject: ack\r\n\r\nhi\r\n", 20);
	g_autoptr (GError) error = NULL;
	gint64 count;

	(void) data;
	for (int i = 0; i < 4; i++) {
		g_autofree char *mid = g_strdup_printf ("m%d-more@example.com", i);
		gint64 more;

		g_assert_true (pd_store_outbox_add (store, "ack", 0, "ann@x.example", mid, raw, TRUE,
		                                    100, &more, &error));
		g_assert_no_error (error);
	}
	g_assert_true (pd_store_outbox_auto_count (store, "ann@x.example", 50, -1, &count, &error));
	g_assert_cmpint (count, ==, 4);
	g_assert_true (pd_store_outbox_auto_count (store, "ann@x.example", 50, 2, &count, &error));
	g_assert_cmpint (count, ==, 2);
	g_assert_true (pd_store_outbox_auto_count (store, "ann@x.example", 50, 9, &count, &error));
	g_assert_cmpint (count, ==, 4);
}

static void
test_outbox_basics (Fixture *f, gconstpointer data)
{
	g_autoptr (PdStore) store = open_store (f, 1000);
	g_autoptr (GBytes) raw = g_bytes_new_static ("Subject: ack\r\n\r\nhi\r\n", 20);
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) due = NULL;
	g_autoptr (GPtrArray) later = NULL;
	g_autoptr (PdOutboxRow) row = NULL;
	gint64 id, found, count;

	(void) data;
	g_assert_true (pd_store_outbox_add (store, "ack", 0, "ann@x.example", "m1@example.com", raw, TRUE,
	                                    100, &id, &error));
	g_assert_no_error (error);
	g_assert_true (pd_store_outbox_by_message_id (store, "m1@example.com", &found, &error));
	g_assert_cmpint (found, ==, id);
	g_assert_true (pd_store_outbox_auto_count (store, "ann@x.example", 50, -1, &count, &error));
	g_assert_cmpint (count, ==, 1);
	g_assert_true (pd_store_outbox_auto_count (store, "ann@x.example", 101, -1, &count, &error));
	g_assert_cmpint (count, ==, 0);

	gboolean claimed = FALSE;

	due = pd_store_outbox_due (store, 100, FALSE, 10, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (due->len, ==, 1);
	row = pd_store_outbox_get (store, id, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (row->state, ==, "queued");
	g_assert_cmpstr (row->kind, ==, "ack");
	/* one sender claims it; another cannot while the lease runs, not even ignoring back-off */
	g_assert_true (pd_store_outbox_claim (store, id, 100, FALSE, 130, "a", &claimed, &error));
	g_assert_true (claimed);
	g_assert_true (pd_store_outbox_claim (store, id, 110, TRUE, 140, "b", &claimed, &error));
	g_assert_false (claimed);
	/* a 4xx: the row waits until its next attempt, then it is due again */
	g_assert_true (pd_store_outbox_retry (store, id, "a", "451 later", 200, &error));
	g_assert_no_error (error);
	later = pd_store_outbox_due (store, 150, FALSE, 10, &error);
	g_assert_cmpuint (later->len, ==, 0);
	g_clear_pointer (&later, g_ptr_array_unref);
	later = pd_store_outbox_due (store, 200, FALSE, 10, &error);
	g_assert_cmpuint (later->len, ==, 1);
	g_assert_true (pd_store_outbox_sent (store, id, "250 ok", 160, &error));
	g_clear_pointer (&row, pd_outbox_row_free);
	row = pd_store_outbox_get (store, id, &error);
	g_assert_cmpstr (row->state, ==, "sent");
	g_assert_cmpstr (row->last_reply, ==, "250 ok");
	g_assert_cmpint (row->attempts, ==, 2);
	g_assert_cmpmem (g_bytes_get_data (row->raw, NULL), g_bytes_get_size (row->raw),
	                 "Subject: ack\r\n\r\nhi\r\n", 20);
}

static void
test_busy_is_tempfail (Fixture *f, gconstpointer data)
{
	g_autoptr (PdStore) holder = open_store (f, 1000);
	g_autoptr (PdStore) waiter = open_store (f, 100);
	g_autoptr (GError) error = NULL;
	g_autoptr (GBytes) raw = g_bytes_new_static ("x", 1);
	g_autofree char *state = NULL;
	gint64 id;

	(void) data;
	g_assert_true (pd_store_begin (holder, &error));
	g_assert_false (pd_store_begin (waiter, &error));
	g_assert_error (error, PD_ERROR, PD_ERROR_TEMPFAIL);
	g_clear_error (&error);
	g_assert_false (pd_store_intake_add (waiter, raw, "deliver", NULL, NULL, 1, &id, &state, &error));
	g_assert_error (error, PD_ERROR, PD_ERROR_TEMPFAIL);
	g_clear_error (&error);
	pd_store_rollback (holder);
	g_assert_true (pd_store_intake_add (waiter, raw, "deliver", NULL, NULL, 1, &id, &state, &error));
	g_assert_no_error (error);
}

static gpointer
release_later (gpointer holder)
{
	g_usleep (50 * 1000);
	pd_store_rollback (holder);
	return NULL;
}

/* A waiter gets the lock once the writer ahead of it lets go, within its timeout (busy.c's
 * own wait, issue 10); and still gives up with TEMPFAIL when the timeout passes. */
static void
test_busy_waits_for_writer (Fixture *f, gconstpointer data)
{
	g_autoptr (PdStore) holder = open_store (f, 1000);
	g_autoptr (PdStore) waiter = open_store (f, 30000);
	g_autoptr (PdStore) impatient = open_store (f, 20);
	g_autoptr (GError) error = NULL;
	GThread *thread;
	gint64 start;

	(void) data;
	g_assert_true (pd_store_begin (holder, &error));
	start = g_get_monotonic_time ();
	g_assert_false (pd_store_begin (impatient, &error));
	g_assert_error (error, PD_ERROR, PD_ERROR_TEMPFAIL);
	g_clear_error (&error);
	/* it waited for its timeout, not less */
	g_assert_cmpint (g_get_monotonic_time () - start, >=, 20 * 1000);
	thread = g_thread_new ("release", release_later, holder);
	g_assert_true (pd_store_begin (waiter, &error));
	g_assert_no_error (error);
	g_thread_join (thread);
	g_assert_true (pd_store_commit (waiter, &error));
	g_assert_no_error (error);
}

/* A stand-in for the mail parser: the text is the raw bytes after "text:". */
static char *
fake_derive (GBytes *raw)
{
	gsize len;
	const char *p = g_bytes_get_data (raw, &len);

	return len > 5 ? g_strndup (p + 5, len - 5) : NULL;
}

/* The text of incoming mail is derived from the raw bytes while they are kept (issue 10):
 * messages.body stays NULL and pd_store_message_list gives the text; outgoing text, and
 * incoming mail whose bytes were dropped, are stored as before. */
static void
test_message_text_derived (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (PdStore) store = open_store (f, 1000);
	g_autoptr (GBytes) raw = g_bytes_new_static ("text:derived from bytes", 23);
	g_autoptr (GBytes) raw2 = g_bytes_new_static ("text:the bytes that went", 24);
	g_autoptr (GPtrArray) list = NULL;
	PdMessageRow in = { 0 }, out = { 0 }, gone = { 0 };
	const PdMessageRow *m;
	gint64 intake, intake2, ticket;
	char *state = NULL;

	(void) data;
	pd_store_set_text_deriver (fake_derive);
	g_assert_true (pd_store_intake_add (store, raw, "deliver", "ann@x.example", "support@example.com",
	                                    1, &intake, &state, &error));
	g_assert_true (pd_store_intake_add (store, raw2, "deliver", "ann@x.example", "support@example.com",
	                                    1, &intake2, &state, &error));
	g_assert_true (pd_store_ticket_create (store, "support", "s", "ann@x.example", NULL, "normal", 1,
	                                       &ticket, &error));
	in.ticket_id = ticket;
	in.intake_id = intake;
	in.direction = (char *) "in";
	in.klass = (char *) "human";
	in.body = (char *) "derived from bytes";
	in.created_at = 1;
	g_assert_true (pd_store_message_add (store, &in, &error));
	out.ticket_id = ticket;
	out.direction = (char *) "out";
	out.klass = (char *) "human";
	out.body = (char *) "outgoing text";
	out.created_at = 2;
	g_assert_true (pd_store_message_add (store, &out, &error));
	/* an intake row whose bytes are gone: its message keeps the text it was given */
	gone = in;
	gone.intake_id = intake2;
	gone.body = (char *) "kept in the row";
	gone.created_at = 3;
	{
		sqlite3 *db;

		g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
		sqlite3_busy_timeout (db, 1000);
		g_assert_cmpint (sqlite3_exec (db, "UPDATE intake SET body_id = NULL WHERE id = 2", NULL,
		                               NULL, NULL), ==, SQLITE_OK);
		sqlite3_close (db);
	}
	g_assert_true (pd_store_message_add (store, &gone, &error));
	g_assert_no_error (error);
	g_assert_cmpint (query_int (f->path, "SELECT count(*) FROM messages WHERE body IS NULL"), ==, 1);
	g_assert_cmpint (query_int (f->path, "SELECT count(*) FROM messages WHERE body IS NULL"
	                                     " AND direction = 'in' AND intake_id = 1"), ==, 1);

	list = pd_store_message_list (store, ticket, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (list->len, ==, 3);
	m = list->pdata[0];
	g_assert_cmpstr (m->body, ==, "derived from bytes");
	m = list->pdata[1];
	g_assert_cmpstr (m->body, ==, "outgoing text");
	m = list->pdata[2];
	g_assert_cmpstr (m->body, ==, "kept in the row");
	pd_store_set_text_deriver (NULL);
}

/* issue 10, lean: postdesk-deliver's SHA-256 (plain C) keys rows as GChecksum does: every
 * length around the 64-byte block and its 56-byte padding boundary, fed whole and in odd
 * pieces (some spanning several blocks), and a large random buffer. Both ways: plain C, and
 * the CPU's SHA extensions where it has them (issue 10, cpu) */
static void
sha256_against_glib (void)
{
	g_autofree guchar *buf = g_malloc (300000);
	gsize lens[] = { 0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 121, 127, 128, 129, 1000, 300000 };
	guint i;

	for (i = 0; i < 300000; i++)
		buf[i] = (guchar) g_test_rand_int_range (0, 256);
	for (i = 0; i < G_N_ELEMENTS (lens); i++) {
		g_autofree char *want = g_compute_checksum_for_data (G_CHECKSUM_SHA256, buf, lens[i]);
		PdSha256 whole, pieces;
		char hex[65];
		gsize at = 0;

		pd_sha256_init (&whole);
		pd_sha256_update (&whole, buf, lens[i]);
		pd_sha256_hex (&whole, hex);
		g_assert_cmpstr (hex, ==, want);
		pd_sha256_init (&pieces);
		while (at < lens[i]) {
			gsize step = g_test_rand_int_range (1, 300); /* (MIN evaluates twice) */
			gsize n = MIN (step, lens[i] - at);

			pd_sha256_update (&pieces, buf + at, n);
			at += n;
		}
		pd_sha256_hex (&pieces, hex);
		g_assert_cmpstr (hex, ==, want);
	}
}

static void
test_sha256_glib (void)
{
	pd_sha256_use_extensions (0);
	sha256_against_glib ();
	if (pd_sha256_use_extensions (1))
		sha256_against_glib ();
	else
		g_test_message ("no SHA extensions on this CPU: plain C only");
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
#define ADD(name, fn) g_test_add ("/store/" name, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
	ADD ("migrate/fresh", test_migrate_fresh);
	ADD ("migrate/keeps-rows", test_migrate_keeps_rows);
	ADD ("migrate/dedup", test_migrated_dedup);
	ADD ("intake/dedup", test_intake_dedup);
	ADD ("intake/siblings-finish", test_intake_siblings_finish);
	ADD ("outbox/basics", test_outbox_basics);
	ADD ("outbox/auto-count-limit", test_outbox_auto_count_limit);
	ADD ("batch/savepoints", test_batch_savepoints);
	ADD ("busy-tempfail", test_busy_is_tempfail);
	ADD ("busy/waits-for-writer", test_busy_waits_for_writer);
	ADD ("message/text-derived", test_message_text_derived);
	g_test_add_func ("/store/sha256/glib", test_sha256_glib); /* issue 10, lean */
	return g_test_run ();
}
