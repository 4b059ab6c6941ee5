/* imap-session.c - one IMAP connection over libetpan: connect (TLS/STARTTLS), log in, select,
 * list new UIDs, fetch a message (in pieces), move/flag it, IDLE. Blocking calls, one thread per
 * session; it keeps no state beyond the session and decides nothing about intake (imap.c). */
#include "intake/imap-private.h"

#include <errno.h>
#include <poll.h>
#include <string.h>

#include "core/error.h"
#include "core/log.h"
#include "intake/imap-tls.h"

#define NETWORK_TIMEOUT_S 60

gboolean
pd_imap_url_parse (const char *url, PdImapUrl *out, GError **error)
{
	g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
	const char *scheme, *path;

	memset (out, 0, sizeof *out);
	scheme = uri ? g_uri_get_scheme (uri) : NULL;
	if (scheme == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
	    !(g_str_equal (scheme, "imap") || g_str_equal (scheme, "imaps"))) {
		g_set_error (error, PD_ERROR, PD_ERROR_CONFIG,
		             "imap url: want imap[s]://HOST[:PORT]/MAILBOX, got \"%s\"", url);
		return FALSE;
	}
	out->tls = g_str_equal (scheme, "imaps");
	out->host = g_strdup (g_uri_get_host (uri));
	out->port = g_uri_get_port (uri) > 0 ? g_uri_get_port (uri) : (out->tls ? 993 : 143);
	path = g_uri_get_path (uri);
	while (*path == '/')
		path++;
	out->mailbox = g_strdup (*path ? path : "INBOX");
	return TRUE;
}

void
pd_imap_url_clear (PdImapUrl *url)
{
	g_clear_pointer (&url->host, g_free);
	g_clear_pointer (&url->mailbox, g_free);
}

static const char *
code_name (int rc)
{
	switch (rc) {
	case MAILIMAP_ERROR_STREAM: return "connection lost";
	case MAILIMAP_ERROR_PARSE: return "unparsable server response";
	case MAILIMAP_ERROR_CONNECTION_REFUSED: return "connection refused";
	case MAILIMAP_ERROR_DONT_ACCEPT_CONNECTION: return "server refused the session";
	case MAILIMAP_ERROR_LOGIN: return "login failed";
	case MAILIMAP_ERROR_SELECT: return "SELECT failed";
	case MAILIMAP_ERROR_SSL: return "TLS handshake failed";
	case MAILIMAP_ERROR_STARTTLS: return "STARTTLS failed";
	case MAILIMAP_ERROR_UID_FETCH: return "UID FETCH failed";
	case MAILIMAP_ERROR_UID_STORE: return "UID STORE failed";
	case MAILIMAP_ERROR_UID_MOVE: return "UID MOVE failed";
	case MAILIMAP_ERROR_UID_COPY: return "UID COPY failed";
	case MAILIMAP_ERROR_EXPUNGE: return "EXPUNGE failed";
	case MAILIMAP_ERROR_NOOP: return "NOOP failed";
	case MAILIMAP_ERROR_CAPABILITY: return "CAPABILITY failed";
	default: return "IMAP error";
	}
}

static gboolean
fail (PdImapSession *s, int rc, const char *what, GError **error)
{
	const char *said;

	s->lost = rc == MAILIMAP_ERROR_STREAM || rc == MAILIMAP_ERROR_PARSE ||
	          rc == MAILIMAP_ERROR_FATAL || rc == MAILIMAP_ERROR_MEMORY;
	/* the last response text: stale (an earlier command's) when the connection broke */
	said = s->imap && !s->lost ? s->imap->imap_response : NULL;

	g_set_error (error, PD_ERROR, PD_ERROR_TEMPFAIL, "%s: %s (libetpan %d)%s%s%s", what,
	             code_name (rc), rc, said ? ": server said \"" : "", said ? said : "",
	             said ? "\"" : "");
	return FALSE;
}

static gboolean
ok_code (int rc)
{
	return rc == MAILIMAP_NO_ERROR || rc == MAILIMAP_NO_ERROR_AUTHENTICATED ||
	       rc == MAILIMAP_NO_ERROR_NON_AUTHENTICATED;
}

