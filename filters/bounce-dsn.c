/* bounce-dsn.c - parse an RFC 3464 message/delivery-status body into per-recipient records
 * (Final-Recipient / Original-Recipient, Action, Status, Diagnostic-Code). It does not judge
 * whether the mail is a bounce, and it reads no MIME: the caller hands it the decoded text. */
#include <string.h>
#include "bounce-internal.h"

void
pd_bounce_record_free (PdBounceRecord *rec)
{
	if (rec == NULL)
		return;
	g_free (rec->recipient);
	g_free (rec->action);
	g_free (rec->status);
	g_free (rec->diagnostic);
	g_free (rec);
}

char *
pd_bounce_clean_address (const char *value)
{
	if (value == NULL)
		return NULL;
	const char *semi = strchr (value, ';');
	const char *at = strchr (value, '@');
	/* "rfc822; a@b": drop the address type (but not a ';' that follows the '@') */
	if (semi != NULL && (at == NULL || semi < at))
		value = semi + 1;
	while (*value == ' ' || *value == '\t' || *value == '<')
		value++;
	/* an address type glued on by Exchange and X.400 gateways: "SMTP:a@b", "smtp=a@b" */
	if (g_ascii_strncasecmp (value, "smtp:", 5) == 0 || g_ascii_strncasecmp (value, "smtp=", 5) == 0)
		value += 5;
	else if (g_ascii_strncasecmp (value, "rfc822=", 7) == 0)
		value += 7;
	/* source route "@relay:user@host" */
	if (*value == '@') {
		const char *colon = strchr (value, ':');
		if (colon == NULL)
			return NULL;
		value = colon + 1;
	}
	gsize len;
	if (*value == '"') {
		/* quoted local part: keep it whole */
		const char *close = strchr (value + 1, '"');
		if (close == NULL)
			return NULL;
		len = (close - value) + 1 + strcspn (close + 1, "> \t\r\n;,");
	} else {
		len = strcspn (value, "> \t\r\n;\",");
	}
	if (len == 0 || memchr (value, '@', len) == NULL)
		return NULL;
	char *addr = g_ascii_strdown (value, len);
	/* trailing dots from prose */
	gsize n = strlen (addr);
	while (n > 0 && addr[n - 1] == '.')
		addr[--n] = '\0';
	return addr;
}

/* Exchange wraps an SMTP address it could not keep as one in "IMCEASMTP-joe+40corp+2Eexample
 * @gateway" (RFC 1891 xtext-like "+XX" hex escapes): the address inside is the recipient. An
 * "IMCEAEX-_O=...CN=joe@domain" (an X.500 name) says nothing more: Original-Recipient wins. */
static void
decode_imceasmtp (PdBounceRecord *rec)
{
	if (!g_str_has_prefix (rec->recipient, "imceasmtp-"))
		return;
	const char *p = rec->recipient + strlen ("imceasmtp-");
	const char *end = strrchr (p, '@');
	GString *out = g_string_new (NULL);
	for (; p < end; p++) {
		if (*p == '+' && p + 2 < end && g_ascii_isxdigit (p[1]) && g_ascii_isxdigit (p[2])) {
			g_string_append_c (out, (char) (g_ascii_xdigit_value (p[1]) * 16 +
			                                g_ascii_xdigit_value (p[2])));
			p += 2;
		} else {
			g_string_append_c (out, *p);
		}
	}
	if (strchr (out->str, '@') != NULL && strchr (strchr (out->str, '@'), '.') != NULL) {
		g_free (rec->recipient);
		rec->recipient = g_ascii_strdown (out->str, -1);
	}
	g_string_free (out, TRUE);
}

/* TEXT split at each "\n", as g_strsplit does, but one pass over it: g_strsplit searches with
 * strstr, which sanitizer builds make quadratic on a long text. (transfer full) */
