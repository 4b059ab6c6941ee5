/* announce-status.c - `postdesk announce status|list`: a campaign's progress (once, or
 * followed with a progress bar on a terminal) and the list of campaigns, as text or JSON.
 * Reads only: nothing here changes a campaign. */
#include "cmd/announce-private.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "cmd/cli.h"
#include "core/error.h"
#include "core/json.h"
#include "lists/campaign.h"

/* status --json: who sends campaigns now (lists4), null when nobody holds the part; a
 * campaign that does not move while running is often waiting for that holder's lease */
static void
json_sender (PdJson *j, const PdCampaignSenderRow *h)
{
	pd_json_key (j, "sender");
	if (h->host == NULL) {
		pd_json_null (j);
		return;
	}
	pd_json_object_begin (j);
	pd_json_member_string (j, "kind", h->kind);
	pd_json_member_string (j, "host", h->host);
	pd_json_member_int (j, "pid", h->pid);
	pd_json_member_int (j, "since", h->since);
	pd_json_member_int (j, "expires_at", h->expires_at);
	pd_json_object_end (j);
}

/* SENDER: the campaign sender's part (status --json), NULL to leave it out (list) */
static void
json_campaign (PdJson *j, const PdCampaignRow *c, const PdCampaignCounts *n,
               const PdCampaignSenderRow *sender)
{
	pd_json_object_begin (j);
	pd_json_member_int (j, "id", c->id);
	pd_json_member_string (j, "state", c->state);
	pd_json_member_int (j, "total", c->total);
	pd_json_member_int (j, "sent", n->sent);
	pd_json_member_int (j, "deferred", n->deferred);
	pd_json_member_int (j, "bounced", n->bounced);
	pd_json_member_int (j, "failed", n->failed);
	pd_json_member_int (j, "skipped", n->skipped);
	pd_json_member_int (j, "pending", n->pending);
	pd_json_member_int (j, "sending", n->sending);
	pd_json_member_string (j, "list", c->list_name);
	pd_json_member_string (j, "subject", c->subject);
	pd_json_member_string (j, "stages", c->stages);
	pd_json_member_int (j, "stage", c->stage + 1);
	pd_json_member_string (j, "paused_reason", c->paused_reason);
	pd_json_member_int (j, "created_at", c->created_at);
	pd_json_member_int (j, "start_at", c->start_at);
	pd_json_member_int (j, "started_at", c->started_at);
	pd_json_member_int (j, "finished_at", c->finished_at);
	if (sender != NULL)
		json_sender (j, sender);
	pd_json_object_end (j);
}

static gboolean
finished (const char *state)
{
	return !strcmp (state, "done") || !strcmp (state, "cancelled") || !strcmp (state, "paused") ||
	       !strcmp (state, "draft");
}

/* One progress line: a bar and the counts; RATE in messages/s. (transfer full) */
static char *
progress_line (const PdCampaignRow *c, const PdCampaignCounts *n, double rate, gboolean bar)
{
	gint64 done = n->sent + n->bounced + n->failed + n->skipped;
	gint64 remaining = MAX (c->total - done, 0);
	GString *s = g_string_new (NULL);
	int width = 30, fill = c->total > 0 ? (int) (width * done / c->total) : width;

	if (bar) {
		g_string_append_c (s, '[');
		for (int i = 0; i < width; i++)
			g_string_append_c (s, i < fill ? '#' : '.');
		g_string_append (s, "] ");
	}
	g_string_append_printf (s, "%s sent %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT ", deferred %"
	                        G_GINT64_FORMAT ", bounced %" G_GINT64_FORMAT ", remaining %"
	                        G_GINT64_FORMAT ", %.0f msg/s", c->state, n->sent, c->total,
	                        n->deferred, n->bounced, remaining, rate);
	if (rate > 0.5 && remaining > 0)
		g_string_append_printf (s, ", %" G_GINT64_FORMAT ":%02" G_GINT64_FORMAT " left",
		                        (gint64) (remaining / rate) / 60, (gint64) (remaining / rate) % 60);
	if (c->paused_reason)
		g_string_append_printf (s, " (%s)", c->paused_reason);
	return g_string_free (s, FALSE);
}

