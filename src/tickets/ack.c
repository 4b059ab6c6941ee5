/* ack.c - compose the acknowledgement of a new ticket, with up to 3 knowledge-base articles
 * that answer the mail (pd_kb_suggest's threshold), each with its link and a signed "this
 * answered my question" link. Inside the caller's transaction it counts each article listed
 * as suggested, or notes the question as one nothing answered (db/019). */
#include "tickets/ack.h"

#include "mail/compose.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/template.h"
#include "core/token.h"
#include "kb/kb.h"
#include "store/kb-usage.h"
#include "core/strutil.h"
#include "tickets/kb-answer.h"

#define ACK_ARTICLES 3
/* how long the links in an acknowledgement stay valid */
#define LINK_DAYS 60

/* Whether MAIL was written to the kb address: kb-answer.c noted its question already when
 * nothing answered it (the ticket this acknowledges is then in the [kb] queue). */
static gboolean
to_kb_address (PdApp *app, const PdMail *mail)
{
	const char *kb = app->settings->kb ? app->settings->kb->address : NULL;
	GPtrArray *lists[2] = { mail->to, mail->cc };
	guint i, l;

	for (l = 0; kb != NULL && l < 2; l++)
		for (i = 0; lists[l] != NULL && i < lists[l]->len; i++)
			if (pd_address_has_base (kb, ((PdAddress *) lists[l]->pdata[i])->addr))
				return TRUE;
	return FALSE;
}

/* The suggestions for MAIL as {{#articles}} items: title, url, answered_url. Links need
 * [serve] public_url (or http); without one, nothing is listed. A failing suggestion step
 * is logged and the acknowledgement goes out without articles. */
static void
add_articles (PdApp *app, gint64 ticket, const PdMail *mail, PdTemplateData *data)
{
	const char *base = app->settings->public_url;
	g_autofree char *text = NULL;
	g_autoptr (GPtrArray) res = NULL;
	g_autoptr (GError) error = NULL;
	gint64 expires = pd_now () + (gint64) LINK_DAYS * 24 * 3600;
	guint i, listed = 0;

	if (base == NULL || app->store == NULL)
		return;
	text = pd_kb_mail_text (mail);
	if (!pd_kb_suggest (app->store, text, ACK_ARTICLES, &res, &error)) {
		pd_log_warn ("ticket=%" G_GINT64_FORMAT " kb suggestions left out: %s", ticket,
		             error->message);
		return;
	}
	if (res->len == 0 && !to_kb_address (app, mail) &&
	    !pd_kb_note_miss (app->store, "ack", ticket, mail, pd_now (), &error)) {
		pd_log_warn ("ticket=%" G_GINT64_FORMAT " kb: question not noted: %s", ticket,
		             error->message);
		g_clear_error (&error);
	}
	for (i = 0; i < res->len; i++) {
		PdKbSuggestion *sg = res->pdata[i];
		g_autoptr (PdKbArticle) a = pd_store_kb_get (app->store, sg->slug, NULL);
		g_autofree char *token = NULL, *slug = NULL, *url = NULL, *answered = NULL;
		gboolean customer;
		PdTemplateData *item;

		if (a == NULL || g_strcmp0 (a->status, "published") != 0 ||
		    g_strcmp0 (a->visibility, "internal") == 0)
			continue;
		/* a customer-level article opens only with a link bound to this customer */
		customer = g_strcmp0 (a->visibility, "customer") == 0;
		token = pd_token_link_make (app->secret, ticket, a->id,
		                            customer ? mail->from->addr : NULL, expires);
		slug = g_uri_escape_string (a->slug, NULL, FALSE);
		url = customer ? g_strdup_printf ("%s/kb/%s?t=%s", base, slug, token)
		               : g_strdup_printf ("%s/kb/%s", base, slug);
		answered = g_strdup_printf ("%s/kb/%s/answered?t=%s", base, slug, token);
		item = pd_template_data_add_item (data, "articles");
		pd_template_data_set (item, "title", a->title);
		pd_template_data_set (item, "url", url);
		pd_template_data_set (item, "answered_url", answered);
		listed++;
		if (!pd_store_kb_usage_add (app->store, a->id, "suggested", ticket, pd_now (), &error)) {
			pd_log_warn ("ticket=%" G_GINT64_FORMAT " kb: suggestion not counted: %s", ticket,
			             error->message);
			g_clear_error (&error);
		}
	}
	if (listed > 0)
		pd_template_data_set (data, "has_articles", "yes");
}

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
	add_articles (app, ticket, mail, data);
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
