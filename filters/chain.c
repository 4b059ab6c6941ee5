/* chain.c - the filter registry (the order in DESIGN.md), PdContext life cycle and the
 * class name table. It runs filters; it knows nothing of what any of them decides. */
#include "filters/chain.h"

#include <stdarg.h>
#include <string.h>

#include "core/error.h"

const PdFilter *const pd_filters[] = {
	&pd_filter_loop,
	&pd_filter_bounce,
	&pd_filter_autoreply,
	&pd_filter_listreq,
	&pd_filter_sender,
	&pd_filter_thread,
	&pd_filter_route,
	&pd_filter_kb_address,
	NULL,
};

#define PD_CLASS_STR(id, str) str,
static const char *const class_names[] = { PD_CLASS_LIST (PD_CLASS_STR) };
#undef PD_CLASS_STR

const char *
pd_class_name (PdClass klass)
{
	g_return_val_if_fail (klass < PD_CLASS_COUNT, "?");
	return class_names[klass];
}

gboolean
pd_class_from_name (const char *name, PdClass *klass_r)
{
	guint i;

	for (i = 0; i < PD_CLASS_COUNT; i++)
		if (g_strcmp0 (class_names[i], name) == 0) {
			*klass_r = (PdClass) i;
			return TRUE;
		}
	return FALSE;
}

void
pd_context_set_class (PdContext *ctx, PdClass klass, const char *reason_fmt, ...)
{
	va_list ap;

	ctx->klass = klass;
	g_free (ctx->reason);
	va_start (ap, reason_fmt);
	ctx->reason = g_strdup_vprintf (reason_fmt, ap);
	va_end (ap);
}

void
pd_context_note (PdContext *ctx, const char *fmt, ...)
{
	va_list ap;

	if (!ctx->explain)
		return;
	if (ctx->notes == NULL)
		ctx->notes = g_ptr_array_new_with_free_func (g_free);
	va_start (ap, fmt);
	g_ptr_array_add (ctx->notes, g_strdup_vprintf (fmt, ap));
	va_end (ap);
}

void
pd_context_init (PdContext *ctx)
{
	memset (ctx, 0, sizeof *ctx);
	ctx->klass = PD_CLASS_HUMAN;
}

void
pd_context_clear (PdContext *ctx)
{
	g_clear_pointer (&ctx->reason, g_free);
	g_clear_pointer (&ctx->bounce_recipient, g_free);
	g_clear_pointer (&ctx->bounce_status, g_free);
	g_clear_pointer (&ctx->bounce_diagnostic, g_free);
	g_clear_pointer (&ctx->bounce_correlated_by, g_free);
	g_clear_pointer (&ctx->priority, g_free);
	g_clear_pointer (&ctx->agent_address, g_free);
	g_clear_pointer (&ctx->agent_name, g_free);
	g_clear_pointer (&ctx->spoof_note, g_free);
	g_clear_pointer (&ctx->notes, g_ptr_array_unref);
	g_clear_error (&ctx->error);
}

void
pd_context_reset (PdContext *ctx)
{
	PdContext given = *ctx;

	pd_context_clear (ctx);
	pd_context_init (ctx);
	ctx->domain = given.domain;
	ctx->queues = given.queues;
	ctx->n_queues = given.n_queues;
	ctx->own_addresses = given.own_addresses;
	ctx->secret = given.secret;
	ctx->query = given.query;
	ctx->trusted_authserv = given.trusted_authserv;
	ctx->envelope_from = given.envelope_from;
	ctx->envelope_rcpt = given.envelope_rcpt;
	ctx->explain = given.explain;
	ctx->routing = given.routing;
	ctx->queue_override = given.queue_override;
	ctx->received_at = given.received_at;
	ctx->kb_address = given.kb_address;
	ctx->kb_queue = given.kb_queue;
}

gboolean
pd_chain_run (PdContext *ctx, const PdMail *mail, GError **error)
{
	guint i;

	/* what the filters judged once per mail is about this mail only */
	ctx->challenge_known = FALSE;
	ctx->challenge = NULL;
	for (i = 0; pd_filters[i] != NULL; i++) {
		PdVerdict v = pd_filters[i]->run (ctx, mail);

		if (v == PD_FAIL) {
			if (ctx->error == NULL)
				g_set_error (&ctx->error, PD_ERROR, PD_ERROR_INTERNAL,
				             "filter %s failed without saying why", pd_filters[i]->name);
			g_propagate_prefixed_error (error, g_steal_pointer (&ctx->error),
			                            "filter %s: ", pd_filters[i]->name);
			return FALSE;
		}
		if (v == PD_STOP) {
			pd_context_note (ctx, "%s: final verdict, the later filters did not run",
			                 pd_filters[i]->name);
			break;
		}
	}
	if (ctx->reason == NULL)
		ctx->reason = g_strdup ("no automatic-mail signal");
	return TRUE;
}
