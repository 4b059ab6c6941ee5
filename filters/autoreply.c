/* autoreply.c - the autoreply filter: RFC 3834 Auto-Submitted, Precedence, the X-Autoreply
 * family and vendor headers, Exchange out-of-office markers, multilingual out-of-office
 * subjects, robot senders, and mailing-list mail (class list). It classifies only and never
 * stops the chain: the thread filter still files an autoreply on its ticket. It leaves a class
 * set by an earlier filter alone. X-Auto-Response-Suppress alone is NOT automatic (Outlook
 * puts it on ordinary mail). */
#include <string.h>
#include "filters/chain.h"
#include "mail/quote.h"
#include "bounce-internal.h"

/* How much of the body the content checks read: automatic replies say it at the top. */
#define BODY_HEAD_MAX 4000

/* Challenge-response systems, by the domain they send from (From, Reply-To, Message-ID);
 * from the services' own public help pages on their confirmation mail. */
static const char *const challenge_domains[] = {
	"boxbe.com", "bluebottle.com", "spamarrest.com", "mailblocks.com", "sorbs.net",
	"choicemail.com", "digiportal.com", "sendio.com", "spamcease.com", "cleanmymailbox.com", NULL,
};

/* Challenge wording, all three kinds needed: an ask to confirm, what it is about (the
 * sender being a person, an approved-senders list), and that the mail is held until then
 * (a customer asking "did your spam filter block my mail?" says only two of them). From the
 * public confirmation texts of TMDA (its templates), SpamArrest, Boxbe and qconfirm. */
static const char *const challenge_ask[] = { "confirm", "verify", "verification", "validate", "prove",
	"request form", "added to my list", "to be added to", "authorize", "authorise",
	"registration request", "bestätigen", "confirmer", "confirme", "verifique", "verificare", NULL };
static const char *const challenge_about[] = {
	"you are human", "you are a human", "you're human", "a real person", "not a machine",
	"not a robot", "not a spammer", "approved senders", "approved list", "whitelist",
	"white list", "guest list", "allowed senders", "spam protection", "protecting myself",
	"to control spam", "anti-spam", "junk mail", "bestätigen sie, dass sie ein mensch",
	"approved beforehand", "senders i have approved", "people i know", "reduce spam",
	"spam robot", "a human being", "i have approved", "pre-approved", "legitimate sender",
	"kein spammer", "pas un robot", "no es un robot", "ein mensch",
	"confirmer que vous êtes", NULL,
};
static const char *const challenge_held[] = {
	"will be delivered", "be delivered once", "be delivered after", "will then be delivered",
	"has been held", "is being held", "is on hold", "been quarantined", "once you confirm",
	"until you confirm", "after you confirm", "wird erst zugestellt", "sera délivré", "sera remis",
	"is pending", "before it is delivered", "once i approve", "receive your original message",
	"original message will be delivered", "do not need to resend", "don't need to resend",
	"held pending", "pending verification", "awaiting verification", "en attente", "zurückgehalten",
	NULL,
};

/* Sentences only a responder writes about itself, in the new text of a mail (not in a quote
 * of one): enough without any header. From the default texts of Outlook rules, Zendesk,
 * Freshdesk and osTicket acknowledgements, and RFC 3834's examples. */
static const char *const self_declared[] = {
	"this is an automatic reply", "this is an automated reply", "this is an automated response",
	"this is an automatic response", "this is an auto-reply", "this is an autoreply",
	"this is an automatically generated", "this message was automatically generated",
	"this email was automatically generated", "this e-mail was automatically generated",
	"this is an automated message", "this is an automatic message",
	"dies ist eine automatische antwort", "dies ist eine automatisch generierte",
	"ceci est une réponse automatique", "ceci est un message automatique",
	"esta es una respuesta automática", "questa è una risposta automatica",
	"dit is een automatisch antwoord", "detta är ett automatiskt svar",
	"dette er et automatisk svar", "tämä on automaattinen vastaus",
	"to jest automatyczna odpowiedź", "это автоматический ответ",
	/* the "do not reply" footers of ticket systems' and shops' acknowledgements */
	"this is an automated", "this is an automatic", "this message is automatically generated",
	"this email is automatically generated", "this is an auto-generated", "auto-generated message",
	"automatically generated message", "please do not reply to this email",
	"please do not reply to this e-mail", "please do not reply to this message",
	"do not reply to this email", "do not reply to this e-mail", "do not reply to this message",
	"this mailbox is not monitored", "this mailbox is unmonitored", "address is not monitored",
	"this is an unmonitored", "bitte antworten sie nicht auf diese", "merci de ne pas répondre à ce",
	"por favor, no responda a este", "si prega di non rispondere a questa", NULL,
};

