/* apply.c - the two writes every action file shares inside the one transaction of a mail:
 * the incoming mail as a message row (with its attachments), and an outgoing mail as an
 * outbox row plus its message row and event. Called by actions.c, notify.c and
 * agent-reply.c; it calls none of them, so the calls point one way. */
#include "tickets/apply.h"

#include "core/fsutil.h"

static gboolean
store_attachments (PdApply *a, gint64 message, GError **error)
{
	g_autofree char *dir = g_build_filename (a->app->home, "attachments", NULL);
	guint i;

	for (i = 0; i < a->mail->attachments->len; i++) {
		const PdAttachment *att = a->mail->attachments->pdata[i];

		if (!pd_fs_store_blob (dir, att->sha256, att->data, error) ||
		    !pd_store_attachment_add (a->store, message, att->sha256, att->filename,
		                              att->content_type, g_bytes_get_size (att->data), error))
			return FALSE;
	}
	return TRUE;
}

gboolean
pd_apply_add_message (PdApply *a, gint64 ticket, const char *reason, GError **error)
{
	PdMessageRow row = { 0 };

	row.ticket_id = ticket;
	row.intake_id = a->intake_id;
	row.direction = (char *) "in";
	row.klass = (char *) pd_class_name (a->ctx->klass);
	row.reason = (char *) (reason ? reason : a->ctx->reason);
	row.message_id = a->mail->message_id;
	row.from_addr = a->mail->from ? a->mail->from->addr : NULL;
	row.from_name = a->mail->from ? a->mail->from->name : NULL;
	row.subject = a->mail->subject;
	row.body = a->mail->body_text;
	row.threaded_by = ticket ? (char *) a->ctx->threaded_by : NULL;
	row.created_at = a->now;
	if (!pd_store_message_add (a->store, &row, error))
		return FALSE;
	a->out->message_id = row.id;
	return store_attachments (a, row.id, error);
}

gboolean
pd_apply_queue_mail (PdApply *a, const char *kind, gint64 ticket, const char *rcpt, GBytes *bytes,
                     const char *mid, const char *subject, const char *from_addr, gboolean automatic,
                     const char *event_kind, GError **error)
{
	PdMessageRow row = { 0 };
	gint64 outbox;

	if (a->app->no_mail)
		return TRUE; /* import: nothing is sent for an old archive */
	if (!pd_store_outbox_add (a->store, kind, ticket, rcpt, mid, bytes, automatic, a->now, &outbox,
	                          error))
		return FALSE;
	/* outgoing mail is part of the ticket, so replies to it thread by In-Reply-To */
	row.ticket_id = ticket;
	row.outbox_id = outbox;
	row.direction = (char *) "out";
	row.klass = (char *) "human";
	row.reason = (char *) kind;
	row.message_id = (char *) mid;
	row.from_addr = (char *) from_addr;
	row.subject = (char *) subject;
	row.created_at = a->now;
	if (!pd_store_message_add (a->store, &row, error))
		return FALSE;
	return pd_store_event_add (a->store, ticket, a->now, "postdesk", event_kind, rcpt, row.id, error);
}
