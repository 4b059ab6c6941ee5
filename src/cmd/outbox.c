/* outbox.c - `postdesk outbox list` and `postdesk outbox show N` (one outgoing mail, exactly
 * the bytes the sender will hand to the relay, with its envelope). `postdesk send` is in
 * send.c: it needs the SMTP client, which only postdesk-net links. */
#include <stdio.h>

#include "app/app.h"
#include "cmd/cli.h"
#include "core/error.h"
#include "core/json.h"
#include "core/token.h"

static gboolean
outbox_list (int argc, char **argv, GError **error)
{
	gboolean json = FALSE;
	g_autoptr (PdApp) app = NULL;
	g_autoptr (GPtrArray) rows = NULL;
	guint i;
	const GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "a JSON array", NULL },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "", "List outgoing mail and its state.", entries, error) ||
	    (app = pd_app_open (PD_APP_STORE, error)) == NULL ||
	    (rows = pd_store_outbox_list (app->store, error)) == NULL)
		return FALSE;
	if (json) {
		PdJson *j = pd_json_new ();

		pd_json_array_begin (j);
		for (i = 0; i < rows->len; i++) {
			const PdOutboxRow *o = rows->pdata[i];

			pd_json_object_begin (j);
			pd_json_member_int (j, "id", o->id);
			pd_json_member_string (j, "kind", o->kind);
			pd_json_member_string (j, "rcpt", o->rcpt);
			pd_json_member_string (j, "state", o->state);
			pd_json_member_int (j, "attempts", o->attempts);
			pd_json_member_int (j, "ticket", o->ticket_id);
			pd_json_member_string (j, "message_id", o->message_id);
			pd_json_member_string (j, "last_reply", o->last_reply);
			pd_json_member_int (j, "next_attempt_at", o->next_attempt_at);
			pd_json_member_int (j, "lease_until", o->lease_until);
			pd_json_member_string (j, "lease_owner", o->lease_owner);
			pd_json_object_end (j);
		}
		pd_json_array_end (j);
		pd_cli_print_json (pd_json_free_to_string (j));
		return TRUE;
	}
	for (i = 0; i < rows->len; i++) {
		const PdOutboxRow *o = rows->pdata[i];

		printf ("%6" G_GINT64_FORMAT "  %-7s %-7s tries %-3" G_GINT64_FORMAT " %-30s %s\n", o->id,
		        o->state, o->kind, o->attempts, o->rcpt, o->last_reply ? o->last_reply : "");
	}
	return TRUE;
}

/* The message as the sender will send it: the stored bytes, unchanged (they are composed
 * when the incoming mail is processed, not at send time), and the envelope: the VERP return
 * path the drain computes and the one recipient. */
static gboolean
outbox_show (int argc, char **argv, GError **error)
{
	gboolean json = FALSE, envelope = FALSE;
	g_autoptr (PdApp) app = NULL;
	g_autoptr (PdOutboxRow) row = NULL;
	g_autofree char *verp = NULL;
	gint64 id;
	gsize len = 0;
	const char *raw;
	const GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json,
		  "one JSON object: the row, envelope_from and the message as text", NULL },
		{ "envelope", 0, 0, G_OPTION_ARG_NONE, &envelope,
		  "print MAIL FROM and RCPT TO lines before the message", NULL },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "N",
	                   "Print outgoing mail N as it will be sent (the bytes handed to the relay).",
	                   entries, error) ||
	    !pd_cli_id (argc > 1 ? argv[1] : NULL, &id, error) ||
	    (app = pd_app_open (PD_APP_STORE, error)) == NULL ||
	    (row = pd_store_outbox_get (app->store, id, error)) == NULL)
		return FALSE;
	verp = pd_token_address (app->secret, app->settings->bounce_address, 'o', row->id);
	raw = row->raw ? g_bytes_get_data (row->raw, &len) : "";
	if (json) {
		PdJson *j = pd_json_new ();
		g_autofree char *text = g_utf8_make_valid (raw, len);

		pd_json_object_begin (j);
		pd_json_member_int (j, "id", row->id);
		pd_json_member_string (j, "kind", row->kind);
		pd_json_member_string (j, "state", row->state);
		pd_json_member_int (j, "ticket", row->ticket_id);
		pd_json_member_string (j, "envelope_from", verp);
		pd_json_member_string (j, "rcpt", row->rcpt);
		pd_json_member_string (j, "message_id", row->message_id);
		pd_json_member_string (j, "message", text);
		pd_json_object_end (j);
		pd_cli_print_json (pd_json_free_to_string (j));
		return TRUE;
	}
	if (envelope)
		printf ("MAIL FROM:<%s>\nRCPT TO:<%s>\n\n", verp, row->rcpt);
	if (len > 0 && fwrite (raw, 1, len, stdout) != len) {
		g_set_error (error, PD_ERROR, PD_ERROR_IO, "writing to standard output failed");
		return FALSE;
	}
	return TRUE;
}

static const PdCommand outbox_commands[] = {
	{ "list", outbox_list, "list outgoing mail and its state" },
	{ "show", outbox_show, "print one outgoing mail as it will be sent" },
	{ NULL, NULL, NULL },
};

gboolean
pd_cmd_outbox (int argc, char **argv, GError **error)
{
	return pd_cli_dispatch ("outbox", outbox_commands, argc, argv, error);
}
