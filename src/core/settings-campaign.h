/* settings-campaign.h - the [campaign] section: how fast announcements go out, how they are
 * staged and when a campaign pauses itself. Parsed by settings-campaign.c from the key file
 * settings.c loads; PdSettings.campaign is never NULL. */
#ifndef PD_SETTINGS_CAMPAIGN_H
#define PD_SETTINGS_CAMPAIGN_H

#include <glib.h>

typedef struct {
	double rate;          /* [campaign] rate: messages/s over all campaigns, 0 = no limit */
	int per_domain;       /* per_domain: messages/min to one recipient domain, 0 = no limit */
	int connections;      /* connections: relay connections of a campaign without its own */
	gint64 stage_wait;    /* stage_wait: seconds a finished stage waits for bounces */
	double max_bounce_rate;    /* max_bounce_rate: share (0.05 = 5%) above which it pauses */
	double max_complaint_rate; /* max_complaint_rate */
	char *from;           /* from: From: of announcements, NULL = the list's address */
	char *owner;          /* owner: who hears of a pause when the list names nobody */
	int batch;            /* batch: relay 250s committed per transaction (the duplicate
	                       * window after a kill -9 is batch + connections messages) */
	gint64 backoff;       /* backoff: first delay for a domain that answered 4xx, doubles */
	gint64 backoff_max;   /* backoff_max: its longest delay */
	gint64 lease;         /* lease: seconds a sender holds a row it took */
	gint64 sender_lease;  /* sender_lease: seconds the one campaign sender's part lasts
	                       * unrenewed (renewed every third of it; lists4) */
} PdCampaignSettings;

/* The [campaign] section of KF, defaults for what is missing. NULL with PD_ERROR_CONFIG.
 * (transfer full) */
PdCampaignSettings *pd_campaign_settings_load (GKeyFile *kf, GError **error);
void pd_campaign_settings_free (PdCampaignSettings *c);

/* "90s", "10m", "4h", "2d" or a bare number of seconds; -1 when TEXT is none of them. */
gint64 pd_campaign_parse_duration (const char *text);

#endif
