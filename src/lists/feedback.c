/* feedback.c - list feedback (feedback.h). Decisions only here; the scores' arithmetic is
 * bounce-score.c and the SQL store/list-feedback.c. Nothing is answered: the caller's ticket
 * path still stores the mail (and opens the ticket of a human reply). */
#include "lists/feedback.h"

#include <string.h>

#include "core/error.h"
#include "core/log.h"
#include "core/settings-lists.h"
#include "core/token.h"
#include "lists/bounce-score.h"
#include "store/list-feedback.h"

/* how much of the raw mail is searched for a token in a returned original */
#define SCAN_MAX (256 * 1024)

void
pd_list_feedback_clear (PdListFeedback *fb)
{
	g_clear_pointer (&fb->queue, g_free);
	memset (fb, 0, sizeof *fb);
}

gint64
pd_list_message_id_delivery (const char *mid, const char *domain, gint64 *campaign_r)
{
	const char *at, *p;

	*campaign_r = 0;
	if (mid == NULL || domain == NULL || (at = strrchr (mid, '@')) == NULL ||
	    g_ascii_strcasecmp (at + 1, domain) != 0)
		return 0;
	/* "c12.d345" anywhere in the local part, at its start or after a '.' */
	for (p = mid; p < at; p++) {
		gint64 c, d;
		char *end;

		if (*p != 'c' || (p > mid && p[-1] != '.') || !g_ascii_isdigit (p[1]))
			continue;
		c = g_ascii_strtoll (p + 1, &end, 10);
		if (end[0] != '.' || end[1] != 'd' || !g_ascii_isdigit (end[2]))
			continue;
		d = g_ascii_strtoll (end + 2, &end, 10);
		if (end > at || (*end != '.' && *end != '@') || c <= 0 || d <= 0)
			continue;
		*campaign_r = c;
		return d;
	}
	return 0;
}

/* A signed 'd' token in ADDR. */
static gint64
token_delivery (GBytes *secret, const char *addr)
{
	char kind = 0;
	gint64 id = 0;

	if (addr != NULL && pd_token_from_address (secret, addr, &kind, &id, NULL) && kind == 'd')
		return id;
	return 0;
}

/* "…+dID-SIG@…" anywhere in TEXT (a returned original's Return-Path, To or Received): the
 * first signed one. */
static gint64
token_in_text (GBytes *secret, const char *text, gsize len)
{
	static const char stop[] = " \t\r\n<>\"'(),;:[]=";
	const char *end = text + len, *p = text;
	guint tries = 0;

	/* each try is an HMAC: a report names its return path once or twice, not 64 times */
	while ((p = memchr (p, '+', end - p)) != NULL && tries < 64) {
		const char *s = p, *e = p + 1;

		p++;
		if (e >= end || *e != 'd')
			continue;
		/* an address is short: bounded both ways, so a hostile run of "+d" stays linear */
		while (s > text && p - s < 128 && strchr (stop, s[-1]) == NULL)
			s--;
		while (e < end && e - p < 128 && *e != '\0' && strchr (stop, *e) == NULL)
			e++;
		if (e - s > 0 && e - s < 256 && memchr (s, '@', e - s) != NULL) {
			g_autofree char *addr = g_strndup (s, e - s);
			gint64 id;

			tries++;
			id = token_delivery (secret, addr);
			if (id > 0)
				return id;
		}
	}
	return 0;
}

/* Campaign Message-IDs in TEXT ("<c1.d2.x@domain>"): the first that names a delivery. */
static gint64
message_id_in_text (const char *text, gsize len, const char *domain, gint64 *campaign_r)
{
	const char *end = text + len, *p = text;

	*campaign_r = 0;
	while ((p = memchr (p, '<', end - p)) != NULL) {
		const char *e = memchr (p, '>', MIN ((gsize) (end - p), 256));

		p++;
		if (e != NULL && p[0] == 'c') {
			g_autofree char *mid = g_strndup (p, e - p);
			gint64 d = pd_list_message_id_delivery (mid, domain, campaign_r);

			if (d > 0)
				return d;
		}
	}
	return 0;
}

