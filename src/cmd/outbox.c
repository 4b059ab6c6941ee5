/* outbox.c - `postdesk outbox list`. `postdesk send` is in send.c: it needs the SMTP client,
 * which only postdesk-net links. */
#include <stdio.h>

#include "app/app.h"
#include "cmd/cli.h"
#include "core/error.h"
#include "core/json.h"

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

static const PdCommand outbox_commands[] = {
	{ "list", outbox_list, "list outgoing mail and its state" },
	{ NULL, NULL, NULL },
};

gboolean
pd_cmd_outbox (int argc, char **argv, GError **error)
{
	return pd_cli_dispatch ("outbox", outbox_commands, argc, argv, error);
}
