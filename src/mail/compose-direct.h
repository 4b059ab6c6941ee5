/* compose-direct.h - the common outgoing message written without GMime's object model
 * (compose.c chooses; this file only writes). */
#ifndef PD_COMPOSE_DIRECT_H
#define PD_COMPOSE_DIRECT_H

#include "mail/compose.h"

/* The bytes GMime would give for SPEC dated NOW, or NULL when SPEC holds something this
 * writer leaves to GMime (attachments, HTML, a name or address it would encode, a header
 * that replaces one of ours). GMime must be initialised. (transfer full) */
GBytes *pd_compose_direct_write (const PdComposeSpec *spec, GDateTime *now);

/* "HEADER: NAME <ADDR>" (NAME NULL: "HEADER: ADDR") as GMime writes that address header,
 * when this writer can write it (see compose-direct.c: plain ASCII, a name GMime quotes as
 * this writer does, one line); else NULL. For other writers of GMime's bytes
 * (lists/campaign-compose.c). (transfer full) */
char *pd_compose_mailbox_header (const char *header, const char *name, const char *addr);

/* "NAME: VALUE" and CRLF appended to OUT as GMime writes that header set with CHARSET (its
 * folds and encoded words). Initialises GMime if nothing has yet. */
void pd_compose_append_header (GString *out, const char *name, const char *value,
                               const char *charset);

/* IDS as "<a> <b> ...", at most MAX: the first (thread root) and the most recent ones; the
 * References value of both writers. (transfer full) */
char *pd_compose_id_list (const char *const *ids, guint max);

#endif
