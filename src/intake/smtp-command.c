/* smtp-command.c - the SMTP (RFC 5321) / LMTP (RFC 2033) protocol of a session: commands and
 * their replies, recipients checked against the queue and bounce addresses, the message
 * dot-unstuffed and kept exactly as received (CRLF included, so SHA-256 deduplication is
 * stable) in a spool (intake/spool.h: past 1 MB an unlinked file in the home, so a big
 * message does not cost its size in memory), handed to PdIngest (one intake row per recipient) and answered 250 once committed
 * (LMTP: per recipient, each with its own row).
 * The I/O is smtp-session.c's. */
#include <string.h>

#include "core/log.h"
#include "intake/smtp-session-private.h"
#include "core/strutil.h"
#include "core/settings-route.h"

gboolean
pd_session_own_address (const PdSettings *settings, const char *addr)
{
	const char *at = strrchr (addr, '@');
	const char *plus = at ? memchr (addr, '+', at - addr) : NULL;
	g_autofree char *base = NULL;
	guint i;

	if (at == NULL || at == addr)
		return FALSE;
	base = g_strdup_printf ("%.*s%s", (int) ((plus ? plus : at) - addr), addr, at);
	for (i = 0; i < settings->queues->len; i++) {
		const PdQueueSettings *q = settings->queues->pdata[i];

		if (g_ascii_strcasecmp (q->address, base) == 0)
			return TRUE;
	}
	if (pd_route_queue_for_address (settings->routing, base) != NULL)
		return TRUE; /* a queue's other addresses (routing, issue 13) */
	return settings->bounce_address && g_ascii_strcasecmp (settings->bounce_address, base) == 0;
}

/* lists (issue 12) */
static PdSessionAcceptFunc extra_accept;
static gpointer extra_accept_data;

void
pd_session_set_accept (PdSessionAcceptFunc fn, gpointer data)
{
	extra_accept = fn;
	extra_accept_data = data;
}

/* Parse "<addr> PARAMS" after "FROM:"/"TO:". ADDR_R gets the lower-cased address (a source
 * route dropped), PARAMS_R what follows. FALSE on a syntax error. */
static gboolean
parse_path (const char *arg, char **addr_r, const char **params_r)
{
	const char *end, *colon;
	g_autofree char *addr = NULL;

	while (*arg == ' ')
		arg++;
	if (*arg != '<')
		return FALSE;
	end = strchr (arg, '>');
	if (end == NULL)
		return FALSE;
	addr = g_strndup (arg + 1, end - arg - 1);
	if (addr[0] == '@' && (colon = strchr (addr, ':')) != NULL) {
		char *rest = g_strdup (colon + 1);
		g_free (addr);
		addr = rest;
	}
	if (strchr (addr, ' ') != NULL || strchr (addr, '<') != NULL)
		return FALSE;
	*addr_r = pd_ascii_lower (g_steal_pointer (&addr));
	*params_r = end + 1;
	return TRUE;
}

static void
cmd_hello (PdSession *s, const char *verb, const char *arg)
{
	const PdSettings *set = s->host->settings;
	gboolean extended = g_ascii_strcasecmp (verb, "HELO") != 0;

	if (*arg == '\0') {
		pd_session_reply (s, "501 5.5.4 Syntax: %s hostname", verb);
		pd_session_count_bad (s);
		return;
	}
	pd_session_reset (s);
	s->state = ST_READY;
	if (!extended) {
		pd_session_reply (s, "250 %s", g_get_host_name ());
		return;
	}
	pd_session_reply (s, "250-%s", g_get_host_name ());
	pd_session_reply (s, "250-PIPELINING");
	pd_session_reply (s, "250-8BITMIME");
	pd_session_reply (s, "250-SIZE %" G_GSIZE_FORMAT, set->max_message_size);
	if (s->host->tls != NULL && !s->tls_on)
		pd_session_reply (s, "250-STARTTLS");
	pd_session_reply (s, "250 ENHANCEDSTATUSCODES");
}

