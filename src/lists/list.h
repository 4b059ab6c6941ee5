/* list.h - what a list allows: names, addresses, policies (who may ask to join) and topic
 * lists. Pure functions: no store; the caller looks up whether an address is a customer. */
#ifndef PD_LIST_LIST_H
#define PD_LIST_LIST_H

#include <glib.h>

typedef enum {
	PD_LIST_OPEN,      /* anyone may ask to join (and must confirm) */
	PD_LIST_CONFIRM,   /* the same: double opt-in is never skipped for a request */
	PD_LIST_CUSTOMERS, /* only customers the helpdesk knows, or addresses of allowed domains */
	PD_LIST_CLOSED,    /* nobody joins by request; only `list subscribe` and `list import` */
} PdListPolicy;

/* "open", "confirm", ... into *POLICY_R; FALSE if unknown. */
gboolean pd_list_policy_from_name (const char *name, PdListPolicy *policy_r);

/* [a-z0-9._-]+, at most 64 characters, not starting with '.' or '-'. */
gboolean pd_list_name_valid (const char *name);
/* A plain address a subscriber can have: one '@', a non-empty local part and a domain with a
 * dot, no spaces, quotes, angle brackets or control characters, at most 254 bytes. */
gboolean pd_list_address_valid (const char *addr);

/* May ADDR ask to join a list of POLICY? KNOWN_CUSTOMER says whether the helpdesk knows ADDR
 * as a customer; ALLOWED_DOMAINS is the list's comma-separated domains (a domain also allows
 * its subdomains). Leaving is always allowed; this is only about joining. */
gboolean pd_list_may_join (PdListPolicy policy, const char *allowed_domains, const char *addr,
                           gboolean known_customer);

/* "b, A,,b" -> "a,b": lower-cased, trimmed, without empties or repeats, in first-seen order.
 * With ALLOWED (comma-separated, may be NULL = anything), topics not in it are dropped.
 * (transfer full) */
char *pd_list_topics_normalise (const char *topics, const char *allowed);

#endif
