/* request.c - requests by mail to a list's request addresses (see request.h): the command,
 * the status change with its consent row, and the answer from templates/LOCALE/list-*.txt.
 * It queues nothing itself: the caller rate-limits and queues the answer. */
#include "lists/request.h"

#include <string.h>

#include "core/error.h"
#include "core/log.h"
#include "core/template.h"
#include "core/token.h"
#include "lists/links.h"
#include "lists/list.h"
#include "lists/subscriber.h"
#include "mail/compose.h"
#include "store/lists.h"

#define BODY_LINES 5

void
pd_list_answer_clear (PdListAnswer *ans)
{
	g_clear_pointer (&ans->rcpt, g_free);
	g_clear_pointer (&ans->bytes, g_bytes_unref);
	g_clear_pointer (&ans->mid, g_free);
	g_clear_pointer (&ans->subject, g_free);
	g_clear_pointer (&ans->from_addr, g_free);
	g_clear_pointer (&ans->summary, g_free);
}

/* "Re: Fwd: AW: [x] text" -> "text" */
static const char *
skip_prefixes (const char *s)
{
	static const char *const prefixes[] = { "re:", "fwd:", "fw:", "aw:", "sv:", "vs:", "wg:",
		                                "tr:", "antw:", "ref:" };
	gboolean again = TRUE;
	guint i;

	while (again) {
		again = FALSE;
		while (g_ascii_isspace (*s))
			s++;
		for (i = 0; i < G_N_ELEMENTS (prefixes); i++)
			if (g_ascii_strncasecmp (s, prefixes[i], strlen (prefixes[i])) == 0) {
				s += strlen (prefixes[i]);
				again = TRUE;
			}
	}
	return s;
}

/* A command as the first word of TEXT. */
static PdListCommand
command_of (const char *text, char **token_r)
{
	g_auto (GStrv) words = NULL;
	g_autofree char *first = NULL;
	guint n;

	text = skip_prefixes (text);
	words = g_strsplit_set (text, " \t", -1);
	for (n = 0; words[n]; n++)
		;
	/* the words, without the empties of repeated blanks */
	{
		guint i, k = 0;

		for (i = 0; i < n; i++) {
			if (*words[i] == '\0') {
				g_free (words[i]);
				continue;
			}
			words[k++] = words[i];
		}
		words[k] = NULL;
		n = k;
	}
	if (n == 0)
		return PD_LIST_CMD_NONE;
	first = g_ascii_strdown (words[0], -1);
	if (strcmp (first, "subscribe") == 0 || strcmp (first, "join") == 0)
		return n <= 3 ? PD_LIST_CMD_SUBSCRIBE : PD_LIST_CMD_NONE;
	if (strcmp (first, "unsubscribe") == 0 || strcmp (first, "leave") == 0 ||
	    strcmp (first, "signoff") == 0)
		return n <= 3 ? PD_LIST_CMD_UNSUBSCRIBE : PD_LIST_CMD_NONE;
	if (strcmp (first, "help") == 0)
		return n <= 3 ? PD_LIST_CMD_HELP : PD_LIST_CMD_NONE;
	if (strcmp (first, "confirm") == 0 && n >= 2) {
		*token_r = g_strdup (words[1]);
		return PD_LIST_CMD_CONFIRM;
	}
	return PD_LIST_CMD_NONE;
}

PdListCommand
pd_list_request_parse (const char *subject, const char *body, char **token_r)
{
	PdListCommand cmd;
	g_auto (GStrv) lines = NULL;
	guint i, seen = 0;

	*token_r = NULL;
	if (subject != NULL && (cmd = command_of (subject, token_r)) != PD_LIST_CMD_NONE)
		return cmd;
	if (body == NULL)
		return PD_LIST_CMD_NONE;
	lines = g_strsplit (body, "\n", 64);
	for (i = 0; lines[i] && seen < BODY_LINES; i++) {
		char *l = g_strstrip (lines[i]);

		if (strcmp (l, "--") == 0 || *l == '>')
			break; /* a signature or the quoted original: nothing of the sender's any more */
		if (*l == '\0')
			continue;
		seen++;
		if ((cmd = command_of (l, token_r)) != PD_LIST_CMD_NONE)
			return cmd;
	}
	return PD_LIST_CMD_NONE;
}

/* ---- answers ---- */

static void
common_data (PdApp *app, const PdListRow *list, PdTemplateData *data, const char *rcpt)
{
	g_autofree char *request = pd_list_request_address (list->address);

	pd_template_data_set (data, "list_name", list->name);
	pd_template_data_set (data, "list_title", list->title && *list->title ? list->title : list->name);
	pd_template_data_set (data, "list_address", list->address);
	pd_template_data_set (data, "request_address", request);
	pd_template_data_set (data, "address", rcpt);
	pd_template_data_set (data, "domain", app->settings->domain);
}

