/* settings.h - finding the home and its config file, and the one settings struct loaded once
 * from that config (a GLib key file). Defaults live in settings.c; library code is handed
 * these values and never opens the config itself. A loaded PdSettings is immutable and
 * reference-counted: `serve` swaps the current one on SIGHUP (PdSettingsCell) and each thread
 * takes a reference for a unit of work, so nothing ever sees a half-changed configuration. */
#ifndef PD_SETTINGS_H
#define PD_SETTINGS_H

#include <glib.h>

#include "core/settings-campaign.h"

/* ---- service levels (SLA), see settings-sla.c ---- */
typedef struct PdCalendar PdCalendar; /* core/calendar.h */
#include "core/settings-kb.h"

/* One [calendar NAME] section. */
typedef struct {
	char *name;
	PdCalendar *calendar;
} PdCalendarSettings;

typedef enum {
	PD_SLA_NONE = 0, /* no target */
	PD_SLA_SECONDS,  /* AMOUNT seconds: business seconds with a calendar, else calendar time */
	PD_SLA_DAYS,     /* AMOUNT business days of the calendar */
	PD_SLA_CUTOFF,   /* the calendar's cut-off form */
} PdSlaUnit;

typedef struct {
	PdSlaUnit unit;
	gint64 amount;
} PdSlaTarget;

#define PD_SLA_PRIORITIES 4 /* low, normal, high, urgent: pd_sla_priority_index() */

/* A queue's SLA policy. */
typedef struct {
	char *calendar_name;        /* [queue] calendar, NULL = calendar time */
	const PdCalendar *calendar; /* that calendar (owned by PdSettings.calendars), or NULL */
	PdSlaTarget first_response[PD_SLA_PRIORITIES]; /* first_response, first_response.PRIORITY */
	PdSlaTarget resolution[PD_SLA_PRIORITIES];     /* resolution, resolution.PRIORITY */
	int reminder_pct;           /* reminder = 75%: remind at that share of a target; 0 = none */
	char *escalation;           /* escalation = ADDRESS at the breach; NULL = none */
	gboolean pause_when_waiting; /* the resolution clock stops while the customer is awaited */
} PdSlaSettings;

/* 0..3 for low, normal, high, urgent; -1 for anything else. */
int pd_sla_priority_index (const char *priority);

typedef struct {
	char *name;    /* "support" */
	char *address; /* "support@example.com" */
	char *tag;     /* "SUPPORT" */
	char *locale;  /* templates locale, "en" */
	char *display_name; /* "Example Support" */
	gboolean agent_name_in_from; /* replies to customers from "Agent Name (Example Support)" */
	gint64 first_response; /* SLA target in seconds from creation, 0 = none */
	gint64 resolution;     /* SLA target in seconds from creation, 0 = none */
	PdSlaSettings *sla;    /* never NULL */
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
	char *home;          /* the home directory (pd_settings_locate) */
	char *config;        /* the file these came from; NULL for the defaults */
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
	int relay_connections; /* [smtp] connections: relay connections a drain uses at once */

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
	char *serve_http;    /* [serve] http: HOST:PORT of the knowledge-base web view, or NULL */
	char *public_url;    /* [serve] public_url without a trailing '/': what links in mail
	                        start with; default http://HTTP; NULL when neither is set */
	char *tls_cert;      /* [serve] tls_cert: PEM certificate for STARTTLS, or NULL */
	char *tls_key;       /* [serve] tls_key: PEM private key */
	guint max_connections; /* [serve] max_connections: concurrent listener sessions */
	guint max_recipients;  /* [serve] max_recipients: per message */
	guint max_pending;     /* [serve] max_pending: intake rows waiting to be processed past
	                        * which the listeners answer 451 4.3.2 (back-pressure) */
	guint max_line;        /* [serve] max_line: longest command/text line in bytes */
	int idle_timeout;      /* [serve] idle_timeout: seconds a session may wait for its next
	                          whole line (bytes of a line not yet ended do not count) */
	guint max_per_address; /* [serve] max_connections_per_address: sessions from one client IP */
	int command_timeout;   /* [serve] command_timeout: seconds from a line's first byte to its end */
	int session_timeout;   /* [serve] session_timeout: seconds a session may last in all */

	GPtrArray *imap;     /* PdImapSettings*, may be empty */

	GPtrArray *queues;   /* PdQueueSettings*; at least one */
	GPtrArray *calendars; /* PdCalendarSettings*, [calendar NAME] sections, may be empty */
	int tick_interval;    /* [serve] tick_interval: seconds between scheduler runs in serve */
	struct PdListSettings *lists_feedback; /* [lists] bounce scoring, digests (settings-lists.h) */
	struct PdDkimSettings *dkim; /* [dkim], NULL = off (settings-dkim.h) */

	struct PdSunSettings *sun; /* follow-the-sun queues (core/settings-sun.h), never NULL */

	struct PdRouteSettings *routing;       /* queue addresses, [route NAME]: settings-route.h */
	struct PdRetentionSettings *retention; /* [retention]: settings-retention.h */
	PdKbSettings *kb;     /* [kb] (settings-kb.c), never NULL once loaded */

	PdCampaignSettings *campaign; /* [campaign] (settings-campaign.h), never NULL */
	struct PdUpkeepSettings *upkeep; /* [serve] metrics, [retention] vacuum: settings-upkeep.h */

	gint ref_count;      /* private: pd_settings_ref/unref */
} PdSettings;