static char **
split_lines (const char *text)
{
	GPtrArray *lines = g_ptr_array_new ();
	const char *p = text, *end = text + strlen (text);

	for (;;) {
		const char *nl = memchr (p, '\n', end - p);
		if (nl == NULL) {
			g_ptr_array_add (lines, g_strndup (p, end - p));
			break;
		}
		g_ptr_array_add (lines, g_strndup (p, nl - p));
		p = nl + 1;
	}
	g_ptr_array_add (lines, NULL);
	return (char **) g_ptr_array_free (lines, FALSE);
}

/* Unfold the body into "Name: value" fields, one block per blank-line-separated paragraph. */
GPtrArray *
pd_bounce_dsn_parse (const char *text)
{
	GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_bounce_record_free);
	g_auto (GStrv) lines = split_lines (text != NULL ? text : "");
	PdBounceRecord *cur = NULL;
	char *original = NULL;
	GString *field = g_string_new (NULL);

	for (guint i = 0;; i++) {
		char *line = lines[i];
		if (line != NULL) {
			gsize n = strlen (line);
			if (n > 0 && line[n - 1] == '\r')
				line[n - 1] = '\0';
		}
		gboolean continuation = line != NULL && (line[0] == ' ' || line[0] == '\t') &&
		                        field->len > 0 && line[strspn (line, " \t")] != '\0';
		if (continuation) {
			g_string_append_c (field, ' ');
			g_string_append (field, g_strstrip (line));
			continue;
		}
		/* a field is complete: store it */
		if (field->len > 0) {
			char *colon = strchr (field->str, ':');
			if (colon != NULL) {
				*colon = '\0';
				g_autofree char *name = g_ascii_strdown (g_strstrip (field->str), -1);
				char *value = g_strstrip (colon + 1);
				if (cur == NULL && (g_str_equal (name, "final-recipient") ||
				                    g_str_equal (name, "original-recipient") ||
				                    g_str_equal (name, "action") ||
				                    g_str_equal (name, "status")))
					cur = g_new0 (PdBounceRecord, 1);
				if (cur != NULL) {
					if (g_str_equal (name, "final-recipient")) {
						g_free (cur->recipient);
						cur->recipient = pd_bounce_clean_address (value);
					} else if (g_str_equal (name, "original-recipient")) {
						g_free (original);
						original = pd_bounce_clean_address (value);
					} else if (g_str_equal (name, "action") && cur->action == NULL) {
						cur->action = g_ascii_strdown (value, strcspn (value, " \t;("));
					} else if (g_str_equal (name, "status") && cur->status == NULL &&
					           *value != '\0') {
						cur->status = g_strndup (value, strcspn (value, " \t;("));
					} else if (g_str_equal (name, "diagnostic-code") &&
					           cur->diagnostic == NULL) {
						cur->diagnostic = g_strdup (value);
					}
				}
			}
			g_string_truncate (field, 0);
		}
		gboolean blank = line == NULL || *g_strstrip (line) == '\0';
		if (blank) {
			if (cur != NULL) {
				/* Final-Recipient without a dotted domain (a local alias) loses
				 * to a proper Original-Recipient */
				const char *at = cur->recipient != NULL ? strrchr (cur->recipient, '@') : NULL;
				if (original != NULL &&
				    (cur->recipient == NULL || at == NULL || strchr (at, '.') == NULL ||
				     g_str_has_prefix (cur->recipient, "imceaex-"))) {
					g_free (cur->recipient);
					cur->recipient = original;
					original = NULL;
				}
				if (cur->recipient != NULL)
					decode_imceasmtp (cur);
				if (cur->recipient != NULL)
					g_ptr_array_add (records, cur);
				else
					pd_bounce_record_free (cur);
				cur = NULL;
			}
			g_clear_pointer (&original, g_free);
			if (line == NULL)
				break;
			continue;
		}
		g_string_assign (field, line);
	}
	g_string_free (field, TRUE);
	return records;
}
