/* handover.c - serve's handover socket (see handover.h and handover-proto.h). */
#define _GNU_SOURCE /* accept4 */
#include "intake/handover.h"

#include <errno.h>
#include <glib-unix.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"
#include "intake/handover-proto.h"
#include "intake/home-socket.h"

struct PdHandover {
	int fd;
	guint source;
	char *path;
	PdIngest *ingest;
	PdSettingsCell *cell;
	GList *reading; /* Conn* still reading their request */
};

typedef struct {
	PdHandover *owner; /* while reading */
	int fd;
	guint source;
	GByteArray *buf;
	gsize need; /* the whole request's length, once the prefix is in */
} Conn;

static void
conn_free (Conn *c)
{
	if (c->source != 0)
		g_source_remove (c->source);
	close (c->fd);
	if (c->buf != NULL)
		g_byte_array_unref (c->buf);
	g_free (c);
}

/* the reply, after the group commit: a line per recipient; then the connection ends */
static void
on_committed (const PdIngestResult *results, guint n, gpointer data)
{
	Conn *c = data;
	GString *reply = g_string_new (NULL);
	guint i;
	gsize at = 0;

	for (i = 0; i < n; i++) {
		if (results[i].error != NULL)
			g_string_append (reply, "tempfail\n");
		else
			g_string_append_printf (reply, "%s %" G_GINT64_FORMAT "\n",
			                        results[i].duplicate ? "dup" : "ok", results[i].id);
	}
	/* a few bytes into an empty socket buffer; if they cannot go, the sender commits the rows
	 * itself and finds them stored */
	while (at < reply->len) {
		ssize_t w = send (c->fd, reply->str + at, reply->len - at, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		at += w;
	}
	g_string_free (reply, TRUE);
}

static void
submit (PdHandover *h, Conn *c)
{
	const char *header = (const char *) c->buf->data + PD_HANDOVER_PREFIX;
	guint32 hlen = c->need - PD_HANDOVER_PREFIX, blen, i;
	g_autoptr (GPtrArray) rcpts = g_ptr_array_new ();
	g_autoptr (GBytes) all = NULL, raw = NULL;
	g_autoptr (PdSettings) settings = NULL;
	const char *from = NULL;
	guint backlog;

	pd_handover_parse_prefix (c->buf->data, &hlen, &blen);
	if ((header[0] != 'S' && header[0] != 'N') || header[hlen - 1] != '\0') {
		pd_log_warn ("%s: a request that is not one; closed", h->path);
		conn_free (c);
		return;
	}
	if (header[0] == 'S')
		from = header + 1;
	for (i = strlen (header) + 1; i < hlen; i += strlen (header + i) + 1)
		g_ptr_array_add (rcpts, (gpointer) (header + i));
	all = g_byte_array_free_to_bytes (g_steal_pointer (&c->buf));
	raw = g_bytes_new_from_bytes (all, PD_HANDOVER_PREFIX + hlen, blen);
	/* deliver takes mail past max_pending too (the MTA would only retry): it says so */
	settings = pd_settings_cell_get (h->cell);
	backlog = pd_ingest_backlog (h->ingest);
	if (settings->max_pending > 0 && backlog >= settings->max_pending)
		pd_log_warn ("postdesk-deliver: taken although %u or more messages wait to be processed"
		             " ([serve] max_pending %u, where the listeners answer 451): processing is"
		             " behind", backlog, settings->max_pending);
	pd_ingest_submit (h->ingest, raw, "deliver", from, (const char *const *) rcpts->pdata,
	                  rcpts->len, on_committed, c, (GDestroyNotify) conn_free);
}

static gboolean
on_readable (gint fd, GIOCondition cond, gpointer data)
{
	Conn *c = data;
	PdHandover *h = c->owner;
	guint8 buf[65536];

	(void) cond;
	for (;;) {
		gsize want = c->need ? c->need - c->buf->len : PD_HANDOVER_PREFIX - c->buf->len;
		ssize_t n = recv (fd, buf, MIN (want, sizeof buf), MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return G_SOURCE_CONTINUE;
		if (n <= 0)
			break; /* gone before the whole request: its sender commits the rows itself */
		g_byte_array_append (c->buf, buf, n);
		if (c->need == 0 && c->buf->len == PD_HANDOVER_PREFIX) {
			guint32 hlen, blen;

			if (pd_handover_parse_prefix (c->buf->data, &hlen, &blen) < 0) {
				pd_log_warn ("%s: a request that is not one; closed", h->path);
				break;
			}
			c->need = PD_HANDOVER_PREFIX + (gsize) hlen + blen;
		}
		if (c->need != 0 && c->buf->len == c->need) {
			c->source = 0;
			h->reading = g_list_remove (h->reading, c);
			c->owner = NULL;
			submit (h, c);
			return G_SOURCE_REMOVE;
		}
	}
	c->source = 0;
	h->reading = g_list_remove (h->reading, c);
	conn_free (c);
	return G_SOURCE_REMOVE;
}

static gboolean
on_accept (gint fd, GIOCondition cond, gpointer data)
{
	PdHandover *h = data;
	int cfd;

	(void) cond;
	while ((cfd = accept4 (fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK)) >= 0) {
		Conn *c = g_new0 (Conn, 1);

		c->owner = h;
		c->fd = cfd;
		c->buf = g_byte_array_new ();
		c->source = g_unix_fd_add (cfd, G_IO_IN | G_IO_HUP | G_IO_ERR, on_readable, c);
		h->reading = g_list_prepend (h->reading, c);
	}
	return G_SOURCE_CONTINUE;
}

PdHandover *
pd_handover_new (const char *home, PdIngest *ingest, PdSettingsCell *cell)
{
	struct sockaddr_un addr;
	struct stat st;
	PdHandover *h;
	int fd, taken;

	if (pd_handover_address (home, &addr) < 0) {
		pd_log_warn ("%s/%s: the path is too long for a socket; postdesk-deliver commits its"
		             " rows itself", home, PD_HANDOVER_SOCKET);
		return NULL;
	}
	/* the socket's mode: the owner's, and the group's when the home lets its group write (a
	 * group of MTA users) */
	fd = pd_home_socket_bind (&addr, SOCK_STREAM,
	                          stat (home, &st) == 0 && (st.st_mode & S_IWGRP) ? 0660 : 0600,
	                          &taken);
	if (taken) {
		pd_log_warn ("%s: another serve runs on this home and takes the handovers",
		             addr.sun_path);
		return NULL;
	}
	if (fd < 0) {
		pd_log_warn ("%s: %s; postdesk-deliver commits its rows itself", addr.sun_path,
		             g_strerror (errno));
		return NULL;
	}
	h = g_new0 (PdHandover, 1);
	h->fd = fd;
	h->path = g_strdup (addr.sun_path);
	h->ingest = ingest;
	h->cell = cell;
	h->source = g_unix_fd_add (fd, G_IO_IN, on_accept, h);
	return h;
}

void
pd_handover_free (PdHandover *h)
{
	if (h == NULL)
		return;
	g_source_remove (h->source);
	unlink (h->path);
	close (h->fd);
	g_list_free_full (h->reading, (GDestroyNotify) conn_free);
	g_free (h->path);
	g_free (h);
}
