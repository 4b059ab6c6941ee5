/* compose-direct.h - the common outgoing message written without GMime's object model
 * (compose.c chooses; this file only writes). */
#ifndef PD_COMPOSE_DIRECT_H
#define PD_COMPOSE_DIRECT_H

#include "mail/compose.h"

/* The bytes GMime would give for SPEC dated NOW, or NULL when SPEC holds something this
 * writer leaves to GMime (attachments, HTML, a name or address it would encode, a header
 * that replaces one of ours). GMime must be initialised. (transfer full) */
GBytes *pd_compose_direct_write (const PdComposeSpec *spec, GDateTime *now);

/* IDS as "<a> <b> ...", at most MAX: the first (thread root) and the most recent ones; the
 * References value of both writers. (transfer full) */
char *pd_compose_id_list (const char *const *ids, guint max);

#endif
