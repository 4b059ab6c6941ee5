/* bounce-text.c - read the human-readable part of a bounce: the failed addresses in the order
 * the MTA lists them, status codes (enhanced or SMTP) and the well-known phrases of Postfix,
 * Exim, Sendmail, qmail, Exchange, Gmail, Yahoo, Domino... It knows no MTA by name and does
 * not decide whether a message is a bounce (bounce.c does). */
#include <string.h>
#include "bounce-internal.h"

static gboolean
is_local_char (char c)
{
	return g_ascii_isalnum (c) || (c != '\0' && strchr ("._%+-=!#$&'*/?^`{|}~", c) != NULL);
}

static gboolean
is_domain_char (char c)
{
	return g_ascii_isalnum (c) || c == '.' || c == '-';
}

/* Addresses in TEXT, in order of first appearance, with the offset of that appearance. */
typedef struct {
	char *addr;
	gsize offset;
} Found;

static gboolean
excluded (const char *addr, const char *const *exclude)
{
	if (g_str_has_prefix (addr, "mailer-daemon@") || g_str_has_prefix (addr, "mailer_daemon@"))
		return TRUE;
	for (guint i = 0; exclude != NULL && exclude[i] != NULL; i++)
		if (g_ascii_strcasecmp (addr, exclude[i]) == 0)
			return TRUE;
	return FALSE;
}


/* Address types glued to an address by Exchange and X.400 gateways ("SMTP=a@b", "smtp:a@b" is
 * cut at the ':' already), and "rfc822=" of some DSN texts: removed in place. */
static void
strip_address_type (char *addr)
{
	static const char *const types[] = { "smtp=", "rfc822=", "x400=", "ex=", NULL };
	for (guint i = 0; types[i] != NULL; i++) {
		if (g_str_has_prefix (addr, types[i])) {
			memmove (addr, addr + strlen (types[i]), strlen (addr) - strlen (types[i]) + 1);
			return;
		}
	}
}

/* Lines that name addresses which are not recipients. */
static gboolean
non_recipient_line (const char *line, gboolean strict)
{
	/* header fields of a returned original left inline: its recipients (a list, the
	 * customer's colleagues) are not the one the MTA names; asked only in the strict pass */
	static const char *const original_fields[] = {
		"to:", "cc:", "bcc:", "list-", "delivered-to:", "x-original-to:", "subject:", "date:",
		NULL,
	};
	static const char *const marks[] = {
		"message-id", "received:", "return-path", "reply-to:", "sender:", "from:",
		"envelope-from", "x-postfix-sender", "mail from", "references:", "in-reply-to:",
		"contact", "postmaster@", "generated from", NULL,
	};
	while (*line == ' ' || *line == '\t' || *line == '>')
		line++;
	for (guint i = 0; strict && original_fields[i] != NULL; i++)
		if (g_str_has_prefix (line, original_fields[i]))
			return TRUE;
	for (guint i = 0; marks[i] != NULL; i++) {
		if (g_str_equal (marks[i], "from:") || g_str_equal (marks[i], "sender:") ||
		    g_str_equal (marks[i], "reply-to:")) {
			if (g_str_has_prefix (line, marks[i]))
				return TRUE;
		} else if (strstr (line, marks[i]) != NULL) {
			return TRUE;
		}
	}
	return FALSE;
}

/* Linear in TEXT: each line is lower-cased and judged once (not once per address on it),
 * and the addresses seen are kept in a hash set. */
