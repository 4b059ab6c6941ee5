/* settings.h - the one settings struct, loaded once from POSTDESK_HOME/postdesk.conf
 * (a GLib key file). Defaults live in settings.c; library code is handed these values
 * and never opens the config itself. */
#ifndef PD_SETTINGS_H
#define PD_SETTINGS_H

#include <glib.h>

typedef struct {
	char *name;    /* "support" */
	char *address; /* "support@example.com" */
	char *tag;     /* "SUPPORT" */
	char *locale;  /* templates locale, "en" */
	char *display_name; /* "Example Support" */
} PdQueueSettings;

typedef struct {
	char *home;          /* POSTDESK_HOME */
	char *domain;        /* [postdesk] domain */
	char *locale;        /* [postdesk] locale */
	char *database;      /* [postdesk] database, default HOME/postdesk.db */

	char *relay;         /* [smtp] relay; NULL = keep mail queued */
	char *relay_user;    /* [smtp] user */
	char *relay_password_file;
	gboolean starttls;   /* [smtp] starttls: require STARTTLS */
	char *ca_file;       /* [smtp] ca_file */
	gboolean tls_insecure; /* [smtp] tls_insecure: do not verify (testing only) */
	char *helo;          /* [smtp] helo */
	int retry_base;      /* [smtp] retry_base seconds: first retry delay, doubles */
	int retry_max;       /* [smtp] retry_max seconds: longest delay between tries */
	int give_up_after;   /* [smtp] give_up_after seconds: a queued row older fails */
	char *bounce_address;/* [smtp] bounce_address, VERP base, default bounces@DOMAIN */

	gsize max_message_size; /* [limits] message_size */
	guint max_mime_depth;   /* [limits] mime_containers */
	guint max_mime_parts;   /* [limits] mime_parts */

	guint auto_per_hour; /* [autoreply] per_hour: automatic answers to one address */
	guint auto_per_day;  /* [autoreply] per_day */

	int send_interval;   /* [serve] send_interval seconds */

	GPtrArray *queues;   /* PdQueueSettings*; at least one */
} PdSettings;

/* Load HOME/postdesk.conf (a missing file means all defaults). (transfer full) */
PdSettings *pd_settings_load (const char *home, GError **error);
void pd_settings_free (PdSettings *settings);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdSettings, pd_settings_free)

/* POSTDESK_HOME or ./var. (transfer full) */
char *pd_settings_home (void);

/* The documented example configuration that `postdesk init` writes, for DOMAIN. */
char *pd_settings_example (const char *domain);

/* The queue called NAME, or NULL. (transfer none) */
const PdQueueSettings *pd_settings_queue (const PdSettings *settings, const char *name);

#endif
