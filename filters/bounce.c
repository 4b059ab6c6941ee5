/* bounce.c - the bounce filter: delivery status notifications (RFC 3464), the non-standard
 * bounce texts of common MTAs, X-Failed-Recipients, and ARF feedback reports. It finds the
 * failed recipient, status and hard/soft, and correlates the bounce with an outbox row
 * (VERP token, then the original's Message-ID); it never marks anything itself (actions do). */
#include <string.h>
#include "filters/chain.h"
#include "core/error.h"
#include "core/token.h"
#include "bounce-internal.h"

static gboolean
is_daemon_local (const char *local, gsize len)
{
	static const char *const names[] = {
		"mailer-daemon", "mailer_daemon", "mailerdaemon", "postmaster", "post_master",
		"poostmaster", "mail-daemon", "mdaemon", NULL,
	};
	for (guint i = 0; names[i] != NULL; i++)
		if (strlen (names[i]) == len && g_ascii_strncasecmp (local, names[i], len) == 0)
			return TRUE;
	return FALSE;
}

/* From a mailer daemon or postmaster, or the null envelope sender. */
static gboolean
daemon_sender (const PdContext *ctx, const PdMail *mail)
{
	if (ctx->envelope_from != NULL && *ctx->envelope_from == '\0')
		return TRUE;
	if (mail->from == NULL)
		return FALSE;
	const char *addr = mail->from->addr;
	const char *at = strchr (addr, '@');
	if (is_daemon_local (addr, at != NULL ? (gsize) (at - addr) : strlen (addr)))
		return TRUE;
	if (mail->from->name != NULL) {
		g_autofree char *name = g_ascii_strdown (mail->from->name, -1);
		if (strstr (name, "mailer-daemon") || strstr (name, "mailer daemon") ||
		    strstr (name, "mail delivery") || strstr (name, "mail deliver system") ||
		    g_str_equal (name, "postmaster"))
			return TRUE;
	}
	return FALSE;
}

static const char *
bounce_subject (const char *subject)
{
	static const char *const marks[] = {
		"undelivered mail", "undeliverable", "delivery status notification",
		"mail delivery failed", "returned mail", "failure notice", "delivery failure",
		"delivery status", "mail system error", "non-delivery", "nondeliverable",
		"could not be delivered", "delivery has failed", "failed delivery", "failure delivery",
		"delivery notification", "error sending your mail", "undelivered message",
		"delayed mail", "returned to sender", "mail delivery problem", "delivery problem",
		"returning message to sender", "returning to sender", "mail failed", "delayed",
		"warning: message", "not delivered", "delivery failed", NULL,
	};
	static const char *const reply_prefixes[] = { "re:", "fw:", "fwd:", "aw:", "wg:", "sv:", "r:", NULL };
	if (subject == NULL)
		return NULL;
	g_autofree char *low = g_ascii_strdown (subject, -1);
	g_strstrip (low);
	for (guint i = 0; reply_prefixes[i] != NULL; i++)
		if (g_str_has_prefix (low, reply_prefixes[i]))
			return NULL;
	for (guint i = 0; marks[i] != NULL; i++)
		if (strstr (low, marks[i]) != NULL)
			return marks[i];
	return NULL;
}

static const char *
bounce_phrase (const char *text)
{
	static const char *const marks[] = {
		"could not be delivered", "couldn't be delivered", "delivery failed",
		"undeliverable", "permanent error", "failed permanently", "unable to deliver",
		"wasn't able to deliver", "was not able to deliver", "did not reach",
		"delivery to the following", "not be delivered", "delivery has failed",
		"following address", "following recipient", "could not deliver", "delivery problem",
		"message was not delivered", "user unknown", "delivery failure", "delivery error",
		"returned to sender", NULL,
	};
	g_autofree char *low = g_ascii_strdown (text, -1);
	for (guint i = 0; marks[i] != NULL; i++)
		if (strstr (low, marks[i]) != NULL)
			return marks[i];
	return NULL;
}

static gboolean
has_status_code (const char *text)
{
	g_autofree char *status = pd_bounce_status_in_text (text);
	return status != NULL;
}

/* Every address that is not a failed recipient: the bounce's own sender and recipients
 * (the original sender), and the original's From. */
