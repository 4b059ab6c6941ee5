/* smtp-session.c - the I/O side of an SMTP/LMTP session. pd_session_pump takes complete
 * lines from the input buffer and has smtp-command.c answer them into an output buffer,
 * which is written when no complete line is left (so pipelined commands get their replies in
 * one write). It never blocks: reads, writes, the TLS handshake and the commit are
 * asynchronous, at most one in flight, each under a deadline (reads: the next whole line
 * within idle_timeout, a begun line ended within command_timeout, the session within
 * session_timeout; bytes that end no line extend nothing). Sessions free themselves. */
#include "intake/smtp-session-private.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

#include "core/log.h"

#define CHUNK (64 * 1024)
#define OUT_HIGH (64 * 1024) /* write replies out before this much piles up */
#define GOODBYE_TIME (10 * G_USEC_PER_SEC) /* to write the 421 after a timeout */

PdSession *
pd_session_ref (PdSession *s)
{
	s->ref++;
	return s;
}

void
pd_session_unref (gpointer data)
{
	PdSession *s = data;

	if (--s->ref > 0)
		return;
	g_clear_handle_id (&s->idle_id, g_source_remove);
	g_object_unref (s->stream);
	g_object_unref (s->sock);
	g_clear_object (&s->op_cancel);
	g_free (s->chunk);
	g_byte_array_unref (s->in);
	g_string_free (s->out, TRUE);
	if (s->sending)
		g_string_free (s->sending, TRUE);
	g_free (s->peer);
	g_free (s->from);
	g_ptr_array_unref (s->rcpts);
	g_clear_pointer (&s->committing_rcpts, g_ptr_array_unref);
	g_clear_pointer (&s->msg, pd_spool_free);
	g_free (s);
}

void
pd_session_reply (PdSession *s, const char *fmt, ...)
{
	va_list ap;

	va_start (ap, fmt);
	g_string_append_vprintf (s->out, fmt, ap);
	va_end (ap);
	g_string_append (s->out, "\r\n");
}

/* A 5xx to a command; too many of them and the client is shown the door. */
void
pd_session_count_bad (PdSession *s)
{
	if (++s->bad >= MAX_BAD) {
		pd_session_reply (s, "421 4.7.0 Too many errors, closing connection");
		s->quit = TRUE;
	}
}

void
pd_session_reset (PdSession *s)
{
	g_clear_pointer (&s->from, g_free);
	g_ptr_array_set_size (s->rcpts, 0);
	g_clear_pointer (&s->msg, pd_spool_free);
	s->msg_size = 0;
	s->too_big = s->long_line = s->spool_failed = FALSE;
	if (s->state > ST_READY)
		s->state = ST_READY;
}

/* ---- closing ---- */

static void
on_closed (GObject *source, GAsyncResult *res, gpointer data)
{
	PdSession *s = data;

	g_io_stream_close_finish (G_IO_STREAM (source), res, NULL);
	pd_log_debug ("session %s closed", s->peer);
	s->host->closed (s, s->host->data);
	pd_session_unref (s); /* the session's own reference */
	pd_session_unref (s); /* this operation's */
}

void
pd_session_close (PdSession *s)
{
	if (s->closing)
		return;
	s->closing = TRUE;
	pd_log_debug ("session %s closed: %u replies written at once, %u waited for the socket,"
	              " %u reads", s->peer, s->writes_now, s->writes_waited, s->reads);
	g_clear_handle_id (&s->idle_id, g_source_remove);
	g_io_stream_close_async (s->stream, G_PRIORITY_DEFAULT, NULL, on_closed, pd_session_ref (s));
}

/* ---- deadlines: every read, write and handshake runs under one ---- */

static gboolean
on_deadline (gpointer data)
{
	PdSession *s = data;

	s->idle_id = 0;
	s->timed_out = s->timer_kind;
	g_cancellable_cancel (s->op_cancel);
	return G_SOURCE_REMOVE;
}

static gint64
secs (int n)
{
	return (gint64) MAX (n, 1) * G_USEC_PER_SEC;
}

