/* token.h - signed tokens: HMAC-SHA256 under the installation's secret, truncated.
 * Used in reply addresses (support+t123-SIG@), VERP return paths (bounces+o456-SIG@)
 * and links. Pure functions: no store, no files. */
#ifndef PD_TOKEN_H
#define PD_TOKEN_H

#include <glib.h>

/* "t123-sig": KIND is one lower-case letter ('t' ticket, 'o' outbox, 'a' agent reply, 'u' ...),
 * ID the number. (transfer full) */
char *pd_token_make (GBytes *secret, char kind, gint64 id);
/* Parse and verify "t123-sig"; FALSE if malformed or the signature does not match. */
gboolean pd_token_check (GBytes *secret, const char *token, char *kind_r, gint64 *id_r);

/* "local+TOKEN@domain" from BASE "local@domain". (transfer full) */
char *pd_token_address (GBytes *secret, const char *base, char kind, gint64 id);
/* From ADDR "local+TOKEN@domain": verify, and return base "local@domain" in BASE_R
 * (transfer full, may be NULL). FALSE if ADDR carries no valid token. */
gboolean pd_token_from_address (GBytes *secret, const char *addr, char *kind_r, gint64 *id_r,
                                char **base_r);

/* Links in mail to a knowledge-base article ("this answered my question", customer-level
 * articles): "TICKET-ARTICLE-EXPIRES-SIG", SIG = the first 16 hex digits of
 * HMAC(secret, "postdesk:kb:TICKET:ARTICLE:EXPIRES:CUSTOMER"), CUSTOMER lower-cased ("" when
 * NULL: a link bound to the ticket and article only). EXPIRES is a Unix time. (transfer full) */
char *pd_token_link_make (GBytes *secret, gint64 ticket, gint64 article, const char *customer,
                          gint64 expires);
/* Verify TOKEN for CUSTOMER (NULL as above) at NOW: FALSE if malformed, forged, bound to
 * another customer or expired. TICKET_R and ARTICLE_R may be NULL. */
gboolean pd_token_link_check (GBytes *secret, const char *token, const char *customer,
                              gint64 now, gint64 *ticket_r, gint64 *article_r);

#endif