/* Which delivery this mail is about, and whether by a signed token (SIGNED_R). */
static gint64
find_delivery (const PdSettings *s, GBytes *secret, const PdContext *ctx, const PdMail *mail,
               gint64 *campaign_r, gboolean *signed_r)
{
	static const char *const headers[] = { "Delivered-To", "X-Original-To", "Envelope-To", NULL };
	gint64 id;
	gsize len = 0;
	const char *raw;

	*campaign_r = 0;
	*signed_r = TRUE;
	if (ctx->bounce_delivery_id > 0)
		return ctx->bounce_delivery_id;
	if (secret == NULL)
		return 0;
	if ((id = token_delivery (secret, ctx->envelope_rcpt)) > 0)
		return id;
	for (guint i = 0; headers[i] != NULL; i++) {
		const char *h = pd_mail_header (mail, headers[i]);

		if (h != NULL && (id = token_in_text (secret, h, strlen (h))) > 0)
			return id;
	}
	for (guint i = 0; i < MIN (mail->to->len, 32u); i++)
		if ((id = token_delivery (secret, ((PdAddress *) mail->to->pdata[i])->addr)) > 0)
			return id;
	raw = mail->raw != NULL ? g_bytes_get_data (mail->raw, &len) : NULL;
	len = MIN (len, SCAN_MAX);
	/* reports carry the original: its return path, then its Message-ID */
	if (ctx->klass == PD_CLASS_BOUNCE || ctx->klass == PD_CLASS_DELAYED ||
	    ctx->klass == PD_CLASS_FEEDBACK) {
		if (raw != NULL && (id = token_in_text (secret, raw, len)) > 0)
			return id;
	}
	*signed_r = FALSE;
	if (ctx->klass == PD_CLASS_HUMAN || ctx->klass == PD_CLASS_VACATION ||
	    ctx->klass == PD_CLASS_AUTOREPLY) {
		if ((id = pd_list_message_id_delivery (mail->in_reply_to, s->domain, campaign_r)) > 0)
			return id;
		for (guint i = mail->references->len; i > 0; i--)
			if ((id = pd_list_message_id_delivery (mail->references->pdata[i - 1], s->domain,
			                                       campaign_r)) > 0)
				return id;
		return 0;
	}
	if (raw != NULL && (ctx->klass == PD_CLASS_FEEDBACK || ctx->klass == PD_CLASS_BOUNCE ||
	                    ctx->klass == PD_CLASS_DELAYED))
		return message_id_in_text (raw, len, s->domain, campaign_r);
	return 0;
}

gboolean
pd_list_bounce_status_sync (PdStore *store, gint64 subscriber, const char *status, double score,
                            double threshold, gint64 now, const char *evidence,
                            gboolean *changed_r, GError **error)
{
	g_autofree char *why = NULL;

	if (changed_r != NULL)
		*changed_r = FALSE;
	if (g_strcmp0 (status, "active") == 0 && score > 0) {
		why = g_strdup_printf ("bounce score %.2f (disabled at %.2f)", score, threshold);
		if (!pd_store_list_subscriber_status (store, subscriber, "bouncing", now, "bounce",
		                                      "bounce", evidence, why, error))
			return FALSE;
	} else if (g_strcmp0 (status, "bouncing") == 0 && score <= 0) {
		if (!pd_store_list_subscriber_status (store, subscriber, "active", now, "enable",
		                                      "bounce", evidence, "bounce score decayed to 0",
		                                      error))
			return FALSE;
	} else {
		return TRUE;
	}
	if (changed_r != NULL)
		*changed_r = TRUE;
	return TRUE;
}