static GArray *
find_addresses (const char *text, const char *const *exclude, gboolean strict)
{
	GArray *found = g_array_new (FALSE, FALSE, sizeof (Found));
	g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
	const char *line_end = text; /* the line judged last ends here (at its '\n' or NUL) */
	gboolean line_skipped = FALSE;

	for (const char *at = strchr (text, '@'); at != NULL; at = strchr (at + 1, '@')) {
		const char *l = at;
		while (l > text && is_local_char (l[-1]))
			l--;
		const char *r = at + 1;
		while (is_domain_char (*r))
			r++;
		while (r > at + 1 && (r[-1] == '.' || r[-1] == '-'))
			r--;
		while (l < at && (*l == '.' || *l == '\''))
			l++;
		if (l == at || r == at + 1)
			continue;
		g_autofree char *addr = g_ascii_strdown (l, r - l);
		strip_address_type (addr);
		if (*addr == '@' || excluded (addr, exclude))
			continue;
		if (at >= line_end) {
			const char *start = at;
			while (start > text && start[-1] != '\n')
				start--;
			line_end = strchr (at, '\n');
			if (line_end == NULL)
				line_end = at + strlen (at);
			g_autofree char *line = g_ascii_strdown (start, line_end - start);
			line_skipped = non_recipient_line (line, strict);
		}
		if (line_skipped || g_hash_table_contains (seen, addr))
			continue;
		Found f = { g_steal_pointer (&addr), (gsize) (l - text) };
		g_array_append_val (found, f);
		g_hash_table_add (seen, f.addr); /* owned by FOUND */
	}
	return found;
}

char *
pd_bounce_status_in_text (const char *text)
{
	if (text == NULL)
		return NULL;
	/* enhanced status code: [245].d{1,3}.d{1,3}, not part of a longer dotted number */
	for (const char *p = text; *p != '\0'; p++) {
		if ((*p != '2' && *p != '4' && *p != '5') || p[1] != '.')
			continue;
		if (p > text && (g_ascii_isdigit (p[-1]) || p[-1] == '.' || g_ascii_isalpha (p[-1])))
			continue;
		const char *q = p + 2;
		gsize a = 0, b = 0;
		while (g_ascii_isdigit (q[a]))
			a++;
		if (a == 0 || a > 3 || q[a] != '.')
			continue;
		const char *s = q + a + 1;
		while (g_ascii_isdigit (s[b]))
			b++;
		if (b == 0 || b > 3)
			continue;
		if (s[b] == '.' && g_ascii_isdigit (s[b + 1]))
			continue;
		if (g_ascii_isalpha (s[b]))
			continue;
		return g_strndup (p, (s + b) - p);
	}
	/* SMTP reply code: 4xx/5xx at a word start followed by a space or '-' */
	for (const char *p = text; *p != '\0'; p++) {
		if ((*p != '4' && *p != '5') || !g_ascii_isdigit (p[1]) || !g_ascii_isdigit (p[2]))
			continue;
		if (p > text && (g_ascii_isalnum (p[-1]) || p[-1] == '.' || p[-1] == '-' ||
		                 p[-1] == ':' || p[-1] == '/'))
			continue;
		if (p[3] != ' ' && p[3] != '-')
			continue;
		if (p[1] > '5')
			continue;
		return g_strdup_printf ("%c.0.0", *p);
	}
	return NULL;
}

/* What a phrase says about the failure, most specific first: the first kind with a phrase
 * in the text decides the status. Mailbox-full and expiry are transient (4.x.x) as Sisimai
 * reads them. */
typedef enum {
	KIND_QUOTA,   /* 4.2.2 */
	KIND_UNKNOWN, /* 5.1.1 */
	KIND_HOST,    /* 5.1.2 */
	KIND_SIZE,    /* 5.3.4 */
	KIND_EXPIRED, /* 4.4.7 */
	KIND_TIMEOUT, /* 4.4.1 */
	KIND_POLICY,  /* 5.7.1 */
	KIND_COUNT,
} PhraseKind;

static const char *const kind_status[KIND_COUNT] = { "4.2.2", "5.1.1", "5.1.2", "5.3.4", "4.4.7",
	                                             "4.4.1", "5.7.1" };

/* One table per MTA family; each phrase lower case, with the kind of failure it names.
 * Sources: each MTA's own bounce templates as published in its documentation or source
 * (Postfix bounce(5) templates, Exim's "bounce_message" texts, Sendmail's sendmail.cf
 * deferral texts, qmail-send(8)), the NDR texts Microsoft documents for Exchange/Office 365
 * ("Email non-delivery reports in Exchange Online"), the HCL Domino and Micro Focus GroupWise
 * administrator guides, and the public help pages of AOL, Yahoo and Gmail on bounced mail. */
typedef struct {
	const char *phrase;
	PhraseKind kind;
} Phrase;