gboolean
pd_cmd_announce_status (int argc, char **argv, GError **error)
{
	gboolean json = FALSE, follow = FALSE;
	g_autoptr (PdApp) app = NULL;
	gint64 id, last_sent = -1;
	double last_t = 0, rate = 0;
	gboolean tty = isatty (STDOUT_FILENO);
	const GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "a JSON object", NULL },
		{ "follow", 0, 0, G_OPTION_ARG_NONE, &follow,
		  "keep watching until it is done, paused or cancelled (a progress bar on a terminal)",
		  NULL },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "ID", "Show a campaign's progress.", entries, error))
		return FALSE;
	if (argc != 2) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "want one campaign ID");
		return FALSE;
	}
	if (!pd_cli_id (argv[1], &id, error) || (app = pd_app_open (PD_APP_STORE, error)) == NULL)
		return FALSE;
	for (;;) {
		g_autoptr (PdCampaignRow) c = pd_store_campaign_get (app->store, id, error);
		PdCampaignCounts n;
		double t = g_get_monotonic_time () / 1e6;

		if (c == NULL || !pd_store_campaign_counts (app->store, id, &n, error))
			return FALSE;
		if (last_sent >= 0 && t > last_t)
			rate = 0.7 * rate + 0.3 * ((n.sent - last_sent) / (t - last_t));
		last_sent = n.sent;
		last_t = t;
		if (json || (follow && !tty)) {
			PdJson *j = pd_json_new ();
			PdCampaignSenderRow h;

			if (!pd_store_campaign_sender_get (app->store, &h, error)) {
				g_free (pd_json_free_to_string (j));
				return FALSE;
			}
			json_campaign (j, c, &n, &h);
			pd_campaign_sender_row_clear (&h);
			pd_cli_print_json (pd_json_free_to_string (j));
		} else if (follow) {
			g_autofree char *line = progress_line (c, &n, rate, TRUE);

			printf ("\r\033[K%s", line);
			fflush (stdout);
		} else {
			g_autofree char *line = progress_line (c, &n, rate, FALSE);

			printf ("campaign %" G_GINT64_FORMAT " to %s: \"%s\", stages %s (now %" G_GINT64_FORMAT
			        ")\n%s\n", c->id, c->list_name, c->subject, c->stages, c->stage + 1, line);
		}
		fflush (stdout);
		if (!follow || finished (c->state)) {
			if (follow && tty)
				printf ("\n");
			return TRUE;
		}
		g_usleep (G_USEC_PER_SEC);
	}
}

gboolean
pd_cmd_announce_list (int argc, char **argv, GError **error)
{
	gboolean json = FALSE;
	g_autoptr (PdApp) app = NULL;
	g_autoptr (GPtrArray) rows = NULL;
	PdJson *j = NULL;
	const GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "a JSON array", NULL },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "", "List the campaigns.", entries, error) ||
	    (app = pd_app_open (PD_APP_STORE, error)) == NULL ||
	    (rows = pd_store_campaign_list (app->store, NULL, error)) == NULL)
		return FALSE;
	if (json) {
		j = pd_json_new ();
		pd_json_array_begin (j);
	}
	for (guint i = 0; i < rows->len; i++) {
		const PdCampaignRow *c = rows->pdata[i];
		PdCampaignCounts n;

		if (!pd_store_campaign_counts (app->store, c->id, &n, error)) {
			if (j)
				g_free (pd_json_free_to_string (j));
			return FALSE;
		}
		if (json)
			json_campaign (j, c, &n, NULL);
		else
			printf ("%6" G_GINT64_FORMAT "  %-9s %-16s sent %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT
			        "  %s\n", c->id, c->state, c->list_name, n.sent, c->total, c->subject);
	}
	if (json) {
		pd_json_array_end (j);
		pd_cli_print_json (pd_json_free_to_string (j));
	}
	return TRUE;
}
