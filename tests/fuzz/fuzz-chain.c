/* fuzz-chain.c - libFuzzer target: the input is one message. It is parsed (pd_mail_parse with
 * the default limits) and run through the filter chain twice: exactly as `postdesk classify`
 * does (no store, no envelope), and as `deliver` would with a store, through a fake PdQuery
 * that answers from a small fixed world (and fails like a busy database when asked about
 * a Message-ID containing "busy"). Then the reply's new text, as classify prints it, unless
 * POSTDESK_FUZZ_SKIP_QUOTE is set. */
#include "fuzz-common.h"

#include <string.h>

#include "core/error.h"
#include "core/log.h"
#include "core/token.h"
#include "filters/chain.h"
#include "mail/mail.h"
#include "mail/quote.h"

/* the defaults of settings.c: [limits] message_size, mime_containers, mime_parts */
static const PdMailLimits limits = { 50 * 1024 * 1024, 100, 1000 };

static const PdQueueInfo queues[] = {
	{ "support", "support@example.com", "SUPPORT" },
	{ "sales", "sales@example.com", "SALES" },
};
static const char *const own_addresses[] = { "support@example.com", "sales@example.com",
	                                     "bounces@example.com", NULL };
static GBytes *secret;
/* envelope recipients for the second pass: signed agent, ticket and VERP addresses, plain */
static char *envelopes[4];
static gboolean skip_quote;

/* ---- the fake store: tickets 1..9 (9 in a queue that no longer exists), participants are
 * addresses with "customer" in them, agents' addresses start with "agent" ---- */

static gboolean
busy (const char *text, GError **error)
{
	if (text != NULL && strstr (text, "busy") != NULL) {
		g_set_error (error, PD_ERROR, PD_ERROR_TEMPFAIL, "database is locked (fake)");
		return TRUE;
	}
	return FALSE;
}

static gboolean
q_ticket_by_message_id (void *self, const char *mid, gint64 *ticket_r, GError **error)
{
	(void) self;
	*ticket_r = 0;
	if (busy (mid, error))
		return FALSE;
	*ticket_r = g_str_hash (mid) % 10;
	return TRUE;
}

static gboolean
q_ticket_queue (void *self, gint64 ticket, char **queue_r, GError **error)
{
	(void) self;
	(void) error;
	*queue_r = NULL;
	if (ticket >= 1 && ticket <= 8)
		*queue_r = g_strdup (ticket % 2 ? "support" : "sales");
	else if (ticket == 9)
		*queue_r = g_strdup ("closed-down");
	return TRUE;
}

static gboolean
q_is_participant (void *self, gint64 ticket, const char *addr, gboolean *yes_r, GError **error)
{
	(void) self;
	*yes_r = FALSE;
	if (busy (addr, error))
		return FALSE;
	*yes_r = ticket >= 1 && ticket <= 9 && strstr (addr, "customer") != NULL;
	return TRUE;
}

static gboolean
q_outbox_row (void *self, gint64 id, gint64 *ticket_r, char **rcpt_r, GError **error)
{
	(void) self;
	*ticket_r = 0;
	*rcpt_r = NULL;
	if (id < 1 || id > 99) {
		g_set_error (error, PD_ERROR, PD_ERROR_NOTFOUND, "no outbox row %" G_GINT64_FORMAT, id);
		return FALSE;
	}
	*ticket_r = id % 10;
	*rcpt_r = g_strdup ("customer@example.net");
	return TRUE;
}

static gboolean
q_agent_by_address (void *self, const char *addr, gint64 *agent_r, gboolean *active_r,
                    char **name_r, GError **error)
{
	(void) self;
	*agent_r = 0;
	*active_r = FALSE;
	*name_r = NULL;
	if (busy (addr, error))
		return FALSE;
	if (g_str_has_prefix (addr, "agent")) {
		*agent_r = 3;
		*active_r = strstr (addr, "old") == NULL;
		*name_r = g_strdup ("Agent Smith");
	}
	return TRUE;
}

static gboolean
q_outbox_by_message_id (void *self, const char *mid, gint64 *outbox_r, GError **error)
{
	(void) self;
	*outbox_r = 0;
	if (busy (mid, error))
		return FALSE;
	if (strstr (mid, "outbox") != NULL)
		*outbox_r = 42;
	return TRUE;
}

static const PdQuery query = {
	NULL,
	q_ticket_by_message_id,
	q_ticket_queue,
	q_is_participant,
	q_outbox_row,
	q_agent_by_address,
	q_outbox_by_message_id,
};

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
	(void) argc;
	(void) argv;
	fuzz_quiet_logs ();
	pd_log_set_quiet (TRUE);
	g_mime_init ();
	skip_quote = g_getenv ("POSTDESK_FUZZ_SKIP_QUOTE") != NULL;
	secret = g_bytes_new_static ("0123456789abcdef0123456789abcdef", 32);
	envelopes[0] = pd_token_address (secret, "support@example.com", 'a', 3);
	envelopes[1] = pd_token_address (secret, "support@example.com", 't', 5);
	envelopes[2] = pd_token_address (secret, "bounces@example.com", 'o', 7);
	envelopes[3] = g_strdup ("sales+urgent@example.com");
	return 0;
}

static void
context_init (PdContext *ctx)
{
	pd_context_init (ctx);
	ctx->domain = "example.com";
	ctx->queues = queues;
	ctx->n_queues = G_N_ELEMENTS (queues);
	ctx->own_addresses = own_addresses;
	ctx->secret = secret;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	g_autoptr (GBytes) raw = g_bytes_new (data, size);
	g_autoptr (GError) error = NULL;
	g_autoptr (PdMail) mail = pd_mail_parse (raw, &limits, &error);
	PdContext ctx;

	if (mail == NULL) {
		/* the quarantine reason must exist and be in the documented domain */
		if (error == NULL || error->domain != PD_ERROR || error->message == NULL)
			abort ();
		return 0;
	}

	/* 1: postdesk classify */
	context_init (&ctx);
	if (!pd_chain_run (&ctx, mail, &error))
		abort (); /* without a store nothing can fail */
	if (pd_class_name (ctx.klass) == NULL || ctx.reason == NULL)
		abort ();
	pd_context_clear (&ctx);

	/* 2: deliver, with a store that knows a few tickets, agents and outbox rows */
	context_init (&ctx);
	ctx.query = &query;
	ctx.trusted_authserv = (size % 3) ? "mx.example.com" : NULL;
	ctx.envelope_from = (size % 2) ? "" : "customer@example.net";
	ctx.envelope_rcpt = envelopes[size % G_N_ELEMENTS (envelopes)];
	if (!pd_chain_run (&ctx, mail, &error)) {
		if (error == NULL)
			abort ();
		g_clear_error (&error);
	} else if (ctx.klass == PD_CLASS_HUMAN && ctx.queue == NULL) {
		abort (); /* human mail is always routed to some queue */
	}
	pd_context_clear (&ctx);

	/* classify's new_text (POSTDESK_FUZZ_SKIP_QUOTE: not, to fuzz parse and chain faster
	 * while the quote stripper still has slow paths) */
	if (!skip_quote) {
		g_autofree char *removed = NULL;
		g_autofree char *text = pd_quote_new_text (mail->body_text, &removed);

		if (text == NULL || removed == NULL || !g_utf8_validate (text, -1, NULL))
			abort ();
	}
	return 0;
}
