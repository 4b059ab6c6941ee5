/* log.h - one small logging API: a line per event on stderr (journald picks it up under
 * systemd), "postdesk[pid]: level: text". Debug lines only with POSTDESK_DEBUG set. */
#ifndef PD_LOG_H
#define PD_LOG_H

#include <glib.h>

void pd_log_error (const char *fmt, ...) G_GNUC_PRINTF (1, 2);
void pd_log_warn (const char *fmt, ...) G_GNUC_PRINTF (1, 2);
void pd_log_info (const char *fmt, ...) G_GNUC_PRINTF (1, 2);
void pd_log_debug (const char *fmt, ...) G_GNUC_PRINTF (1, 2);
/* Silence info lines (commands whose output is for scripts). */
void pd_log_set_quiet (gboolean quiet);

#endif
