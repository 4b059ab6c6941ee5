/* campaign-compose.c - one recipient's copy of an announcement (campaign.h). Composed at send
 * time from the campaign and the ledger row, never stored: the same arguments give the same
 * bytes and Message-ID, so a retry after a crash sends what the first try would have. The
 * template is read once per campaign (PdCampaignMail), the per-recipient work is expanding
 * placeholders and composing. A copy that is plain ASCII throughout (the common case) is
 * written directly, in the form GMime gives it, at a fraction of the cost of building a GMime
 * message per recipient; anything else (a name or text with other characters, long lines)
 * goes through GMime (mail/compose.c). Nothing but the recipient's own address goes in.
 * The direct copy's address lines follow mail/compose-direct.c's rules (a name GMime would
 * trim, leave unquoted with inner double spaces, encode or fold goes to GMime), its Subject
 * and List-Id are folded by GMime's own formatter: tests/unit/test-campaign-names.c holds
 * both paths to the same bytes over thousands of generated names and titles. */
#include "lists/campaign.h"

#include <string.h>

#include "core/error.h"
#include "core/template.h"
#include "core/token.h"
#include "lists/links.h"
#include "mail/compose.h"
#include "mail/compose-direct.h"

struct PdCampaignMail {
	GBytes *secret;
	char *public_url;     /* NULL: no web links */
	char *bounce_address; /* the VERP base */
	char *domain;         /* of Message-IDs */
	gint64 campaign;
	char *from;
	char *from_name;
	char *subject;        /* may hold placeholders */
	char *body;           /* with placeholders */
	char *list_address;
	char *list_title;
	char *list_id;        /* List-Id value */
	char *date;           /* RFC 5322 date of the campaign's start */
	char *from_header;    /* "From: ..." for the plain-ASCII path, NULL: GMime for all */
	char *list_id_header; /* "List-Id: ...\r\n" as GMime folds it, for that path */
	gboolean fast;        /* the plain-ASCII path may be taken (tests turn it off) */
	GHmac *key;           /* HMAC-SHA256 keyed with SECRET, copied per token */
	char *request;        /* the list's -request address (unsubscribe by mail) */
	gint direct;          /* copies written by that path (atomic: workers share M) */
};

guint
pd_campaign_mail_direct_count (PdCampaignMail *m)
{
	return (guint) g_atomic_int_get (&m->direct);
}

void
pd_campaign_mail_set_direct (PdCampaignMail *m, gboolean direct)
{
	m->fast = direct;
}

/* The template NAME's text: HOME/templates/LOCALE/announce-NAME.txt, then the built-in one,
 * then the same in "en"; only its body (after the first blank line) when it has headers.
 * (transfer full) */
static char *
load_body (const char *home, const char *locale, const char *name, GError **error)
{
	const char *locales[] = { locale ? locale : "en", "en" };

	if (strchr (name, '/') || strstr (name, "..")) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "bad template name %s", name);
		return NULL;
	}
	for (guint i = 0; i < G_N_ELEMENTS (locales); i++) {
		g_autofree char *file = g_strdup_printf ("announce-%s.txt", name);
		g_autofree char *path = g_build_filename (home, "templates", locales[i], file, NULL);
		g_autofree char *res = g_strdup_printf ("/org/postdesk/templates/%s/%s", locales[i], file);
		g_autofree char *text = NULL;
		g_autoptr (GBytes) bytes = NULL;
		const char *split;

		if (strchr (locales[i], '/') || strstr (locales[i], ".."))
			continue;
		if (!g_file_get_contents (path, &text, NULL, NULL)) {
			if ((bytes = g_resources_lookup_data (res, 0, NULL)) == NULL)
				continue;
			text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
		}
		/* "Subject: ..." lines first, then a blank line: the body is what follows */
		if (g_ascii_isalpha (text[0]) && strchr (text, ':') != NULL &&
		    strchr (text, ':') < strchr (text, '\n') && (split = strstr (text, "\n\n")) != NULL)
			return g_strdup (split + 2);
		return g_steal_pointer (&text);
	}
	g_set_error (error, PD_ERROR, PD_ERROR_CONFIG, "no template announce-%s for locale %s", name,
	             locales[0]);
	return NULL;
}

/* pd_token_make (M->secret, KIND, ID), the same bytes at half the hashing: the key's two
 * blocks were hashed once per campaign (M->key), not once per token. A copy needs two tokens
 * (its subscriber's, for all three links, and its delivery's VERP). (transfer full) */