/* The deadline (monotonic µs) of the next read into DEADLINE_R, and which one it is. */
static Timeout
read_deadline (PdSession *s, gint64 *deadline_r)
{
	const PdSettings *set = s->host->settings;
	gint64 d = s->started + secs (set->session_timeout);
	Timeout kind = TIMEOUT_SESSION;

	if (s->wait_since + secs (set->idle_timeout) < d) {
		d = s->wait_since + secs (set->idle_timeout);
		kind = TIMEOUT_IDLE;
	}
	if (s->line_since > 0 && s->line_since + secs (set->command_timeout) < d) {
		d = s->line_since + secs (set->command_timeout);
		kind = TIMEOUT_COMMAND;
	}
	*deadline_r = d;
	return kind;
}

/* A write or handshake: idle_timeout from now, within the session's time. */
static Timeout
io_deadline (PdSession *s, gint64 *deadline_r)
{
	const PdSettings *set = s->host->settings;
	gint64 idle = g_get_monotonic_time () + secs (set->idle_timeout);
	gint64 end = s->started + secs (set->session_timeout);

	/* the goodbye after a timeout gets a short chance of its own to be written */
	if (s->timed_out) {
		*deadline_r = MIN (idle, g_get_monotonic_time () + GOODBYE_TIME);
		return TIMEOUT_IDLE;
	}
	if (end < idle) {
		*deadline_r = end;
		return TIMEOUT_SESSION;
	}
	*deadline_r = idle;
	return TIMEOUT_IDLE;
}

static void
op_begin (PdSession *s, Timeout kind, gint64 deadline)
{
	gint64 left = deadline - g_get_monotonic_time ();

	if (g_cancellable_is_cancelled (s->op_cancel)) {
		g_object_unref (s->op_cancel);
		s->op_cancel = g_cancellable_new ();
	}
	g_clear_handle_id (&s->idle_id, g_source_remove);
	s->timer_kind = kind;
	s->idle_id = g_timeout_add ((guint) CLAMP ((left + 999) / 1000, 0, G_MAXUINT), on_deadline, s);
}

/* A deadline passed while waiting for input: say so, and close. */
static void
time_out (PdSession *s, Timeout kind)
{
	const PdSettings *set = s->host->settings;

	s->timed_out = kind;
	switch (kind) {
	case TIMEOUT_COMMAND:
		pd_log_info ("session %s: command timeout (a line unfinished after %d s)", s->peer,
		             set->command_timeout);
		pd_session_reply (s, "421 4.4.2 Command timeout: a line must arrive within %d seconds",
		                  set->command_timeout);
		break;
	case TIMEOUT_SESSION:
		pd_log_info ("session %s: session timeout (%d s)", s->peer, set->session_timeout);
		pd_session_reply (s, "421 4.4.2 Session time limit reached, closing connection");
		break;
	default:
		pd_log_info ("session %s: idle timeout (no whole line in %d s)", s->peer,
		             set->idle_timeout);
		pd_session_reply (s, "421 4.4.2 Idle timeout, closing connection");
		break;
	}
	s->quit = TRUE;
}

static void
op_end (PdSession *s)
{
	g_clear_handle_id (&s->idle_id, g_source_remove);
}

/* ---- I/O ---- */

static void
on_written (GObject *source, GAsyncResult *res, gpointer data)
{
	PdSession *s = data;
	g_autoptr (GError) error = NULL;

	op_end (s);
	s->writing = FALSE;
	g_string_truncate (s->sending, 0);
	if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), res, NULL, &error)) {
		if (!s->aborted && !s->timed_out)
			pd_log_debug ("session %s: write: %s", s->peer, error->message);
		pd_session_close (s);
	} else if (s->aborted) {
		pd_session_close (s);
	} else {
		pd_session_pump (s);
	}
	pd_session_unref (s);
}

static void
start_write (PdSession *s)
{
	GString *t = s->sending;
	gint64 deadline;
	Timeout kind = io_deadline (s, &deadline);

	s->sending = s->out;
	s->out = t ? t : g_string_new (NULL);
	s->writing = TRUE;
	s->writes_waited++;
	op_begin (s, kind, deadline);
	g_output_stream_write_all_async (g_io_stream_get_output_stream (s->stream), s->sending->str,
	                                 s->sending->len, G_PRIORITY_DEFAULT, s->op_cancel, on_written,
	                                 pd_session_ref (s));
}

/* The replies written at once when the socket takes them all (a reply is small, the client
 * reads them): the asynchronous write, its tasks, idle dispatches and deadline source cost
 * more than the send itself, four times per mail (issue 10, cpu). Anything short of all of
 * it, an error included, goes the asynchronous way, which waits, times out and reports. */
