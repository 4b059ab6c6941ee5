/* smtp-submit.c - what a message submitted to a direct relay goes through (smtp-direct.h):
 * RFC 2920 pipelining across messages when the relay offers PIPELINING (a message's content
 * and "." ride at the head of the next message's group; its outcome comes one message later
 * or with pd_smtp_direct_flush()), one command and one reply at a time when it does not.
 * Apart from smtp-direct.c so that the protocol's state (the waiting message, the RSET owed
 * after a failed envelope, when to hang up) is in one place and the socket work in another. */
#include "outbound/smtp-direct.h"

#include <string.h>

#include "outbound/smtp-wire.h"

/* One message, one command and one reply at a time: a relay without PIPELINING. */
static PdSmtpResult
direct_send (Direct *d, const char *from, GPtrArray *tos, GBytes *data, char **reply_r)
{
	g_autoptr (GString) cmds = g_string_new (NULL);
	g_autoptr (GBytes) body = NULL;
	g_autofree char *why = NULL, *failure = NULL;
	const char *p;
	gsize len;
	long code = 0, fail_code = 0;
	guint i, replies;

	if (d->fd >= 0 && d->need_rset) {
		/* the last transaction failed half-way: start clean, or start over */
		g_autofree char *r = NULL;

		if (!pd_smtp_direct_write (d, "RSET\r\n", 6, &why) ||
		    (code = pd_smtp_direct_reply (d, &r)) == 0) {
			g_clear_pointer (&why, g_free);
			pd_smtp_direct_close (d);
		} else if (code != 250) {
			pd_smtp_direct_close (d);
		}
		d->need_rset = FALSE;
	}
	if (d->fd < 0 && !pd_smtp_direct_connect (d, &why))
		goto tempfail;

	g_string_append_printf (cmds, "MAIL FROM:%s\r\n", from);
	for (i = 0; i < tos->len; i++)
		g_string_append_printf (cmds, "RCPT TO:%s\r\n", (const char *) tos->pdata[i]);
	g_string_append (cmds, "DATA\r\n");
	replies = tos->len + 2;

	/* one command, one reply */
	const char *line = cmds->str;

	for (i = 0; i < replies && failure == NULL; i++) {
		const char *end = strstr (line, "\r\n") + 2;
		g_autofree char *r = NULL;

		if (!pd_smtp_direct_write (d, line, (gsize) (end - line), &why))
			goto tempfail;
		if ((code = pd_smtp_direct_reply (d, &r)) == 0) {
			why = g_steal_pointer (&r);
			goto tempfail;
		}
		if (i < replies - 1 ? code >= 400 : code != 354) {
			failure = g_steal_pointer (&r);
			fail_code = code;
		}
		line = end;
	}
	if (failure != NULL) {
		if (d->fd >= 0)
			d->need_rset = TRUE;
		if (reply_r)
			*reply_r = g_steal_pointer (&failure);
		return pd_smtp_envelope_result (fail_code);
	}

	body = pd_smtp_crlf_copy (data, TRUE);
	p = g_bytes_get_data (body, &len);
	{
		/* the message and its end in one write where it is small */
		g_autoptr (GByteArray) all = g_byte_array_sized_new ((guint) len + 3);
		g_autofree char *r = NULL;

		g_byte_array_append (all, (const guint8 *) p, (guint) len);
		g_byte_array_append (all, (const guint8 *) ".\r\n", 3);
		if (!pd_smtp_direct_write (d, (const char *) all->data, all->len, &why))
			goto tempfail;
		if ((code = pd_smtp_direct_reply (d, &r)) == 0) {
			why = g_steal_pointer (&r);
			goto tempfail;
		}
		if (reply_r)
			*reply_r = g_steal_pointer (&r);
		return pd_smtp_content_result (code);
	}

tempfail:
	/* no connection, or it broke: nothing was delivered for sure; the connection is closed
	 * and the next message opens a new one */
	if (reply_r)
		*reply_r = g_steal_pointer (&why);
	return PD_SMTP_TEMPFAIL;
}

/* The content of the waiting message and its end, appended to D->out; the message is no
 * longer waiting (its outcome comes with the reply to this "."). */
static gpointer
take_waiting (Direct *d)
{
	gsize len;
	const char *p = g_bytes_get_data (d->waiting, &len);

	pd_smtp_crlf_append (d->out, p, len, TRUE);
	g_byte_array_append (d->out, (const guint8 *) ".\r\n", 3);
	g_clear_pointer (&d->waiting, g_bytes_unref);
	return d->waiting_tag;
}

/* Read the reply to the "." of the message TAG and add its outcome. FALSE: the connection
 * is gone (the outcome says why), nothing more can be read. */
static gboolean
read_content_reply (Direct *d, gpointer tag, GPtrArray *outcomes, char **why_r)
{
	char *r = NULL;
	long code = pd_smtp_direct_reply (d, &r);

	if (code == 0) {
		/* no 250 was read: not delivered as far as we know, it goes again */
		*why_r = g_strdup (r);
		pd_smtp_outcome_add (outcomes, tag, PD_SMTP_TEMPFAIL, r);
		return FALSE;
	}
	pd_smtp_outcome_add (outcomes, tag, pd_smtp_content_result (code), r);
	return TRUE;
}

/* RFC 2920 across messages, on a connected relay that offers PIPELINING: one write carries
 * the waiting message's content and "." (or an RSET after a failed envelope), then this
 * message's MAIL, RCPT... and DATA, last in the group as the RFC wants; the replies are read
 * in order. The content of this message waits for the next group: it may only follow a 354. */
