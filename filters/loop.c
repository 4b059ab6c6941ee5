/* loop.c - the loop filter: our own mail coming back to us (X-Loop naming one of our
 * addresses, a Message-ID in our generated format, or From one of our addresses).
 * It only classifies (class loop, chain stops); logging the warning is for actions.c. */
#include <string.h>
#include "filters/chain.h"

static gboolean
is_own_address (const PdContext *ctx, const char *addr)
{
	if (addr == NULL || ctx->own_addresses == NULL)
		return FALSE;
	for (guint i = 0; ctx->own_addresses[i] != NULL; i++)
		if (g_ascii_strcasecmp (ctx->own_addresses[i], addr) == 0)
			return TRUE;
	return FALSE;
}

/* X-Loop: may be "addr", "<addr>" or "Name <addr>"; compare the bare address. */
static gboolean
x_loop_is_ours (const PdContext *ctx, const char *value)
{
	g_autofree char *v = g_strstrip (g_strdup (value));
	const char *lt = strchr (v, '<');
	if (lt != NULL) {
		char *gt = strchr (lt, '>');
		if (gt != NULL)
			*gt = '\0';
		return is_own_address (ctx, lt + 1);
	}
	return is_own_address (ctx, v);
}

/* Our Message-IDs look like "pd.<anything>@<domain>". */
static gboolean
message_id_is_ours (const PdContext *ctx, const char *message_id)
{
	if (message_id == NULL || ctx->domain == NULL || *ctx->domain == '\0')
		return FALSE;
	if (g_ascii_strncasecmp (message_id, "pd.", 3) != 0)
		return FALSE;
	const char *at = strrchr (message_id, '@');
	return at != NULL && g_ascii_strcasecmp (at + 1, ctx->domain) == 0;
}

static PdVerdict
loop_run (PdContext *ctx, const PdMail *mail)
{
	const char *x_loop = pd_mail_header (mail, "X-Loop");

	if (x_loop != NULL && x_loop_is_ours (ctx, x_loop)) {
		pd_context_set_class (ctx, PD_CLASS_LOOP, "header X-Loop: %s", x_loop);
		return PD_STOP;
	}
	if (message_id_is_ours (ctx, mail->message_id)) {
		pd_context_set_class (ctx, PD_CLASS_LOOP, "own Message-ID <%s>", mail->message_id);
		return PD_STOP;
	}
	if (mail->from != NULL && is_own_address (ctx, mail->from->addr)) {
		pd_context_set_class (ctx, PD_CLASS_LOOP, "From is our own address %s",
		                      mail->from->addr);
		return PD_STOP;
	}
	return PD_CONTINUE;
}

const PdFilter pd_filter_loop = { "loop", loop_run };