/* Automatic-reply wording in a body; with Precedence bulk/list it makes an autoreply, not
 * list mail (RFC 3834 asks responders to send Precedence-free mail, many send "bulk"). */
static const char *const auto_body[] = {
	"this is an automatic reply", "this is an automated reply", "this is an automated response",
	"this is an automatic response", "automatic reply", "auto-reply", "autoreply",
	"automated response", "automated reply", "do not reply to this", "not monitored",
	"we have received your message", "we have received your email", "we received your message",
	"thank you for your message", "thank you for your email", "diese nachricht wurde automatisch",
	"automatische antwort", "réponse automatique", "respuesta automática", "risposta automatica",
	NULL,
};
static const char *const vacation_body[] = {
	"out of the office", "out of office", "on vacation", "on holiday", "on leave", "away from the office",
	"not be reading my mail", "will be read when i", "when i return", "when i'm back", "when i am back",
	"until i return", "i am currently away", "i'm currently away", "back in the office", "back in office",
	"limited access to email", "limited access to e-mail", "nicht im büro", "abwesend", "im urlaub",
	"absent du bureau", "je suis absent", "en congés", "fuera de la oficina", "fuori ufficio",
	"afwezig", "frånvarande", "poissa toimistolta", NULL,
};

/* Out-of-office subjects, matched at the start of the subject (lower case, UTF-8). */
static const char *const oof_prefixes[] = {
	"auto:", "automatic reply", "auto reply", "auto-reply", "autoreply", "auto response",
	"auto-response", "autoresponse", "out of office", "out of the office", "out-of-office",
	"ooo:", "autosvar", "automatisk svar", "automatisch antwoord", "automatische antwort",
	"abwesenheitsnotiz", "risposta non al computer", "risposta automatica",
	"fuori sede", "respuesta automática", "respuesta automatica", "réponse automatique",
	"reponse automatique", "frånvaro", "resposta automática", "automaattinen vastaus",
	"automatyczna odpowiedź", "automatikus válasz", "автоответ", "自動応答", "自动回复",
	"on vacation", "away until", "i am away", "away from my mail", "away from my email",
	"automated reply", "automated response", "automatic response", "autoresponder",
	"auto-responder", "[auto-reply]", "[auto reply]", "[autoreply]", "i am out of the office", "i'm out of the office",
	"i am out of office", "i'm out of office",
	"abwesend:", "außer haus", "ausser haus", "absent du bureau", "absence du bureau",
	"fuera de la oficina", "fuori ufficio", "frånvaromeddelande", "poissa toimistolta",
	/* Outlook's "Automatic reply:" subject prefix as its localized versions write it */
	"odpowiedź automatyczna", "автоматический ответ", "автоматична відповідь", "自動返信",
	"自动答复", "自動回覆", "automatická odpověď", "automatická odpoveď", "otomatik yanıt",
	"otomatik cevap", "αυτόματη απάντηση", "자동 회신", "răspuns automat", "automatski odgovor",
	"samodejni odgovor", "automaatne vastus", "automātiskā atbilde", "automatinis atsakymas",
	"автоматичен отговор", "תשובה אוטומטית", "رد تلقائي", "balasan automatik",
	"balasan otomatis", "trả lời tự động", "ตอบกลับอัตโนมัติ",
	NULL,
};

/* What may follow an out-of-office subject prefix that does not end in ':' ("Out of office
 * AutoReply: x", "On vacation until May 4"); anything else ("Out of office hours support?",
 * "I'm out of licences", "Automatic reply for the team mailbox") is a person's subject. */