static gboolean
compose_answer (PdApp *app, const PdListRow *list, const char *template, PdTemplateData *data,
                const char *rcpt, const PdMail *mail, PdListAnswer *ans, GError **error)
{
	g_autoptr (PdRendered) r = NULL;
	g_autofree char *request = pd_list_request_address (list->address);
	g_autofree char *mid = pd_compose_message_id (app->settings->domain);
	PdComposeSpec spec = { 0 };
	const char *refs[2] = { mail->message_id, NULL };

	common_data (app, list, data, rcpt);
	r = pd_template_render (app->home, list->locale, template, data, error);
	if (r == NULL)
		return FALSE;
	spec.from_name = list->title && *list->title ? list->title : NULL;
	spec.from_addr = request;
	spec.to_addr = rcpt;
	spec.reply_to = request;
	spec.subject = pd_rendered_header (r, "Subject");
	spec.message_id = mid;
	spec.in_reply_to = mail->message_id;
	spec.references = mail->message_id ? refs : NULL;
	spec.auto_submitted = "auto-replied";
	spec.loop_address = request;
	spec.body = r->body;
	spec.extra_headers = r->headers;
	if ((ans->bytes = pd_compose (&spec, error)) == NULL)
		return FALSE;
	ans->rcpt = g_strdup (rcpt);
	ans->mid = g_steal_pointer (&mid);
	ans->subject = g_strdup (spec.subject ? spec.subject : "");
	ans->from_addr = g_steal_pointer (&request);
	return TRUE;
}

/* the help text, with a note on why it is sent: NOTE is a section name of list-help.txt
 * (refused, already_subscribed, not_subscribed, bad_confirm, unknown_command) or NULL */
static gboolean
answer_help (PdApp *app, const PdListRow *list, const char *note, const char *rcpt,
             const PdMail *mail, PdListAnswer *ans, GError **error)
{
	g_autoptr (PdTemplateData) data = pd_template_data_new ();

	if (note != NULL)
		pd_template_data_set (data, note, "yes");
	return compose_answer (app, list, "list-help", data, rcpt, mail, ans, error);
}

static void
links (PdApp *app, PdTemplateData *data, gint64 subscriber)
{
	g_autofree char *prefs = pd_list_link (app->secret, app->settings->public_url,
	                                       PD_LIST_LINK_PREFS, subscriber);
	g_autofree char *unsub = pd_list_link (app->secret, app->settings->public_url,
	                                       PD_LIST_LINK_UNSUBSCRIBE, subscriber);

	pd_template_data_set (data, "prefs_url", prefs);
	pd_template_data_set (data, "unsubscribe_url", unsub);
}

static gboolean
do_subscribe (PdApp *app, const PdListRow *list, const PdMail *mail, const char *evidence,
              gint64 now, PdListAnswer *ans, GError **error)
{
	const char *who = mail->from->addr;
	g_autoptr (PdTemplateData) data = pd_template_data_new ();
	g_autofree char *token = NULL, *url = NULL;
	g_autoptr (PdSubscriberRow) known = NULL;
	PdListPolicy policy = PD_LIST_CONFIRM;
	gboolean customer = FALSE;
	PdSubResult res;
	gint64 id, ref = 0;

	pd_list_policy_from_name (list->policy, &policy);
	/* a member whose delivery bounces disabled is a member still: asking to be re-enabled is
	 * not joining, so the join policy does not apply (Mailman lets them re-enable too) */
	if (!pd_store_subscriber_find (app->store, list->id, who, &known, error))
		return FALSE;
	if (known != NULL && g_strcmp0 (known->status, "disabled") == 0)
		policy = PD_LIST_OPEN;
	if (policy == PD_LIST_CUSTOMERS &&
	    !pd_store_list_known_customer (app->store, who, &customer, error))
		return FALSE;
	if (!pd_list_address_valid (who) ||
	    !pd_list_may_join (policy, list->allowed_domains, who, customer)) {
		ans->summary = g_strdup_printf ("subscribe refused by policy %s", list->policy);
		return answer_help (app, list, "refused", who, mail, ans, error);
	}
	if (!pd_subscriber_request (app->store, list->id, who, mail->from->name, "mail", evidence,
	                            now, &id, &res, error))
		return FALSE;
	if (res == PD_SUB_ALREADY) {
		ans->summary = g_strdup_printf ("subscribe: subscriber %" G_GINT64_FORMAT
		                                " is active already", id);
		return answer_help (app, list, "already_subscribed", who, mail, ans, error);
	}
	/* the token names this request, not the subscriber: it cannot confirm a later one */
	if (!pd_store_consent_open_request (app->store, id, &ref, error))
		return FALSE;
	token = pd_token_make (app->secret, 'k', ref);
	url = pd_list_link (app->secret, app->settings->public_url, PD_LIST_LINK_CONFIRM, ref);
	pd_template_data_set (data, "token", token);
	pd_template_data_set (data, "confirm_url", url);
	pd_template_data_set (data, "name", mail->from->name);
	ans->summary = g_strdup_printf ("subscribe request: subscriber %" G_GINT64_FORMAT
	                                " pending, confirmation sent", id);
	return compose_answer (app, list, "list-confirm", data, who, mail, ans, error);
}

