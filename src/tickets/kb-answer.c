/* kb-answer.c - answer a question mailed to the knowledge-base address with the best
 * articles (kb-answer.h). The answer is automatic mail like an acknowledgement: threaded to
 * the question, Auto-Submitted, X-Loop, rate-limited per address. Its Reply-To is the [kb]
 * queue's address, so "that did not help" opens a ticket there. */
#include "tickets/kb-answer.h"

#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/template.h"
#include "kb/kb.h"
#include "kb/markdown.h"
#include "mail/compose.h"
#include "store/kb-usage.h"

/* the snippet: the article's text up to this many characters, cut at a word */
#define SNIPPET_CHARS 200
/* the question kept for the report */
#define QUESTION_CHARS 500

char *
pd_kb_mail_text (const PdMail *mail)
{
	return g_strdup_printf ("%s\n\n%s", mail->subject ? mail->subject : "",
	                        mail->body_text ? mail->body_text : "");
}

gboolean
pd_kb_note_miss (PdStore *store, const char *how, gint64 ticket, const PdMail *mail, gint64 now,
                 GError **error)
{
	g_autofree char *text = pd_kb_mail_text (mail);
	g_autofree char *question = NULL;
	g_autofree char *words = pd_kb_question_words (text, &question);
	char *cut;

	if (*words == '\0')
		return TRUE; /* a greeting and a signature: no question to learn from */
	g_strstrip (question);
	if (g_utf8_strlen (question, -1) > QUESTION_CHARS) {
		cut = g_utf8_offset_to_pointer (question, QUESTION_CHARS);
		*cut = '\0';
	}
	return pd_store_kb_miss_add (store, how, ticket, question, words, now, error);
}

/* the start of an article's text as one line: at most SNIPPET_CHARS, cut at a word */
static char *
snippet (const char *body)
{
	g_autofree char *text = pd_kb_markdown_to_text (body);
	g_auto (GStrv) parts = g_strsplit_set (text ? text : "", " \t\r\n", -1);
	GString *out = g_string_new (NULL);
	guint i;

	for (i = 0; parts[i] != NULL; i++) {
		if (*parts[i] == '\0')
			continue;
		if (out->len > 0 && g_utf8_strlen (out->str, -1) + 1 + g_utf8_strlen (parts[i], -1) >
		                            SNIPPET_CHARS) {
			g_string_append (out, " ...");
			break;
		}
		g_string_append_printf (out, "%s%s", out->len ? " " : "", parts[i]);
	}
	return g_string_free (out, FALSE);
}

/* Is the article SLUG one to offer anyone who mails the kb address? Only public ones: the
 * asker has no ticket, and a customer-level article's link is bound to a ticket's customer. */
static gboolean
offered (PdStore *store, const char *slug)
{
	g_autoptr (PdKbArticle) art = pd_store_kb_get (store, slug, NULL);

	return art != NULL && g_strcmp0 (art->status, "published") == 0 &&
	       g_strcmp0 (art->visibility, "public") == 0;
}

gboolean
pd_kb_answer_find (PdApply *a, GPtrArray **found_r, GError **error)
{
	g_autofree char *text = pd_kb_mail_text (a->mail);
	guint i;

	if (!pd_kb_suggest (a->store, text, PD_KB_ANSWER_ARTICLES, found_r, error))
		return FALSE;
	for (i = (*found_r)->len; i > 0; i--)
		if (!offered (a->store, ((PdKbSuggestion *) (*found_r)->pdata[i - 1])->slug))
			g_ptr_array_remove_index (*found_r, i - 1);
	/* what is left must pass the gate on its own: when the best was customer-level, the
	 * articles listed after it are not an answer by themselves */
	if ((*found_r)->len > 0 &&
	    !pd_kb_suggest_gate (((PdKbSuggestion *) (*found_r)->pdata[0])->score,
	                         (*found_r)->len > 1 ? ((PdKbSuggestion *) (*found_r)->pdata[1])->score : 0))
		g_ptr_array_set_size (*found_r, 0);
	if ((*found_r)->len == 0 && !pd_kb_note_miss (a->store, "mailed", 0, a->mail, a->now, error)) {
		g_clear_pointer (found_r, g_ptr_array_unref);
		return FALSE;
	}
	return TRUE;
}

static const PdQueueSettings *
kb_queue (const PdApply *a)
{
	const PdSettings *s = a->app->settings;
	const PdQueueSettings *q = s->kb->queue ? pd_settings_queue (s, s->kb->queue) : NULL;

	return q ? q : s->queues->pdata[0];
}