static gboolean
write_now (PdSession *s)
{
	GOutputStream *os = g_io_stream_get_output_stream (s->stream);
	gssize n;

	if (!G_IS_POLLABLE_OUTPUT_STREAM (os) ||
	    !g_pollable_output_stream_can_poll (G_POLLABLE_OUTPUT_STREAM (os)))
		return FALSE;
	n = g_pollable_output_stream_write_nonblocking (G_POLLABLE_OUTPUT_STREAM (os), s->out->str,
	                                                s->out->len, NULL, NULL);
	if (n <= 0)
		return FALSE;
	s->writes_now++;
	g_string_erase (s->out, 0, n);
	return s->out->len == 0;
}

static void
on_read (GObject *source, GAsyncResult *res, gpointer data)
{
	PdSession *s = data;
	g_autoptr (GError) error = NULL;
	gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), res, &error);

	op_end (s);
	s->reading = FALSE;
	if (s->aborted) {
		pd_session_close (s);
	} else if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
		if (s->timed_out) {
			time_out (s, s->timed_out);
		} else {
			pd_session_reply (s, "421 4.3.2 Service shutting down, try again later");
			s->quit = TRUE;
		}
		pd_session_pump (s);
	} else if (n <= 0) {
		if (n < 0)
			pd_log_debug ("session %s: read: %s", s->peer, error->message);
		pd_session_close (s);
	} else {
		g_byte_array_append (s->in, s->chunk, n);
		pd_session_pump (s);
	}
	pd_session_unref (s);
}

static void
start_read (PdSession *s)
{
	gint64 now = g_get_monotonic_time (), deadline;
	Timeout kind;

	/* the clocks run per line: from the last whole line, and from the first byte of this one */
	if (s->line_done) {
		s->wait_since = now;
		s->line_done = FALSE;
	}
	if (s->line_since == 0 && (s->in->len > s->in_pos || s->skipping))
		s->line_since = now;
	kind = read_deadline (s, &deadline);
	if (deadline <= now) {
		time_out (s, kind); /* pump's loop goes on: writes the 421, closes */
		return;
	}
	if (s->in_pos > 0) {
		g_byte_array_remove_range (s->in, 0, s->in_pos);
		s->in_pos = 0;
	}
	s->reading = TRUE;
	s->reads++;
	op_begin (s, kind, deadline);
	g_input_stream_read_async (g_io_stream_get_input_stream (s->stream), s->chunk, CHUNK,
	                           G_PRIORITY_DEFAULT, s->op_cancel, on_read, pd_session_ref (s));
}

static void
on_handshake (GObject *source, GAsyncResult *res, gpointer data)
{
	PdSession *s = data;
	g_autoptr (GError) error = NULL;

	op_end (s);
	s->handshaking = FALSE;
	if (!g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), res, &error)) {
		pd_log_info ("session %s: TLS handshake failed: %s", s->peer, error->message);
		pd_session_close (s);
	} else if (s->aborted) {
		pd_session_close (s);
	} else {
		/* RFC 3207: forget everything learnt before the handshake */
		s->tls_on = TRUE;
		pd_session_reset (s);
		s->state = ST_START;
		pd_session_pump (s);
	}
	pd_session_unref (s);
}

static void
start_tls (PdSession *s)
{
	g_autoptr (GError) error = NULL;
	GIOStream *tls;
	gint64 deadline;
	Timeout kind;

	s->want_tls = FALSE;
	/* anything the client pipelined after STARTTLS was sent in clear: drop it */
	s->in_pos = s->in->len;
	tls = g_tls_server_connection_new (s->stream, s->host->tls, &error);
	if (tls == NULL) {
		pd_log_error ("session %s: TLS: %s", s->peer, error->message);
		pd_session_close (s);
		return;
	}
	g_object_unref (s->stream);
	s->stream = tls;
	s->handshaking = TRUE;
	kind = io_deadline (s, &deadline);
	op_begin (s, kind, deadline);
	g_tls_connection_handshake_async (G_TLS_CONNECTION (tls), G_PRIORITY_DEFAULT, s->op_cancel,
	                                  on_handshake, pd_session_ref (s));
}

/* ---- lines ---- */

/* The next complete line (with its line end) into LINE_R/LEN_R. An overlong line is
 * consumed (up to its end) without being kept and reported as LINE_LONG. */