static gboolean
do_confirm (PdApp *app, const PdListRow *list, const PdMail *mail, const char *token,
            const char *evidence, gint64 now, PdListAnswer *ans, GError **error)
{
	const char *who = mail->from->addr;
	g_autoptr (PdSubscriberRow) sub = NULL;
	g_autoptr (PdTemplateData) data = pd_template_data_new ();
	gint64 ref = pd_list_link_check (app->secret, PD_LIST_LINK_CONFIRM, token), id = 0;
	gboolean open = FALSE;
	PdSubResult res;

	/* the token names a request (a consent row); only a request still open confirms */
	if (ref > 0 && !pd_store_consent_request_of (app->store, ref, &id, &open, error))
		return FALSE;
	if (id > 0) {
		g_autoptr (GError) local = NULL;

		sub = pd_store_subscriber_get (app->store, id, &local);
		if (sub == NULL && !g_error_matches (local, PD_ERROR, PD_ERROR_NOTFOUND)) {
			g_propagate_error (error, g_steal_pointer (&local));
			return FALSE;
		}
	}
	if (sub == NULL || sub->list_id != list->id) {
		ans->summary = g_strdup ("confirm: not a valid token");
		return answer_help (app, list, "bad_confirm", who, mail, ans, error);
	}
	if (g_ascii_strcasecmp (sub->address, who) != 0) {
		/* the token proves the mail was read, the From that it was read by its owner */
		ans->summary = g_strdup_printf ("confirm of subscriber %" G_GINT64_FORMAT
		                                " from another address %s: refused", id, who);
		return answer_help (app, list, "bad_confirm", who, mail, ans, error);
	}
	if (!open)
		res = g_str_equal (sub->status, "active") || g_str_equal (sub->status, "bouncing")
		              ? PD_SUB_ALREADY
		              : PD_SUB_NOT_VALID;
	else if (!pd_subscriber_confirm (app->store, id, "mail", evidence, now, &res, error))
		return FALSE;
	if (res == PD_SUB_ALREADY) {
		ans->summary = g_strdup_printf ("confirm: subscriber %" G_GINT64_FORMAT
		                                " is active already", id);
		return answer_help (app, list, "already_subscribed", who, mail, ans, error);
	}
	if (res == PD_SUB_NOT_VALID) {
		ans->summary = g_strdup_printf ("confirm: subscriber %" G_GINT64_FORMAT " is %s",
		                                id, sub->status);
		return answer_help (app, list, "bad_confirm", who, mail, ans, error);
	}
	links (app, data, id);
	pd_template_data_set (data, "name", sub->name);
	ans->summary = g_strdup_printf ("confirmed: subscriber %" G_GINT64_FORMAT " active", id);
	return compose_answer (app, list, "list-welcome", data, who, mail, ans, error);
}

/* Unsubscribe SUB (of LIST) and say goodbye to its own address. QUIET: no answer when it had
 * left already (the mailto address is used by programs, again and again). */
static gboolean
leave (PdApp *app, const PdListRow *list, const PdSubscriberRow *sub, const PdMail *mail,
       const char *evidence, const char *detail, gboolean quiet, gint64 now, PdListAnswer *ans,
       GError **error)
{
	g_autoptr (PdTemplateData) data = pd_template_data_new ();
	PdSubResult res;

	if (!pd_subscriber_unsubscribe (app->store, sub->id, "mail", evidence, detail, now, &res,
	                                error))
		return FALSE;
	if (res == PD_SUB_ALREADY) {
		ans->summary = g_strdup_printf ("unsubscribe: subscriber %" G_GINT64_FORMAT
		                                " had left already", sub->id);
		return quiet || answer_help (app, list, "not_subscribed", sub->address, mail, ans, error);
	}
	ans->summary = g_strdup_printf ("unsubscribed: subscriber %" G_GINT64_FORMAT, sub->id);
	pd_template_data_set (data, "name", sub->name);
	return compose_answer (app, list, "list-goodbye", data, sub->address, mail, ans, error);
}

