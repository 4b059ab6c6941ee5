/* kb-address.c - a new question sent to the knowledge-base address ([kb] address): it is
 * answered with articles when some answer it, else it becomes a ticket in the [kb] queue
 * (tickets/kb-answer.c acts). The envelope recipient decides when there is one (a copy that
 * reached us for a queue address is that queue's); else To, then Cc. Follow-ups to a ticket
 * and agents' replies are never questions. Runs after route, whose queue it may replace. */
#include "filters/chain.h"

#include "core/strutil.h"

static gboolean
in_list (GPtrArray *list, const char *addr)
{
	guint i;

	for (i = 0; list != NULL && i < list->len; i++)
		if (pd_address_has_base (addr, ((PdAddress *) list->pdata[i])->addr))
			return TRUE;
	return FALSE;
}

static PdVerdict
kb_address_run (PdContext *ctx, const PdMail *mail)
{
	guint q;

	if (ctx->kb_address == NULL || ctx->ticket_id > 0 || ctx->agent_id > 0)
		return PD_CONTINUE;
	if (ctx->envelope_rcpt != NULL ? !pd_address_has_base (ctx->kb_address, ctx->envelope_rcpt)
	                               : !in_list (mail->to, ctx->kb_address) &&
	                                         !in_list (mail->cc, ctx->kb_address))
		return PD_CONTINUE;
	ctx->kb_question = TRUE;
	for (q = 0; q < ctx->n_queues; q++)
		if (ctx->kb_queue == NULL || g_strcmp0 (ctx->queues[q].name, ctx->kb_queue) == 0) {
			ctx->queue = &ctx->queues[q];
			break;
		}
	pd_context_note (ctx, "kb-address: a question to %s", ctx->kb_address);
	return PD_CONTINUE;
}

const PdFilter pd_filter_kb_address = { "kb-address", kb_address_run };
