/* settings.h - the one settings struct, loaded once from POSTDESK_HOME/postdesk.conf
 * (a GLib key file). Defaults live in settings.c; library code is handed these values
 * and never opens the config itself. A loaded PdSettings is immutable and reference-counted:
 * `serve` swaps the current one on SIGHUP (PdSettingsCell) and each thread takes a reference
 * for a unit of work, so nothing ever sees a half-changed configuration. */
#ifndef PD_SETTINGS_H
#define PD_SETTINGS_H

#include <glib.h>

typedef struct {
	char *name;    /* "support" */
	char *address; /* "support@example.com" */
	char *tag;     /* "SUPPORT" */
	char *locale;  /* templates locale, "en" */
	char *display_name; /* "Example Support" */
	gboolean agent_name_in_from; /* replies to customers from "Agent Name (Example Support)" */
	gint64 first_response; /* SLA target in seconds from creation, 0 = none */
	gint64 resolution;     /* SLA target in seconds from creation, 0 = none */
} PdQueueSettings;

/* One [imap NAME] account to fetch from. */
typedef struct {
	char *name;          /* NAME */
	char *url;           /* imap://host:port/MAILBOX or imaps://host:port/MAILBOX */
	char *user;
	char *password_file; /* first line is the password */
	char *after;         /* "move:FOLDER", "seen" or "delete" */
	gboolean starttls;   /* require STARTTLS on imap:// (it is used whenever offered) */
	gboolean allow_plaintext; /* imap:// without STARTTLS may send the password in clear */
	char *ca_file;       /* PEM CA certificates trusted besides the system's */
	gboolean tls_insecure; /* do not verify the server certificate (tests only) */
	int poll_interval;   /* seconds between polls when the server has no IDLE */
	int idle_timeout;    /* seconds before IDLE is renewed (RFC 2177: under 29 minutes) */
} PdImapSettings;

typedef struct {
	char *home;          /* POSTDESK_HOME */
	char *domain;        /* [postdesk] domain */
	char *locale;        /* [postdesk] locale */
	char *database;      /* [postdesk] database, default HOME/postdesk.db */
	int busy_timeout;    /* [postdesk] busy_timeout: ms to wait for a locked database */

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

	char *agent_authserv; /* [agents] trusted_authserv: require its Authentication-Results
	                         dkim=pass or spf=pass for the agent's domain; NULL = not required */
	guint auto_per_hour; /* [autoreply] per_hour: automatic answers to one address */
	guint auto_per_day;  /* [autoreply] per_day */

	int send_interval;   /* [serve] send_interval seconds */
	char *serve_lmtp;    /* [serve] lmtp: HOST:PORT, or NULL for no LMTP listener */
	char *serve_smtp;    /* [serve] smtp: HOST:PORT, or NULL */
	char *tls_cert;      /* [serve] tls_cert: PEM certificate for STARTTLS, or NULL */
	char *tls_key;       /* [serve] tls_key: PEM private key */
	guint max_connections; /* [serve] max_connections: concurrent listener sessions */
	guint max_recipients;  /* [serve] max_recipients: per message */
	guint max_line;        /* [serve] max_line: longest command/text line in bytes */
	int idle_timeout;      /* [serve] idle_timeout seconds of client silence */

	GPtrArray *imap;     /* PdImapSettings*, may be empty */

	GPtrArray *queues;   /* PdQueueSettings*; at least one */

	gint ref_count;      /* private: pd_settings_ref/unref */
} PdSettings;

/* Load HOME/postdesk.conf (a missing file means all defaults). One reference, never changed
 * afterwards. (transfer full) */
PdSettings *pd_settings_load (const char *home, GError **error);
/* Thread-safe. (transfer full) */
PdSettings *pd_settings_ref (PdSettings *settings);
/* Drop a reference; the last one frees. NULL is fine. Thread-safe. */
void pd_settings_unref (PdSettings *settings);
/* The older name of pd_settings_unref. */
void pd_settings_free (PdSettings *settings);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdSettings, pd_settings_unref)

/* Whether two [imap NAME] sections say the same (a fetcher for A need not restart for B). */
gboolean pd_imap_settings_equal (const PdImapSettings *a, const PdImapSettings *b);

/* The current settings of a long-running process: the main thread sets them (SIGHUP), any
 * thread takes a reference to whatever is current when it starts a unit of work. The cell
 * must outlive the threads that read it. */
typedef struct PdSettingsCell PdSettingsCell;

/* A cell holding a new reference to SETTINGS. (transfer full) */
PdSettingsCell *pd_settings_cell_new (PdSettings *settings);
/* The current settings. (transfer full: unref when the unit of work is done) */
PdSettings *pd_settings_cell_get (PdSettingsCell *cell);
/* Make SETTINGS (a new reference is taken) current; the old ones go when their last user
 * drops them. */
void pd_settings_cell_set (PdSettingsCell *cell, PdSettings *settings);
void pd_settings_cell_free (PdSettingsCell *cell);

/* POSTDESK_HOME or ./var. (transfer full) */
char *pd_settings_home (void);

/* The documented example configuration that `postdesk init` writes, for DOMAIN. */
char *pd_settings_example (const char *domain);

/* The queue called NAME, or NULL. (transfer none) */
const PdQueueSettings *pd_settings_queue (const PdSettings *settings, const char *name);

#endif