/* the articles as {{#articles}} items (title, url, snippet); their ids in IDS */
static void
add_articles (PdApply *a, GPtrArray *found, PdTemplateData *data, GArray *ids)
{
	const char *base = a->app->settings->public_url;
	guint i;

	for (i = 0; i < found->len; i++) {
		const PdKbSuggestion *sg = found->pdata[i];
		g_autoptr (PdKbArticle) art = pd_store_kb_get (a->store, sg->slug, NULL);
		g_autofree char *url = NULL, *snip = NULL;
		PdTemplateData *item;

		if (art == NULL || g_strcmp0 (art->status, "published") != 0 ||
		    g_strcmp0 (art->visibility, "public") != 0)
			continue; /* see offered () */
		if (base != NULL) {
			g_autofree char *slug = g_uri_escape_string (art->slug, NULL, FALSE);

			url = g_strdup_printf ("%s/kb/%s", base, slug);
		}
		snip = snippet (art->body);
		item = pd_template_data_add_item (data, "articles");
		pd_template_data_set (item, "title", art->title);
		pd_template_data_set (item, "url", url);
		pd_template_data_set (item, "snippet", snip);
		g_array_append_val (ids, art->id);
	}
}

gboolean
pd_kb_answer_send (PdApply *a, GPtrArray *found, gboolean allowed, GError **error)
{
	const PdSettings *s = a->app->settings;
	const PdQueueSettings *queue = kb_queue (a);
	const PdMail *mail = a->mail;
	g_autoptr (PdTemplateData) data = pd_template_data_new ();
	g_autoptr (PdRendered) r = NULL;
	g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
	g_autoptr (GPtrArray) refs = g_ptr_array_new ();
	g_autoptr (GBytes) bytes = NULL;
	g_autofree char *mid = NULL;
	PdComposeSpec spec = { 0 };
	guint i;

	a->out->action = "stored";
	a->out->ticket_id = 0;
	if (!pd_apply_add_message (a, 0, "a question to the kb address", error))
		return FALSE;
	if (!allowed) {
		pd_log_info ("intake=%" G_GINT64_FORMAT " kb answer not sent: %s", a->intake_id,
		             a->out->note ? a->out->note : "not allowed");
		return TRUE;
	}
	pd_template_data_set (data, "subject", *mail->subject ? mail->subject : "(no subject)");
	pd_template_data_set (data, "customer_name", mail->from->name);
	pd_template_data_set (data, "queue_address", queue->address);
	pd_template_data_set (data, "kb_address", s->kb->address);
	pd_template_data_set (data, "signature", queue->display_name ? queue->display_name : s->kb->address);
	add_articles (a, found, data, ids);
	if (ids->len == 0)
		return TRUE; /* unpublished meanwhile: nothing to send (cannot happen in one transaction) */
	r = pd_template_render (a->app->home, queue->locale, "kb-answer", data, error);
	if (r == NULL)
		return FALSE;
	for (i = 0; i < mail->references->len; i++)
		g_ptr_array_add (refs, mail->references->pdata[i]);
	if (mail->message_id)
		g_ptr_array_add (refs, mail->message_id);
	g_ptr_array_add (refs, NULL);
	mid = pd_compose_message_id (s->domain);
	spec.from_name = queue->display_name;
	spec.from_addr = s->kb->address;
	spec.to_name = mail->from->name;
	spec.to_addr = mail->from->addr;
	spec.reply_to = queue->address;
	spec.subject = pd_rendered_header (r, "Subject");
	spec.message_id = mid;
	spec.in_reply_to = mail->message_id;
	spec.references = (const char *const *) refs->pdata;
	spec.auto_submitted = "auto-replied";
	spec.loop_address = s->kb->address;
	spec.body = r->body;
	spec.extra_headers = r->headers;
	bytes = pd_compose (&spec, error);
	if (bytes == NULL ||
	    !pd_apply_queue_mail (a, "kb-answer", 0, mail->from->addr, bytes, mid, spec.subject,
	                          s->kb->address, TRUE, "kb-answer", error))
		return FALSE;
	for (i = 0; i < ids->len; i++)
		if (!pd_store_kb_usage_add (a->store, g_array_index (ids, gint64, i), "mailed", 0, a->now,
		                            error))
			return FALSE;
	a->out->acked = TRUE;
	a->out->action = "kb-answered";
	return TRUE;
}