/* RFC 3463 / RFC 5321 wording that every MTA family uses in its diagnostics. */
static const Phrase phrases_generic[] = {
	{ "mailbox full", KIND_QUOTA }, { "mailbox is full", KIND_QUOTA }, { "over quota", KIND_QUOTA },
	{ "quota exceeded", KIND_QUOTA }, { "user unknown", KIND_UNKNOWN }, { "unknown user", KIND_UNKNOWN },
	{ "no such user", KIND_UNKNOWN }, { "no such recipient", KIND_UNKNOWN },
	{ "no such mailbox", KIND_UNKNOWN }, { "unknown recipient", KIND_UNKNOWN },
	{ "recipient unknown", KIND_UNKNOWN }, { "invalid recipient", KIND_UNKNOWN },
	{ "mailbox unavailable", KIND_UNKNOWN }, { "does not exist", KIND_UNKNOWN },
	{ "doesn't exist", KIND_UNKNOWN }, { "host unknown", KIND_HOST }, { "unknown host", KIND_HOST },
	{ "host not found", KIND_HOST }, { "domain not found", KIND_HOST }, { "no such domain", KIND_HOST },
	{ "message too large", KIND_SIZE }, { "message size exceeds", KIND_SIZE },
	{ "connection timed out", KIND_TIMEOUT }, { "relay access denied", KIND_POLICY },
	{ "relaying denied", KIND_POLICY }, { NULL, 0 },
};
/* Postfix: bounce(5) default templates and smtp(8)/local(8) diagnostics. */
static const Phrase phrases_postfix[] = {
	{ "mailbox is over quota", KIND_QUOTA }, { "exceeded storage", KIND_QUOTA },
	{ "address rejected", KIND_UNKNOWN }, { "unknown local part", KIND_UNKNOWN },
	{ "host name lookup failure", KIND_HOST }, { "name or service not known", KIND_HOST },
	{ NULL, 0 },
};
/* Exim: the bounce and delay-warning texts of its default configuration. */
static const Phrase phrases_exim[] = {
	{ "unrouteable", KIND_HOST }, { "retry timeout exceeded", KIND_EXPIRED },
	{ "retry time not reached", KIND_EXPIRED }, { NULL, 0 },
};
/* Sendmail: the "Returned mail" texts and queue expiry ("could not be delivered for 5 days"). */
static const Phrase phrases_sendmail[] = {
	{ "insufficient disk space", KIND_QUOTA }, { "could not be delivered for", KIND_EXPIRED },
	{ "cannot send message for", KIND_EXPIRED }, { NULL, 0 },
};
/* qmail: qmail-send's failure notice and the vpopmail/netqmail diagnostics. */
static const Phrase phrases_qmail[] = {
	{ "exceeds the quota", KIND_QUOTA }, { "mailbox exceeds", KIND_QUOTA }, { "no mailbox", KIND_UNKNOWN },
	{ "non-existent host", KIND_HOST }, { NULL, 0 },
};
/* Exchange and Office 365 NDRs, old ones ("did not reach the following recipient(s)") too. */
static const Phrase phrases_exchange[] = {
	{ "recipient not found", KIND_UNKNOWN }, { "address you entered couldn't be found", KIND_UNKNOWN },
	{ "address you entered could not be found", KIND_UNKNOWN }, { "account does not exist", KIND_UNKNOWN },
	{ "not listed in", KIND_UNKNOWN }, { "is not a valid mailbox", KIND_UNKNOWN },
	{ "message is too big", KIND_SIZE }, { "delivery time expired", KIND_EXPIRED },
	{ NULL, 0 },
};
/* Lotus Notes / HCL Domino ("not listed in Domino Directory", "name is not recognized"). */
static const Phrase phrases_domino[] = {
	{ "name is not recognized", KIND_UNKNOWN }, { "not recognized", KIND_UNKNOWN }, { NULL, 0 },
};
/* Novell / Micro Focus GroupWise ("undeliverable to the following: NAME (user not found)"). */
static const Phrase phrases_groupwise[] = { { "user not found", KIND_UNKNOWN }, { NULL, 0 } };
/* AOL, Yahoo, Gmail and other providers' own texts. */
static const Phrase phrases_providers[] = {
	{ "mailbox not found", KIND_UNKNOWN }, { "account is disabled", KIND_UNKNOWN },
	{ "account has been disabled", KIND_UNKNOWN }, { "not a valid subscriber", KIND_UNKNOWN },
	{ "unroutable", KIND_HOST }, { "too big", KIND_SIZE }, { "message expired", KIND_EXPIRED },
	{ "not accepting mail", KIND_POLICY }, { "not accept", KIND_POLICY }, { NULL, 0 },
};
/* Spam refusals of content filters and blocklists (any family), least specific last. */
static const Phrase phrases_spam[] = {
	{ "spam", KIND_POLICY }, { "blocked", KIND_POLICY }, { "blacklist", KIND_POLICY },
	{ "blocklist", KIND_POLICY }, { "denied", KIND_POLICY }, { "refused", KIND_POLICY },
	{ "rejected", KIND_POLICY }, { NULL, 0 },
};

