/* spool.c - a message in bounded memory (see spool.h): a buffer of PD_SPOOL_MEMORY bytes,
 * then an unlinked temporary file holding all of it (written through a small buffer); handed
 * to the store in pieces, or as a read-only mapping to an API that wants a GBytes. It does not
 * parse or judge the message. */
#include "intake/spool.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/error.h"
#include "core/log.h"
#include "core/sha256.h"
#include "intake/intake.h"

/* in file mode, writes are gathered up to this much (a session appends line by line) */
#define WRITE_BUFFER (64 * 1024)

struct PdSpool {
	char *dir;
	GByteArray *buf; /* memory mode: every byte so far; file mode: bytes not yet written */
	int fd;          /* file mode: the whole message from offset 0 (-1: memory mode) */
	gsize size;
	PdSha256 sum;    /* until pd_spool_finish (core/sha256.c: GChecksum's digest, faster) */
	gboolean summing;
	char *sha256;    /* after it */
	gboolean broken; /* a write failed: the file is short */
	/* pd_spool_steal_bytes on a file */
	void *map;
};

PdSpool *
pd_spool_new (const char *dir)
{
	PdSpool *spool = g_new0 (PdSpool, 1);

	spool->dir = g_strdup (dir);
	spool->buf = g_byte_array_new ();
	spool->fd = -1;
	pd_sha256_init (&spool->sum);
	spool->summing = TRUE;
	return spool;
}

void
pd_spool_free (PdSpool *spool)
{
	if (spool == NULL)
		return;
	if (spool->buf)
		g_byte_array_unref (spool->buf);
	if (spool->map)
		munmap (spool->map, spool->size);
	if (spool->fd >= 0)
		close (spool->fd);
	g_free (spool->sha256);
	g_free (spool->dir);
	g_free (spool);
}

gsize
pd_spool_size (const PdSpool *spool)
{
	return spool->size;
}

const char *
pd_spool_sha256 (const PdSpool *spool)
{
	return spool->sha256;
}

static gboolean
write_all (PdSpool *spool, const guint8 *data, gsize len, GError **error)
{
	while (len > 0) {
		ssize_t n = write (spool->fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			spool->broken = TRUE;
			g_set_error (error, PD_ERROR, PD_ERROR_TEMPFAIL, "spooling the message in %s: %s",
			             spool->dir, g_strerror (errno));
			return FALSE;
		}
		data += n;
		len -= n;
	}
	return TRUE;
}

/* An unlinked temporary file in DIR: nothing to clean up, whatever happens. */
static int
open_spool_file (const char *dir, GError **error)
{
	g_autofree char *path = g_build_filename (dir, ".spool-XXXXXX", NULL);
	int fd = g_mkstemp_full (path, O_RDWR | O_CLOEXEC, 0600);

	if (fd < 0) {
		g_set_error (error, PD_ERROR, PD_ERROR_TEMPFAIL, "spooling the message in %s: %s", dir,
		             g_strerror (errno));
		return -1;
	}
	unlink (path);
	return fd;
}

static gboolean
flush (PdSpool *spool, GError **error)
{
	if (spool->fd < 0 || spool->buf->len == 0)
		return TRUE;
	if (!write_all (spool, spool->buf->data, spool->buf->len, error))
		return FALSE;
	g_byte_array_set_size (spool->buf, 0);
	return TRUE;
}

gboolean
pd_spool_append (PdSpool *spool, const void *data, gsize len, GError **error)
{
	g_return_val_if_fail (spool->summing, FALSE);
	if (spool->broken) {
		g_set_error (error, PD_ERROR, PD_ERROR_TEMPFAIL, "spooling the message in %s failed",
		             spool->dir);
		return FALSE;
	}
	pd_sha256_update (&spool->sum, data, len);
	spool->size += len;
	if (spool->fd < 0 && spool->buf->len + len <= PD_SPOOL_MEMORY) {
		g_byte_array_append (spool->buf, data, len);
		return TRUE;
	}
	if (spool->fd < 0) {
		/* to the file, all of it: what was in memory first, then a small write buffer */
		if ((spool->fd = open_spool_file (spool->dir, error)) < 0) {
			spool->broken = TRUE;
			return FALSE;
		}
		if (!flush (spool, error))
			return FALSE;
		g_byte_array_unref (spool->buf);
		spool->buf = g_byte_array_sized_new (WRITE_BUFFER);
	}
	if (spool->buf->len + len > WRITE_BUFFER && !flush (spool, error))
		return FALSE;
	if (len >= WRITE_BUFFER)
		return write_all (spool, data, len, error);
	g_byte_array_append (spool->buf, data, len);
	return TRUE;
}

