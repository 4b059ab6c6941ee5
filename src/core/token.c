/* token.c - HMAC-SHA256 signed tokens "KIND ID - SIG" for reply addresses, VERP and links.
 * The signature is the first 12 hex digits (48 bits) of HMAC(secret, "postdesk:KIND:ID"),
 * lower case so that a mail system which case-folds local parts does not break it. */
#include "core/token.h"

#include <string.h>

#define SIG_LEN 12

static char *
signature (GBytes *secret, char kind, gint64 id)
{
	g_autofree char *msg = g_strdup_printf ("postdesk:%c:%" G_GINT64_FORMAT, kind, id);
	gsize keylen;
	const guchar *key = g_bytes_get_data (secret, &keylen);
	char *hex = g_compute_hmac_for_string (G_CHECKSUM_SHA256, key, keylen, msg, -1);

	hex[SIG_LEN] = '\0';
	return hex;
}

char *
pd_token_make (GBytes *secret, char kind, gint64 id)
{
	g_autofree char *sig = NULL;

	g_return_val_if_fail (secret != NULL && g_ascii_islower (kind) && id > 0, NULL);
	sig = signature (secret, kind, id);
	return g_strdup_printf ("%c%" G_GINT64_FORMAT "-%s", kind, id, sig);
}

gboolean
pd_token_check (GBytes *secret, const char *token, char *kind_r, gint64 *id_r)
{
	const char *p;
	char *end;
	gint64 id;
	g_autofree char *sig = NULL;
	char kind;

	if (token == NULL || !g_ascii_islower (token[0]) || !g_ascii_isdigit (token[1]))
		return FALSE;
	kind = token[0];
	id = g_ascii_strtoll (token + 1, &end, 10);
	if (*end != '-' || id <= 0 || end - (token + 1) > 18)
		return FALSE;
	p = end + 1;
	if (strlen (p) != SIG_LEN)
		return FALSE;
	sig = signature (secret, kind, id);
	/* compare in constant time: the signature is a secret until it matches */
	{
		guint diff = 0, i;
		for (i = 0; i < SIG_LEN; i++)
			diff |= (guchar) g_ascii_tolower (p[i]) ^ (guchar) sig[i];
		if (diff != 0)
			return FALSE;
	}
	if (kind_r)
		*kind_r = kind;
	if (id_r)
		*id_r = id;
	return TRUE;
}

char *
pd_token_address (GBytes *secret, const char *base, char kind, gint64 id)
{
	const char *at = strrchr (base, '@');
	g_autofree char *token = pd_token_make (secret, kind, id);

	g_return_val_if_fail (at != NULL, NULL);
	return g_strdup_printf ("%.*s+%s%s", (int) (at - base), base, token, at);
}

gboolean
pd_token_from_address (GBytes *secret, const char *addr, char *kind_r, gint64 *id_r,
                       char **base_r)
{
	const char *at, *plus;
	g_autofree char *token = NULL;

	if (addr == NULL || (at = strrchr (addr, '@')) == NULL)
		return FALSE;
	/* the token is the last +extension: "support+t12-sig@" */
	for (plus = at - 1; plus > addr && *plus != '+'; plus--)
		;
	if (plus <= addr || *plus != '+')
		return FALSE;
	token = g_strndup (plus + 1, at - plus - 1);
	if (!pd_token_check (secret, token, kind_r, id_r))
		return FALSE;
	if (base_r)
		*base_r = g_strdup_printf ("%.*s%s", (int) (plus - addr), addr, at);
	return TRUE;
}

/* ---- knowledge-base links ---- */

#define LINK_SIG_LEN 16

static char *
link_signature (GBytes *secret, gint64 ticket, gint64 article, const char *customer,
                gint64 expires)
{
	g_autofree char *folded = g_ascii_strdown (customer ? customer : "", -1);
	g_autofree char *msg = g_strdup_printf ("postdesk:kb:%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT
	                                        ":%" G_GINT64_FORMAT ":%s",
	                                        ticket, article, expires, folded);
	gsize keylen;
	const guchar *key = g_bytes_get_data (secret, &keylen);
	char *hex = g_compute_hmac_for_string (G_CHECKSUM_SHA256, key, keylen, msg, -1);

	hex[LINK_SIG_LEN] = '\0';
	return hex;
}

char *
pd_token_link_make (GBytes *secret, gint64 ticket, gint64 article, const char *customer,
                    gint64 expires)
{
	g_autofree char *sig = NULL;

	g_return_val_if_fail (secret != NULL && ticket > 0 && article > 0 && expires > 0, NULL);
	sig = link_signature (secret, ticket, article, customer, expires);
	return g_strdup_printf ("%" G_GINT64_FORMAT "-%" G_GINT64_FORMAT "-%" G_GINT64_FORMAT "-%s",
	                        ticket, article, expires, sig);
}

/* a decimal number of 1..18 digits at *P, then SEP; advances *P past SEP */
static gboolean
link_number (const char **p, char sep, gint64 *n_r)
{
	const char *s = *p;
	gsize len = 0;

	while (g_ascii_isdigit (s[len]))
		len++;
	if (len == 0 || len > 18 || s[len] != sep)
		return FALSE;
	*n_r = g_ascii_strtoll (s, NULL, 10);
	*p = s + len + 1;
	return *n_r > 0;
}

gboolean
pd_token_link_check (GBytes *secret, const char *token, const char *customer, gint64 now,
                     gint64 *ticket_r, gint64 *article_r)
{
	const char *p = token;
	gint64 ticket, article, expires;
	g_autofree char *sig = NULL;
	guint diff = 0, i;

	if (token == NULL || !link_number (&p, '-', &ticket) || !link_number (&p, '-', &article) ||
	    !link_number (&p, '-', &expires) || strlen (p) != LINK_SIG_LEN)
		return FALSE;
	sig = link_signature (secret, ticket, article, customer, expires);
	for (i = 0; i < LINK_SIG_LEN; i++)
		diff |= (guchar) g_ascii_tolower (p[i]) ^ (guchar) sig[i];
	if (diff != 0 || now > expires)
		return FALSE;
	if (ticket_r)
		*ticket_r = ticket;
	if (article_r)
		*article_r = article;
	return TRUE;
}