static gboolean
has_cap (struct mailimap_capability_data *caps, const char *name)
{
	clistiter *it;

	for (it = caps ? clist_begin (caps->cap_list) : NULL; it; it = clist_next (it)) {
		struct mailimap_capability *c = clist_content (it);

		if (c->cap_type == MAILIMAP_CAPABILITY_NAME && c->cap_data.cap_name &&
		    g_ascii_strcasecmp (c->cap_data.cap_name, name) == 0)
			return TRUE;
	}
	return FALSE;
}

/* Whether the server offers STARTTLS (asked before login: it is not announced afterwards). */
static gboolean
offers_starttls (PdImapSession *s, gboolean *yes_r, GError **error)
{
	struct mailimap_capability_data *caps = NULL;
	int rc = mailimap_capability (s->imap, &caps);

	if (!ok_code (rc))
		return fail (s, rc, "CAPABILITY", error);
	*yes_r = has_cap (caps, "STARTTLS");
	mailimap_capability_data_free (caps);
	return TRUE;
}

/* imap:// in clear: STARTTLS when offered; otherwise the password would travel in clear,
 * which only allow_plaintext permits (and starttls = true never). */
static gboolean
upgrade (PdImapSession *s, GError **error)
{
	const PdImapSettings *a = s->account;
	gboolean offered = FALSE;
	int rc;

	if (!offers_starttls (s, &offered, error))
		return FALSE;
	if (offered) {
		rc = mailimap_socket_starttls (s->imap);
		if (!ok_code (rc))
			return fail (s, rc, "STARTTLS", error);
		s->starttls = TRUE;
		return TRUE;
	}
	if (a->starttls) {
		g_set_error (error, PD_ERROR, PD_ERROR_TEMPFAIL,
		             "%s:%u offers no STARTTLS, and starttls = true requires it", s->url->host,
		             s->url->port);
		return FALSE;
	}
	if (!a->allow_plaintext) {
		g_set_error (error, PD_ERROR, PD_ERROR_TEMPFAIL,
		             "%s:%u offers no STARTTLS: not sending the password in clear (use imaps://,"
		             " enable TLS on the server, or set allow_plaintext = true in [imap %s])",
		             s->url->host, s->url->port, a->name);
		return FALSE;
	}
	pd_log_warn ("imap %s: %s:%u offers no STARTTLS: sending the password in clear"
	             " (allow_plaintext = true)", a->name, s->url->host, s->url->port);
	return TRUE;
}

static gboolean
connect_tls (PdImapSession *s, GError **error)
{
	const PdImapUrl *url = s->url;
	int rc;

	rc = url->tls ? mailimap_ssl_connect (s->imap, url->host, url->port)
	              : mailimap_socket_connect (s->imap, url->host, url->port);
	if (!ok_code (rc))
		return fail (s, rc, "connect", error);
	if (!url->tls && !upgrade (s, error))
		return FALSE;
	/* libetpan does not check the certificate (see imap-tls.c) */
	if ((url->tls || s->starttls) && !s->account->tls_insecure &&
	    !pd_imap_tls_verify (s->imap->imap_stream, url->host, s->account->ca_file, error))
		return FALSE;
	return TRUE;
}

gboolean
pd_imap_session_open (PdImapSession *s, const PdImapSettings *account, const PdImapUrl *url,
                      const char *password, GError **error)
{
	struct mailimap_capability_data *caps = NULL;
	int rc;

	memset (s, 0, sizeof *s);
	s->account = account;
	s->url = url;
	s->imap = mailimap_new (0, NULL);
	mailimap_set_timeout (s->imap, NETWORK_TIMEOUT_S);
	if (!connect_tls (s, error))
		goto failed;
	rc = mailimap_login (s->imap, account->user, password);
	if (!ok_code (rc)) {
		fail (s, rc, "login", error);
		goto failed;
	}
	/* ask again after login: servers announce more (IDLE, MOVE) once authenticated */
	rc = mailimap_capability (s->imap, &caps);
	if (!ok_code (rc)) {
		fail (s, rc, "CAPABILITY", error);
		goto failed;
	}
	s->has_idle = has_cap (caps, "IDLE");
	s->has_move = has_cap (caps, "MOVE");
	s->has_uidplus = has_cap (caps, "UIDPLUS");
	mailimap_capability_data_free (caps);
	rc = mailimap_select (s->imap, url->mailbox);
	if (!ok_code (rc)) {
		fail (s, rc, "SELECT", error);
		goto failed;
	}
	s->uidvalidity = s->imap->imap_selection_info ? s->imap->imap_selection_info->sel_uidvalidity : 0;
	if (s->uidvalidity == 0) {
		g_set_error (error, PD_ERROR, PD_ERROR_TEMPFAIL, "SELECT %s: the server sent no UIDVALIDITY",
		             url->mailbox);
		goto failed;
	}
	return TRUE;
failed:
	pd_imap_session_close (s, FALSE);
	return FALSE;
}

