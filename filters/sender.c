/* sender.c - is this an agent's reply? Only when all hold: From is one mailbox, an active
 * agent (and a Sender, if any, is the same mailbox); the mail arrived at the signed agent
 * address of a ticket (support+a<ticket>-<sig>@, which only that ticket's notifications
 * carry); and, with a trusted authserv-id, the topmost Authentication-Results of that id says
 * pass. A mail that claims an agent's From without that is handled as customer mail, and
 * spoof_note says why. It decides nothing else. */
#include "filters/chain.h"

#include <string.h>

#include "core/token.h"

/* The ticket named by a valid agent token among the recipients, or 0. */
static gint64
agent_token_ticket (const PdContext *ctx, const PdMail *mail)
{
	const char *env[] = { ctx->envelope_rcpt, NULL };
	GPtrArray *lists[] = { mail->to, mail->cc };
	char kind;
	gint64 id;
	guint i, l;

	if (env[0] && pd_token_from_address (ctx->secret, env[0], &kind, &id, NULL) && kind == 'a')
		return id;
	for (l = 0; l < G_N_ELEMENTS (lists); l++)
		for (i = 0; i < lists[l]->len; i++) {
			const PdAddress *a = lists[l]->pdata[i];

			if (pd_token_from_address (ctx->secret, a->addr, &kind, &id, NULL) && kind == 'a')
				return id;
		}
	return 0;
}

/* Is one Authentication-Results value from AUTHSERV? RFC 8601: "authserv-id [version]; ..." */
static gboolean
auth_result_from (const char *value, const char *authserv)
{
	gsize n;

	while (g_ascii_isspace (*value))
		value++;
	n = strcspn (value, " \t\r\n;");
	return n == strlen (authserv) && g_ascii_strncasecmp (value, authserv, n) == 0;
}

/* Does one Authentication-Results value say dkim=pass (header.d) or spf=pass
 * (smtp.mailfrom) for DOMAIN? "authserv-id [version]; method=result props; ..." */
static gboolean
auth_result_passes (const char *value, const char *domain)
{
	g_auto (GStrv) parts = g_strsplit (value, ";", -1);
	guint i;

	if (parts[0] == NULL)
		return FALSE;
	for (i = 1; parts[i]; i++) {
		g_autofree char *lower = g_ascii_strdown (g_strstrip (parts[i]), -1);
		g_auto (GStrv) words = g_strsplit_set (lower, " \t\r\n", -1);
		gboolean dkim = g_str_has_prefix (lower, "dkim=pass");
		gboolean spf = g_str_has_prefix (lower, "spf=pass");
		guint w;

		for (w = 0; (dkim || spf) && words[w]; w++) {
			const char *v = NULL, *at;

			if (dkim && g_str_has_prefix (words[w], "header.d="))
				v = words[w] + 9;
			else if (spf && g_str_has_prefix (words[w], "smtp.mailfrom="))
				v = words[w] + 14;
			if (v == NULL)
				continue;
			at = strrchr (v, '@');
			if (g_ascii_strcasecmp (at ? at + 1 : v, domain) == 0)
				return TRUE;
		}
	}
	return FALSE;
}

/* With a trusted authserv-id configured: does the mail carry its pass for ADDR's domain?
 * Only the topmost Authentication-Results of that id counts (RFC 8601 §5): the trusted MX
 * adds its own on top, and anything further down may have been written by the sender. */
static gboolean
authenticated (const PdContext *ctx, const PdMail *mail, const char *addr)
{
	GMimeHeaderList *list = g_mime_object_get_header_list (GMIME_OBJECT (mail->message));
	const char *domain = strrchr (addr, '@');
	int i, n = g_mime_header_list_get_count (list);

	if (ctx->trusted_authserv == NULL)
		return TRUE;
	for (i = 0; domain && i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at (list, i);
		const char *value = g_mime_header_get_value (h);

		if (g_ascii_strcasecmp (g_mime_header_get_name (h), "Authentication-Results") == 0 &&
		    value != NULL && auth_result_from (value, ctx->trusted_authserv))
			return auth_result_passes (value, domain + 1);
	}
	return FALSE;
}