static GPtrArray *
excluded_addresses (const PdMail *mail, const PdBounceParts *parts)
{
	GPtrArray *ex = g_ptr_array_new_with_free_func (g_free);
	if (mail->from != NULL)
		g_ptr_array_add (ex, g_strdup (mail->from->addr));
	for (guint i = 0; i < mail->to->len; i++)
		g_ptr_array_add (ex, g_strdup (((PdAddress *) mail->to->pdata[i])->addr));
	const char *rp = pd_mail_header (mail, "Return-Path");
	char *a = rp != NULL ? pd_bounce_clean_address (rp) : NULL;
	if (a != NULL)
		g_ptr_array_add (ex, a);
	g_autofree char *of = pd_bounce_header_in_block (parts->orig_headers, "From");
	if (of != NULL) {
		const char *lt = strchr (of, '<');
		a = pd_bounce_clean_address (lt != NULL ? lt : of);
		if (a != NULL)
			g_ptr_array_add (ex, a);
	}
	g_ptr_array_add (ex, NULL);
	return ex;
}

/* Prefer the first failed record, then the first delayed one, then the first. */
static PdBounceRecord *
pick_record (GPtrArray *records)
{
	for (guint i = 0; i < records->len; i++) {
		PdBounceRecord *r = records->pdata[i];
		if (r->action != NULL && g_str_equal (r->action, "failed"))
			return r;
	}
	for (guint i = 0; i < records->len; i++) {
		PdBounceRecord *r = records->pdata[i];
		if (r->action == NULL || (!g_str_has_prefix (r->action, "deliver") &&
		                          !g_str_equal (r->action, "relayed") &&
		                          !g_str_equal (r->action, "expanded")))
			return r;
	}
	return records->len > 0 ? records->pdata[0] : NULL;
}

/* VERP: bounces+o456-SIG@domain in the envelope recipient or the delivery headers.
 * FOUND_R: a valid token named a row. FALSE only on store trouble (ctx->error set); a row
 * that no longer exists is no trouble (the token still names it). */
static gboolean
correlate_verp (PdContext *ctx, const PdMail *mail, gboolean *found_r)
{
	*found_r = FALSE;
	if (ctx->secret == NULL)
		return TRUE;
	GPtrArray *cands = g_ptr_array_new_with_free_func (g_free);
	if (ctx->envelope_rcpt != NULL)
		g_ptr_array_add (cands, g_strdup (ctx->envelope_rcpt));
	static const char *const headers[] = { "Delivered-To", "X-Original-To", "Envelope-To", NULL };
	for (guint i = 0; headers[i] != NULL; i++) {
		char *a = pd_bounce_clean_address (pd_mail_header (mail, headers[i]));
		if (a != NULL)
			g_ptr_array_add (cands, a);
	}
	for (guint i = 0; i < mail->to->len; i++)
		g_ptr_array_add (cands, g_strdup (((PdAddress *) mail->to->pdata[i])->addr));

	gboolean found = FALSE;
	for (guint i = 0; i < cands->len && !found; i++) {
		char kind = 0;
		gint64 id = 0;
		if (pd_token_from_address (ctx->secret, cands->pdata[i], &kind, &id, NULL) &&
		    kind == 'o') {
			ctx->bounce_outbox_id = id;
			found = TRUE;
		}
	}
	g_ptr_array_unref (cands);
	if (!found)
		return TRUE;
	*found_r = TRUE;
	g_free (ctx->bounce_correlated_by);
	ctx->bounce_correlated_by = g_strdup ("verp");
	/* the row knows whom it was sent to: exact, whatever the remote MTA reports */
	if (ctx->query != NULL && ctx->query->outbox_row != NULL) {
		gint64 ticket = 0;
		g_autofree char *rcpt = NULL;
		g_autoptr (GError) error = NULL;
		if (!ctx->query->outbox_row (ctx->query->self, ctx->bounce_outbox_id, &ticket, &rcpt,
		                             &error)) {
			if (!g_error_matches (error, PD_ERROR, PD_ERROR_NOTFOUND)) {
				g_propagate_error (&ctx->error, g_steal_pointer (&error));
				return FALSE;
			}
		} else if (rcpt != NULL) {
			g_free (ctx->bounce_recipient);
			ctx->bounce_recipient = g_ascii_strdown (rcpt, -1);
		}
	}
	return TRUE;
}