static char *
copy_token (const PdCampaignMail *m, char kind, gint64 id)
{
	GHmac *h = g_hmac_copy (m->key);
	char msg[64];
	guint8 digest[32];
	gsize len = sizeof digest;
	char *token;
	int n = g_snprintf (msg, sizeof msg, "postdesk:%c:%" G_GINT64_FORMAT, kind, id);

	g_hmac_update (h, (const guchar *) msg, n);
	g_hmac_get_digest (h, digest, &len);
	g_hmac_unref (h);
	/* token.c: the first 12 hex digits (6 bytes), lower case */
	token = g_strdup_printf ("%c%" G_GINT64_FORMAT "-%02x%02x%02x%02x%02x%02x", kind, id,
	                         digest[0], digest[1], digest[2], digest[3], digest[4], digest[5]);
	return token;
}

/* pd_token_address (M->secret, BASE, KIND, ID): BASE's local part + "+TOKEN"; NULL when BASE
 * has no domain or ID is not a token's (the caller then asks token.c). (transfer full) */
static char *
copy_token_address (const PdCampaignMail *m, const char *base, char kind, gint64 id)
{
	const char *at = base ? strrchr (base, '@') : NULL;
	g_autofree char *token = NULL;

	if (at == NULL || id <= 0)
		return NULL;
	token = copy_token (m, kind, id);
	return g_strdup_printf ("%.*s+%s%s", (int) (at - base), base, token, at);
}

/* A body given as text gets the unsubscribe footer when it does not place the link itself. */
static const char footer[] =
	"\n-- \n"
	"You receive this as a subscriber of {{list_title}} <{{list_address}}>.\n"
	"{{#prefs_url}}Your preferences: {{prefs_url}}\n{{/prefs_url}}"
	"{{#unsubscribe_url}}Unsubscribe: {{unsubscribe_url}}\n{{/unsubscribe_url}}"
	"{{^unsubscribe_url}}To unsubscribe, send a mail with the subject \"unsubscribe\" to "
	"{{unsubscribe_address}}.\n{{/unsubscribe_url}}";

/* Printable ASCII (and, in a body, LF and TAB) with lines of at most 998 bytes. */
static gboolean
plain_ascii (const char *text, gboolean body)
{
	gsize line = 0;

	for (const guchar *p = (const guchar *) text; *p; p++) {
		if (*p == '\n' && body) {
			line = 0;
			continue;
		}
		if ((*p < 0x20 && !(body && *p == '\t')) || *p >= 0x7f || ++line > 998)
			return FALSE;
	}
	return TRUE;
}

/* LF -> CRLF, and a CRLF at the end. */
static void
append_crlf (GString *out, const char *text)
{
	for (const char *p = text; *p; p++) {
		if (*p == '\n')
			g_string_append_c (out, '\r');
		g_string_append_c (out, *p);
	}
	if (out->len < 2 || out->str[out->len - 1] != '\n')
		g_string_append (out, "\r\n");
}

/* The copy written directly when everything in it is plain ASCII; NULL otherwise. TO is the
 * whole "To: ..." line (pd_compose_mailbox_header), NULL when GMime must write it. The headers
 * are those pd_compose writes, in its order. (transfer full) */
static GBytes *
compose_plain (const PdCampaignMail *m, const char *to, const char *subject, const char *mid,
               const char *list_unsubscribe, gboolean one_click, const char *body)
{
	gsize slen = strlen (subject);
	GString *s;

	/* GMime trims a subject's outer spaces; leave such to it */
	if (m->from_header == NULL || to == NULL || slen > 900 || slen == 0 ||
	    subject[0] == ' ' || subject[slen - 1] == ' ' ||
	    !plain_ascii (subject, FALSE) || !plain_ascii (body, TRUE) ||
	    !plain_ascii (list_unsubscribe, FALSE))
		return NULL;
	s = g_string_sized_new (512 + strlen (body) * 21 / 20);
	g_string_append_printf (s, "Date: %s\r\n%s\r\n", m->date, m->from_header);
	/* copied when it fits on its line, else folded by GMime's own formatter */
	pd_compose_append_header (s, "Subject", subject, "utf-8");
	g_string_append_printf (s, "%s\r\nMessage-Id: <%s>\r\nAuto-Submitted: auto-generated\r\n"
	                        "X-Auto-Response-Suppress: All\r\nPrecedence: bulk\r\n%s",
	                        to, mid, m->list_id_header);
	/* folded after the comma, as GMime folds it */
	g_string_append (s, "List-Unsubscribe: ");
	for (const char *p = list_unsubscribe; *p; p++) {
		g_string_append_c (s, *p);
		if (p[0] == ',' && p[1] == ' ') {
			g_string_append (s, "\r\n");
		}
	}
	g_string_append (s, "\r\n");
	if (one_click)
		g_string_append (s, "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n");
	g_string_append (s, "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n");
	append_crlf (s, body);
	return g_string_free_to_bytes (s);
}