static gboolean
bounce (PdStore *store, const PdListSettings *ls, const PdContext *ctx, const PdMail *mail,
        const PdListDelivery *d, gint64 intake_id, gint64 now, PdListFeedback *fb,
        GError **error)
{
	PdBounceScore b = { d->score, d->last_bounce_at, d->last_soft_at, d->score_at };
	gboolean disable = FALSE;
	g_autofree char *detail = g_strdup_printf (
		"%s %s%s%s", ctx->bounce_hard ? "hard" : "soft",
		ctx->bounce_status ? ctx->bounce_status : "no status", ctx->bounce_diagnostic ? " " : "",
		ctx->bounce_diagnostic ? ctx->bounce_diagnostic : "");

	fb->kind = ctx->bounce_hard ? "hard" : "soft";
	fb->score_added = pd_bounce_score_add (ls, &b, ctx->bounce_hard, now, &disable);
	if (!pd_store_list_bounce_add (store, d->subscriber_id, d->delivery_id, now, fb->kind,
	                               fb->score_added, intake_id, detail, error) ||
	    !pd_store_list_subscriber_score (store, d->subscriber_id, b.score, b.last_bounce_at,
	                                     b.last_soft_at, b.score_at, now, error) ||
	    !pd_store_list_delivery_bounced (store, d->delivery_id, detail, error))
		return FALSE;
	/* only a subscriber still mailed is disabled: an unsubscribed one stays unsubscribed */
	if (disable && (g_str_equal (d->status, "active") || g_str_equal (d->status, "bouncing"))) {
		g_autofree char *why = g_strdup_printf ("bounce score %.2f reached %.2f", b.score,
		                                        ls->bounce_threshold);

		if (!pd_store_list_subscriber_status (store, d->subscriber_id, "disabled", now,
		                                      "disable", "bounce", mail->message_id, why, error))
			return FALSE;
		fb->disabled = TRUE;
		return TRUE;
	}
	/* below the threshold: bouncing while the score is above 0 (a soft bounce that did not
	 * count may find it decayed to 0: active again) */
	return pd_list_bounce_status_sync (store, d->subscriber_id, d->status, b.score,
	                                   ls->bounce_threshold, now, mail->message_id, NULL, error);
}

/* Whether the returned report names ADDR in an Original-Rcpt-To or a To field (of the report
 * or of the returned headers): what someone who only knows a campaign's Message-ID (not
 * secret) cannot write. Bounded by SCAN_MAX; ADDR is lower case. */
static gboolean
report_names (const PdMail *mail, const char *addr)
{
	gsize len = 0, alen = addr != NULL ? strlen (addr) : 0;
	const char *raw = mail->raw != NULL ? g_bytes_get_data (mail->raw, &len) : NULL;
	const char *p, *end;

	if (raw == NULL || alen == 0)
		return FALSE;
	end = raw + MIN (len, SCAN_MAX);
	for (p = raw; p < end;) {
		const char *eol = memchr (p, '\n', end - p), *v = NULL;

		if (eol == NULL)
			eol = end;
		if (eol - p > 3 && g_ascii_strncasecmp (p, "To:", 3) == 0)
			v = p + 3;
		else if (eol - p > 16 && g_ascii_strncasecmp (p, "Original-Rcpt-To:", 17) == 0)
			v = p + 17;
		for (; v != NULL && v + alen <= eol; v++) {
			/* the address whole: not the tail of another, not a prefix of one */
			if (g_ascii_strncasecmp (v, addr, alen) == 0 &&
			    (v == p || strchr (" \t<;:,\"", v[-1]) != NULL) &&
			    (v + alen == eol || strchr (" \t\r>,;\"", v[alen]) != NULL))
				return TRUE;
		}
		p = eol + 1;
	}
	return FALSE;
}