static const char *const oof_continuations[] = {
	"autoreply", "auto reply", "auto-reply", "reply", "re:", "aw:", "sv:", "vs:", "until", "till",
	"through", "from", "on", "notice", "notification", "message", "bis", "jusqu", "hasta", "fino",
	"tot", "till", "t.o.m", "do", "до", "mit", "von", "vom", "du", "del", "dal", "van", "fra",
	"från", NULL,
};

/* Out-of-office wording anywhere in the subject; used to tell vacation from other autoreplies
 * once a header has already said the mail is automatic. */
static const char *const oof_words[] = {
	"out of office", "out of the office", "vacation", "away until", "away from", "abwesen",
	"holiday", "on leave", "absent", "congés", "urlaub", "automatic reply", "auto reply",
	"autoreply", "auto-reply", NULL,
};

static const char *
match_prefix (const char *const *list, const char *low)
{
	for (guint i = 0; list[i] != NULL; i++)
		if (g_str_has_prefix (low, list[i]))
			return list[i];
	return NULL;
}

/* An out-of-office subject prefix in LOW (a lower-case subject) that the rest of the subject
 * does not turn into a person's subject: a question is never one, and a prefix not ending in
 * ':' must be followed by the end, a punctuation mark or a word of oof_continuations. */
static const char *
match_oof_subject (const char *low)
{
	const char *hit = match_prefix (oof_prefixes, low);
	if (hit == NULL || g_str_has_suffix (low, "?"))
		return NULL;
	const char *rest = low + strlen (hit);
	if (g_str_has_suffix (hit, ":") || g_str_has_suffix (hit, " until"))
		return hit;
	while (*rest == ' ' || *rest == '\t')
		rest++;
	if (*rest == '\0' || strchr (":-([*/|,.!", *rest) != NULL || g_str_has_prefix (rest, "：") ||
	    g_str_has_prefix (rest, "–") || g_str_has_prefix (rest, "—"))
		return hit;
	for (guint i = 0; oof_continuations[i] != NULL; i++) {
		gsize n = strlen (oof_continuations[i]);
		if (strncmp (rest, oof_continuations[i], n) == 0 &&
		    (rest[n] == '\0' || !g_ascii_isalpha (rest[n]) || oof_continuations[i][n - 1] == ':'))
			return hit;
	}
	return NULL;
}

static const char *
match_word (const char *const *list, const char *low)
{
	for (guint i = 0; list[i] != NULL; i++)
		if (strstr (low, list[i]) != NULL)
			return list[i];
	return NULL;
}

static char *lower_subject (const PdMail *mail);

/* g_utf8_strdown, with ASCII text (most mail) lowered byte by byte: the same result at a
 * fraction of the cost, and the filters lower the head of every mail (issue 10). */
static char *
lower_text (const char *s, gssize len)
{
	gsize n = len < 0 ? strlen (s) : strnlen (s, (gsize) len);
	char *low;
	gsize i;

	/* a word at a time, then a loop the compiler widens: g_ascii_strdown calls a function
	 * per byte, and two 4 KB heads per mail made it a few percent of processing (issue 10,
	 * cpu). Only A-Z change, as there. */
	for (i = 0; i + 8 <= n; i += 8) {
		guint64 w;

		memcpy (&w, s + i, 8);
		if (w & G_GUINT64_CONSTANT (0x8080808080808080))
			return g_utf8_strdown (s, n);
	}
	for (; i < n; i++)
		if ((guchar) s[i] >= 0x80)
			return g_utf8_strdown (s, n);
	low = g_malloc (n + 1);
	for (i = 0; i < n; i++) {
		guchar c = (guchar) s[i];

		low[i] = (char) (c + ((guchar) (c - 'A') < 26 ? 'a' - 'A' : 0));
	}
	low[n] = '\0';
	return low;
}

/* The head of the body, lower case (transfer full). */
static char *
lower_body (const PdMail *mail)
{
	const char *body = mail->body_text != NULL ? mail->body_text : "";
	gsize len = strnlen (body, BODY_HEAD_MAX + 1); /* not the whole text's length */
	if (len > BODY_HEAD_MAX) {
		len = BODY_HEAD_MAX;
		while (len > 0 && (body[len] & 0xc0) == 0x80)
			len--; /* not in the middle of a character */
	}
	return lower_text (body, len);
}

