/* smtp-client.c - an SMTP client that keeps its relay connection open between messages
 * (smtp-client.h): it checks the envelope and hands the message to one of two ways of
 * talking; it does not queue, retry or log.
 *
 * A plain smtp:// relay without AUTH or STARTTLS (the usual local Postfix) is spoken to
 * directly over a socket (smtp-direct.c), with RFC 2920 PIPELINING when the relay offers it
 * (smtp-submit.c): MAIL, RCPT and DATA go in one write and their replies are read together,
 * so a message costs two round trips, not four; with pd_smtp_submit() the next message's
 * commands ride with this one's content and "." (RFC 2920 lets the content open a group), so
 * a stream of messages costs one round trip each. TLS and AUTH go through one libcurl easy
 * handle (smtp-curl.c; no pipelining there). Both normalise line ends to CRLF, dot-stuff and
 * classify the outcome by the same rules (smtp-wire.c). */
#include "outbound/smtp-client.h"

#include "outbound/smtp-curl.h"
#include "outbound/smtp-direct.h"
#include "outbound/smtp-wire.h"

struct PdSmtp {
	PdSmtpCurl *curl; /* made always (the relay's URL is checked when it is used) */
	Direct *direct; /* non-NULL: a plain relay, spoken to directly (curl is then unused) */
};

PdSmtp *
pd_smtp_new (const PdSmtpSettings *settings)
{
	PdSmtp *smtp;

	g_return_val_if_fail (settings != NULL && settings->url != NULL, NULL);

	smtp = g_new0 (PdSmtp, 1);
	smtp->curl = pd_smtp_curl_new (settings);
	smtp->direct = pd_smtp_direct_new (settings);
	return smtp;
}

/* "<ADDR>", or NULL when ADDR could smuggle a command or break the envelope. (transfer full) */
static char *
envelope_address (const char *addr)
{
	for (const char *p = addr; *p; p++)
		if (*p == '\r' || *p == '\n' || *p == '<' || *p == '>' || (guchar) *p < 0x20)
			return NULL;
	return g_strdup_printf ("<%s>", addr);
}

/* The envelope as "<address>"es in *FROM_R and *TOS_R (transfer full), or FALSE and
 * *WHY_R (transfer full) when an address could break it. */
static gboolean
envelope (const char *mail_from, const char *const *rcpts, char **from_r, GPtrArray **tos_r,
          char **why_r)
{
	g_autofree char *from = envelope_address (mail_from);
	g_autoptr (GPtrArray) tos = g_ptr_array_new_with_free_func (g_free);

	for (gsize i = 0; rcpts[i] != NULL; i++) {
		char *to = envelope_address (rcpts[i]);

		if (to == NULL || from == NULL) {
			g_free (to);
			*why_r = g_strdup_printf ("invalid envelope address <%s>",
			                          from ? rcpts[i] : mail_from);
			return FALSE;
		}
		g_ptr_array_add (tos, to);
	}
	*from_r = g_steal_pointer (&from);
	*tos_r = g_steal_pointer (&tos);
	return TRUE;
}

PdSmtpResult
pd_smtp_send (PdSmtp *smtp, const char *mail_from, const char *const *rcpts, GBytes *data,
              char **reply_r)
{
	g_autofree char *from = NULL, *why = NULL;
	g_autoptr (GPtrArray) tos = NULL;

	g_return_val_if_fail (smtp != NULL && mail_from != NULL && rcpts != NULL && rcpts[0] != NULL &&
	                      data != NULL, PD_SMTP_TEMPFAIL);

	if (!envelope (mail_from, rcpts, &from, &tos, &why)) {
		if (reply_r)
			*reply_r = g_steal_pointer (&why);
		return PD_SMTP_PERMFAIL;
	}
	if (smtp->direct != NULL) {
		g_autoptr (GPtrArray) outcomes =
			g_ptr_array_new_with_free_func ((GDestroyNotify) pd_smtp_outcome_free);
		PdSmtpOutcome *o;

		g_return_val_if_fail (smtp->direct->waiting == NULL, PD_SMTP_TEMPFAIL);
		pd_smtp_direct_submit (smtp->direct, from, tos, data, NULL, outcomes);
		pd_smtp_direct_flush (smtp->direct, outcomes);
		g_assert (outcomes->len == 1);
		o = outcomes->pdata[0];
		if (reply_r)
			*reply_r = g_steal_pointer (&o->reply);
		return o->result;
	}
	return pd_smtp_curl_send (smtp->curl, from, tos, data, reply_r);
}

void
pd_smtp_outcome_free (PdSmtpOutcome *outcome)
{
	if (outcome == NULL)
		return;
	g_free (outcome->reply);
	g_free (outcome);
}

void
pd_smtp_submit (PdSmtp *smtp, const char *mail_from, const char *const *rcpts, GBytes *data,
                gpointer tag, GPtrArray *outcomes)
{
	g_return_if_fail (smtp != NULL && mail_from != NULL && rcpts != NULL && rcpts[0] != NULL &&
	                  data != NULL && outcomes != NULL);

	if (smtp->direct != NULL) {
		g_autofree char *from = NULL, *why = NULL;
		g_autoptr (GPtrArray) tos = NULL;

		if (!envelope (mail_from, rcpts, &from, &tos, &why)) {
			pd_smtp_outcome_add (outcomes, tag, PD_SMTP_PERMFAIL, g_steal_pointer (&why));
			return;
		}
		pd_smtp_direct_submit (smtp->direct, from, tos, data, tag, outcomes);
	} else {
		char *reply = NULL;
		PdSmtpResult result = pd_smtp_send (smtp, mail_from, rcpts, data, &reply);

		pd_smtp_outcome_add (outcomes, tag, result, reply);
	}
}

void
pd_smtp_flush (PdSmtp *smtp, GPtrArray *outcomes)
{
	g_return_if_fail (smtp != NULL && outcomes != NULL);
	if (smtp->direct != NULL)
		pd_smtp_direct_flush (smtp->direct, outcomes);
}

gboolean
pd_smtp_pending (PdSmtp *smtp)
{
	return smtp->direct != NULL && smtp->direct->waiting != NULL;
}

const char *
pd_smtp_result_name (PdSmtpResult result)
{
	switch (result) {
	case PD_SMTP_SENT:
		return "sent";
	case PD_SMTP_TEMPFAIL:
		return "tempfail";
	case PD_SMTP_PERMFAIL:
		return "permfail";
	}
	g_return_val_if_reached ("unknown");
}

void
pd_smtp_free (PdSmtp *smtp)
{
	if (smtp == NULL)
		return;
	pd_smtp_direct_free (smtp->direct);
	pd_smtp_curl_free (smtp->curl);
	g_free (smtp);
}