gboolean
pd_spool_finish (PdSpool *spool, GError **error)
{
	g_return_val_if_fail (spool->summing, FALSE);
	if (spool->broken) {
		g_set_error (error, PD_ERROR, PD_ERROR_TEMPFAIL, "spooling the message in %s failed",
		             spool->dir);
		return FALSE;
	}
	if (!flush (spool, error))
		return FALSE;
	spool->sha256 = g_malloc (65);
	pd_sha256_hex (&spool->sum, spool->sha256);
	spool->summing = FALSE;
	return TRUE;
}

PdSpool *
pd_spool_read_fd (int fd, gsize hard_max, const char *dir, GError **error)
{
	g_autoptr (PdSpool) spool = pd_spool_new (dir);
	g_autofree guint8 *chunk = g_malloc (64 * 1024);

	for (;;) {
		ssize_t n = read (fd, chunk, 64 * 1024);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			g_set_error (error, PD_ERROR, PD_ERROR_TEMPFAIL, "reading stdin: %s",
			             g_strerror (errno));
			return NULL;
		}
		if (n == 0)
			break;
		if (spool->size + n > hard_max) {
			g_set_error (error, PD_ERROR, PD_ERROR_DATA,
			             "message larger than %" G_GSIZE_FORMAT " bytes refused", hard_max);
			return NULL;
		}
		if (!pd_spool_append (spool, chunk, n, error))
			return NULL;
	}
	if (!pd_spool_finish (spool, error))
		return NULL;
	return g_steal_pointer (&spool);
}

/* ---- a mapped spool as a GBytes ---- */

/* the bytes' address (the mapping, or the memory) -> PdSpool*, for pd_spool_from_bytes. The
 * memory too: the SHA-256 was computed as the lines came (on the session's thread), and the
 * group commit's thread hashing the bytes again cost it ~35 µs per 12 KB mail under its lock,
 * a quarter of its CPU per mail (issue 10, lmtp2) */
static GMutex mapped_lock;
static GHashTable *mapped;

static void
mapped_free (gpointer data)
{
	PdSpool *spool = data;

	g_mutex_lock (&mapped_lock);
	g_hash_table_remove (mapped, spool->map ? spool->map : (gpointer) spool->buf->data);
	g_mutex_unlock (&mapped_lock);
	pd_spool_free (spool);
}

GBytes *
pd_spool_steal_bytes (PdSpool *spool, GError **error)
{
	const void *data;

	g_return_val_if_fail (spool->sha256 != NULL, NULL);
	if (spool->fd < 0 && spool->size == 0) {
		pd_spool_free (spool);
		return g_bytes_new (NULL, 0);
	}
	if (spool->fd < 0) {
		data = spool->buf->data;
	} else {
		spool->map = mmap (NULL, spool->size, PROT_READ, MAP_SHARED, spool->fd, 0);
		if (spool->map == MAP_FAILED) {
			spool->map = NULL;
			g_set_error (error, PD_ERROR, PD_ERROR_TEMPFAIL, "mapping the spooled message: %s",
			             g_strerror (errno));
			pd_spool_free (spool);
			return NULL;
		}
		data = spool->map;
	}
	g_mutex_lock (&mapped_lock);
	if (mapped == NULL)
		mapped = g_hash_table_new (NULL, NULL);
	g_hash_table_insert (mapped, (gpointer) data, spool);
	g_mutex_unlock (&mapped_lock);
	return g_bytes_new_with_free_func (data, spool->size, mapped_free, spool);
}

PdSpool *
pd_spool_from_bytes (GBytes *bytes)
{
	gsize len;
	gconstpointer data = g_bytes_get_data (bytes, &len);
	PdSpool *spool = NULL;

	g_mutex_lock (&mapped_lock);
	if (mapped != NULL && data != NULL)
		spool = g_hash_table_lookup (mapped, data);
	g_mutex_unlock (&mapped_lock);
	return spool != NULL && spool->size == len ? spool : NULL;
}