/* Whether the address in VALUE (a header or an address) is at one of DOMAINS or below. */
static gboolean
at_domain (const char *value, const char *const *domains)
{
	if (value == NULL)
		return FALSE;
	g_autofree char *low = g_ascii_strdown (value, -1);
	for (guint i = 0; domains[i] != NULL; i++) {
		const char *hit = strstr (low, domains[i]);
		if (hit != NULL && hit > low && (hit[-1] == '@' || hit[-1] == '.'))
			return TRUE;
	}
	return FALSE;
}

const char *
pd_challenge_response_rule (const PdMail *mail)
{
	const char *agent = pd_mail_header (mail, "X-Delivery-Agent");
	if (agent != NULL && strstr (agent, "TMDA") != NULL)
		return "header X-Delivery-Agent: TMDA";
	if ((mail->from != NULL && at_domain (mail->from->addr, challenge_domains)) ||
	    at_domain (pd_mail_header (mail, "Reply-To"), challenge_domains) ||
	    at_domain (pd_mail_header (mail, "Message-ID"), challenge_domains))
		return "sender of a challenge-response service";
	g_autofree char *body = lower_body (mail);
	g_autofree char *subj = lower_subject (mail);
	gboolean ask = match_word (challenge_ask, body) != NULL || match_word (challenge_ask, subj) != NULL;
	if (ask && match_word (challenge_about, body) != NULL && match_word (challenge_held, body) != NULL)
		return "text asks to confirm a human sender";
	return NULL;
}

const char *
pd_challenge_response_once (PdContext *ctx, const PdMail *mail)
{
	if (!ctx->challenge_known) {
		ctx->challenge = pd_challenge_response_rule (mail);
		ctx->challenge_known = TRUE;
	}
	return ctx->challenge;
}

static char *
lower_subject (const PdMail *mail)
{
	char *s = lower_text (mail->subject != NULL ? mail->subject : "", -1);
	return g_strstrip (s);
}

/* Robot senders: local parts that no person writes from. */
static const char *
robot_sender (const PdMail *mail)
{
	static const char *const locals[] = {
		"mailer-daemon", "mailer_daemon", "mailerdaemon", "postmaster", "post_master",
		"noreply", "no-reply", "no_reply", "donotreply", "do-not-reply", "do_not_reply",
		"majordomo", "listserv", "listproc", "mailman", "ezmlm", "sympa", "mlmmj", NULL,
	};
	if (mail->from == NULL)
		return NULL;
	const char *addr = mail->from->addr;
	const char *at = strchr (addr, '@');
	gsize len = at != NULL ? (gsize) (at - addr) : strlen (addr);
	g_autofree char *local = g_ascii_strdown (addr, len);
	for (guint i = 0; locals[i] != NULL; i++) {
		/* "noreply", "noreply-123", "no-reply.notifications" */
		if (g_str_has_prefix (local, locals[i]) &&
		    (local[strlen (locals[i])] == '\0' || !g_ascii_isalpha (local[strlen (locals[i])])))
			return locals[i];
	}
	if (g_str_has_suffix (local, "-request"))
		return "-request";
	return NULL;
}

/* Headers whose mere presence means an automatic reply (osTicket, RT, FirstClass, Znuny). */
static const char *const presence_headers[] = {
	"X-Autoreply", "X-Autorespond", "X-Autoresponse", "X-AutoReply-From", "X-Mail-Autoreply",
	"X-Autoresponder", "X-Vacation", "X-OTRS-Loop", "X-No-Loop", NULL,
};

/* A header NAME: VALUE pair that marks automatic mail; VALUE NULL = any. */
typedef struct {
	const char *name;
	const char *value; /* case-insensitive prefix of the value */
} HeaderValue;

static const HeaderValue value_headers[] = {
	{ "X-Autogenerated", "reply" },
	{ "X-AMAZON-MAIL-RELAY-TYPE", "notification" },
	{ "X-FC-MachineGenerated", "true" },
	{ "X-Amazon-Auto-Reply", NULL },
	{ "X-Auto-Generated", NULL },
	{ "X-Autogenerated", NULL },
	{ "X-Mailer-Daemon", NULL },
	{ NULL, NULL },
};

