/* compose.h - build an outgoing RFC 5322 message as GMime writes it: addresses, subject
 * (RFC 2047 where needed), threading ids, the automatic-mail headers, a UTF-8 text body.
 * Pure: no store, no templates; the caller decides what goes in. */
#ifndef PD_COMPOSE_H
#define PD_COMPOSE_H

#include <glib.h>

#include "mail/mail.h"

typedef struct {
	const char *from_name;    /* may be NULL */
	const char *from_addr;
	const char *to_name;      /* may be NULL */
	const char *to_addr;
	const char *const *cc;    /* more recipients shown in Cc, NULL-terminated, may be NULL */
	const char *reply_to;     /* may be NULL */
	const char *subject;
	const char *message_id;   /* without <> */
	const char *in_reply_to;  /* without <>, may be NULL */
	const char *const *references; /* without <>, oldest first, NULL-terminated, may be NULL */
	const char *auto_submitted; /* "auto-replied", "auto-generated" or NULL (human mail) */
	const char *loop_address; /* X-Loop value, may be NULL */
	const char *body;         /* UTF-8 text, LF line ends */
	GPtrArray *extra_headers; /* "Name", "value" pairs, may be NULL */
	GPtrArray *attachments;   /* PdAttachment*, passed through as parts; may be NULL */
	const char *html;         /* a text/html alternative to BODY (reports), or NULL */
} PdComposeSpec;

/* The message as bytes with CRLF line ends. (transfer full) */
GBytes *pd_compose (const PdComposeSpec *spec, GError **error);

/* The two writers pd_compose chooses between, with the Date DATE (NULL: now), for tests:
 * GMime's, which takes every message, and the direct one, which gives the same bytes or
 * NULL (no error) for a message it leaves to GMime. POSTDESK_COMPOSE_GMIME=1 in the
 * environment makes pd_compose use GMime's for all. (transfer full) */
GBytes *pd_compose_gmime (const PdComposeSpec *spec, GDateTime *date, GError **error);
GBytes *pd_compose_direct (const PdComposeSpec *spec, GDateTime *date);

/* A new Message-ID in DOMAIN, "pd.<time>.<random>@DOMAIN", without <>. The "pd." prefix
 * and our domain are how loop.c recognises our own mail. (transfer full) */
char *pd_compose_message_id (const char *domain);

#endif
