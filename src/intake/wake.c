/* wake.c - serve's wake socket (see wake.h and wake-proto.h). */
#include "intake/wake.h"

#include <errno.h>
#include <glib-unix.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/log.h"
#include "intake/home-socket.h"
#include "intake/wake-proto.h"

struct PdWake {
	int fd;
	guint source;
	char *path;
	PdIngest *ingest;
};

/* every datagram waiting, not only one: senders wait while the queue is full */
static gboolean
on_datagram (gint fd, GIOCondition cond, gpointer data)
{
	PdWake *wake = data;
	char buf[PD_WAKE_MAX_IDS * 21 + 1];
	gint64 ids[PD_WAKE_MAX_IDS];
	ssize_t len;

	(void) cond;
	while ((len = recv (fd, buf, sizeof buf, MSG_DONTWAIT)) >= 0) {
		gsize i, n = pd_wake_parse (buf, len, (int64_t *) ids, G_N_ELEMENTS (ids));

		for (i = 0; i < n; i++)
			pd_ingest_queue (wake->ingest, ids[i]);
		pd_log_debug ("wake: %" G_GSIZE_FORMAT " rows from another process", n);
	}
	return G_SOURCE_CONTINUE;
}

PdWake *
pd_wake_new (const char *home, PdIngest *ingest)
{
	struct sockaddr_un addr;
	PdWake *wake;
	int fd, taken;

	G_STATIC_ASSERT (sizeof (gint64) == sizeof (int64_t));
	if (pd_wake_address (home, &addr) < 0) {
		pd_log_warn ("%s/%s: the path is too long for a socket; mail from postdesk-deliver is"
		             " processed by serve's scan every [serve] send_interval seconds",
		             home, PD_WAKE_SOCKET);
		return NULL;
	}
	fd = pd_home_socket_bind (&addr, SOCK_DGRAM, 0, &taken);
	if (taken) {
		pd_log_warn ("%s: another serve runs on this home and is woken instead",
		             addr.sun_path);
		return NULL;
	}
	if (fd < 0) {
		pd_log_warn ("%s: %s; mail from postdesk-deliver is processed by serve's scan every"
		             " [serve] send_interval seconds", addr.sun_path, g_strerror (errno));
		return NULL;
	}
	wake = g_new0 (PdWake, 1);
	wake->fd = fd;
	wake->path = g_strdup (addr.sun_path);
	wake->ingest = ingest;
	wake->source = g_unix_fd_add (fd, G_IO_IN, on_datagram, wake);
	return wake;
}

void
pd_wake_free (PdWake *wake)
{
	if (wake == NULL)
		return;
	g_source_remove (wake->source);
	unlink (wake->path);
	close (wake->fd);
	g_free (wake->path);
	g_free (wake);
}
