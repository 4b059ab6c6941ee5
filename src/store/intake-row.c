/* intake-row.c - a message into intake and bodies (see intake-row.h), in plain C so that
 * postdesk-deliver writes exactly the rows every other intake path writes. */
#include "store/intake-row.h"

#include <stdlib.h>
#include <string.h>

/* g_strstrip and g_ascii_tolower, as GLib define them; NULL stays NULL */
static char *
normalise (const char *s)
{
	const char *end;
	char *out, *p;

	if (s == NULL)
		return NULL;
	while (*s == ' ' || (*s >= '\t' && *s <= '\r'))
		s++;
	end = s + strlen (s);
	while (end > s && (end[-1] == ' ' || (end[-1] >= '\t' && end[-1] <= '\r')))
		end--;
	out = malloc (end - s + 1);
	if (out == NULL)
		abort ();
	memcpy (out, s, end - s);
	out[end - s] = '\0';
	for (p = out; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p += 'a' - 'A';
	return out;
}

char *
pd_row_sender (const char *envelope_from)
{
	char *s = normalise (envelope_from);

	if (s != NULL && (strcmp (s, "<>") == 0 || strcmp (s, "mailer-daemon") == 0 ||
	                  strncmp (s, "mailer-daemon@", 14) == 0))
		s[0] = '\0';
	return s;
}

char *
pd_row_recipient (const char *envelope_rcpt)
{
	char *s = normalise (envelope_rcpt);

	if (s != NULL && *s == '\0') {
		free (s);
		return NULL;
	}
	return s;
}

size_t
pd_row_hard_max (size_t max_size)
{
	size_t four = max_size * 4, cap = (size_t) 900 * 1024 * 1024;

	return four < cap ? four : cap;
}

static void
bind_text (sqlite3_stmt *stmt, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null (stmt, i);
	else
		sqlite3_bind_text (stmt, i, s, -1, SQLITE_TRANSIENT);
}

/* step STMT to its end (or its first row: ROW_R), then reset it */
static int
run (sqlite3_stmt *stmt, int *row_r)
{
	int rc = sqlite3_step (stmt);

	if (row_r != NULL)
		*row_r = rc == SQLITE_ROW;
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return SQLITE_OK;
	sqlite3_reset (stmt);
	return rc;
}

/* Write SIZE bytes from READ into bodies row ID's raw, in pieces. */
static int
body_write (sqlite3 *db, int64_t id, int64_t size, PdRowRead read, void *data)
{
	sqlite3_blob *blob = NULL;
	unsigned char buf[64 * 1024];
	int64_t done = 0;
	int rc;

	if (size == 0)
		return SQLITE_OK;
	rc = sqlite3_blob_open (db, "main", "bodies", "raw", id, 1, &blob);
	while (rc == SQLITE_OK && done < size) {
		int64_t want = size - done < (int64_t) sizeof buf ? size - done : (int64_t) sizeof buf;
		long n = read (data, buf, (size_t) want);

		if (n <= 0) {
			sqlite3_blob_close (blob);
			return n < 0 ? PD_ROW_READ_FAILED : PD_ROW_SHORT;
		}
		rc = sqlite3_blob_write (blob, buf, (int) n, (int) done);
		done += n;
	}
	if (rc != SQLITE_OK) {
		sqlite3_blob_close (blob);
		return rc;
	}
	return sqlite3_blob_close (blob);
}

/* the SQL, literals the callers' caches key on */
static const char FIND_ROW[] = "SELECT id, state FROM intake WHERE dedup_key = ?";
static const char FIND_BODY[] = "SELECT id FROM bodies WHERE sha256 = ?";
/* new bytes go in without a look first (the unique index on sha256 looks anyway): one
 * statement per new message where there were two; FIND_BODY only when they are there */
static const char ADD_BODY[] = "INSERT INTO bodies (sha256, size, raw) VALUES (?, ?, ?)"
                               " ON CONFLICT (sha256) DO NOTHING";
static const char ADD_ROW[] = "INSERT INTO intake (dedup_key, sha256, body_id, received_at,"
                              " source, envelope_from, envelope_rcpt, size, state, reason,"
                              " processed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char PENDING[] =
	"SELECT count(*) FROM (SELECT 1 FROM intake WHERE state = 'pending' LIMIT ?)";

int
pd_row_add (const PdRowDb *rdb, const char *sha256, int64_t size, const void *bytes,
            PdRowRead read, void *data, const char *source, const char *envelope_from,
            const char *envelope_rcpt, const char *quarantine_reason, int64_t now,
            int64_t *id_r, char **state_r, const char **what_r)
{
	/* the dedup key: the SHA-256, then a space and the recipient if there is one */
	size_t klen = strlen (sha256) + (envelope_rcpt ? strlen (envelope_rcpt) + 1 : 0) + 1;
	char *key = malloc (klen);
	sqlite3_stmt *stmt;
	int64_t body = 0;
	int rc, row;

	*state_r = NULL;
	if (key == NULL)
		return SQLITE_NOMEM;
	strcpy (key, sha256);
	if (envelope_rcpt != NULL) {
		strcat (key, " ");
		strcat (key, envelope_rcpt);
	}
	/* stored before for this recipient: that row, as it is */
	*what_r = "looking for the message";
	if ((stmt = rdb->prepare (rdb->ctx, FIND_ROW)) == NULL)
		goto failed;
	bind_text (stmt, 1, key);
	if ((rc = run (stmt, &row)) != SQLITE_OK)
		goto out;
	if (row) {
		const unsigned char *state = sqlite3_column_text (stmt, 1);

		*id_r = sqlite3_column_int64 (stmt, 0);
		*state_r = strdup (state ? (const char *) state : "");
		sqlite3_reset (stmt);
		goto out;
	}
	sqlite3_reset (stmt);

	/* the bytes once per SHA-256 (another recipient of the same message may have them); a
	 * message not in memory goes in as a zero-filled blob of its size (raw is the last column
	 * of bodies), then written in place in pieces, so it is never in memory whole */
	*what_r = "storing the message";
	if ((stmt = rdb->prepare (rdb->ctx, ADD_BODY)) == NULL)
		goto failed;
	bind_text (stmt, 1, sha256);
	sqlite3_bind_int64 (stmt, 2, size);
	/* bytes in memory are bound where they are (SQLITE_STATIC: they outlive the step, and
	 * the binding is dropped before returning), not copied first (issue 10, writer) */
	if (bytes != NULL)
		sqlite3_bind_blob64 (stmt, 3, size > 0 ? bytes : "", size, SQLITE_STATIC);
	else
		sqlite3_bind_zeroblob64 (stmt, 3, size);
	rc = run (stmt, NULL);
	sqlite3_reset (stmt);
	sqlite3_bind_null (stmt, 3);
	if (rc != SQLITE_OK)
		goto out;
	if (sqlite3_changes (rdb->db) == 1) {
		body = sqlite3_last_insert_rowid (rdb->db);
		if (bytes == NULL && (rc = body_write (rdb->db, body, size, read, data)) != SQLITE_OK)
			goto out;
	} else {
		/* stored already (another recipient of the same message) */
		if ((stmt = rdb->prepare (rdb->ctx, FIND_BODY)) == NULL)
			goto failed;
		bind_text (stmt, 1, sha256);
		if ((rc = run (stmt, &row)) != SQLITE_OK)
			goto out;
		if (row)
			body = sqlite3_column_int64 (stmt, 0);
		sqlite3_reset (stmt);
	}

	/* the final state goes in with the row: a message over the limit is quarantined at once */
	if ((stmt = rdb->prepare (rdb->ctx, ADD_ROW)) == NULL)
		goto failed;
	bind_text (stmt, 1, key);
	bind_text (stmt, 2, sha256);
	sqlite3_bind_int64 (stmt, 3, body);
	sqlite3_bind_int64 (stmt, 4, now);
	bind_text (stmt, 5, source);
	bind_text (stmt, 6, envelope_from);
	bind_text (stmt, 7, envelope_rcpt);
	sqlite3_bind_int64 (stmt, 8, size);
	bind_text (stmt, 9, quarantine_reason ? "quarantined" : "pending");
	bind_text (stmt, 10, quarantine_reason);
	if (quarantine_reason)
		sqlite3_bind_int64 (stmt, 11, now);
	else
		sqlite3_bind_null (stmt, 11);
	if ((rc = run (stmt, NULL)) != SQLITE_OK)
		goto out;
	sqlite3_reset (stmt);
	*id_r = sqlite3_last_insert_rowid (rdb->db);
out:
	free (key);
	return rc;
failed:
	free (key);
	return sqlite3_extended_errcode (rdb->db);
}

int
pd_row_pending_count (const PdRowDb *rdb, int64_t limit, int64_t *count_r)
{
	sqlite3_stmt *stmt = rdb->prepare (rdb->ctx, PENDING);
	int rc, row;

	*count_r = 0;
	if (stmt == NULL)
		return sqlite3_extended_errcode (rdb->db);
	sqlite3_bind_int64 (stmt, 1, limit < 0 ? -1 : limit);
	if ((rc = run (stmt, &row)) != SQLITE_OK)
		return rc;
	if (row)
		*count_r = sqlite3_column_int64 (stmt, 0);
	sqlite3_reset (stmt);
	return SQLITE_OK;
}