/* MAIL/RCPT parameters: SIZE and BODY are known; anything else is refused (RFC 5321 555). */
static gboolean
check_params (PdSession *s, const char *params, gboolean mail)
{
	g_auto (GStrv) words = g_strsplit (params, " ", -1);
	guint i;

	for (i = 0; words[i] != NULL; i++) {
		const char *w = words[i];

		if (*w == '\0')
			continue;
		if (mail && g_ascii_strncasecmp (w, "SIZE=", 5) == 0) {
			guint64 size = g_ascii_strtoull (w + 5, NULL, 10);

			if (size > s->host->settings->max_message_size) {
				pd_session_reply (s, "552 5.3.4 Message too big (limit %" G_GSIZE_FORMAT " bytes)",
				       s->host->settings->max_message_size);
				return FALSE;
			}
		} else if (mail && (g_ascii_strcasecmp (w, "BODY=7BIT") == 0 ||
		                    g_ascii_strcasecmp (w, "BODY=8BITMIME") == 0)) {
			/* we store bytes: both are fine */
		} else {
			pd_session_reply (s, "555 5.5.4 Unsupported parameter: %s", w);
			return FALSE;
		}
	}
	return TRUE;
}

static void
cmd_mail (PdSession *s, const char *arg)
{
	g_autofree char *addr = NULL;
	const char *params;

	if (s->state == ST_START) {
		pd_session_reply (s, "503 5.5.1 Say %s first", s->host->lmtp ? "LHLO" : "EHLO/HELO");
		pd_session_count_bad (s);
		return;
	}
	if (s->state != ST_READY) {
		pd_session_reply (s, "503 5.5.1 Nested MAIL command");
		pd_session_count_bad (s);
		return;
	}
	if (s->host->ingest != NULL &&
	    pd_ingest_backlog (s->host->ingest) >= s->host->settings->max_pending) {
		/* back-pressure: the client keeps the mail and retries; processing catches up */
		pd_session_reply (s, "451 4.3.2 Too many messages waiting to be processed, try again later");
		return;
	}
	if (g_ascii_strncasecmp (arg, "FROM:", 5) != 0 || !parse_path (arg + 5, &addr, &params)) {
		pd_session_reply (s, "501 5.5.4 Syntax: MAIL FROM:<address>");
		pd_session_count_bad (s);
		return;
	}
	if (!check_params (s, params, TRUE)) {
		pd_session_count_bad (s);
		return;
	}
	s->from = g_steal_pointer (&addr);
	s->state = ST_MAIL;
	pd_session_reply (s, "250 2.1.0 Ok");
}

static void
cmd_rcpt (PdSession *s, const char *arg)
{
	g_autofree char *addr = NULL;
	const char *params;

	if (s->state != ST_MAIL && s->state != ST_RCPT) {
		pd_session_reply (s, "503 5.5.1 Need MAIL first");
		pd_session_count_bad (s);
		return;
	}
	if (g_ascii_strncasecmp (arg, "TO:", 3) != 0 || !parse_path (arg + 3, &addr, &params) ||
	    strchr (addr, '@') == NULL) {
		pd_session_reply (s, "501 5.1.3 Syntax: RCPT TO:<address>");
		pd_session_count_bad (s);
		return;
	}
	if (!check_params (s, params, FALSE)) {
		pd_session_count_bad (s);
		return;
	}
	if (s->rcpts->len >= s->host->settings->max_recipients) {
		pd_session_reply (s, "452 4.5.3 Too many recipients");
		return;
	}
	if (!pd_session_own_address (s->host->settings, addr)) {
		int extra = extra_accept ? extra_accept (addr, extra_accept_data) : 0;

		if (extra < 0) {
			pd_session_reply (s, "451 4.3.0 <%s>: cannot look the address up now, try again later", addr);
			return;
		}
		if (extra == 0) {
			pd_session_reply (s, "550 5.1.1 <%s>: Recipient address rejected: no such queue here", addr);
			return;
		}
	}
	g_ptr_array_add (s->rcpts, g_steal_pointer (&addr));
	s->state = ST_RCPT;
	pd_session_reply (s, "250 2.1.5 Ok");
}

static void
cmd_data (PdSession *s, const char *arg)
{
	if (*arg != '\0') {
		pd_session_reply (s, "501 5.5.4 Syntax: DATA");
		pd_session_count_bad (s);
	} else if (s->state == ST_MAIL) {
		pd_session_reply (s, "554 5.5.1 No valid recipients");
	} else if (s->state != ST_RCPT) {
		pd_session_reply (s, "503 5.5.1 Need RCPT first");
		pd_session_count_bad (s);
	} else {
		s->state = ST_DATA;
		/* a settings object without a home (tests, fuzzing) spools in the temporary dir */
		s->msg = pd_spool_new (s->host->settings->home ? s->host->settings->home
		                                                : g_get_tmp_dir ());
		s->msg_size = 0;
		pd_session_reply (s, "354 End data with <CR><LF>.<CR><LF>");
	}
}

