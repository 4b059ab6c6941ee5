/* listener.c - a GSocketService per configured address; each connection becomes an
 * smtp-session (smtp-session.c) whose end is reported back here. It counts sessions in all
 * and per client address, and refuses beyond the limits. It owns the sessions' host record,
 * the STARTTLS certificate and a reference to the settings; it borrows the ingest. */
#include "intake/listener.h"

#include <string.h>

#include "core/error.h"
#include "core/log.h"
#include "intake/smtp-session.h"

#define BACKLOG 128

struct PdListener {
	GSocketService *service;
	PdSessionHost host;
	PdSettings *settings; /* a reference; host.settings points here */
	char *hostport;
	GHashTable *sessions; /* PdSession* -> its client address (owned string) */
	GHashTable *per_address; /* client address (owned) -> GUINT_TO_POINTER (sessions) */
	gboolean stopped;
};

static void
session_closed (PdSession *session, gpointer data)
{
	PdListener *l = data;
	const char *ip = g_hash_table_lookup (l->sessions, session);
	guint n = ip ? GPOINTER_TO_UINT (g_hash_table_lookup (l->per_address, ip)) : 0;

	if (n > 1)
		g_hash_table_insert (l->per_address, g_strdup (ip), GUINT_TO_POINTER (n - 1));
	else if (ip != NULL)
		g_hash_table_remove (l->per_address, ip);
	g_hash_table_remove (l->sessions, session);
}

/* The client's IP address as text ("local" for anything but TCP). (transfer full) */
static char *
client_address (GSocketConnection *conn)
{
	g_autoptr (GSocketAddress) addr = g_socket_connection_get_remote_address (conn, NULL);

	if (!G_IS_INET_SOCKET_ADDRESS (addr))
		return g_strdup ("local");
	return g_inet_address_to_string (
		g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (addr)));
}

/* Say 421 with TEXT (CRLF included) and close. */
static void
refuse (GSocketConnection *conn, const char *text)
{
	GSocket *sock = g_socket_connection_get_socket (conn);

	/* a fresh socket's send buffer is empty: this does not block */
	g_socket_set_blocking (sock, FALSE);
	g_socket_send (sock, text, strlen (text), NULL, NULL);
	g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
}

static gboolean
on_incoming (GSocketService *service, GSocketConnection *conn, GObject *source, gpointer data)
{
	PdListener *l = data;
	g_autofree char *ip = NULL;
	guint from_ip;

	(void) service;
	(void) source;
	if (l->stopped)
		return FALSE;
	if (g_hash_table_size (l->sessions) >= l->host.settings->max_connections) {
		pd_log_warn ("%s: %u connections: refusing one more", l->hostport,
		             g_hash_table_size (l->sessions));
		refuse (conn, "421 4.3.2 Too many connections, try again later\r\n");
		return TRUE;
	}
	ip = client_address (conn);
	from_ip = GPOINTER_TO_UINT (g_hash_table_lookup (l->per_address, ip));
	if (from_ip >= l->host.settings->max_per_address) {
		pd_log_warn ("%s: refusing a connection from %s: %u sessions from that address"
		             " (max_connections_per_address)", l->hostport, ip, from_ip);
		refuse (conn, "421 4.7.0 Too many connections from your address, try again later\r\n");
		return TRUE;
	}
	g_hash_table_insert (l->per_address, g_strdup (ip), GUINT_TO_POINTER (from_ip + 1));
	/* a session ends asynchronously, never inside pd_session_start: recording it after is safe */
	g_hash_table_insert (l->sessions, pd_session_start (&l->host, conn), g_steal_pointer (&ip));
	return TRUE;
}

static GTlsCertificate *
load_certificate (const PdSettings *settings, GError **error)
{
	GTlsCertificate *cert;

	if (settings->tls_cert == NULL)
		return NULL;
	cert = g_tls_certificate_new_from_files (settings->tls_cert, settings->tls_key, error);
	if (cert == NULL)
		g_prefix_error (error, "[serve] tls_cert/tls_key: ");
	return cert;
}