static void
direct_pipelined (Direct *d, const char *from, GPtrArray *tos, GBytes *data, gpointer tag,
                  GPtrArray *outcomes)
{
	g_autofree char *why = NULL, *failure = NULL;
	gpointer before = NULL;
	gboolean had_waiting = d->waiting != NULL, rset = FALSE, hang_up = FALSE;
	long code = 0, fail_code = 0;
	guint i, replies;

	g_byte_array_set_size (d->out, 0);
	if (had_waiting)
		before = take_waiting (d);
	else if (d->need_rset) {
		/* the last envelope failed (after a refused RCPT the relay still holds the MAIL):
		 * RSET may stand anywhere in a group */
		g_byte_array_append (d->out, (const guint8 *) "RSET\r\n", 6);
		rset = TRUE;
	}
	d->need_rset = FALSE;
	{
		g_autofree char *mail = g_strdup_printf ("MAIL FROM:%s\r\n", from);

		g_byte_array_append (d->out, (const guint8 *) mail, (guint) strlen (mail));
	}
	for (i = 0; i < tos->len; i++) {
		const char *to = tos->pdata[i];

		g_byte_array_append (d->out, (const guint8 *) "RCPT TO:", 8);
		g_byte_array_append (d->out, (const guint8 *) to, (guint) strlen (to));
		g_byte_array_append (d->out, (const guint8 *) "\r\n", 2);
	}
	g_byte_array_append (d->out, (const guint8 *) "DATA\r\n", 6);
	replies = tos->len + 2;

	if (!pd_smtp_direct_write (d, (const char *) d->out->data, d->out->len, &why)) {
		/* whatever the relay got of it, no 250 was read: both go again */
		if (had_waiting)
			pd_smtp_outcome_add (outcomes, before, PD_SMTP_TEMPFAIL, g_strdup (why));
		pd_smtp_outcome_add (outcomes, tag, PD_SMTP_TEMPFAIL, g_steal_pointer (&why));
		return;
	}
	if (had_waiting && !read_content_reply (d, before, outcomes, &why)) {
		pd_smtp_outcome_add (outcomes, tag, PD_SMTP_TEMPFAIL, g_steal_pointer (&why));
		return;
	}
	if (rset) {
		g_autofree char *r = NULL;

		if ((code = pd_smtp_direct_reply (d, &r)) == 0) {
			pd_smtp_outcome_add (outcomes, tag, PD_SMTP_TEMPFAIL, g_steal_pointer (&r));
			return;
		}
		if (code != 250) {
			/* the relay is confused: this message for later, a fresh connection then */
			failure = g_steal_pointer (&r);
			fail_code = 451;
			hang_up = TRUE; /* once the rest is read */
		}
	}
	for (i = 0; i < replies; i++) {
		g_autofree char *r = NULL;

		if ((code = pd_smtp_direct_reply (d, &r)) == 0) {
			/* a 421 before the hang-up says more than the hang-up */
			pd_smtp_outcome_add (outcomes, tag, PD_SMTP_TEMPFAIL,
			                     failure ? g_steal_pointer (&failure) : g_steal_pointer (&r));
			return;
		}
		/* RFC 2920: after a refused MAIL or every RCPT refused, DATA gets 503/554; the
		 * first failure is the one that says why */
		if ((i < replies - 1 ? code >= 400 : code != 354) && failure == NULL) {
			failure = g_steal_pointer (&r);
			fail_code = code;
		}
	}
	if (failure == NULL) {
		d->waiting = g_bytes_ref (data);
		d->waiting_tag = tag;
		return;
	}
	if (code == 354 || hang_up)
		/* some recipient was refused but the relay waits for the message: there is no way
		 * to cancel DATA but to hang up, which drops the transaction */
		pd_smtp_direct_close (d);
	else
		d->need_rset = TRUE;
	pd_smtp_outcome_add (outcomes, tag, pd_smtp_envelope_result (fail_code),
	                     g_steal_pointer (&failure));
}

/* The waiting message's content alone, and its reply. */
void
pd_smtp_direct_flush (Direct *d, GPtrArray *outcomes)
{
	g_autofree char *why = NULL;
	gpointer tag;

	if (d->waiting == NULL)
		return;
	g_byte_array_set_size (d->out, 0);
	tag = take_waiting (d);
	if (!pd_smtp_direct_write (d, (const char *) d->out->data, d->out->len, &why)) {
		pd_smtp_outcome_add (outcomes, tag, PD_SMTP_TEMPFAIL, g_steal_pointer (&why));
		return;
	}
	read_content_reply (d, tag, outcomes, &why);
}

/* One message to a direct relay: pipelined when it can be, else one command at a time. */
void
pd_smtp_direct_submit (Direct *d, const char *from, GPtrArray *tos, GBytes *data,
                       gpointer tag, GPtrArray *outcomes)
{
	char *reply = NULL;
	PdSmtpResult result;

	if (d->fd < 0) {
		g_autofree char *why = NULL;

		if (!pd_smtp_direct_connect (d, &why)) {
			/* no connection: nothing was delivered; the next message opens a new one */
			pd_smtp_outcome_add (outcomes, tag, PD_SMTP_TEMPFAIL, g_steal_pointer (&why));
			return;
		}
	}
	if (d->pipelining) {
		direct_pipelined (d, from, tos, data, tag, outcomes);
		return;
	}
	result = direct_send (d, from, tos, data, &reply);
	pd_smtp_outcome_add (outcomes, tag, result, reply);
}