/* FALSE only on store trouble (ctx->error set). */
static gboolean
correlate (PdContext *ctx, const PdMail *mail, const PdBounceParts *parts)
{
	gboolean verp = FALSE;
	if (!correlate_verp (ctx, mail, &verp))
		return FALSE;
	if (verp)
		return TRUE;
	g_autofree char *mid = pd_bounce_header_in_block (parts->orig_headers, "Message-ID");
	if (mid != NULL && ctx->query != NULL && ctx->query->outbox_by_message_id != NULL) {
		g_autofree char *bare = g_strdup (mid + (mid[0] == '<'));
		bare[strcspn (bare, "> \t")] = '\0';
		gint64 outbox = 0;
		if (!ctx->query->outbox_by_message_id (ctx->query->self, bare, &outbox, &ctx->error))
			return FALSE;
		if (outbox != 0) {
			ctx->bounce_outbox_id = outbox;
			g_free (ctx->bounce_correlated_by);
			ctx->bounce_correlated_by = g_strdup ("message-id");
			return TRUE;
		}
	}
	if (ctx->bounce_recipient != NULL) {
		g_free (ctx->bounce_correlated_by);
		ctx->bounce_correlated_by = g_strdup ("final-recipient");
	}
	return TRUE;
}

/* Amazon SES / SNS JSON notifications: {"notificationType":"Bounce",...}. */
static gboolean
ses_notification (const char *text, PdClass *klass_r, PdBounceRecord **rec_r)
{
	if (text == NULL || strstr (text, "notificationType") == NULL)
		return FALSE;
	GString *flat = g_string_new (NULL);
	for (const char *p = text; *p != '\0'; p++)
		if (*p != '\\' && *p != '\n' && *p != '\r')
			g_string_append_c (flat, *p);
	const char *type = strstr (flat->str, "\"notificationType\":\"");
	gboolean ok = type != NULL;
	if (ok) {
		type += strlen ("\"notificationType\":\"");
		if (g_str_has_prefix (type, "Bounce"))
			*klass_r = PD_CLASS_BOUNCE;
		else if (g_str_has_prefix (type, "Complaint"))
			*klass_r = PD_CLASS_FEEDBACK;
		else
			*klass_r = PD_CLASS_AUTOREPLY;
		PdBounceRecord *rec = g_new0 (PdBounceRecord, 1);
		const char *e = strstr (type, "\"emailAddress\":\"");
		if (e != NULL)
			rec->recipient = pd_bounce_clean_address (e + strlen ("\"emailAddress\":\""));
		const char *s = strstr (type, "\"status\":\"");
		if (s != NULL) {
			s += strlen ("\"status\":\"");
			rec->status = g_strndup (s, strcspn (s, "\""));
		}
		const char *d = strstr (type, "\"diagnosticCode\":\"");
		if (d != NULL) {
			d += strlen ("\"diagnosticCode\":\"");
			rec->diagnostic = g_strndup (d, strcspn (d, "\""));
		}
		rec->action = g_strdup (*klass_r == PD_CLASS_BOUNCE ? "failed" : "delivered");
		*rec_r = rec;
	}
	g_string_free (flat, TRUE);
	return ok;
}

/* Addresses listed in X-Failed-Recipients, lower case. */
static GPtrArray *
failed_recipients_header (const PdMail *mail)
{
	GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
	const char *v = pd_mail_header (mail, "X-Failed-Recipients");
	if (v == NULL)
		return out;
	g_auto (GStrv) items = g_strsplit (v, ",", -1);
	for (guint i = 0; items[i] != NULL; i++) {
		char *a = pd_bounce_clean_address (items[i]);
		if (a != NULL)
			g_ptr_array_add (out, a);
	}
	return out;
}

