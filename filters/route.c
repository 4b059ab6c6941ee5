/* route.c - which queue and priority: the ticket's own queue for a follow-up; else the queue
 * whose address the mail was sent to (envelope recipient first, then To/Cc, a +extension
 * ignored); else the first configured queue. Priority starts "normal". */
#include "filters/chain.h"

#include <string.h>

#include "core/strutil.h"

static const PdQueueInfo *
queue_named (const PdContext *ctx, const char *name)
{
	guint q;

	for (q = 0; q < ctx->n_queues; q++)
		if (g_strcmp0 (ctx->queues[q].name, name) == 0)
			return &ctx->queues[q];
	return NULL;
}

static const PdQueueInfo *
queue_for_address (const PdContext *ctx, const char *addr)
{
	guint q;

	if (addr == NULL)
		return NULL;
	for (q = 0; q < ctx->n_queues; q++)
		if (pd_address_has_base (ctx->queues[q].address, addr))
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

static PdVerdict
route_run (PdContext *ctx, const PdMail *mail)
{
	const PdQueueInfo *q = NULL;

	if (ctx->n_queues == 0)
		return PD_CONTINUE;
	if (ctx->ticket_id > 0 && ctx->query && ctx->query->ticket_queue) {
		g_autofree char *name = NULL;

		if (!ctx->query->ticket_queue (ctx->query->self, ctx->ticket_id, &name, &ctx->error))
			return PD_FAIL;
		q = queue_named (ctx, name);
	}
	if (q == NULL)
		q = queue_for_address (ctx, ctx->envelope_rcpt);
	if (q == NULL)
		q = queue_for_list (ctx, mail->to);
	if (q == NULL)
		q = queue_for_list (ctx, mail->cc);
	ctx->queue = q ? q : &ctx->queues[0];
	if (ctx->priority == NULL)
		ctx->priority = g_strdup ("normal");
	return PD_CONTINUE;
}

const PdFilter pd_filter_route = { "route", route_run };