PdListener *
pd_listener_new (PdSettings *settings, PdIngest *ingest, gboolean lmtp, const char *hostport,
                 GError **error)
{
	g_autoptr (PdListener) l = g_new0 (PdListener, 1);
	g_autoptr (GSocketConnectable) where = NULL;
	g_autoptr (GSocketAddressEnumerator) addrs = NULL;
	g_autoptr (GError) local = NULL;
	guint n = 0;

	l->hostport = g_strdup (hostport);
	l->sessions = g_hash_table_new_full (NULL, NULL, NULL, g_free);
	l->per_address = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	l->host.lmtp = lmtp;
	l->settings = pd_settings_ref (settings);
	l->host.settings = settings;
	l->host.ingest = ingest;
	l->host.closed = session_closed;
	l->host.data = l;
	l->service = g_socket_service_new ();
	g_socket_listener_set_backlog (G_SOCKET_LISTENER (l->service), BACKLOG);
	if (settings->tls_cert != NULL && (l->host.tls = load_certificate (settings, error)) == NULL)
		return NULL;

	where = g_network_address_parse (hostport, 0, &local);
	if (where == NULL || g_network_address_get_port (G_NETWORK_ADDRESS (where)) == 0) {
		g_set_error (error, PD_ERROR, PD_ERROR_CONFIG, "[serve] %s = %s: want HOST:PORT",
		             lmtp ? "lmtp" : "smtp", hostport);
		return NULL;
	}
	addrs = g_socket_connectable_enumerate (where);
	for (;;) {
		g_autoptr (GSocketAddress) addr = g_socket_address_enumerator_next (addrs, NULL, &local);

		if (addr == NULL)
			break;
		if (!g_socket_listener_add_address (G_SOCKET_LISTENER (l->service), addr,
		                                    G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL, NULL,
		                                    &local)) {
			g_set_error (error, PD_ERROR, PD_ERROR_CONFIG, "listening on %s: %s", hostport,
			             local->message);
			return NULL;
		}
		n++;
	}
	if (n == 0) {
		g_set_error (error, PD_ERROR, PD_ERROR_CONFIG, "listening on %s: %s", hostport,
		             local ? local->message : "no address");
		return NULL;
	}
	g_signal_connect (l->service, "incoming", G_CALLBACK (on_incoming), l);
	g_socket_service_start (l->service);
	pd_log_info ("%s listening on %s%s", lmtp ? "LMTP" : "SMTP", hostport,
	             l->host.tls ? " (STARTTLS)" : "");
	return g_steal_pointer (&l);
}

void
pd_listener_set_settings (PdListener *l, PdSettings *settings)
{
	g_autoptr (GError) error = NULL;
	GTlsCertificate *cert = NULL;

	pd_settings_ref (settings);
	pd_settings_unref (l->settings);
	l->settings = settings;
	l->host.settings = settings;
	if (settings->tls_cert != NULL && (cert = load_certificate (settings, &error)) == NULL) {
		pd_log_error ("%s; keeping the old certificate", error->message);
		return;
	}
	g_clear_object (&l->host.tls);
	l->host.tls = cert;
}

const char *
pd_listener_address (PdListener *l)
{
	return l->hostport;
}

void
pd_listener_stop (PdListener *l)
{
	GHashTableIter it;
	gpointer session;

	if (l->stopped)
		return;
	l->stopped = TRUE;
	l->host.stopping = TRUE;
	g_socket_service_stop (l->service);
	g_socket_listener_close (G_SOCKET_LISTENER (l->service));
	g_hash_table_iter_init (&it, l->sessions);
	while (g_hash_table_iter_next (&it, &session, NULL))
		pd_session_stop (session);
}

guint
pd_listener_active (PdListener *l)
{
	return g_hash_table_size (l->sessions);
}

void
pd_listener_free (PdListener *l)
{
	if (l == NULL)
		return;
	if (l->service != NULL && !l->stopped)
		pd_listener_stop (l);
	if (g_hash_table_size (l->sessions) > 0) {
		g_autoptr (GList) left = g_hash_table_get_keys (l->sessions);
		GList *p;

		for (p = left; p != NULL; p = p->next)
			pd_session_abort (p->data);
		/* sessions report their end here, and a commit in flight is answered first */
		while (g_hash_table_size (l->sessions) > 0)
			g_main_context_iteration (g_main_context_get_thread_default (), TRUE);
	}
	g_clear_object (&l->service);
	g_clear_object (&l->host.tls);
	g_hash_table_unref (l->sessions);
	g_hash_table_unref (l->per_address);
	pd_settings_unref (l->settings);
	g_free (l->hostport);
	g_free (l);
}
