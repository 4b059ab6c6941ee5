/* app.h - what a command runs with: the home directory, settings, the secret key and the
 * store, opened once. pd_app_open creates a missing home (directory, secret) but never
 * overwrites anything; the config file is optional (defaults apply). */
#ifndef PD_APP_H
#define PD_APP_H

#include <glib.h>

#include "filters/chain.h"
#include "core/settings.h"
#include "store/store.h"

typedef struct {
	char *home;
	PdSettings *settings;
	GBytes *secret;
	PdStore *store;            /* NULL when opened without the store */
	PdQueueInfo *queues;       /* filter-facing view of settings->queues */
	char **own_addresses;      /* every address we send from, NULL-terminated */
	PdQuery query;             /* the store's answers for filters */
} PdApp;

typedef enum {
	PD_APP_NO_STORE = 0, /* read-only: no database, and nothing is created in the home */
	PD_APP_STORE = 1,    /* open (creating what is missing) the home and the database */
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

/* Create HOME (0700), HOME/attachments and HOME/secret.key (0600, 32 random bytes, hex)
 * when missing. Safe against concurrent first runs. */
gboolean pd_app_prepare_home (const char *home, GError **error);

/* A context for the filter chain with the given envelope. Clear with pd_context_clear. */
void pd_app_context (PdApp *app, PdContext *ctx, const char *envelope_from,
                     const char *envelope_rcpt);

#endif
