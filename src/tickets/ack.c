/* ack.c - compose the acknowledgement of a new ticket. */
#include "tickets/ack.h"

#include "mail/compose.h"
#include "core/template.h"
#include "core/token.h"

gboolean
pd_ack_compose (PdApp *app, const PdQueueSettings *queue, gint64 ticket, const PdMail *mail,
                GBytes **bytes_r, char **message_id_r, char **subject_r, GError **error)
{
	g_autoptr (PdTemplateData) data = pd_template_data_new ();
	g_autoptr (PdRendered) r = NULL;
	g_autofree char *reply_to = pd_token_address (app->secret, queue->address, 't', ticket);
	g_autofree char *mid = pd_compose_message_id (app->settings->domain);
	g_autoptr (GPtrArray) refs = g_ptr_array_new ();
	PdComposeSpec spec = { 0 };
	guint i;

	pd_template_data_set_int (data, "ticket", ticket);
	pd_template_data_set (data, "tag", queue->tag);
	pd_template_data_set (data, "subject", *mail->subject ? mail->subject : "(no subject)");
	pd_template_data_set (data, "customer_name", mail->from->name);
	pd_template_data_set (data, "customer_address", mail->from->addr);
	pd_template_data_set (data, "queue_name", queue->name);
	pd_template_data_set (data, "queue_address", queue->address);
	pd_template_data_set (data, "signature",
	                      queue->display_name ? queue->display_name : queue->address);
	r = pd_template_render (app->home, queue->locale, "ack", data, error);
	if (r == NULL)
		return FALSE;

	for (i = 0; i < mail->references->len; i++)
		g_ptr_array_add (refs, mail->references->pdata[i]);
	if (mail->message_id)
		g_ptr_array_add (refs, mail->message_id);
	g_ptr_array_add (refs, NULL);

	spec.from_name = queue->display_name;
	spec.from_addr = queue->address;
	spec.to_name = mail->from->name;
	spec.to_addr = mail->from->addr;
	spec.reply_to = reply_to;
	spec.subject = pd_rendered_header (r, "Subject");
	spec.message_id = mid;
	spec.in_reply_to = mail->message_id;
	spec.references = (const char *const *) refs->pdata;
	spec.auto_submitted = "auto-replied";
	spec.loop_address = queue->address;
	spec.body = r->body;
	spec.extra_headers = r->headers;
	*bytes_r = pd_compose (&spec, error);
	if (*bytes_r == NULL)
		return FALSE;
	*message_id_r = g_steal_pointer (&mid);
	*subject_r = g_strdup (spec.subject);
	return TRUE;
}