void
pd_imap_session_close (PdImapSession *s, gboolean logout)
{
	if (s->imap == NULL)
		return;
	if (logout && s->imap->imap_stream)
		mailimap_logout (s->imap);
	mailimap_free (s->imap);
	s->imap = NULL;
}

/* The static item TYPE of a FETCH response, or NULL. */
static struct mailimap_msg_att_static *
att_static (struct mailimap_msg_att *att, int type)
{
	clistiter *it;

	for (it = clist_begin (att->att_list); it; it = clist_next (it)) {
		struct mailimap_msg_att_item *item = clist_content (it);

		if (item->att_type == MAILIMAP_MSG_ATT_ITEM_STATIC &&
		    item->att_data.att_static->att_type == type)
			return item->att_data.att_static;
	}
	return NULL;
}

/* The UID of a FETCH response, 0 if it has none. */
static guint32
att_uid (struct mailimap_msg_att *att)
{
	struct mailimap_msg_att_static *st = att_static (att, MAILIMAP_MSG_ATT_UID);

	return st ? st->att_data.att_uid : 0;
}

/* The message count as the server last reported it. */
static guint32
exists (PdImapSession *s)
{
	return s->imap->imap_selection_info ? s->imap->imap_selection_info->sel_exists : 0;
}

static gint
compare_uid (gconstpointer a, gconstpointer b)
{
	guint32 x = ((const PdImapNew *) a)->uid, y = ((const PdImapNew *) b)->uid;

	return x < y ? -1 : x > y;
}

GArray *
pd_imap_session_new_uids (PdImapSession *s, guint32 after_uid, GError **error)
{
	/* last 0 is "*"; when nothing is above AFTER_UID, N:* still names the highest message */
	struct mailimap_set *set = mailimap_set_new_interval (after_uid + 1, 0);
	struct mailimap_fetch_type *type = mailimap_fetch_type_new_fetch_att_list_empty ();
	GArray *uids = g_array_new (FALSE, FALSE, sizeof (PdImapNew));
	clist *result = NULL;
	clistiter *it;
	int rc;

	mailimap_fetch_type_new_fetch_att_list_add (type, mailimap_fetch_att_new_uid ());
	mailimap_fetch_type_new_fetch_att_list_add (type, mailimap_fetch_att_new_rfc822_size ());
	rc = mailimap_uid_fetch (s->imap, set, type, &result);
	mailimap_fetch_type_free (type);
	mailimap_set_free (set);
	if (rc != MAILIMAP_NO_ERROR) {
		g_array_unref (uids);
		fail (s, rc, "UID FETCH (UID RFC822.SIZE)", error);
		return NULL;
	}
	for (it = clist_begin (result); it; it = clist_next (it)) {
		struct mailimap_msg_att_static *size = att_static (clist_content (it),
		                                                   MAILIMAP_MSG_ATT_RFC822_SIZE);
		PdImapNew n = { att_uid (clist_content (it)), size ? size->att_data.att_rfc822_size : 0 };

		if (n.uid > after_uid)
			g_array_append_val (uids, n);
	}
	mailimap_fetch_list_free (result);
	g_array_sort (uids, compare_uid);
	s->exists_listed = exists (s);
	return uids;
}

gboolean
pd_imap_session_changed (PdImapSession *s)
{
	return exists (s) != s->exists_listed;
}