static gboolean
value_is (const char *value, const char *want)
{
	g_autofree char *v = g_strstrip (g_ascii_strdown (value, -1));
	return g_str_has_prefix (v, want);
}

/* Decide between vacation and plain autoreply once a rule has fired. */
static PdClass
vacation_or_auto (const PdMail *mail, const char *low_subject, const char *auto_submitted)
{
	if (auto_submitted != NULL) {
		g_autofree char *v = g_ascii_strdown (auto_submitted, -1);
		if (strstr (v, "vacation") != NULL || strstr (v, "owner-email=") != NULL)
			return PD_CLASS_VACATION;
	}
	if (pd_mail_header (mail, "X-MS-Exchange-Inbox-Rules-Loop") != NULL &&
	    pd_mail_header (mail, "X-Auto-Response-Suppress") != NULL)
		return PD_CLASS_VACATION;
	if (match_oof_subject (low_subject) != NULL ||
	    match_word (oof_words, low_subject) != NULL)
		return PD_CLASS_VACATION;
	/* sieve vacation, Gmail and Zimbra answer "Re: SUBJECT": the text says it is an absence */
	g_autofree char *body = lower_body (mail);
	if (match_word (vacation_body, body) != NULL)
		return PD_CLASS_VACATION;
	return PD_CLASS_AUTOREPLY;
}

static gboolean
is_list_mail (const PdMail *mail, const char **header_r)
{
	static const char *const list_headers[] = {
		"List-Id", "List-Unsubscribe", "List-Post", "Mailing-List", "X-Mailing-List",
		"List-Help", "X-BeenThere", NULL,
	};
	for (guint i = 0; list_headers[i] != NULL; i++) {
		if (pd_mail_header (mail, list_headers[i]) != NULL) {
			*header_r = list_headers[i];
			return TRUE;
		}
	}
	if (mail->sender != NULL) {
		const char *a = mail->sender->addr;
		const char *at = strchr (a, '@');
		gsize len = at != NULL ? (gsize) (at - a) : strlen (a);
		g_autofree char *local = g_ascii_strdown (a, len);
		if (g_str_has_prefix (local, "owner-") || g_str_has_suffix (local, "-owner") ||
		    g_str_has_suffix (local, "-bounces") || g_str_has_suffix (local, "-request")) {
			*header_r = "Sender";
			return TRUE;
		}
	}
	return FALSE;
}

/* A responder's sentence about itself in the head of the new text, or NULL. */
static const char *
self_declared_rule (const PdMail *mail)
{
	if (mail->body_text == NULL)
		return NULL;
	/* the head is enough: a responder says it first; the quote of one is not its own */
	g_autofree char *head = g_strndup (mail->body_text, BODY_HEAD_MAX);
	const char *valid_end;
	g_utf8_validate (head, -1, &valid_end);
	head[valid_end - head] = '\0';
	/* the new text is lines of the head, unchanged, and no phrase spans a line: a head
	 * without any phrase has none in its new text either, and reply extraction (most of the
	 * chain's cost, issue 10) is not needed to know that */
	g_autofree char *low_head = lower_text (head, -1);
	if (match_word (self_declared, low_head) == NULL)
		return NULL;
	g_autofree char *text = pd_quote_new_text (head, NULL);
	g_autofree char *low = lower_text (text, -1);
	return match_word (self_declared, low);
}