static void
fill_result (PdContext *ctx, const PdBounceRecord *rec, const char *text)
{
	if (rec != NULL && rec->recipient != NULL && ctx->bounce_recipient == NULL)
		ctx->bounce_recipient = g_strdup (rec->recipient);
	char *status = rec != NULL && rec->status != NULL ? g_strdup (rec->status) : NULL;
	const char *diag = rec != NULL && rec->diagnostic != NULL ? rec->diagnostic : text;
	if (status == NULL || !g_ascii_isdigit (status[0]) || status[1] != '.')
		g_clear_pointer (&status, g_free);
	if (status == NULL && diag != NULL)
		status = pd_bounce_status_in_text (diag);
	if ((status == NULL || g_str_has_suffix (status, ".0.0")) && diag != NULL) {
		char *p = pd_bounce_status_from_phrase (diag, NULL);
		if (p != NULL && (status == NULL || status[0] == p[0])) {
			g_free (status);
			status = p;
		} else {
			g_free (p);
		}
	}
	if (status == NULL && text != NULL && diag != text)
		status = pd_bounce_status_in_text (text);
	if (status == NULL)
		status = g_strdup ("5.0.0");
	g_free (ctx->bounce_status);
	ctx->bounce_status = status;
	ctx->bounce_hard = status[0] == '5';
	g_free (ctx->bounce_diagnostic);
	ctx->bounce_diagnostic = diag != NULL ? g_strstrip (g_strndup (diag, MIN (strlen (diag), 500)))
	                                      : NULL;
}

static PdVerdict
finish (PdContext *ctx, const PdMail *mail, const PdBounceParts *parts, PdClass klass)
{
	if (klass == PD_CLASS_DELAYED) {
		ctx->bounce_hard = FALSE;
		if (ctx->bounce_status != NULL && ctx->bounce_status[0] == '5')
			ctx->bounce_status[0] = '4';
	}
	if (!correlate (ctx, mail, parts))
		return PD_FAIL;
	return PD_STOP;
}

