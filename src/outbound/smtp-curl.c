/* smtp-curl.c - the relays the direct connection does not speak to (TLS, STARTTLS, AUTH),
 * through one libcurl easy handle that keeps its connection between messages
 * (smtp-curl.h). One command at a time, no pipelining; the relay's reply is read from curl's
 * debug stream, since curl hands back only an error code. Apart from smtp-client.c so that
 * libcurl's callbacks and state live with the one path that uses them. */
#include "outbound/smtp-curl.h"

#include <curl/curl.h>
#include <string.h>

#include "outbound/smtp-wire.h"

struct PdSmtpCurl {
	CURL *curl;
	char *url;
	char *user;
	char *password;
	char *ca_file;
	char errbuf[CURL_ERROR_SIZE];

	/* The reply being read: its lines, and whether its last line ("NNN text") has come. */
	GString *reply;
	gboolean reply_done;
	char last_command[16]; /* verb of the last command sent: "MAIL", "RCPT", "DATA", "EHLO"... */
	/* The first reply of this transfer with a code >= 400 and the command it answered: after
	 * a failure curl sends QUIT, so the last reply is then "221 Bye". */
	char *error_reply;
	char error_command[16];

	/* The message being uploaded. */
	GBytes *upload;
	gsize upload_pos;
};

static gpointer
global_init (gpointer unused)
{
	(void) unused;
	if (curl_global_init (CURL_GLOBAL_DEFAULT) != CURLE_OK)
		g_error ("curl_global_init failed");
	return NULL;
}

static GBytes *
to_crlf (GBytes *data)
{
	return pd_smtp_crlf_copy (data, FALSE);
}

static size_t
read_cb (char *buffer, size_t size, size_t nitems, void *userdata)
{
	PdSmtpCurl *smtp = userdata;
	gsize len;
	const char *p = g_bytes_get_data (smtp->upload, &len);
	gsize n = MIN (size * nitems, len - smtp->upload_pos);

	memcpy (buffer, p + smtp->upload_pos, n);
	smtp->upload_pos += n;
	return n;
}

/* Keep the lines of the relay's last reply and the verb of the last command. A command line may
 * carry credentials (AUTH), so only its first word is kept. */
static int
debug_cb (CURL *curl, curl_infotype type, char *data, size_t size, void *userdata)
{
	PdSmtpCurl *smtp = userdata;
	(void) curl;

	if (type == CURLINFO_HEADER_OUT) {
		gsize n = 0;
		while (n < size && n < sizeof smtp->last_command - 1 && g_ascii_isalpha (data[n]))
			n++;
		memcpy (smtp->last_command, data, n);
		smtp->last_command[n] = '\0';
		return 0;
	}
	if (type != CURLINFO_HEADER_IN)
		return 0;
	while (size > 0) {
		const char *nl = memchr (data, '\n', size);
		gsize line_len = nl ? (gsize) (nl - data) + 1 : size;
		gsize text_len = line_len;

		while (text_len > 0 && (data[text_len - 1] == '\n' || data[text_len - 1] == '\r'))
			text_len--;
		if (smtp->reply_done) {
			g_string_truncate (smtp->reply, 0);
			smtp->reply_done = FALSE;
		}
		if (smtp->reply->len > 0)
			g_string_append_c (smtp->reply, '\n');
		g_string_append_len (smtp->reply, data, text_len);
		/* "250-..." continues a reply, "250 ..." or "250" ends it. */
		if (text_len == 3 || (text_len > 3 && data[3] == ' ')) {
			smtp->reply_done = TRUE;
			if (smtp->error_reply == NULL && pd_smtp_reply_code (smtp->reply->str) >= 400) {
				smtp->error_reply = g_strdup (smtp->reply->str);
				memcpy (smtp->error_command, smtp->last_command,
				        sizeof smtp->error_command);
			}
		}
		data += line_len;
		size -= line_len;
	}
	return 0;
}

/* URL with its path set to HELO (libcurl takes the EHLO name from the URL's path), unless the
 * URL already has a path. (transfer full) */