/* The BODY[] item of UID in a FETCH response list, or NULL. */
static struct mailimap_msg_att_body_section *
find_body (clist *result, guint32 uid)
{
	clistiter *it, *j;

	for (it = clist_begin (result); it; it = clist_next (it)) {
		struct mailimap_msg_att *att = clist_content (it);

		if (att_uid (att) != uid)
			continue;
		for (j = clist_begin (att->att_list); j; j = clist_next (j)) {
			struct mailimap_msg_att_item *item = clist_content (j);

			if (item->att_type == MAILIMAP_MSG_ATT_ITEM_STATIC &&
			    item->att_data.att_static->att_type == MAILIMAP_MSG_ATT_BODY_SECTION)
				return item->att_data.att_static->att_data.att_body_section;
		}
	}
	return NULL;
}

/* One piece: UID FETCH UID (UID BODY.PEEK[]<OFFSET.PD_IMAP_CHUNK>), handed to SINK. LEN_R:
 * the bytes it held; FOUND_R FALSE when the server sent no body (the message is gone). */
static gboolean
fetch_piece (PdImapSession *s, guint32 uid, guint32 offset, PdImapSink sink, gpointer data,
             gsize *len_r, gboolean *found_r, GError **error)
{
	struct mailimap_set *set = mailimap_set_new_single (uid);
	struct mailimap_fetch_type *type = mailimap_fetch_type_new_fetch_att_list_empty ();
	struct mailimap_msg_att_body_section *body;
	clist *result = NULL;
	gboolean ok = TRUE;
	int rc;

	*len_r = 0;
	mailimap_fetch_type_new_fetch_att_list_add (type, mailimap_fetch_att_new_uid ());
	mailimap_fetch_type_new_fetch_att_list_add (
		type, mailimap_fetch_att_new_body_peek_section_partial (mailimap_section_new (NULL),
		                                                       offset, PD_IMAP_CHUNK));
	rc = mailimap_uid_fetch (s->imap, set, type, &result);
	mailimap_fetch_type_free (type);
	mailimap_set_free (set);
	if (rc != MAILIMAP_NO_ERROR)
		return fail (s, rc, "UID FETCH (BODY.PEEK[]<offset.length>)", error);
	body = find_body (result, uid);
	*found_r = body != NULL;
	if (body != NULL) {
		*len_r = body->sec_body_part ? body->sec_length : 0;
		/* a server that ignored the range sends the whole message from octet 0: fine for
		 * the first piece (the caller sees more than it asked for and stops), never later */
		if (offset > 0 && *len_r > 0 &&
		    (body->sec_origin_octet != offset || *len_r > PD_IMAP_CHUNK)) {
			g_set_error (error, PD_ERROR, PD_ERROR_TEMPFAIL,
			             "UID FETCH %u: asked for octets from %u, the server sent %zu from %u",
			             uid, offset, *len_r, body->sec_origin_octet);
			ok = FALSE;
		} else if (*len_r > 0) {
			ok = sink (data, body->sec_body_part, *len_r, error);
		}
	}
	mailimap_fetch_list_free (result);
	return ok;
}

gboolean
pd_imap_session_fetch (PdImapSession *s, guint32 uid, PdImapSink sink, gpointer data,
                       gboolean *found_r, GError **error)
{
	guint64 offset = 0;

	*found_r = FALSE;
	for (;;) {
		gsize len;
		gboolean found;

		if (offset > G_MAXUINT32 - PD_IMAP_CHUNK) {
			g_set_error (error, PD_ERROR, PD_ERROR_TEMPFAIL,
			             "UID FETCH %u: message larger than 4 GB", uid);
			return FALSE;
		}
		if (!fetch_piece (s, uid, (guint32) offset, sink, data, &len, &found, error))
			return FALSE;
		if (!found) {
			/* gone meanwhile (expunged by another client): what came so far is no use */
			*found_r = FALSE;
			return TRUE;
		}
		*found_r = TRUE;
		offset += len;
		/* a short piece is the end; a longer one, the whole message at once */
		if (len != PD_IMAP_CHUNK)
			return TRUE;
	}
}