/* ---- into the store ---- */

typedef struct {
	PdSpool *spool;
	gsize pos;
} Reader;

/* PdStoreReadFunc: from memory, or from the file (never through the mapping, whose pages
 * would count as the process's memory once read) */
static gssize
spool_read (gpointer data, void *buf, gsize len, GError **error)
{
	Reader *r = data;
	PdSpool *spool = r->spool;

	if (spool->fd < 0) {
		gsize n = r->pos < spool->buf->len ? MIN (len, spool->buf->len - r->pos) : 0;

		if (n > 0)
			memcpy (buf, spool->buf->data + r->pos, n);
		r->pos += n;
		return n;
	}
	for (;;) {
		ssize_t n = pread (spool->fd, buf, len, r->pos);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			g_set_error (error, PD_ERROR, PD_ERROR_TEMPFAIL, "reading the spooled message: %s",
			             g_strerror (errno));
			return -1;
		}
		r->pos += n;
		return n;
	}
}

gboolean
pd_spool_add (PdSpool *spool, PdApp *app, const char *source, const char *envelope_from,
              const char *envelope_rcpt, const char *quarantine_reason, gint64 now,
              gint64 *id_r, char **state_r, GError **error)
{
	g_autofree char *from = pd_intake_sender (envelope_from);
	g_autofree char *rcpt = pd_intake_recipient (envelope_rcpt);
	Reader reader = { spool, 0 };

	g_return_val_if_fail (spool->sha256 != NULL, FALSE);
	/* in memory: the bytes go in as they are, in the INSERT (a zero-filled blob written over
	 * through the blob API cost the writer a blob open, a copy and the zeroes: issue 10) */
	if (spool->fd < 0)
		return pd_store_intake_add_hashed (app->store, spool->sha256, spool->size,
		                                   spool->buf ? spool->buf->data : NULL, source, from,
		                                   rcpt, quarantine_reason, now, id_r, state_r, error);
	return pd_store_intake_add_stream (app->store, spool->sha256, spool->size, spool_read,
	                                   &reader, source, from, rcpt, quarantine_reason, now, id_r,
	                                   state_r, error);
}

gboolean
pd_spool_accept (PdSpool *spool, PdApp *app, const char *source, const char *envelope_from,
                 const char *envelope_rcpt, gsize max_size, gint64 *id_r,
                 gboolean *duplicate_r, gboolean *quarantined_r, GError **error)
{
	g_autofree char *rcpt = pd_intake_recipient (envelope_rcpt);
	g_autofree char *state = NULL;
	g_autofree char *reason = NULL;
	gint64 now = pd_now ();

	*quarantined_r = FALSE;
	if (max_size > 0 && spool->size > max_size)
		/* the same words as pd_mail_parse's, which would say it after reading it all */
		reason = g_strdup_printf ("message too large (%" G_GSIZE_FORMAT " bytes, limit %" G_GSIZE_FORMAT ")",
		                          spool->size, max_size);
	if (!pd_store_begin (app->store, error))
		return FALSE;
	if (!pd_spool_add (spool, app, source, envelope_from, envelope_rcpt, reason, now, id_r,
	                   &state, error)) {
		pd_store_rollback (app->store);
		return FALSE;
	}
	if (!pd_store_commit (app->store, error))
		return FALSE;
	*duplicate_r = state != NULL;
	/* a duplicate keeps its state: one over the limit was quarantined when it came first */
	*quarantined_r = reason != NULL && (state == NULL || !g_str_equal (state, "pending"));
	if (state != NULL)
		pd_log_info ("intake=%" G_GINT64_FORMAT " rcpt=%s source=%s action=duplicate state=%s:"
		             " the same message for the same recipient is stored already; %s",
		             *id_r, rcpt ? rcpt : "-", source, state,
		             strcmp (state, "pending") == 0 ? "processing the stored one" : "skipped");
	else if (reason != NULL)
		pd_log_info ("intake=%" G_GINT64_FORMAT " rcpt=%s action=quarantined reason=\"%s\"",
		             *id_r, rcpt ? rcpt : "-", reason);
	return TRUE;
}