/* How many header fields NAME the message has. */
static int
count_fields (const PdMail *mail, const char *name)
{
	GMimeHeaderList *list = g_mime_object_get_header_list (GMIME_OBJECT (mail->message));
	int i, found = 0, n = g_mime_header_list_get_count (list);

	for (i = 0; i < n; i++)
		if (g_ascii_strcasecmp (g_mime_header_get_name (g_mime_header_list_get_header_at (list, i)),
		                        name) == 0)
			found++;
	return found;
}

/* Is LIST exactly one mailbox (no group) with address ADDR? */
static gboolean
is_only (InternetAddressList *list, const char *addr)
{
	InternetAddress *a;

	if (list == NULL || internet_address_list_length (list) != 1)
		return FALSE;
	a = internet_address_list_get_address (list, 0);
	return INTERNET_ADDRESS_IS_MAILBOX (a) &&
	       g_ascii_strcasecmp (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (a)),
	                           addr) == 0;
}

/* An agent's reply names one author: one From field with one mailbox, and at most one
 * Sender field, naming the same mailbox. NULL if so, else why not (transfer full). */
static char *
single_author (const PdMail *mail)
{
	GMimeMessage *msg = mail->message;
	int senders = count_fields (mail, "Sender");

	if (count_fields (mail, "From") != 1 || !is_only (g_mime_message_get_from (msg), mail->from->addr))
		return g_strdup ("its From is not one mailbox");
	if (senders > 1)
		return g_strdup ("it has several Sender fields");
	if (senders == 1 && !is_only (g_mime_message_get_sender (msg), mail->from->addr))
		return g_strdup ("its Sender is not the From mailbox");
	return NULL;
}

static PdVerdict
sender_run (PdContext *ctx, const PdMail *mail)
{
	gint64 agent = 0, ticket;
	gboolean active = FALSE;
	g_autofree char *name = NULL, *queue = NULL, *why = NULL;

	if (ctx->klass != PD_CLASS_HUMAN || mail->from == NULL || ctx->query == NULL ||
	    ctx->query->agent_by_address == NULL)
		return PD_CONTINUE;
	if (!ctx->query->agent_by_address (ctx->query->self, mail->from->addr, &agent, &active, &name,
	                                   &ctx->error))
		return PD_FAIL;
	ticket = agent_token_ticket (ctx, mail);
	if (agent == 0) {
		if (ticket > 0)
			ctx->spoof_note = g_strdup_printf ("%s wrote to the agent address of ticket %" G_GINT64_FORMAT
			                                   " but is no agent: handled as customer mail",
			                                   mail->from->addr, ticket);
		return PD_CONTINUE;
	}
	if (!active) {
		ctx->spoof_note = g_strdup_printf ("%s is a disabled agent: handled as customer mail",
		                                   mail->from->addr);
		return PD_CONTINUE;
	}
	if (ticket == 0) {
		ctx->spoof_note = g_strdup_printf ("mail with the From of agent %s did not arrive at a signed"
		                                   " agent address: handled as customer mail, no command runs",
		                                   mail->from->addr);
		return PD_CONTINUE;
	}
	why = single_author (mail);
	if (why != NULL) {
		ctx->spoof_note = g_strdup_printf ("mail with the From of agent %s is not the agent's reply: %s;"
		                                   " handled as customer mail, no command runs",
		                                   mail->from->addr, why);
		return PD_CONTINUE;
	}
	if (!authenticated (ctx, mail, mail->from->addr)) {
		ctx->spoof_note = g_strdup_printf ("mail from agent %s has no dkim=pass or spf=pass in the"
		                                   " topmost Authentication-Results of %s:"
		                                   " handled as customer mail, no command runs",
		                                   mail->from->addr, ctx->trusted_authserv);
		return PD_CONTINUE;
	}
	if (ctx->query->ticket_queue == NULL ||
	    !ctx->query->ticket_queue (ctx->query->self, ticket, &queue, &ctx->error))
		return ctx->error ? PD_FAIL : PD_CONTINUE;
	if (queue == NULL)
		return PD_CONTINUE;
	ctx->agent_id = agent;
	ctx->agent_address = g_strdup (mail->from->addr);
	ctx->agent_name = g_steal_pointer (&name);
	ctx->ticket_id = ticket;
	ctx->threaded_by = "agent";
	return PD_CONTINUE;
}

const PdFilter pd_filter_sender = { "sender", sender_run };
