/* drain.c - the outbox drain. Each row is claimed with a lease (its own, apart from the
 * retry time) before it goes to the relay, so any number of senders can run at once and a
 * row reaches the relay once. The envelope sender is the VERP address of the row
 * (bounces+o<id>-<sig>@domain), computed here so a bounce names the exact row. */
#include "outbound/drain.h"

#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/error.h"
#include "core/log.h"
#include "outbound/dkim.h"
#include "outbound/smtp-client.h"
#include "core/token.h"

#define BATCH 64
/* A claimed row is not due again before this: long enough for one delivery attempt, short
 * enough that a sender killed mid-delivery delays the mail only a little. */
#define LEASE 600

gint64
pd_sender_backoff (const PdSettings *s, gint64 attempts)
{
	gint64 delay = s->retry_base;
	gint64 i;

	for (i = 1; i < attempts && delay < s->retry_max; i++)
		delay *= 2;
	return MIN (delay, (gint64) s->retry_max);
}

static char *
read_password (const PdSettings *s, GError **error)
{
	g_autofree char *text = NULL;
	char *nl;

	if (s->relay_password_file == NULL)
		return NULL;
	if (!g_file_get_contents (s->relay_password_file, &text, NULL, error)) {
		g_prefix_error (error, "[smtp] password_file: ");
		return NULL;
	}
	if ((nl = strchr (text, '\n')) != NULL)
		*nl = '\0';
	return g_steal_pointer (&text);
}

static gboolean
record (PdApp *app, const PdOutboxRow *row, const char *owner, PdSmtpResult result,
        const char *reply, PdSendStats *stats, GError **error)
{
	PdStore *store = app->store;
	gint64 now = pd_now ();
	gboolean ok;

	if (!pd_store_begin (store, error))
		return FALSE;
	switch (result) {
	case PD_SMTP_SENT:
		ok = pd_store_outbox_sent (store, row->id, reply, now, error);
		stats->sent++;
		break;
	case PD_SMTP_PERMFAIL:
		ok = pd_store_outbox_failed (store, row->id, reply, error);
		stats->failed++;
		break;
	case PD_SMTP_TEMPFAIL:
	default:
		if (now - row->created_at >= app->settings->give_up_after) {
			g_autofree char *why = g_strdup_printf ("gave up after %" G_GINT64_FORMAT
			                                        " attempts; last: %s",
			                                        row->attempts + 1, reply ? reply : "-");
			ok = pd_store_outbox_failed (store, row->id, why, error);
			stats->failed++;
		} else {
			ok = pd_store_outbox_retry (store, row->id, owner, reply,
			                            now + pd_sender_backoff (app->settings, row->attempts + 1),
			                            error);
			stats->retried++;
		}
	}
	if (!ok) {
		pd_store_rollback (store);
		return FALSE;
	}
	return pd_store_commit (store, error);
}

static gboolean
claim (PdApp *app, const PdOutboxRow *row, gboolean now_all, const char *owner,
       gboolean *claimed_r, GError **error)
{
	gint64 now = pd_now ();

	if (!pd_store_begin (app->store, error))
		return FALSE;
	if (!pd_store_outbox_claim (app->store, row->id, now, now_all, now + LEASE, owner, claimed_r,
	                            error)) {
		pd_store_rollback (app->store);
		return FALSE;
	}
	return pd_store_commit (app->store, error);
}

gboolean
pd_sender_run (PdApp *app, gboolean now_all, PdSendStats *stats, GError **error)
{
	const PdSettings *s = app->settings;
	g_autoptr (GHashTable) tried = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
	g_autoptr (PdSmtp) smtp = NULL;
	g_autofree char *password = NULL;
	/* who holds the leases this run takes: unique per run, readable in the table */
	g_autofree char *owner = g_strdup_printf ("%s:%d:%08x", g_get_host_name (), (int) getpid (),
	                                          g_random_int ());
	PdSmtpSettings ss = { 0 };

	memset (stats, 0, sizeof *stats);
	if (s->relay == NULL) {
		pd_log_info ("no [smtp] relay configured: outgoing mail stays queued");
		return TRUE;
	}
	if (s->relay_password_file && (password = read_password (s, error)) == NULL)
		return FALSE;
	ss.url = s->relay;
	ss.user = s->relay_user;
	ss.password = password;
	ss.starttls = s->starttls;
	ss.ca_file = s->ca_file;
	ss.insecure = s->tls_insecure;
	ss.helo = s->helo ? s->helo : s->domain;
	ss.timeout = 120;
	smtp = pd_smtp_new (&ss);

	for (;;) {
		gint64 now = pd_now ();
		g_autoptr (GPtrArray) rows = pd_store_outbox_due (app->store, now, now_all,
		                                                  BATCH + g_hash_table_size (tried),
		                                                  error);
		guint i, fresh = 0;

		if (rows == NULL)
			return FALSE;
		for (i = 0; i < rows->len; i++) {
			const PdOutboxRow *row = rows->pdata[i];
			g_autofree char *verp = NULL, *reply = NULL;
			const char *rcpts[] = { row->rcpt, NULL };
			PdSmtpResult result;
			gboolean claimed;

			if (g_hash_table_contains (tried, &row->id))
				continue;
			g_hash_table_add (tried, g_memdup2 (&row->id, sizeof row->id));
			fresh++;
			if (!claim (app, row, now_all, owner, &claimed, error))
				return FALSE;
			if (!claimed)
				continue; /* another sender (serve, a cron `postdesk send`) has it */
			verp = pd_token_address (app->secret, s->bounce_address, 'o', row->id);
			/* [dkim] (issue 12): a key that cannot be used leaves the mail unsigned, not unsent */
			g_autoptr (GError) dkim_error = NULL;
			g_autoptr (GBytes) bytes = pd_dkim_sign_bytes (s, row->raw, &dkim_error);
			if (bytes == NULL) {
				pd_log_warn ("outbox=%" G_GINT64_FORMAT " sent unsigned: %s", row->id,
				             dkim_error->message);
				bytes = g_bytes_ref (row->raw);
			}
			result = pd_smtp_send (smtp, verp, rcpts, bytes, &reply);
			pd_log_info ("outbox=%" G_GINT64_FORMAT " kind=%s rcpt=%s result=%s reply=\"%s\"",
			             row->id, row->kind, row->rcpt, pd_smtp_result_name (result),
			             reply ? g_strstrip (reply) : "");
			if (!record (app, row, owner, result, reply, stats, error))
				return FALSE;
		}
		if (fresh == 0)
			return TRUE;
	}
}