PdCampaignMail *
pd_campaign_mail_new (const PdSettings *s, GBytes *secret, const PdCampaignRow *c,
                      GError **error)
{
	g_autoptr (PdCampaignMail) m = g_new0 (PdCampaignMail, 1);
	g_autoptr (GDateTime) when = NULL;
	const char *title = c->list_title ? c->list_title : c->list_name;

	m->secret = g_bytes_ref (secret);
	{
		gsize keylen;
		const guchar *key = g_bytes_get_data (secret, &keylen);

		m->key = g_hmac_new (G_CHECKSUM_SHA256, key, keylen);
	}
	m->request = pd_list_request_address (c->list_address);
	m->fast = TRUE;
	m->public_url = g_strdup (s->public_url);
	m->bounce_address = g_strdup (s->bounce_address);
	m->domain = g_strdup (s->domain);
	m->campaign = c->id;
	m->from = g_strdup (s->campaign->from ? s->campaign->from : c->list_address);
	m->from_name = g_strdup (title);
	m->subject = g_strdup (c->subject);
	m->list_address = g_strdup (c->list_address);
	m->list_title = g_strdup (title);
	m->list_id = pd_list_id (c->list_name, c->list_title, c->list_address);
	if (c->body != NULL)
		m->body = strstr (c->body, "{{unsubscribe_url}}") || strstr (c->body, "{{unsubscribe_address}}")
		                  ? g_strdup (c->body)
		                  : g_strconcat (c->body, c->body[0] && !g_str_has_suffix (c->body, "\n") ? "\n" : "",
		                                 footer, NULL);
	else if ((m->body = load_body (s->home, c->list_locale, c->template ? c->template : "default",
	                               error)) == NULL)
		return NULL;
	/* the Date of every copy: when the campaign started (or was made), not when this copy
	 * went, so that a retry is the same message */
	when = g_date_time_new_from_unix_utc (c->started_at ? c->started_at : c->created_at);
	m->date = g_date_time_format (when, "%a, %d %b %Y %H:%M:%S +0000");
	{
		g_autofree char *from = pd_compose_mailbox_header ("From", m->from_name, m->from);

		if (from != NULL && plain_ascii (m->list_id, FALSE)) {
			GString *list_id = g_string_new (NULL);

			m->from_header = g_steal_pointer (&from);
			/* a long title's List-Id is folded, as GMime folds it */
			pd_compose_append_header (list_id, "List-Id", m->list_id, "utf-8");
			m->list_id_header = g_string_free (list_id, FALSE);
		}
	}
	return g_steal_pointer (&m);
}

void
pd_campaign_mail_free (PdCampaignMail *m)
{
	if (m == NULL)
		return;
	g_bytes_unref (m->secret);
	if (m->key)
		g_hmac_unref (m->key);
	g_free (m->request);
	g_free (m->public_url);
	g_free (m->bounce_address);
	g_free (m->domain);
	g_free (m->from);
	g_free (m->from_name);
	g_free (m->subject);
	g_free (m->body);
	g_free (m->list_address);
	g_free (m->list_title);
	g_free (m->list_id);
	g_free (m->date);
	g_free (m->from_header);
	g_free (m->list_id_header);
	g_free (m);
}

/* The copy's envelope sender: the bounce address with the delivery's token (VERP). */
static char *
verp (const PdCampaignMail *m, gint64 delivery)
{
	char *addr = copy_token_address (m, m->bounce_address, 'd', delivery);

	return addr ? addr : pd_token_address (m->secret, m->bounce_address, 'd', delivery);
}