static LineStatus
next_line (PdSession *s, const char **line_r, gsize *len_r)
{
	gsize avail = s->in->len - s->in_pos;
	/* an empty GByteArray may have no data at all: NULL + 0 is undefined in C */
	const char *start = avail > 0 ? (const char *) s->in->data + s->in_pos : NULL;
	gsize max = s->host->settings->max_line;
	const char *lf = avail > 0 ? memchr (start, '\n', avail) : NULL;

	if (lf == NULL) {
		if (avail > max) {
			/* keep nothing of it; remember to skip up to its end */
			s->skipping = TRUE;
			s->msg_size += avail;
			s->in_pos = s->in->len;
		}
		return LINE_NONE;
	}
	*line_r = start;
	*len_r = lf - start + 1;
	s->in_pos += *len_r;
	if (s->skipping || *len_r > max) {
		s->skipping = FALSE;
		return LINE_LONG;
	}
	return LINE_OK;
}

/* ---- the driver ---- */

void
pd_session_pump (PdSession *s)
{
	while (!s->closing && !s->reading && !s->writing && !s->committing && !s->handshaking) {
		const char *line = NULL;
		gsize len = 0;
		LineStatus st;

		if (s->aborted) {
			pd_session_close (s);
			return;
		}
		if ((s->quit || s->want_tls || s->out->len > OUT_HIGH) && s->out->len > 0) {
			if (write_now (s))
				continue;
			start_write (s);
			return;
		}
		if (s->quit) {
			pd_session_close (s);
			return;
		}
		if (s->want_tls) {
			start_tls (s);
			return;
		}
		st = next_line (s, &line, &len);
		if (st != LINE_NONE) {
			s->line_done = TRUE;
			s->line_since = 0;
			if (s->state == ST_DATA) {
				pd_session_data_line (s, line, len, st);
			} else if (st == LINE_LONG) {
				pd_session_reply (s, "500 5.5.2 Line too long (limit %u bytes)", s->host->settings->max_line);
				pd_session_count_bad (s);
			} else {
				pd_session_command (s, line, len);
			}
			continue;
		}
		if (s->out->len > 0) {
			if (write_now (s))
				continue;
			start_write (s);
			return;
		}
		if (s->host->stopping && s->state <= ST_READY) {
			pd_session_reply (s, "421 4.3.2 Service shutting down, try again later");
			s->quit = TRUE;
			continue;
		}
		start_read (s);
	}
}

PdSession *
pd_session_start (PdSessionHost *host, GSocketConnection *conn)
{
	PdSession *s = g_new0 (PdSession, 1);
	g_autoptr (GSocketAddress) addr = g_socket_connection_get_remote_address (conn, NULL);

	s->ref = 1;
	s->host = host;
	s->started = s->wait_since = g_get_monotonic_time ();
	s->sock = g_object_ref (conn);
	s->stream = g_object_ref (G_IO_STREAM (conn));
	s->op_cancel = g_cancellable_new ();
	s->chunk = g_malloc (CHUNK);
	s->in = g_byte_array_new ();
	s->out = g_string_new (NULL);
	s->rcpts = g_ptr_array_new_with_free_func (g_free);
	if (G_IS_INET_SOCKET_ADDRESS (addr)) {
		g_autofree char *ip = g_inet_address_to_string (
			g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (addr)));
		s->peer = g_strdup_printf ("%s:%u", ip,
		                           g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (addr)));
	} else {
		s->peer = g_strdup ("local");
	}
	g_socket_set_option (g_socket_connection_get_socket (conn), IPPROTO_TCP, TCP_NODELAY, 1, NULL);
	pd_log_debug ("session %s opened", s->peer);
	pd_session_reply (s, "220 %s %s postdesk", g_get_host_name (), host->lmtp ? "LMTP" : "ESMTP");
	pd_session_pump (s);
	return s;
}

void
pd_session_stop (PdSession *s)
{
	if (s->reading && s->state <= ST_READY && s->in_pos == s->in->len)
		g_cancellable_cancel (s->op_cancel);
}

void
pd_session_abort (PdSession *s)
{
	s->aborted = TRUE;
	if (s->reading || s->writing || s->handshaking)
		g_cancellable_cancel (s->op_cancel);
	else if (!s->committing)
		pd_session_close (s);
}
