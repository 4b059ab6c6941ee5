/* route.c - which queue and priority. A follow-up keeps its ticket's queue. The same mail
 * sent to several queue addresses (one intake row per recipient) is one ticket: a copy whose
 * Message-ID and sender match a mail stored within [route] same_mail_window (an hour by
 * default) goes to that mail's ticket
 * (threaded_by "same-message"; actions.c only notes it). A new ticket's queue: import's
 * --queue; else the first [route NAME] rule that matches (file order); else the queue one of
 * whose addresses the mail was sent to (envelope recipient first, then To/Cc, a +extension
 * ignored); else the first queue. Priority: the rule's, else the queue's, else "normal". */
#include "filters/chain.h"

#include <string.h>

#include "core/settings-route.h"
#include "core/strutil.h"

static const PdQueueInfo *
queue_named (const PdContext *ctx, const char *name)
{
	guint q;

	for (q = 0; name && q < ctx->n_queues; q++)
		if (g_strcmp0 (ctx->queues[q].name, name) == 0)
			return &ctx->queues[q];
	return NULL;
}

static gboolean
queue_has_address (const PdQueueInfo *q, const char *addr)
{
	guint i;

	if (q->addresses == NULL)
		return pd_address_has_base (q->address, addr);
	for (i = 0; q->addresses[i] != NULL; i++)
		if (pd_address_has_base (q->addresses[i], addr))
			return TRUE;
	return FALSE;
}

static const PdQueueInfo *
queue_for_address (const PdContext *ctx, const char *addr)
{
	guint q;

	if (addr == NULL)
		return NULL;
	for (q = 0; q < ctx->n_queues; q++)
		if (queue_has_address (&ctx->queues[q], addr))
			return &ctx->queues[q];
	return NULL;
}

static const PdQueueInfo *
queue_for_list (const PdContext *ctx, GPtrArray *list)
{
	guint i;

	for (i = 0; i < list->len; i++) {
		const PdQueueInfo *q = queue_for_address (ctx, ((PdAddress *) list->pdata[i])->addr);
		if (q != NULL)
			return q;
	}
	return NULL;
}

/* An entry "a@x" is that address (a +extension ignored); "@x" or "x" any address at x. */
static gboolean
recipient_entry (const char *entry, const char *addr)
{
	const char *at;

	if (addr == NULL)
		return FALSE;
	if (*entry == '@' || strchr (entry, '@') == NULL) {
		at = strrchr (addr, '@');
		return at != NULL && g_ascii_strcasecmp (at + 1, *entry == '@' ? entry + 1 : entry) == 0;
	}
	return pd_address_has_base (entry, addr);
}

static gboolean
recipient_matches (const PdContext *ctx, const PdMail *mail, char **entries)
{
	guint e, i;

	for (e = 0; entries[e] != NULL; e++) {
		if (recipient_entry (entries[e], ctx->envelope_rcpt))
			return TRUE;
		for (i = 0; i < mail->to->len; i++)
			if (recipient_entry (entries[e], ((PdAddress *) mail->to->pdata[i])->addr))
				return TRUE;
		for (i = 0; i < mail->cc->len; i++)
			if (recipient_entry (entries[e], ((PdAddress *) mail->cc->pdata[i])->addr))
				return TRUE;
	}
	return FALSE;
}

/* The From domain is DOMAIN or one under it (mail.example.com for example.com). */
static gboolean
sender_domain_matches (const PdMail *mail, char **domains)
{
	const char *at = mail->from ? strrchr (mail->from->addr, '@') : NULL;
	guint e;

	if (at == NULL)
		return FALSE;
	for (e = 0; domains[e] != NULL; e++) {
		const char *d = domains[e][0] == '@' ? domains[e] + 1 : domains[e];
		gsize n = strlen (at + 1), m = strlen (d);

		if (g_ascii_strcasecmp (at + 1, d) == 0 ||
		    (n > m && at[n - m] == '.' && g_ascii_strcasecmp (at + 1 + n - m, d) == 0))
			return TRUE;
	}
	return FALSE;
}

