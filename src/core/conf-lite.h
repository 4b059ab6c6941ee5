/* conf-lite.h - the home and the few settings postdesk-deliver needs, found as
 * pd_settings_locate finds them (--config, $POSTDESK_CONFIG, $POSTDESK_HOME, the system config,
 * ./var) and read from the GLib key file in plain C. It reads only its keys and checks only
 * them: anything it cannot be sure it reads as GLib would (a line GLib would refuse, an
 * escape, a value out of range) is a reason to leave the mail to `postdesk deliver`, which
 * reads the whole file and says what is wrong. */
#ifndef PD_CONF_LITE_H
#define PD_CONF_LITE_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
	char *config;         /* the config file */
	char *home;
	char *database;       /* [postdesk] database, default HOME/postdesk.db */
	int busy_timeout;     /* [postdesk] busy_timeout, ms */
	int64_t message_size; /* [limits] message_size */
	int64_t max_pending;  /* [serve] max_pending */
} PdConfLite;

/* CONFIG_OPTION: --config FILE, or NULL. NULL when in doubt, with the reason in WHY (static
 * text or a message of at most WHY_LEN bytes). (free with pd_conf_lite_free) */
PdConfLite *pd_conf_lite_load (const char *config_option, char *why, size_t why_len);
void pd_conf_lite_free (PdConfLite *conf);

#endif