/* With --explain: every automatic-mail signal present, whether or not it decided. */
static void
explain (PdContext *ctx, const PdMail *mail, const char *subj)
{
	static const char *const names[] = { "Auto-Submitted", "X-MS-Exchange-Inbox-Rules-Loop",
		"X-Auto-Response-Suppress", "Precedence", "X-Precedence", "X-Loop", "List-Id",
		"List-Unsubscribe", NULL };
	const char *hit;

	for (guint i = 0; names[i] != NULL; i++)
		if (pd_mail_header (mail, names[i]) != NULL)
			pd_context_note (ctx, "autoreply: header %s: %s", names[i], pd_mail_header (mail, names[i]));
	for (guint i = 0; presence_headers[i] != NULL; i++)
		if (pd_mail_header (mail, presence_headers[i]) != NULL)
			pd_context_note (ctx, "autoreply: header %s", presence_headers[i]);
	for (guint i = 0; value_headers[i].name != NULL; i++)
		if (value_headers[i].value == NULL && pd_mail_header (mail, value_headers[i].name) != NULL)
			pd_context_note (ctx, "autoreply: header %s", value_headers[i].name);
	if ((hit = match_oof_subject (subj)) != NULL)
		pd_context_note (ctx, "autoreply: out-of-office subject \"%s\"", hit);
	else if ((hit = match_word (oof_words, subj)) != NULL)
		pd_context_note (ctx, "autoreply: out-of-office word in the subject \"%s\" (counts only "
		                 "with another signal)", hit);
	if ((hit = robot_sender (mail)) != NULL)
		pd_context_note (ctx, "autoreply: robot sender \"%s\"", hit);
	if ((hit = self_declared_rule (mail)) != NULL)
		pd_context_note (ctx, "autoreply: the text says \"%s\"", hit);
	if ((hit = pd_challenge_response_rule (mail)) != NULL)
		pd_context_note (ctx, "autoreply: challenge-response: %s", hit);
	g_autofree char *body = lower_body (mail);
	if ((hit = match_word (vacation_body, body)) != NULL || (hit = match_word (auto_body, body)) != NULL)
		pd_context_note (ctx, "autoreply: automatic-reply text \"%s\" (counts only with "
		                 "Precedence bulk/list)", hit);
}