static gboolean
add_flag (PdImapSession *s, guint32 uid, struct mailimap_flag *flag, GError **error)
{
	struct mailimap_set *set = mailimap_set_new_single (uid);
	struct mailimap_flag_list *flags = mailimap_flag_list_new_empty ();
	struct mailimap_store_att_flags *store;
	int rc;

	mailimap_flag_list_add (flags, flag);
	store = mailimap_store_att_flags_new_add_flags_silent (flags);
	rc = mailimap_uid_store (s->imap, set, store);
	mailimap_store_att_flags_free (store);
	mailimap_set_free (set);
	return rc == MAILIMAP_NO_ERROR || fail (s, rc, "UID STORE", error);
}

/* \Deleted, then remove: UID EXPUNGE with UIDPLUS, otherwise EXPUNGE (which also removes
 * anything else already marked \Deleted in the mailbox). */
static gboolean
delete_uid (PdImapSession *s, guint32 uid, GError **error)
{
	int rc;

	if (!add_flag (s, uid, mailimap_flag_new_deleted (), error))
		return FALSE;
	if (s->has_uidplus) {
		struct mailimap_set *set = mailimap_set_new_single (uid);

		rc = mailimap_uid_expunge (s->imap, set);
		mailimap_set_free (set);
	} else {
		rc = mailimap_expunge (s->imap);
	}
	return rc == MAILIMAP_NO_ERROR || fail (s, rc, "EXPUNGE", error);
}

/* MOVE (or COPY) to FOLDER; a missing folder is created once and the command repeated. */
static gboolean
move_uid (PdImapSession *s, guint32 uid, const char *folder, GError **error)
{
	int rc = MAILIMAP_NO_ERROR, attempt;

	for (attempt = 0; attempt < 2; attempt++) {
		struct mailimap_set *set = mailimap_set_new_single (uid);

		rc = s->has_move ? mailimap_uid_move (s->imap, set, folder)
		                 : mailimap_uid_copy (s->imap, set, folder);
		mailimap_set_free (set);
		if (rc == MAILIMAP_NO_ERROR)
			break;
		if (attempt > 0 || (rc != MAILIMAP_ERROR_UID_MOVE && rc != MAILIMAP_ERROR_UID_COPY))
			return fail (s, rc, s->has_move ? "UID MOVE" : "UID COPY", error);
		mailimap_create (s->imap, folder); /* if it fails, the retry says why */
	}
	return s->has_move || delete_uid (s, uid, error);
}

gboolean
pd_imap_session_after (PdImapSession *s, guint32 uid, GError **error)
{
	const char *after = s->account->after;

	if (g_str_has_prefix (after, "move:"))
		return move_uid (s, uid, after + 5, error);
	if (g_str_equal (after, "delete"))
		return delete_uid (s, uid, error);
	return add_flag (s, uid, mailimap_flag_new_seen (), error);
}

gboolean
pd_imap_session_noop (PdImapSession *s, GError **error)
{
	int rc = mailimap_noop (s->imap);

	return rc == MAILIMAP_NO_ERROR || fail (s, rc, "NOOP", error);
}

gboolean
pd_imap_session_idle (PdImapSession *s, int wake_fd, int timeout_s, GError **error)
{
	gint64 deadline = g_get_monotonic_time () + (gint64) timeout_s * G_USEC_PER_SEC;
	int rc = mailimap_idle (s->imap);

	if (rc != MAILIMAP_NO_ERROR)
		return fail (s, rc, "IDLE", error);
	/* what arrived with the continuation is already in libetpan's buffer, not on the socket */
	while (s->imap->imap_stream->read_buffer_len == 0) {
		struct pollfd fds[2] = { { mailimap_idle_get_fd (s->imap), POLLIN, 0 },
			                 { wake_fd, POLLIN, 0 } };
		gint64 left = (deadline - g_get_monotonic_time ()) / 1000;
		int n;

		if (left <= 0)
			break;
		n = poll (fds, 2, (int) MIN (left, G_MAXINT));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			g_set_error (error, PD_ERROR, PD_ERROR_TEMPFAIL, "IDLE: poll: %s", g_strerror (errno));
			return FALSE;
		}
		if (n > 0)
			break;
	}
	rc = mailimap_idle_done (s->imap);
	return rc == MAILIMAP_NO_ERROR || fail (s, rc, "IDLE DONE", error);
}