static void
cmd_starttls (PdSession *s, const char *arg)
{
	if (s->host->tls == NULL || s->tls_on) {
		pd_session_reply (s, "502 5.5.1 STARTTLS not available");
		pd_session_count_bad (s);
	} else if (*arg != '\0') {
		pd_session_reply (s, "501 5.5.4 Syntax: STARTTLS");
		pd_session_count_bad (s);
	} else {
		pd_session_reply (s, "220 2.0.0 Ready to start TLS");
		s->want_tls = TRUE;
	}
}

void
pd_session_command (PdSession *s, const char *line, gsize len)
{
	g_autofree char *text = g_strchomp (g_strndup (line, len));
	char *sp = strchr (text, ' ');
	const char *arg = "";
	const char *verb = text;

	if (sp != NULL) {
		*sp = '\0';
		arg = sp + 1;
	}
	if (s->host->stopping && s->state <= ST_READY && g_ascii_strcasecmp (verb, "QUIT") != 0) {
		/* shutting down: the transaction in flight was finished, no new one starts */
		pd_session_reply (s, "421 4.3.2 Service shutting down, try again later");
		s->quit = TRUE;
	} else if (g_ascii_strcasecmp (verb, "NOOP") == 0) {
		pd_session_reply (s, "250 2.0.0 Ok");
	} else if (g_ascii_strcasecmp (verb, "RSET") == 0) {
		pd_session_reset (s);
		pd_session_reply (s, "250 2.0.0 Ok");
	} else if (g_ascii_strcasecmp (verb, "QUIT") == 0) {
		pd_session_reply (s, "221 2.0.0 Bye");
		s->quit = TRUE;
	} else if (g_ascii_strcasecmp (verb, s->host->lmtp ? "LHLO" : "EHLO") == 0 ||
	           (!s->host->lmtp && g_ascii_strcasecmp (verb, "HELO") == 0)) {
		cmd_hello (s, verb, arg);
	} else if (g_ascii_strcasecmp (verb, "MAIL") == 0) {
		cmd_mail (s, arg);
	} else if (g_ascii_strcasecmp (verb, "RCPT") == 0) {
		cmd_rcpt (s, arg);
	} else if (g_ascii_strcasecmp (verb, "DATA") == 0) {
		cmd_data (s, arg);
	} else if (g_ascii_strcasecmp (verb, "STARTTLS") == 0) {
		cmd_starttls (s, arg);
	} else if (g_ascii_strcasecmp (verb, "VRFY") == 0) {
		pd_session_reply (s, "252 2.5.0 Cannot VRFY; send some mail and see");
	} else if (g_ascii_strcasecmp (verb, "EXPN") == 0 || g_ascii_strcasecmp (verb, "HELP") == 0 ||
	           g_ascii_strcasecmp (verb, "AUTH") == 0 || g_ascii_strcasecmp (verb, "BDAT") == 0 ||
	           g_ascii_strcasecmp (verb, "ETRN") == 0 || g_ascii_strcasecmp (verb, "TURN") == 0 ||
	           g_ascii_strcasecmp (verb, "HELO") == 0 || g_ascii_strcasecmp (verb, "EHLO") == 0) {
		pd_session_reply (s, "502 5.5.1 Command not implemented");
		pd_session_count_bad (s);
	} else {
		pd_session_reply (s, "500 5.5.1 Command unrecognized");
		pd_session_count_bad (s);
	}
}

/* ---- the message ---- */

static void
reply_each (PdSession *s, GPtrArray *rcpts, const char *text)
{
	guint i, n = s->host->lmtp ? rcpts->len : 1;

	for (i = 0; i < n; i++)
		pd_session_reply (s, "%s", text);
}

#define REPLY_TEMPFAIL "451 4.3.0 Temporary failure storing the message, try again later"