static gboolean
words_match (const char *text, char **words)
{
	guint e;

	for (e = 0; words[e] != NULL; e++)
		if (pd_route_has_words (text, words[e]))
			return TRUE;
	return FALSE;
}

static gboolean
rule_matches (const PdContext *ctx, const PdMail *mail, const PdRouteRule *r)
{
	return (r->recipients == NULL || recipient_matches (ctx, mail, r->recipients)) &&
	       (r->sender_domains == NULL || sender_domain_matches (mail, r->sender_domains)) &&
	       (r->subject_words == NULL || words_match (mail->subject, r->subject_words)) &&
	       (r->body_words == NULL || words_match (mail->body_text, r->body_words));
}

/* Was this very mail (its Message-ID, from its sender) stored within the burst, through
 * another recipient? Then it is that mail's ticket. */
static gboolean
same_message (PdContext *ctx, const PdMail *mail, gboolean *found_r)
{
	gint64 ticket = 0;
	/* [route] same_mail_window (default an hour): copies of one mail arrive within it */
	gint64 window = ctx->routing ? ctx->routing->same_mail_window : PD_SAME_MAIL_WINDOW;

	*found_r = FALSE;
	if (window <= 0)
		return TRUE;
	if (ctx->klass != PD_CLASS_HUMAN || ctx->agent_id > 0 || mail->message_id == NULL ||
	    mail->from == NULL || ctx->query == NULL || ctx->query->same_message_ticket == NULL)
		return TRUE;
	if (!ctx->query->same_message_ticket (ctx->query->self, mail->message_id, mail->from->addr,
	                                      ctx->received_at > window ? ctx->received_at - window : 0,
	                                      &ticket, &ctx->error))
		return FALSE;
	if (ticket > 0) {
		ctx->ticket_id = ticket;
		ctx->threaded_by = "same-message";
		*found_r = TRUE;
		pd_context_note (ctx, "route: the same message is on ticket %" G_GINT64_FORMAT, ticket);
	}
	return TRUE;
}

static PdVerdict
route_run (PdContext *ctx, const PdMail *mail)
{
	const PdQueueInfo *q = NULL;
	const char *priority = NULL;
	gboolean same = FALSE;
	guint i;

	if (ctx->n_queues == 0)
		return PD_CONTINUE;
	if (!same_message (ctx, mail, &same))
		return PD_FAIL;
	if (ctx->ticket_id > 0 && ctx->query && ctx->query->ticket_queue) {
		g_autofree char *name = NULL;

		if (!ctx->query->ticket_queue (ctx->query->self, ctx->ticket_id, &name, &ctx->error))
			return PD_FAIL;
		q = queue_named (ctx, name);
	}
	if (q == NULL && ctx->queue_override != NULL)
		q = queue_named (ctx, ctx->queue_override);
	for (i = 0; q == NULL && ctx->routing && i < ctx->routing->rules->len; i++) {
		const PdRouteRule *r = ctx->routing->rules->pdata[i];

		if (!rule_matches (ctx, mail, r))
			continue;
		pd_context_note (ctx, "route: rule [route %s] matched", r->name);
		priority = r->priority;
		if (r->queue != NULL)
			q = queue_named (ctx, r->queue);
		break;
	}
	if (q == NULL)
		q = queue_for_address (ctx, ctx->envelope_rcpt);
	if (q == NULL)
		q = queue_for_list (ctx, mail->to);
	if (q == NULL)
		q = queue_for_list (ctx, mail->cc);
	ctx->queue = q ? q : &ctx->queues[0];
	if (ctx->priority == NULL)
		ctx->priority = g_strdup (priority ? priority
		                          : ctx->queue->priority ? ctx->queue->priority : "normal");
	return PD_CONTINUE;
}

const PdFilter pd_filter_route = { "route", route_run };