static char *
url_with_helo (const char *url, const char *helo)
{
	CURLU *u;
	char *path = NULL;
	char *full = NULL;
	char *result;

	if (helo == NULL || *helo == '\0')
		return g_strdup (url);
	u = curl_url ();
	if (curl_url_set (u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get (u, CURLUPART_PATH, &path, 0) != CURLUE_OK) {
		curl_url_cleanup (u);
		return g_strdup (url); /* curl_easy_perform() reports the bad URL */
	}
	if ((path[0] == '\0' || g_str_equal (path, "/")) &&
	    curl_url_set (u, CURLUPART_PATH, helo, CURLU_URLENCODE) == CURLUE_OK &&
	    curl_url_get (u, CURLUPART_URL, &full, 0) == CURLUE_OK)
		result = g_strdup (full);
	else
		result = g_strdup (url);
	curl_free (full);
	curl_free (path);
	curl_url_cleanup (u);
	return result;
}

/* The outcome of a finished transfer. Only a 5xx to the envelope or to the message itself is
 * permanent. Everything else keeps the mail queued for a retry: no connection, a timeout, a 4xx,
 * TLS trouble, and AUTH trouble too (a refused login or a 530 "authentication required" is the
 * relay's or our configuration's fault, not the message's; once fixed, the mail goes out). */
static PdSmtpResult
classify (PdSmtpCurl *smtp, CURLcode res)
{
	long code = smtp->error_reply ? pd_smtp_reply_code (smtp->error_reply) : 0;
	const char *cmd = smtp->error_command;

	if (res == CURLE_OK)
		return PD_SMTP_SENT; /* curl returns OK only after a 250 to the end of DATA */
	if (res == CURLE_LOGIN_DENIED || code == 530)
		return PD_SMTP_TEMPFAIL;
	if (code >= 500 && code < 600 &&
	    (g_str_equal (cmd, "MAIL") || g_str_equal (cmd, "RCPT") || g_str_equal (cmd, "DATA")))
		return PD_SMTP_PERMFAIL;
	return PD_SMTP_TEMPFAIL;
}

PdSmtpCurl *
pd_smtp_curl_new (const PdSmtpSettings *settings)
{
	static GOnce once = G_ONCE_INIT;
	PdSmtpCurl *smtp;
	long timeout;

	g_once (&once, global_init, NULL);

	smtp = g_new0 (PdSmtpCurl, 1);
	smtp->curl = curl_easy_init ();
	g_assert (smtp->curl != NULL);
	smtp->url = url_with_helo (settings->url, settings->helo);
	smtp->user = g_strdup (settings->user);
	smtp->password = g_strdup (settings->password);
	smtp->ca_file = g_strdup (settings->ca_file);
	smtp->reply = g_string_new (NULL);
	timeout = settings->timeout > 0 ? settings->timeout : 60;

	/* curl copies string options; it keeps the error buffer's address and the read/debug data. */
	curl_easy_setopt (smtp->curl, CURLOPT_URL, smtp->url);
	curl_easy_setopt (smtp->curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt (smtp->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt (smtp->curl, CURLOPT_TIMEOUT, timeout);
	curl_easy_setopt (smtp->curl, CURLOPT_CONNECTTIMEOUT, MIN (timeout, 30L));
	curl_easy_setopt (smtp->curl, CURLOPT_ERRORBUFFER, smtp->errbuf);
	curl_easy_setopt (smtp->curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt (smtp->curl, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt (smtp->curl, CURLOPT_READDATA, smtp);
	/* The debug callback is only called in verbose mode; it replaces curl's stderr output. */
	curl_easy_setopt (smtp->curl, CURLOPT_VERBOSE, 1L);
	curl_easy_setopt (smtp->curl, CURLOPT_DEBUGFUNCTION, debug_cb);
	curl_easy_setopt (smtp->curl, CURLOPT_DEBUGDATA, smtp);
	if (smtp->user) {
		curl_easy_setopt (smtp->curl, CURLOPT_USERNAME, smtp->user);
		curl_easy_setopt (smtp->curl, CURLOPT_PASSWORD, smtp->password ? smtp->password : "");
	}
	/* smtps:// is TLS from the start; this is about STARTTLS on smtp://. */
	curl_easy_setopt (smtp->curl, CURLOPT_USE_SSL,
	                  settings->starttls ? (long) CURLUSESSL_ALL : (long) CURLUSESSL_NONE);
	if (smtp->ca_file)
		curl_easy_setopt (smtp->curl, CURLOPT_CAINFO, smtp->ca_file);
	if (settings->insecure) {
		curl_easy_setopt (smtp->curl, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt (smtp->curl, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	return smtp;
}

PdSmtpResult
pd_smtp_curl_send (PdSmtpCurl *smtp, const char *from, GPtrArray *tos, GBytes *data,
                   char **reply_r)
{
	struct curl_slist *rcpt_list = NULL;
	PdSmtpResult result;
	CURLcode res;

	for (guint i = 0; i < tos->len; i++) {
		rcpt_list = curl_slist_append (rcpt_list, tos->pdata[i]);
		g_assert (rcpt_list != NULL);
	}
	smtp->upload = to_crlf (data);
	smtp->upload_pos = 0;
	smtp->errbuf[0] = '\0';
	smtp->last_command[0] = '\0';
	g_string_truncate (smtp->reply, 0);
	smtp->reply_done = FALSE;
	g_clear_pointer (&smtp->error_reply, g_free);
	smtp->error_command[0] = '\0';

	curl_easy_setopt (smtp->curl, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt (smtp->curl, CURLOPT_MAIL_RCPT, rcpt_list);
	curl_easy_setopt (smtp->curl, CURLOPT_INFILESIZE_LARGE,
	                  (curl_off_t) g_bytes_get_size (smtp->upload));
	res = curl_easy_perform (smtp->curl);
	curl_easy_setopt (smtp->curl, CURLOPT_MAIL_RCPT, NULL);
	curl_easy_setopt (smtp->curl, CURLOPT_MAIL_FROM, NULL);
	curl_slist_free_all (rcpt_list);
	g_clear_pointer (&smtp->upload, g_bytes_unref);

	result = classify (smtp, res);
	if (reply_r) {
		if (res == CURLE_OK)
			*reply_r = g_strdup (smtp->reply->str);
		else if (smtp->error_reply != NULL)
			*reply_r = g_strdup (smtp->error_reply);
		else if (smtp->errbuf[0] != '\0')
			*reply_r = g_strdup (smtp->errbuf);
		else
			*reply_r = g_strdup (curl_easy_strerror (res));
	}
	return result;
}

void
pd_smtp_curl_free (PdSmtpCurl *smtp)
{
	if (smtp == NULL)
		return;
	curl_easy_cleanup (smtp->curl);
	g_free (smtp->url);
	g_free (smtp->user);
	g_free (smtp->password);
	g_free (smtp->ca_file);
	g_string_free (smtp->reply, TRUE);
	g_free (smtp->error_reply);
	g_free (smtp);
}