gboolean
pd_list_request_handle (PdApp *app, const PdContext *ctx, const PdMail *mail, gint64 now,
                        PdListAnswer *ans, GError **error)
{
	g_autoptr (PdListRow) list = pd_store_list_get_by_id (app->store, ctx->list_id, error);
	g_autofree char *token = NULL, *evidence = NULL;
	PdListCommand cmd;

	const char *who = mail->from ? mail->from->addr : "an unknown sender";

	memset (ans, 0, sizeof *ans);
	if (list == NULL)
		return FALSE;
	g_return_val_if_fail (mail->from != NULL || ctx->list_request == PD_LIST_REQ_UNSUBSCRIBE_ID,
	                      FALSE);
	evidence = mail->message_id ? g_strdup_printf ("<%s> from %s", mail->message_id, who)
	                            : g_strdup_printf ("from %s", who);
	switch (ctx->list_request) {
	case PD_LIST_REQ_SUBSCRIBE:
		cmd = PD_LIST_CMD_SUBSCRIBE;
		break;
	case PD_LIST_REQ_UNSUBSCRIBE:
		cmd = PD_LIST_CMD_UNSUBSCRIBE;
		break;
	case PD_LIST_REQ_UNSUBSCRIBE_ID: {
		g_autoptr (PdSubscriberRow) sub = NULL;
		g_autoptr (GError) local = NULL;

		sub = pd_store_subscriber_get (app->store, ctx->list_subscriber, &local);
		if (sub == NULL && !g_error_matches (local, PD_ERROR, PD_ERROR_NOTFOUND)) {
			g_propagate_error (error, g_steal_pointer (&local));
			return FALSE;
		}
		if (sub == NULL || sub->list_id != list->id) {
			ans->summary = g_strdup ("unsubscribe address of an unknown subscriber: ignored");
			return TRUE;
		}
		/* whoever sends it: the signed address was only ever given to the subscriber */
		return leave (app, list, sub, mail, evidence, "mailto", TRUE, now, ans, error);
	}
	case PD_LIST_REQ_COMMANDS:
	default:
		cmd = pd_list_request_parse (mail->subject, mail->body_text, &token);
		break;
	}
	switch (cmd) {
	case PD_LIST_CMD_SUBSCRIBE:
		return do_subscribe (app, list, mail, evidence, now, ans, error);
	case PD_LIST_CMD_CONFIRM:
		return do_confirm (app, list, mail, token, evidence, now, ans, error);
	case PD_LIST_CMD_UNSUBSCRIBE: {
		g_autoptr (PdSubscriberRow) sub = NULL;

		if (!pd_store_subscriber_find (app->store, list->id, mail->from->addr, &sub, error))
			return FALSE;
		if (sub == NULL) {
			ans->summary = g_strdup ("unsubscribe: not a subscriber");
			return answer_help (app, list, "not_subscribed", mail->from->addr, mail, ans, error);
		}
		return leave (app, list, sub, mail, evidence, NULL, FALSE, now, ans, error);
	}
	case PD_LIST_CMD_HELP:
		ans->summary = g_strdup ("help");
		return answer_help (app, list, NULL, mail->from->addr, mail, ans, error);
	case PD_LIST_CMD_NONE:
	default:
		ans->summary = g_strdup ("no command understood: help sent");
		return answer_help (app, list, "unknown_command", mail->from->addr, mail, ans, error);
	}
}

gboolean
pd_list_accepts_address (PdStore *store, const char *addr, gboolean *yes_r, GError **error)
{
	const char *at = strrchr (addr, '@');
	g_autofree char *local = NULL, *base = NULL;
	char *plus;
	gint64 list = 0;
	gsize n;

	*yes_r = FALSE;
	if (at == NULL || at == addr)
		return TRUE;
	local = g_ascii_strdown (addr, at - addr);
	plus = strchr (local, '+');
	n = plus ? (gsize) (plus - local) : strlen (local);
	if (n > 8 && strncmp (local + n - 8, "-request", 8) == 0)
		local[n - 8] = '\0';
	else if (plus != NULL && (strcmp (plus, "+subscribe") == 0 || strcmp (plus, "+unsubscribe") == 0))
		*plus = '\0';
	else if (plus != NULL)
		return TRUE; /* no other +extension of a list's address is ours */
	base = g_strdup_printf ("%s%s", local, at);
	if (!pd_store_list_id_by_address (store, base, &list, error))
		return FALSE;
	*yes_r = list > 0;
	return TRUE;
}