static PdVerdict
bounce_run (PdContext *ctx, const PdMail *mail)
{
	g_autoptr (PdBounceParts) parts = pd_bounce_parts_collect (mail->message);
	const char *text = parts->text->str;

	/* ARF abuse / opt-out reports */
	if ((parts->report_type != NULL && g_str_equal (parts->report_type, "feedback-report")) ||
	    parts->feedback->len > 0) {
		g_autofree char *ftype = pd_bounce_header_in_block (parts->feedback->str, "Feedback-Type");
		g_autofree char *rcpt = pd_bounce_header_in_block (parts->feedback->str, "Original-Rcpt-To");
		ctx->bounce_recipient = pd_bounce_clean_address (rcpt);
		if (ctx->bounce_recipient == NULL) {
			g_autofree char *to = pd_bounce_header_in_block (parts->orig_headers, "To");
			ctx->bounce_recipient = pd_bounce_clean_address (to != NULL && strchr (to, '<') ? strchr (to, '<') : to);
		}
		pd_context_set_class (ctx, PD_CLASS_FEEDBACK, "arf Feedback-Type: %s",
		                      ftype != NULL ? ftype : "unknown");
		return PD_STOP;
	}

	/* provider JSON notifications */
	PdClass ses_class;
	g_autoptr (PdBounceRecord) ses = NULL;
	if (ses_notification (mail->body_text, &ses_class, &ses)) {
		if (ses_class == PD_CLASS_BOUNCE)
			fill_result (ctx, ses, NULL);
		else
			ctx->bounce_recipient = g_strdup (ses->recipient);
		pd_context_set_class (ctx, ses_class, "json notificationType %s",
		                      pd_class_name (ses_class));
		return ses_class == PD_CLASS_BOUNCE ? finish (ctx, mail, parts, ses_class) : PD_STOP;
	}

	g_autoptr (GPtrArray) records = pd_bounce_dsn_parse (parts->dsn->str);
	gboolean dsn_in_text = FALSE;
	if (records->len == 0) {
		const char *texts[] = { text, mail->body_text, NULL };
		for (guint i = 0; texts[i] != NULL && records->len == 0; i++) {
			g_autofree char *low = g_ascii_strdown (texts[i], -1);
			if (strstr (low, "final-recipient:") == NULL)
				continue;
			g_ptr_array_unref (records);
			records = pd_bounce_dsn_parse (texts[i]);
			dsn_in_text = records->len > 0;
		}
	}
	g_autoptr (GPtrArray) xfailed = failed_recipients_header (mail);
	gboolean daemon = daemon_sender (ctx, mail);
	const char *subj = bounce_subject (mail->subject);
	const char *phrase = bounce_phrase (text);

	g_autofree char *rule = NULL;
	if (records->len > 0)
		rule = NULL; /* named below from the record's Action */
	else if (parts->report_type != NULL && g_str_equal (parts->report_type, "delivery-status"))
		rule = g_strdup ("multipart/report report-type=delivery-status");
	else if (xfailed->len > 0)
		rule = g_strdup_printf ("header X-Failed-Recipients: %s", (char *) xfailed->pdata[0]);
	else if (subj != NULL && (daemon || parts->has_original || phrase != NULL))
		rule = g_strdup_printf ("subject \"%s\"", subj);
	else if (daemon && phrase != NULL)
		rule = g_strdup_printf ("text \"%s\" from %s", phrase,
		                        mail->from != NULL ? mail->from->addr : "<>");
	else if (daemon && pd_bounce_text_is_delay (text))
		rule = g_strdup_printf ("delay warning from %s",
		                        mail->from != NULL ? mail->from->addr : "<>");
	else if (daemon && (parts->has_original || has_status_code (text)))
		rule = g_strdup_printf ("returned message from %s",
		                        mail->from != NULL ? mail->from->addr : "<>");
	else
		return PD_CONTINUE;

	/* a standard report */
	if (records->len > 0) {
		PdBounceRecord *rec = pick_record (records);
		const char *action = rec->action != NULL ? rec->action : "failed";
		if (g_str_has_prefix (action, "deliver") || g_str_equal (action, "relayed") ||
		    g_str_equal (action, "expanded")) {
			/* success notice: automatic mail, not a bounce */
			ctx->bounce_recipient = g_strdup (rec->recipient);
			pd_context_set_class (ctx, PD_CLASS_AUTOREPLY, "dsn Action: %s", action);
			return PD_STOP;
		}
		fill_result (ctx, rec, text);
		gboolean delayed = g_str_equal (action, "delayed");
		pd_context_set_class (ctx, delayed ? PD_CLASS_DELAYED : PD_CLASS_BOUNCE,
		                      "dsn%s Action: %s", dsn_in_text ? " (in text)" : "", action);
		return finish (ctx, mail, parts, delayed ? PD_CLASS_DELAYED : PD_CLASS_BOUNCE);
	}

	/* a text bounce */
	g_autoptr (GPtrArray) ex = excluded_addresses (mail, parts);
	g_autoptr (GPtrArray) found = pd_bounce_text_parse (text, (const char *const *) ex->pdata);
	if (found->len == 0) {
		/* the failed address may equal the sender (forwarding, tests, anonymised mail) */
		g_ptr_array_unref (found);
		found = pd_bounce_text_parse (text, NULL);
	}
	PdBounceRecord *rec = NULL;
	g_autoptr (PdBounceRecord) xrec = NULL;
	if (xfailed->len > 0) {
		for (guint i = 0; i < found->len && rec == NULL; i++)
			if (g_str_equal (((PdBounceRecord *) found->pdata[i])->recipient, xfailed->pdata[0]))
				rec = found->pdata[i];
		if (rec == NULL) {
			xrec = g_new0 (PdBounceRecord, 1);
			xrec->recipient = g_strdup (xfailed->pdata[0]);
			rec = xrec;
		}
	} else if (found->len > 0) {
		rec = found->pdata[0];
	}
	if (rec == NULL) {
		/* no address in the text: the original's To, when it names one */
		g_autofree char *to = pd_bounce_header_in_block (parts->orig_headers, "To");
		if (to != NULL && strchr (to, ',') == NULL) {
			xrec = g_new0 (PdBounceRecord, 1);
			const char *lt = strchr (to, '<');
			xrec->recipient = pd_bounce_clean_address (lt != NULL ? lt : to);
			rec = xrec;
		}
	}
	fill_result (ctx, rec, text);
	const char *why = NULL;
	g_autofree char *inferred = pd_bounce_status_from_phrase (text, &why);
	gboolean delayed = pd_bounce_text_is_delay (text) || pd_bounce_text_is_delay (mail->subject);
	if (why != NULL)
		pd_context_set_class (ctx, delayed ? PD_CLASS_DELAYED : PD_CLASS_BOUNCE, "%s, text \"%s\"",
		                      rule, why);
	else
		pd_context_set_class (ctx, delayed ? PD_CLASS_DELAYED : PD_CLASS_BOUNCE, "%s", rule);
	return finish (ctx, mail, parts, delayed ? PD_CLASS_DELAYED : PD_CLASS_BOUNCE);
}

const PdFilter pd_filter_bounce = { "bounce", bounce_run };
