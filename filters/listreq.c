/* listreq.c - is the mail a subscriber's request to a list? It recognises the envelope
 * recipient (or, without one, a To/Cc address) as one of a list's request addresses:
 * NAME-request@DOMAIN, NAME+subscribe@, NAME+unsubscribe@, and the signed List-Unsubscribe
 * mailto NAME-request+mID-SIG@ (a bad signature makes it a plain NAME-request@). It runs after
 * the classifiers, so automatic mail is still classed as such (and never answered), and it
 * only records list_id, list_request and list_subscriber: actions.c hands such mail to
 * src/lists/request.c instead of making a ticket. */
#include <string.h>

#include "core/token.h"
#include "filters/chain.h"

#define REQUEST_SUFFIX "-request"

static gboolean
lookup (PdContext *ctx, const char *list_address, gint64 *list_r)
{
	return ctx->query->list_by_address (ctx->query->self, list_address, list_r, &ctx->error);
}

/* FALSE only on a store failure; *FOUND_R says whether ADDR is a request address. */
static gboolean
recognise (PdContext *ctx, const char *addr, gboolean *found_r)
{
	const char *at = strrchr (addr, '@');
	g_autofree char *local = NULL, *ext = NULL, *base = NULL;
	char *plus;
	gint64 list = 0, sub = 0;
	int kind = PD_LIST_REQ_NONE;
	gsize n;

	*found_r = FALSE;
	if (at == NULL || at == addr)
		return TRUE;
	local = g_ascii_strdown (addr, at - addr);
	if ((plus = strchr (local, '+')) != NULL) {
		ext = g_strdup (plus + 1);
		*plus = '\0';
	}
	n = strlen (local);
	if (n > strlen (REQUEST_SUFFIX) && g_str_has_suffix (local, REQUEST_SUFFIX)) {
		char kind_c = 0;

		local[n - strlen (REQUEST_SUFFIX)] = '\0';
		kind = PD_LIST_REQ_COMMANDS;
		if (ext != NULL && ctx->secret != NULL &&
		    pd_token_from_address (ctx->secret, addr, &kind_c, &sub, NULL) && kind_c == 'm')
			kind = PD_LIST_REQ_UNSUBSCRIBE_ID;
	} else if (ext != NULL && g_ascii_strcasecmp (ext, "subscribe") == 0) {
		kind = PD_LIST_REQ_SUBSCRIBE;
	} else if (ext != NULL && g_ascii_strcasecmp (ext, "unsubscribe") == 0) {
		kind = PD_LIST_REQ_UNSUBSCRIBE;
	} else {
		return TRUE;
	}
	base = g_strdup_printf ("%s%s", local, at);
	if (!lookup (ctx, base, &list))
		return FALSE;
	if (list == 0)
		return TRUE;
	ctx->list_id = list;
	ctx->list_request = kind;
	ctx->list_subscriber = kind == PD_LIST_REQ_UNSUBSCRIBE_ID ? sub : 0;
	*found_r = TRUE;
	pd_context_note (ctx, "listreq: %s is a request address of list %" G_GINT64_FORMAT, addr,
	                 list);
	return TRUE;
}

static gboolean
recognise_any (PdContext *ctx, GPtrArray *addrs, gboolean *found_r)
{
	guint i;

	*found_r = FALSE;
	for (i = 0; i < addrs->len && !*found_r; i++)
		if (!recognise (ctx, ((PdAddress *) addrs->pdata[i])->addr, found_r))
			return FALSE;
	return TRUE;
}

static PdVerdict
listreq_run (PdContext *ctx, const PdMail *mail)
{
	gboolean found = FALSE;

	if (ctx->query == NULL || ctx->query->list_by_address == NULL)
		return PD_CONTINUE;
	/* the envelope says which copy this is: a copy for support@ is no request, even when
	 * the list's request address is in Cc (that copy arrives on its own) */
	if (ctx->envelope_rcpt != NULL && *ctx->envelope_rcpt != '\0')
		return recognise (ctx, ctx->envelope_rcpt, &found) ? PD_CONTINUE : PD_FAIL;
	if (!recognise_any (ctx, mail->to, &found) || (!found && !recognise_any (ctx, mail->cc, &found)))
		return PD_FAIL;
	return PD_CONTINUE;
}

const PdFilter pd_filter_listreq = { "listreq", listreq_run };