/* Where the home and its config file are, and how they were found. */
typedef struct {
	char *config; /* the config file (it may not exist yet, see pd_settings_locate) */
	char *home;   /* the home directory */
	char *source; /* how it was found, for messages: "--config", "POSTDESK_HOME", ... */
} PdLocation;

void pd_location_free (PdLocation *loc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdLocation, pd_location_free)

/* Use FILE as the config file (the global --config option): it wins over the environment.
 * Call before any thread starts. */
void pd_settings_use_config (const char *file);

/* The compiled-in system config, PD_SYSCONFDIR/postdesk/postdesk.conf. (transfer none) */
const char *pd_settings_system_config (void);
/* Look for the system config at FILE instead (unit tests; FILE must outlive its use). */
void pd_settings_set_system_config (const char *file);

/* Find the home and its config, first match wins: --config FILE, $POSTDESK_CONFIG (a config
 * file), $POSTDESK_HOME (a home; config HOME/postdesk.conf), the system config if it exists,
 * ./var if it exists. A config file found by name (not through POSTDESK_HOME or ./var) sets
 * its home with [postdesk] home (relative to the file's directory; default: that directory).
 * With MUST_EXIST, a config file or home that does not exist is a PD_ERROR_CONFIG naming it
 * and saying how to make it; without (init, classify), ./var is the last resort and nothing
 * needs to exist. Creates nothing. (transfer full) */
PdLocation *pd_settings_locate (gboolean must_exist, GError **error);

/* Load the config file CONFIG for HOME; a missing file is a PD_ERROR_CONFIG.
 * (transfer full) */
PdSettings *pd_settings_load_file (const char *config, const char *home, GError **error);
/* Only the defaults, for HOME (classify without a home). (transfer full) */
PdSettings *pd_settings_defaults (const char *home);
/* Load the settings of HOME again: the located config when it belongs to HOME, else
 * HOME/postdesk.conf (for a reload). (transfer full) */
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

/* The documented example configuration that `postdesk init` writes, for DOMAIN. */
char *pd_settings_example (const char *domain);

/* The calendar called NAME, or NULL. (transfer none) */
const PdCalendar *pd_settings_calendar (const PdSettings *settings, const char *name);

/* The queue called NAME, or NULL. (transfer none) */
const PdQueueSettings *pd_settings_queue (const PdSettings *settings, const char *name);

#endif