static PdVerdict
autoreply_run (PdContext *ctx, const PdMail *mail)
{
	if (ctx->explain) {
		g_autofree char *low = lower_subject (mail);
		explain (ctx, mail, low);
	}
	if (ctx->klass != PD_CLASS_HUMAN)
		return PD_CONTINUE; /* an earlier filter already knows better */

	g_autofree char *subj = lower_subject (mail);
	const char *auto_submitted = pd_mail_header (mail, "Auto-Submitted");
	const char *hit;

	/* challenge-response filters: automatic, never answered, not a bounce */
	if ((hit = pd_challenge_response_once (ctx, mail)) != NULL) {
		pd_context_set_class (ctx, PD_CLASS_AUTOREPLY, "challenge-response: %s", hit);
		return PD_CONTINUE;
	}

	/* RFC 3834 */
	if (auto_submitted != NULL && !value_is (auto_submitted, "no")) {
		g_autofree char *v = g_strstrip (g_strdup (auto_submitted));
		pd_context_set_class (ctx, vacation_or_auto (mail, subj, auto_submitted),
		                      "header Auto-Submitted: %s", v);
		return PD_CONTINUE;
	}
	/* Exchange out-of-office: both headers together (X-Auto-Response-Suppress alone is not) */
	if (pd_mail_header (mail, "X-MS-Exchange-Inbox-Rules-Loop") != NULL) {
		pd_context_set_class (ctx, vacation_or_auto (mail, subj, NULL),
		                      "header X-MS-Exchange-Inbox-Rules-Loop");
		return PD_CONTINUE;
	}
	for (guint i = 0; presence_headers[i] != NULL; i++) {
		const char *v = pd_mail_header (mail, presence_headers[i]);
		if (v != NULL) {
			g_autofree char *vv = g_strstrip (g_strdup (v));
			pd_context_set_class (ctx, vacation_or_auto (mail, subj, NULL), "header %s: %s",
			                      presence_headers[i], vv);
			return PD_CONTINUE;
		}
	}
	for (guint i = 0; value_headers[i].name != NULL; i++) {
		const char *v = pd_mail_header (mail, value_headers[i].name);
		if (v != NULL && (value_headers[i].value == NULL || value_is (v, value_headers[i].value))) {
			g_autofree char *vv = g_strstrip (g_strdup (v));
			pd_context_set_class (ctx, vacation_or_auto (mail, subj, NULL), "header %s: %s",
			                      value_headers[i].name, vv);
			return PD_CONTINUE;
		}
	}
	/* out-of-office subjects in several languages */
	if ((hit = match_oof_subject (subj)) != NULL) {
		/* "Automated response:" of a helpdesk is no absence unless the text says so */
		g_autofree char *body = lower_body (mail);
		PdClass k = PD_CLASS_VACATION;
		if ((strstr (hit, "automated") != NULL || strstr (hit, "respon") != NULL) &&
		    match_word (vacation_body, body) == NULL)
			k = PD_CLASS_AUTOREPLY;
		pd_context_set_class (ctx, k, "subject \"%s\"", hit);
		return PD_CONTINUE;
	}
	/* read receipts (RFC 8098) */
	if (mail->message != NULL) {
		GMimeObject *top = g_mime_message_get_mime_part (mail->message);
		GMimeContentType *ct = top != NULL ? g_mime_object_get_content_type (top) : NULL;
		const char *rt = ct != NULL ? g_mime_content_type_get_parameter (ct, "report-type") : NULL;
		if (rt != NULL && g_ascii_strcasecmp (rt, "disposition-notification") == 0) {
			pd_context_set_class (ctx, PD_CLASS_AUTOREPLY,
			                      "multipart/report report-type=disposition-notification");
			return PD_CONTINUE;
		}
	}
	/* mailing lists */
	const char *list_header = NULL;
	if (is_list_mail (mail, &list_header)) {
		pd_context_set_class (ctx, PD_CLASS_LIST, "header %s", list_header);
		return PD_CONTINUE;
	}
	const char *prec = pd_mail_header (mail, "Precedence");
	if (prec == NULL)
		prec = pd_mail_header (mail, "X-Precedence");
	if (prec != NULL) {
		g_autofree char *p = g_strstrip (g_ascii_strdown (prec, -1));
		if (g_str_has_prefix (p, "list") || g_str_has_prefix (p, "bulk")) {
			/* a responder that marks its reply bulk: the content says what it is */
			g_autofree char *body = lower_body (mail);
			const char *vac = match_word (vacation_body, body);
			const char *aut = match_word (auto_body, body);
			if (vac != NULL || aut != NULL) {
				PdClass k = vac != NULL ? PD_CLASS_VACATION : vacation_or_auto (mail, subj, NULL);
				pd_context_set_class (ctx, k, "header Precedence: %s, text \"%s\"", p,
				                      vac != NULL ? vac : aut);
				return PD_CONTINUE;
			}
			pd_context_set_class (ctx, PD_CLASS_LIST, "header Precedence: %s", p);
			return PD_CONTINUE;
		}
		if (g_str_has_prefix (p, "junk") || g_str_has_prefix (p, "auto_reply") ||
		    g_str_has_prefix (p, "auto-reply")) {
			pd_context_set_class (ctx, vacation_or_auto (mail, subj, NULL),
			                      "header Precedence: %s", p);
			return PD_CONTINUE;
		}
	}
	/* X-Loop naming someone else (ours is the loop filter's): a robot already answered */
	const char *xloop = pd_mail_header (mail, "X-Loop");
	if (xloop != NULL) {
		g_autofree char *v = g_strstrip (g_strdup (xloop));
		pd_context_set_class (ctx, PD_CLASS_AUTOREPLY, "header X-Loop: %s", v);
		return PD_CONTINUE;
	}
	if ((hit = robot_sender (mail)) != NULL) {
		pd_context_set_class (ctx, PD_CLASS_AUTOREPLY, "sender %s", mail->from->addr);
		return PD_CONTINUE;
	}
	if ((hit = self_declared_rule (mail)) != NULL) {
		pd_context_set_class (ctx, vacation_or_auto (mail, subj, NULL), "text \"%s\"", hit);
		return PD_CONTINUE;
	}
	if (g_str_has_prefix (subj, "[auto") || strstr (subj, "auto generated") != NULL ||
	    strstr (subj, "auto-generated") != NULL || strstr (subj, "automatically generated") != NULL) {
		pd_context_set_class (ctx, PD_CLASS_AUTOREPLY, "subject \"%s\"", mail->subject);
		return PD_CONTINUE;
	}
	return PD_CONTINUE;
}

const PdFilter pd_filter_autoreply = { "autoreply", autoreply_run };
