/* thread.c - which ticket a mail belongs to, in the order of research/helpdesk-anchors.md
 * §2.1: signed reply address, then a known Message-ID in In-Reply-To, then References
 * (newest first), then a subject tag [TAG #N] only from a participant of ticket N.
 * It does not create tickets: ticket_id 0 means "new" and actions.c makes one. */
#include "filters/chain.h"

#include <string.h>

#include "core/token.h"

static gboolean
try_token (PdContext *ctx, const char *addr, gboolean *found_r)
{
	char kind;
	gint64 id;
	g_autofree char *queue = NULL;

	if (addr == NULL || !pd_token_from_address (ctx->secret, addr, &kind, &id, NULL) ||
	    kind != 't')
		return TRUE;
	if (ctx->query == NULL || ctx->query->ticket_queue == NULL)
		return TRUE;
	if (!ctx->query->ticket_queue (ctx->query->self, id, &queue, &ctx->error))
		return FALSE;
	if (queue != NULL) {
		ctx->ticket_id = id;
		ctx->threaded_by = "token";
		*found_r = TRUE;
	}
	return TRUE;
}

static gboolean
by_token (PdContext *ctx, const PdMail *mail, gboolean *found_r)
{
	guint i;

	if (!try_token (ctx, ctx->envelope_rcpt, found_r))
		return FALSE;
	if (*found_r)
		return TRUE;
	for (i = 0; i < mail->to->len && !*found_r; i++)
		if (!try_token (ctx, ((PdAddress *) mail->to->pdata[i])->addr, found_r))
			return FALSE;
	for (i = 0; i < mail->cc->len && !*found_r; i++)
		if (!try_token (ctx, ((PdAddress *) mail->cc->pdata[i])->addr, found_r))
			return FALSE;
	return TRUE;
}

static gboolean
by_message_id (PdContext *ctx, const char *id, const char *signal, gboolean *found_r)
{
	gint64 ticket = 0;

	if (id == NULL || ctx->query == NULL || ctx->query->ticket_by_message_id == NULL)
		return TRUE;
	if (!ctx->query->ticket_by_message_id (ctx->query->self, id, &ticket, &ctx->error))
		return FALSE;
	if (ticket > 0) {
		ctx->ticket_id = ticket;
		ctx->threaded_by = signal;
		*found_r = TRUE;
	}
	return TRUE;
}

/* "[TAG #123]" with any of our queue tags, case-insensitive, blanks tolerated. */
static gint64
subject_tag (const PdContext *ctx, const char *subject)
{
	const char *p;

	for (p = strchr (subject, '['); p != NULL; p = strchr (p + 1, '[')) {
		guint q;

		for (q = 0; q < ctx->n_queues; q++) {
			const char *tag = ctx->queues[q].tag;
			gsize n = strlen (tag);
			const char *s = p + 1;
			char *end;
			gint64 id;

			while (*s == ' ')
				s++;
			if (g_ascii_strncasecmp (s, tag, n) != 0)
				continue;
			s += n;
			while (*s == ' ')
				s++;
			if (*s != '#' || !g_ascii_isdigit (s[1]))
				continue;
			id = g_ascii_strtoll (s + 1, &end, 10);
			while (*end == ' ')
				end++;
			if (*end == ']' && id > 0)
				return id;
		}
	}
	return 0;
}

static gboolean
by_subject_tag (PdContext *ctx, const PdMail *mail, gboolean *found_r)
{
	gint64 id = subject_tag (ctx, mail->subject);
	gboolean yes = FALSE;

	if (id == 0 || mail->from == NULL || ctx->query == NULL ||
	    ctx->query->is_participant == NULL)
		return TRUE;
	if (!ctx->query->is_participant (ctx->query->self, id, mail->from->addr, &yes,
	                                 &ctx->error))
		return FALSE;
	if (yes) {
		ctx->ticket_id = id;
		ctx->threaded_by = "subject-tag";
		*found_r = TRUE;
	}
	return TRUE;
}

static PdVerdict
thread_run (PdContext *ctx, const PdMail *mail)
{
	gboolean found = FALSE;
	guint i;

	if (ctx->agent_id > 0)
		return PD_CONTINUE; /* the sender filter found the ticket from the agent address */
	if (!by_token (ctx, mail, &found))
		return PD_FAIL;
	if (!found && !by_message_id (ctx, mail->in_reply_to, "in-reply-to", &found))
		return PD_FAIL;
	for (i = mail->references->len; !found && i > 0; i--)
		if (!by_message_id (ctx, mail->references->pdata[i - 1], "references", &found))
			return PD_FAIL;
	if (!found && !by_subject_tag (ctx, mail, &found))
		return PD_FAIL;
	if (!found) {
		ctx->ticket_id = 0;
		ctx->threaded_by = "new";
	}
	return PD_CONTINUE;
}

const PdFilter pd_filter_thread = { "thread", thread_run };
