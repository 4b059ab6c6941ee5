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
non_recipient_line (const char *line)
{
	static const char *const marks[] = {
		"message-id", "received:", "return-path", "reply-to:", "sender:", "from:",
		"envelope-from", "x-postfix-sender", "mail from", "references:", "in-reply-to:",
		"contact", "postmaster@", NULL,
	};
	while (*line == ' ' || *line == '\t' || *line == '>')
		line++;
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
find_addresses (const char *text, const char *const *exclude)
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
			line_skipped = non_recipient_line (line);
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

typedef struct {
	const char *phrase; /* lower case */
	const char *status;
} Phrase;

/* Most specific first. Mailbox-full and expiry are transient (4.x.x) as Sisimai reads them. */
static const Phrase phrases[] = {
	{ "mailbox full", "4.2.2" },
	{ "mailbox is full", "4.2.2" },
	{ "mailbox is over quota", "4.2.2" },
	{ "over quota", "4.2.2" },
	{ "quota exceeded", "4.2.2" },
	{ "exceeded storage", "4.2.2" },
	{ "exceeds the quota", "4.2.2" },
	{ "insufficient disk space", "4.2.2" },
	{ "mailbox exceeds", "4.2.2" },
	{ "user unknown", "5.1.1" },
	{ "unknown user", "5.1.1" },
	{ "no such user", "5.1.1" },
	{ "no such recipient", "5.1.1" },
	{ "no such mailbox", "5.1.1" },
	{ "unknown recipient", "5.1.1" },
	{ "recipient unknown", "5.1.1" },
	{ "invalid recipient", "5.1.1" },
	{ "recipient not found", "5.1.1" },
	{ "user not found", "5.1.1" },
	{ "mailbox not found", "5.1.1" },
	{ "mailbox unavailable", "5.1.1" },
	{ "does not exist", "5.1.1" },
	{ "doesn't exist", "5.1.1" },
	{ "is not a valid mailbox", "5.1.1" },
	{ "not listed in", "5.1.1" },
	{ "unknown local part", "5.1.1" },
	{ "address rejected", "5.1.1" },
	{ "name is not recognized", "5.1.1" },
	{ "not recognized", "5.1.1" },
	{ "no mailbox", "5.1.1" },
	{ "account is disabled", "5.1.1" },
	{ "account has been disabled", "5.1.1" },
	{ "host unknown", "5.1.2" },
	{ "unknown host", "5.1.2" },
	{ "host not found", "5.1.2" },
	{ "domain not found", "5.1.2" },
	{ "no such domain", "5.1.2" },
	{ "unrouteable", "5.1.2" },
	{ "unroutable", "5.1.2" },
	{ "host name lookup failure", "5.1.2" },
	{ "name or service not known", "5.1.2" },
	{ "non-existent host", "5.1.2" },
	{ "message too large", "5.3.4" },
	{ "message size exceeds", "5.3.4" },
	{ "message is too big", "5.3.4" },
	{ "too big", "5.3.4" },
	{ "retry timeout exceeded", "4.4.7" },
	{ "retry time not reached", "4.4.7" },
	{ "could not be delivered for", "4.4.7" },
	{ "cannot send message for", "4.4.7" },
	{ "delivery time expired", "4.4.7" },
	{ "message expired", "4.4.7" },
	{ "connection timed out", "4.4.1" },
	{ "relay access denied", "5.7.1" },
	{ "relaying denied", "5.7.1" },
	{ "spam", "5.7.1" },
	{ "blocked", "5.7.1" },
	{ "blacklist", "5.7.1" },
	{ "denied", "5.7.1" },
	{ "refused", "5.7.1" },
	{ "rejected", "5.7.1" },
	{ "not accept", "5.7.1" },
	{ NULL, NULL },
};

char *
pd_bounce_status_from_phrase (const char *text, const char **rule_r)
{
	if (text == NULL)
		return NULL;
	g_autofree char *low = g_ascii_strdown (text, -1);
	for (guint i = 0; phrases[i].phrase != NULL; i++) {
		if (strstr (low, phrases[i].phrase) != NULL) {
			if (rule_r != NULL)
				*rule_r = phrases[i].phrase;
			return g_strdup (phrases[i].status);
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
	g_autoptr (GArray) found = find_addresses (text, exclude);
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
