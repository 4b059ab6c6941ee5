/* links.h - the signed links and addresses a subscriber is given: web pages to confirm, to
 * manage preferences and to unsubscribe (RFC 8058 one-click POST goes to the unsubscribe URL),
 * the mailto unsubscribe address, and the VERP return path of one delivery. Tokens carry only
 * a number and a signature (core/token.h): no address is revealed, and they do not expire.
 *   kind 'k'  subscriber ID, confirm a pending subscription
 *   kind 'm'  subscriber ID, manage: preferences and unsubscribe
 *   kind 'd'  delivery ID (deliveries.id), VERP return path of campaign mail
 * URLs: PUBLIC_URL/list/confirm/TOKEN, PUBLIC_URL/list/prefs/TOKEN,
 *       PUBLIC_URL/list/unsubscribe/TOKEN. GET shows a page, only POST changes anything.
 * Pure functions: no store. */
#ifndef PD_LIST_LINKS_H
#define PD_LIST_LINKS_H

#include <glib.h>

typedef enum {
	PD_LIST_LINK_CONFIRM,
	PD_LIST_LINK_PREFS,
	PD_LIST_LINK_UNSUBSCRIBE,
} PdListLink;

/* PUBLIC_URL (without a trailing '/') + the page for SUBSCRIBER. NULL when PUBLIC_URL is
 * NULL. (transfer full) */
char *pd_list_link (GBytes *secret, const char *public_url, PdListLink page, gint64 subscriber);
/* The token in such a URL's last path segment: the subscriber ID, or 0 when the token is
 * malformed, forged, or of the other kind (confirm vs manage). */
gint64 pd_list_link_check (GBytes *secret, PdListLink page, const char *token);

/* "news-request@example.org" for the list address "news@example.org". (transfer full) */
char *pd_list_request_address (const char *list_address);
/* "news-request+m12-SIG@example.org": mail to it with subject "unsubscribe" unsubscribes
 * subscriber 12 whoever sends it (the List-Unsubscribe mailto). (transfer full) */
char *pd_list_unsubscribe_address (GBytes *secret, const char *list_address, gint64 subscriber);
/* "<news.example.org>" style List-Id value: "TITLE <NAME.DOMAIN>" or "<NAME.DOMAIN>".
 * (transfer full) */
char *pd_list_id (const char *name, const char *title, const char *list_address);

#endif
