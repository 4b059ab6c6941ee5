/* spool.c - a message from a file descriptor, in bounded memory (see spool.h): a buffer of
 * PD_SPOOL_MEMORY bytes, then an unlinked temporary file; handed to the store in pieces.
 * It does not parse or judge the message. */
#include "intake/spool.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/error.h"
#include "core/log.h"
#include "intake/intake.h"

struct PdSpool {
	GByteArray *head; /* the first bytes, up to PD_SPOOL_MEMORY */
	int fd;           /* the rest, from offset 0 (-1: none) */
	gsize size;
	char *sha256;
	/* reading back (pd_spool_accept) */
	gsize read_pos;
};

void
pd_spool_free (PdSpool *spool)
{
	if (spool == NULL)
		return;
	if (spool->head)
		g_byte_array_unref (spool->head);
	if (spool->fd >= 0)
		close (spool->fd);
	g_free (spool->sha256);
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
write_all (int fd, const guint8 *data, gsize len, GError **error)
{
	while (len > 0) {
		ssize_t n = write (fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			g_set_error (error, PD_ERROR, PD_ERROR_TEMPFAIL, "spooling the message: %s",
			             g_strerror (errno));
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

PdSpool *
pd_spool_read_fd (int fd, gsize hard_max, const char *dir, GError **error)
{
	g_autoptr (PdSpool) spool = g_new0 (PdSpool, 1);
	g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
	guint8 chunk[64 * 1024];

	spool->head = g_byte_array_new ();
	spool->fd = -1;
	for (;;) {
		ssize_t n = read (fd, chunk, sizeof chunk);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			g_set_error (error, PD_ERROR, PD_ERROR_TEMPFAIL, "reading stdin: %s",
			             g_strerror (errno));
			return NULL;
		}
		if (n == 0)
			break;
		spool->size += n;
		if (spool->size > hard_max) {
			g_set_error (error, PD_ERROR, PD_ERROR_DATA,
			             "message larger than %" G_GSIZE_FORMAT " bytes refused", hard_max);
			return NULL;
		}
		g_checksum_update (sum, chunk, n);
		if (spool->fd < 0 && spool->head->len + n <= PD_SPOOL_MEMORY) {
			g_byte_array_append (spool->head, chunk, n);
			continue;
		}
		if (spool->fd < 0 && (spool->fd = open_spool_file (dir, error)) < 0)
			return NULL;
		if (!write_all (spool->fd, chunk, n, error))
			return NULL;
	}
	spool->sha256 = g_strdup (g_checksum_get_string (sum));
	return g_steal_pointer (&spool);
}

/* PdStoreReadFunc: the head, then the file. */
static gssize
spool_read (gpointer data, void *buf, gsize len, GError **error)
{
	PdSpool *spool = data;
	gsize head = spool->head->len;

	if (spool->read_pos < head) {
		gsize n = MIN (len, head - spool->read_pos);
		memcpy (buf, spool->head->data + spool->read_pos, n);
		spool->read_pos += n;
		return n;
	}
	if (spool->fd < 0)
		return 0;
	for (;;) {
		ssize_t n = pread (spool->fd, buf, len, spool->read_pos - head);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			g_set_error (error, PD_ERROR, PD_ERROR_TEMPFAIL, "reading the spooled message: %s",
			             g_strerror (errno));
			return -1;
		}
		spool->read_pos += n;
		return n;
	}
}

gboolean
pd_spool_accept (PdSpool *spool, PdApp *app, const char *source, const char *envelope_from,
                 const char *envelope_rcpt, gsize max_size, gint64 *id_r,
                 gboolean *duplicate_r, gboolean *quarantined_r, GError **error)
{
	g_autofree char *from = pd_intake_sender (envelope_from);
	g_autofree char *rcpt = pd_intake_recipient (envelope_rcpt);
	g_autofree char *state = NULL;
	g_autofree char *reason = NULL;
	gint64 now = pd_now ();

	*quarantined_r = FALSE;
	spool->read_pos = 0;
	if (max_size > 0 && spool->size > max_size)
		/* the same words as pd_mail_parse's, which would say it after reading it all */
		reason = g_strdup_printf ("message too large (%" G_GSIZE_FORMAT " bytes, limit %" G_GSIZE_FORMAT ")",
		                          spool->size, max_size);
	if (!pd_store_begin (app->store, error))
		return FALSE;
	if (!pd_store_intake_add_stream (app->store, spool->sha256, spool->size, spool_read, spool,
	                                 source, from, rcpt, reason, now, id_r, &state, error)) {
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