GBytes *
pd_campaign_mail_compose (const PdCampaignMail *m, gint64 delivery, gint64 subscriber,
                          const char *address, const char *name, char **envelope_from_r,
                          GError **error)
{
	g_autoptr (PdTemplateData) data = pd_template_data_new ();
	g_autoptr (GPtrArray) extra = g_ptr_array_new_with_free_func (g_free);
	/* the three links carry the same token (kind 'm', the subscriber: links.c), made once */
	g_autofree char *token = subscriber > 0 ? copy_token (m, 'm', subscriber) : NULL;
	g_autofree char *prefs = NULL, *unsub = NULL, *unsub_addr = NULL;
	g_autofree char *subject = NULL, *body = NULL, *mid = NULL;
	PdComposeSpec spec = { 0 };
	g_autofree char *to = NULL, *list_unsubscribe = NULL;
	GBytes *raw;

	if (token != NULL && m->public_url != NULL) {
		prefs = g_strdup_printf ("%s/list/prefs/%s", m->public_url, token);
		unsub = g_strdup_printf ("%s/list/unsubscribe/%s", m->public_url, token);
	} else {
		prefs = pd_list_link (m->secret, m->public_url, PD_LIST_LINK_PREFS, subscriber);
		unsub = pd_list_link (m->secret, m->public_url, PD_LIST_LINK_UNSUBSCRIBE, subscriber);
	}
	if ((unsub_addr = copy_token_address (m, m->request, 'm', subscriber)) == NULL)
		unsub_addr = pd_list_unsubscribe_address (m->secret, m->list_address, subscriber);
	pd_template_data_set (data, "name", name ? name : "");
	pd_template_data_set (data, "address", address);
	pd_template_data_set (data, "prefs_url", prefs ? prefs : "");
	pd_template_data_set (data, "unsubscribe_url", unsub ? unsub : "");
	pd_template_data_set (data, "unsubscribe_address", unsub_addr);
	pd_template_data_set (data, "list_title", m->list_title);
	pd_template_data_set (data, "list_address", m->list_address);
	if ((subject = pd_template_expand (m->subject, data, TRUE, error)) == NULL)
		return NULL;
	pd_template_data_set (data, "subject", subject);
	if ((body = pd_template_expand (m->body, data, FALSE, error)) == NULL)
		return NULL;
	mid = g_strdup_printf ("pd.c%" G_GINT64_FORMAT ".d%" G_GINT64_FORMAT "@%s", m->campaign,
	                       delivery, m->domain);

	list_unsubscribe = unsub ? g_strdup_printf ("<mailto:%s?subject=unsubscribe>, <%s>", unsub_addr, unsub)
	                         : g_strdup_printf ("<mailto:%s?subject=unsubscribe>", unsub_addr);
	if (m->fast) {
		/* "To: ..." as GMime writes it, or NULL (then GMime writes the copy): the rules
		 * of mail/compose-direct.c, which test-campaign-names holds to GMime's bytes */
		to = pd_compose_mailbox_header ("To", name && *name ? name : NULL, address);
		raw = compose_plain (m, to, subject, mid, list_unsubscribe, unsub != NULL, body);
		if (raw != NULL) {
			g_atomic_int_inc (&((PdCampaignMail *) m)->direct);
			if (envelope_from_r)
				*envelope_from_r = verp (m, delivery);
			return raw;
		}
	}
	g_ptr_array_add (extra, g_strdup ("Date"));
	g_ptr_array_add (extra, g_strdup (m->date));
	g_ptr_array_add (extra, g_strdup ("List-Id"));
	g_ptr_array_add (extra, g_strdup (m->list_id));
	g_ptr_array_add (extra, g_strdup ("List-Unsubscribe"));
	g_ptr_array_add (extra, g_strdup (list_unsubscribe));
	if (unsub != NULL) {
		/* RFC 8058: only with an https (or http) URI to POST to */
		g_ptr_array_add (extra, g_strdup ("List-Unsubscribe-Post"));
		g_ptr_array_add (extra, g_strdup ("List-Unsubscribe=One-Click"));
	}
	spec.from_name = m->from_name;
	spec.from_addr = m->from;
	spec.to_name = name && *name ? name : NULL;
	spec.to_addr = address;
	spec.subject = subject;
	spec.message_id = mid;
	spec.auto_submitted = "auto-generated"; /* and Precedence: bulk */
	spec.body = body;
	spec.extra_headers = extra;
	if ((raw = pd_compose (&spec, error)) == NULL)
		return NULL;
	if (envelope_from_r)
		*envelope_from_r = verp (m, delivery);
	return raw;
}
