/* imap-private.h - what imap.c (the fetcher thread) and imap-session.c (IMAP commands over
 * libetpan) share. Not for the rest of the program: use imap.h. */
#ifndef PD_IMAP_PRIVATE_H
#define PD_IMAP_PRIVATE_H

#include <glib.h>
#include <libetpan/libetpan.h>

#include "core/settings.h"

typedef struct {
	char *host;
	guint16 port;
	gboolean tls;  /* imaps:// */
	char *mailbox; /* INBOX when the URL has no path */
} PdImapUrl;

gboolean pd_imap_url_parse (const char *url, PdImapUrl *out, GError **error);
void pd_imap_url_clear (PdImapUrl *url);

/* One connection: connected, logged in, the mailbox selected. */
typedef struct {
	mailimap *imap;
	const PdImapSettings *account; /* (transfer none) */
	const PdImapUrl *url;          /* (transfer none) */
	gboolean has_idle;
	gboolean has_move;
	gboolean has_uidplus;
	gboolean starttls; /* imap:// upgraded with STARTTLS */
	guint32 uidvalidity;
	guint32 exists_listed; /* the message count the server had told us at the last listing */
	gboolean lost;  /* the last error broke the connection (not just a refused command) */
} PdImapSession;

typedef struct {
	guint32 uid;
	guint32 size; /* RFC822.SIZE */
} PdImapNew;

/* Connect (imaps://: TLS; imap://: STARTTLS whenever the server offers it), check the
 * certificate against the system CAs and ca_file unless tls_insecure, log in and select. On
 * imap:// without STARTTLS the password is sent only with allow_plaintext (and never with
 * starttls = true). On failure the session is closed. All errors are PD_ERROR_TEMPFAIL: the
 * fetcher retries with backoff (a wrong password is logged on every try). */
gboolean pd_imap_session_open (PdImapSession *s, const PdImapSettings *account,
                               const PdImapUrl *url, const char *password, GError **error);
/* LOGOUT first when LOGOUT is set (a clean stop); safe on a closed session. */
void pd_imap_session_close (PdImapSession *s, gboolean logout);

/* The messages (PdImapNew) above AFTER_UID now in the mailbox, by UID. (transfer full) */
GArray *pd_imap_session_new_uids (PdImapSession *s, guint32 after_uid, GError **error);
/* Bytes of a message asked for at once: the most a fetch holds in memory (libetpan reads a
 * whole response before it returns it), whatever the message's size. */
#define PD_IMAP_CHUNK (1024 * 1024)

/* Takes the next LEN bytes of the message; FALSE (with ERROR) stops the fetch. */
typedef gboolean (*PdImapSink) (gpointer data, const void *bytes, gsize len, GError **error);

/* The message's bytes, in order, handed to SINK piece by piece: partial fetches
 * BODY.PEEK[]<offset.PD_IMAP_CHUNK> until a short piece, so a big message never sits in
 * memory whole. FOUND_R FALSE (and TRUE returned) if it is gone meanwhile; SINK may then
 * have had some of it. A broken connection sets s->lost; a refusal by SINK returns its
 * error with the session still usable. */
gboolean pd_imap_session_fetch (PdImapSession *s, guint32 uid, PdImapSink sink, gpointer data,
                                gboolean *found_r, GError **error);
/* Apply the account's `after` to UID: move:FOLDER (MOVE, or COPY + \Deleted + expunge),
 * seen (\Seen), delete (\Deleted + expunge). */
gboolean pd_imap_session_after (PdImapSession *s, guint32 uid, GError **error);
gboolean pd_imap_session_noop (PdImapSession *s, GError **error);
/* Whether the server reported a different message count (untagged EXISTS, e.g. in a MOVE's
 * response) since the last pd_imap_session_new_uids: new mail it will not announce again
 * in IDLE, so list again first. */
gboolean pd_imap_session_changed (PdImapSession *s);
/* IDLE until the server reports something, WAKE_FD is readable or TIMEOUT_S seconds pass;
 * then DONE. */
gboolean pd_imap_session_idle (PdImapSession *s, int wake_fd, int timeout_s, GError **error);

#endif