static const Phrase *const phrase_families[] = {
	phrases_generic, phrases_postfix, phrases_exim, phrases_sendmail, phrases_qmail,
	phrases_exchange, phrases_domino, phrases_groupwise, phrases_providers, phrases_spam,
};

char *
pd_bounce_status_from_phrase (const char *text, const char **rule_r)
{
	if (text == NULL)
		return NULL;
	g_autofree char *low = g_ascii_strdown (text, -1);
	for (int kind = 0; kind < KIND_COUNT; kind++) {
		for (guint f = 0; f < G_N_ELEMENTS (phrase_families); f++) {
			for (const Phrase *p = phrase_families[f]; p->phrase != NULL; p++) {
				if ((int) p->kind == kind && strstr (low, p->phrase) != NULL) {
					if (rule_r != NULL)
						*rule_r = p->phrase;
					return g_strdup (kind_status[kind]);
				}
			}
		}
	}
	return NULL;
}

gboolean
pd_bounce_text_is_delay (const char *text)
{
	static const char *const marks[] = {
		"will retry", "will be retried", "still being retried", "will continue trying",
		"will keep trying", "is delayed", "has been delayed", "delivery is delayed",
		"not yet been delivered", "this is a warning message only", "delayed 24 hours",
		"delivery attempts will continue", "no action is required on your part", NULL,
	};
	if (text == NULL)
		return FALSE;
	g_autofree char *low = g_ascii_strdown (text, -1);
	for (guint i = 0; marks[i] != NULL; i++)
		if (strstr (low, marks[i]) != NULL)
			return TRUE;
	return FALSE;
}

GPtrArray *
pd_bounce_text_parse (const char *text, const char *const *exclude)
{
	GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_bounce_record_free);
	if (text == NULL)
		return records;
	/* the addresses of the MTA's own text first; header lines of an original only if none */
	g_autoptr (GArray) found = find_addresses (text, exclude, TRUE);
	if (found->len == 0) {
		g_array_unref (found);
		found = find_addresses (text, exclude, FALSE);
	}
	for (guint i = 0; i < found->len; i++) {
		Found *f = &g_array_index (found, Found, i);
		gsize end = i + 1 < found->len ? g_array_index (found, Found, i + 1).offset
		                               : strlen (text);
		g_autofree char *segment = g_strndup (text + f->offset, end - f->offset);
		PdBounceRecord *rec = g_new0 (PdBounceRecord, 1);
		rec->recipient = g_steal_pointer (&f->addr);
		rec->status = pd_bounce_status_in_text (segment);
		if (rec->status == NULL || g_str_has_suffix (rec->status, ".0.0")) {
			char *p = pd_bounce_status_from_phrase (segment, NULL);
			if (p != NULL && (rec->status == NULL || rec->status[0] == p[0])) {
				g_free (rec->status);
				rec->status = p;
			} else {
				g_free (p);
			}
		}
		g_strstrip (segment);
		if (*segment != '\0')
			rec->diagnostic = g_strndup (segment, MIN (strlen (segment), 500));
		g_ptr_array_add (records, rec);
	}
	for (guint i = 0; i < found->len; i++)
		g_free (g_array_index (found, Found, i).addr);
	return records;
}