/* The reply for one recipient's result. (transfer full) */
static char *
result_reply (PdSession *s, const PdIngestResult *r)
{
	if (r->error != NULL) {
		pd_log_warn ("session %s: message for %s not stored: %s", s->peer,
		             r->rcpt ? r->rcpt : "-", r->error->message);
		return g_strdup (REPLY_TEMPFAIL);
	}
	return g_strdup_printf ("250 2.0.0 Ok: %s intake %" G_GINT64_FORMAT,
	                        r->duplicate ? "already stored as" : "stored as", r->id);
}

/* LMTP answers each recipient on its own (RFC 2033 4.2), in RCPT order; SMTP answers once:
 * 250 only when every recipient's row is committed, else 451 (the retry finds the stored
 * ones and skips them). */
static void
on_committed (const PdIngestResult *results, guint n, gpointer data)
{
	PdSession *s = data;
	guint i, failed = 0;

	g_clear_pointer (&s->committing_rcpts, g_ptr_array_unref);
	s->committing = FALSE;
	if (s->aborted || s->closing) {
		pd_session_close (s);
		return;
	}
	for (i = 0; i < n; i++) {
		g_autofree char *text = result_reply (s, &results[i]);

		if (results[i].error != NULL)
			failed++;
		if (s->host->lmtp)
			pd_session_reply (s, "%s", text);
	}
	if (!s->host->lmtp && failed > 0)
		pd_session_reply (s, "%s", REPLY_TEMPFAIL);
	else if (!s->host->lmtp && n > 0) {
		g_autofree char *text = result_reply (s, &results[0]);

		pd_session_reply (s, "%s", text);
	}
	if (failed == 0)
		s->bad = 0;
	pd_session_pump (s);
}

static void
end_data (PdSession *s)
{
	const PdSettings *set = s->host->settings;
	g_autoptr (GBytes) raw = NULL;
	g_autoptr (GError) error = NULL;

	if (!s->too_big && !s->long_line && !s->spool_failed &&
	    (!pd_spool_finish (s->msg, &error) ||
	     (raw = pd_spool_steal_bytes (g_steal_pointer (&s->msg), &error)) == NULL)) {
		pd_log_warn ("session %s: %s", s->peer, error->message);
		s->spool_failed = TRUE;
	}
	if (s->too_big) {
		g_autofree char *text = g_strdup_printf ("552 5.3.4 Message too big (limit %" G_GSIZE_FORMAT
		                                         " bytes)", set->max_message_size);
		reply_each (s, s->rcpts, text);
	} else if (s->long_line) {
		g_autofree char *text = g_strdup_printf ("500 5.5.2 Message has a line longer than %u bytes",
		                                         set->max_line);
		reply_each (s, s->rcpts, text);
	} else if (s->spool_failed) {
		reply_each (s, s->rcpts, REPLY_TEMPFAIL);
	} else {
		s->committing = TRUE;
		s->committing_rcpts = g_ptr_array_new_with_free_func (g_free);
		g_ptr_array_extend_and_steal (s->committing_rcpts, g_steal_pointer (&s->rcpts));
		s->rcpts = g_ptr_array_new_with_free_func (g_free);
		pd_ingest_submit (s->host->ingest, raw, s->host->lmtp ? "lmtp" : "smtp", s->from,
		                  (const char *const *) s->committing_rcpts->pdata,
		                  s->committing_rcpts->len, on_committed, pd_session_ref (s),
		                  pd_session_unref);
	}
	pd_session_reset (s);
}

void
pd_session_data_line (PdSession *s, const char *line, gsize len, LineStatus status)
{
	gsize max = s->host->settings->max_message_size;
	g_autoptr (GError) error = NULL;

	if (status == LINE_LONG) {
		s->long_line = TRUE;
		return;
	}
	if ((len == 3 && memcmp (line, ".\r\n", 3) == 0) || (len == 2 && memcmp (line, ".\n", 2) == 0)) {
		end_data (s);
		return;
	}
	if (line[0] == '.') {
		line++;
		len--;
	}
	s->msg_size += len;
	if (s->msg_size > max) {
		s->too_big = TRUE;
		g_clear_pointer (&s->msg, pd_spool_free);
	}
	if (s->msg != NULL && !pd_spool_append (s->msg, line, len, &error)) {
		/* the rest is read and dropped; the client is told 451 after the dot */
		pd_log_warn ("session %s: %s", s->peer, error->message);
		s->spool_failed = TRUE;
		g_clear_pointer (&s->msg, pd_spool_free);
	}
}