gboolean
pd_list_feedback (PdStore *store, const PdSettings *s, GBytes *secret, const PdContext *ctx,
                  const PdMail *mail, gint64 intake_id, gint64 now, PdListFeedback *fb,
                  GError **error)
{
	g_autoptr (PdListDelivery) d = NULL;
	gint64 id, campaign = 0;
	gboolean signed_ = FALSE;
	const PdListSettings *ls = s->lists_feedback;
	g_autoptr (PdListSettings) defaults = NULL;

	memset (fb, 0, sizeof *fb);
	if (ctx->klass == PD_CLASS_LOOP || ctx->klass == PD_CLASS_LIST)
		return TRUE;
	if (ls == NULL)
		ls = defaults = pd_list_settings_defaults ();
	id = find_delivery (s, secret, ctx, mail, &campaign, &signed_);
	if (id > 0) {
		g_autoptr (GError) local = NULL;

		d = pd_store_list_delivery (store, id, &local);
		if (d == NULL && !g_error_matches (local, PD_ERROR, PD_ERROR_NOTFOUND)) {
			g_propagate_error (error, g_steal_pointer (&local));
			return FALSE;
		}
		/* an unsigned Message-ID must name the delivery's own campaign */
		if (d != NULL && !signed_ && d->campaign_id != campaign)
			g_clear_pointer (&d, pd_list_delivery_free);
	}
	if (d != NULL) {
		fb->delivery_id = d->delivery_id;
		fb->subscriber_id = d->subscriber_id;
		fb->list_id = d->list_id;
	}

	switch (ctx->klass) {
	case PD_CLASS_BOUNCE:
		if (d == NULL || !signed_)
			return TRUE; /* a bounce is believed only with the signed return path */
		if (!bounce (store, ls, ctx, mail, d, intake_id, now, fb, error))
			return FALSE;
		break;
	case PD_CLASS_DELAYED:
		if (d == NULL)
			return TRUE;
		fb->kind = "delayed";
		if (!pd_store_list_bounce_add (store, d->subscriber_id, d->delivery_id, now, "delayed", 0,
		                               intake_id, ctx->bounce_status, error))
			return FALSE;
		break;
	case PD_CLASS_VACATION:
	case PD_CLASS_AUTOREPLY:
		/* a success DSN (delivered, relayed, expanded) says the mail arrived: nothing to
		 * record about the subscriber, and it is no vacation */
		if (d == NULL || ctx->dsn_success)
			return TRUE;
		fb->kind = "vacation";
		if (!pd_store_list_bounce_add (store, d->subscriber_id, d->delivery_id, now, "vacation", 0,
		                               intake_id, ctx->reason, error))
			return FALSE;
		break;
	case PD_CLASS_FEEDBACK:
		if (d == NULL)
			return TRUE;
		/* a campaign's Message-ID is no secret: without the signed return path the report
		 * must also name the subscriber's address, or it is recorded against nobody (no
		 * campaign counts it) and changes nothing */
		if (!signed_ && !report_names (mail, d->address)) {
			g_autofree char *why = g_strdup_printf (
				"not believed: delivery %" G_GINT64_FORMAT " named by Message-ID only, the "
				"report does not name its recipient", d->delivery_id);

			pd_log_info ("intake=%" G_GINT64_FORMAT " list feedback: %s", intake_id, why);
			fb->delivery_id = fb->subscriber_id = fb->list_id = 0;
			return pd_store_list_bounce_add (store, 0, 0, now, "complaint", 0, intake_id, why,
			                                 error);
		}
		fb->kind = "complaint";
		if (!pd_store_list_bounce_add (store, d->subscriber_id, d->delivery_id, now, "complaint", 0,
		                               intake_id, ctx->reason, error))
			return FALSE;
		if (!g_str_equal (d->status, "unsubscribed")) {
			if (!pd_store_list_subscriber_status (store, d->subscriber_id, "unsubscribed", now,
			                                      "complaint", "complaint", mail->message_id,
			                                      ctx->reason, error))
				return FALSE;
			fb->unsubscribed = TRUE;
		}
		break;
	case PD_CLASS_HUMAN:
		if (ctx->ticket_id > 0 || ctx->agent_id > 0)
			return TRUE; /* it continues a ticket: the thread decides */
		if (d != NULL) {
			fb->queue = g_strdup (d->list_queue);
			fb->kind = "reply";
			if (!pd_store_list_bounce_add (store, d->subscriber_id, d->delivery_id, now, "reply",
			                               0, intake_id, mail->message_id, error))
				return FALSE;
		} else {
			/* mail to a list's own address is a reply to its announcements */
			gint64 list = 0;

			if (ctx->envelope_rcpt != NULL &&
			    !pd_store_list_by_address (store, ctx->envelope_rcpt, &list, &fb->queue, error))
				return FALSE;
			/* a list's address is among the first few; a hostile To of thousands is not
			 * a query each */
			for (guint i = 0; list == 0 && i < MIN (mail->to->len, 32u); i++)
				if (!pd_store_list_by_address (store, ((PdAddress *) mail->to->pdata[i])->addr,
				                               &list, &fb->queue, error))
					return FALSE;
			if (list == 0 && campaign > 0 &&
			    !pd_store_list_by_campaign (store, campaign, &list, &fb->queue, error))
				return FALSE;
			fb->list_id = list;
		}
		break;
	default:
		return TRUE;
	}
	if (fb->kind != NULL)
		pd_log_info ("intake=%" G_GINT64_FORMAT " list feedback: %s delivery=%" G_GINT64_FORMAT
		             " subscriber=%" G_GINT64_FORMAT " score+%.2f%s%s",
		             intake_id, fb->kind, fb->delivery_id, fb->subscriber_id, fb->score_added,
		             fb->disabled ? " disabled" : "", fb->unsubscribed ? " unsubscribed" : "");
	return TRUE;
}
