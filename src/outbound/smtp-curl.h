/* smtp-curl.h - a relay spoken to through libcurl (smtps://, STARTTLS, AUTH): one message at
 * a time, the connection kept between messages. Private to the smtp-client files. */
#ifndef PD_SMTP_CURL_H
#define PD_SMTP_CURL_H

#include "outbound/smtp-client.h"

typedef struct PdSmtpCurl PdSmtpCurl;

/* Copies what it needs from SETTINGS; connects in the first pd_smtp_curl_send().
 * (transfer full) */
PdSmtpCurl *pd_smtp_curl_new (const PdSmtpSettings *settings);
/* Deliver DATA from FROM to TOS (char*), all as "<address>", already checked
 * (pd_smtp_send()'s contract otherwise). */
PdSmtpResult pd_smtp_curl_send (PdSmtpCurl *smtp, const char *from, GPtrArray *tos,
                                GBytes *data, char **reply_r);
void pd_smtp_curl_free (PdSmtpCurl *smtp);

#endif
