/* app.h - what a command runs with: the home directory, settings, the secret key and the
 * store, opened once. Only `postdesk init` creates a home, a config, a key or a database
 * (pd_app_prepare_home, PD_APP_INIT); every other use needs an initialised home and says
 * what is missing. */
#ifndef PD_APP_H
#define PD_APP_H

#include <glib.h>

#include "filters/chain.h"
#include "core/settings.h"
#include "store/store.h"

typedef struct {
	char *home;
	char *config;              /* the config file (NULL: classify on defaults) */
	PdSettings *settings;
	GBytes *secret;
	PdStore *store;            /* NULL when opened without the store */
	PdQueueInfo *queues;       /* filter-facing view of settings->queues */
	char **own_addresses;      /* every address we send from, NULL-terminated */
	PdQuery query;             /* the store's answers for filters */
	gboolean no_mail;          /* import (issue 13): queue no mail at all (no acknowledgement,
	                              notification or confirmation), start no SLA clock, and date
	                              what is stored by the mail's Date: */
	const char *import_queue;  /* import --queue: new tickets go there; NULL = routing */
} PdApp;

typedef enum {
	PD_APP_NO_STORE = 0, /* read-only, no database (classify): a home that is not there
	                        means the defaults and a throw-away key; nothing is created */
	PD_APP_STORE = 1,    /* an initialised home (config, secret.key, database) and the store */
	PD_APP_INIT = 2,     /* with PD_APP_STORE: create the database (`postdesk init` only) */
} PdAppFlags;

/* (transfer full) */
PdApp *pd_app_open (PdAppFlags flags, GError **error);
/* Open the store of SETTINGS->home with these settings (a reference is taken) instead of
 * loading the config file: for the threads of `serve`, which share one settings object.
 * The home must have been opened by pd_app_open before. (transfer full) */
PdApp *pd_app_open_with_settings (PdSettings *settings, GError **error);
/* Make *APP use the settings current in CELL: when SIGHUP swapped them, *APP is replaced by
 * one opened with the new settings (its own store connection). If that fails, the old one
 * stays, the reason is logged and FALSE returned; the next call tries again. */
gboolean pd_app_follow (PdApp **app, PdSettingsCell *cell);
void pd_app_free (PdApp *app);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdApp, pd_app_free)

/* For `postdesk init` only: create HOME (0700), HOME/attachments and HOME/secret.key (0600,
 * 32 random bytes, hex) when missing. Never replaces anything. Safe against concurrent
 * first runs. */
gboolean pd_app_prepare_home (const char *home, GError **error);

/* A context for the filter chain with the given envelope. Clear with pd_context_clear. */
void pd_app_context (PdApp *app, PdContext *ctx, const char *envelope_from,
                     const char *envelope_rcpt);

#endif
