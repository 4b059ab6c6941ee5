/* list-members.c - `postdesk list members|export|ledger`: a list's subscribers and its consent
 * ledger written out as they are read (text, CSV that `list import` reads back, or a JSON
 * array one element per line), so memory stays flat however long the list. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "cmd/cli.h"
#include "cmd/list-private.h"
#include "core/error.h"
#include "core/json.h"
#include "store/lists.h"

/* ---- members, export ---- */

typedef struct {
	PdJson *json;
	gboolean csv;
	guint64 n;
} Out;

static char *
csv_field (const char *s)
{
	GString *o;

	if (s == NULL)
		return g_strdup ("");
	if (strpbrk (s, ",\"\r\n") == NULL)
		return g_strdup (s);
	o = g_string_new ("\"");
	for (; *s; s++) {
		if (*s == '"')
			g_string_append_c (o, '"');
		g_string_append_c (o, *s);
	}
	g_string_append_c (o, '"');
	return g_string_free (o, FALSE);
}

static void
json_line_flush (PdJson **j)
{
	/* one array element per line: the output streams, memory stays flat */
	g_autofree char *text = pd_json_free_to_string (*j);

	fputs (text, stdout);
	*j = pd_json_new ();
}

static gboolean
member_out (const PdSubscriberRow *s, gpointer data, GError **error)
{
	Out *o = data;

	if (o->json != NULL) {
		if (o->n > 0)
			fputs (",\n", stdout);
		pd_json_object_begin (o->json);
		pd_json_member_int (o->json, "id", s->id);
		pd_json_member_string (o->json, "address", s->address);
		pd_json_member_string (o->json, "name", s->name);
		pd_json_member_string (o->json, "status", s->status);
		pd_json_member_string (o->json, "locale", s->locale);
		pd_json_member_string (o->json, "topics", s->topics);
		pd_json_member_int (o->json, "created_at", s->created_at);
		pd_json_member_int (o->json, "updated_at", s->updated_at);
		pd_json_object_end (o->json);
		json_line_flush (&o->json);
	} else if (o->csv) {
		g_autofree char *a = csv_field (s->address), *n = csv_field (s->name),
		                *l = csv_field (s->locale), *t = csv_field (s->topics);

		printf ("%s,%s,%s,%s,%s\n", a, n, l, t, s->status);
	} else {
		printf ("%-40s %-13s %s\n", s->address, s->status, s->name ? s->name : "");
	}
	o->n++;
	if (ferror (stdout)) {
		g_set_error (error, PD_ERROR, PD_ERROR_IO, "cannot write: %s", g_strerror (errno));
		return FALSE;
	}
	return TRUE;
}

static gboolean
stream_members (PdApp *app, const PdListRow *l, gboolean json, gboolean csv, GError **error)
{
	Out o = { json ? pd_json_new () : NULL, csv, 0 };
	gboolean ok;

	if (json)
		fputs ("[", stdout);
	if (csv)
		fputs ("address,name,locale,topics,status\n", stdout);
	ok = pd_store_subscriber_foreach (app->store, l->id, member_out, &o, error);
	if (json) {
		fputs ("]\n", stdout);
		g_free (pd_json_free_to_string (o.json));
	}
	return ok && fflush (stdout) == 0;
}

gboolean
pd_cmd_list_members (int argc, char **argv, GError **error)
{
	gboolean json = FALSE;
	g_autoptr (PdApp) app = NULL;
	g_autoptr (PdListRow) l = NULL;
	const GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "an array of {address, name, status, ...}", NULL },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "NAME", "The subscribers of a list, whatever their status.",
	                   entries, error) ||
	    !pd_cmd_list_need_args (argc, 2, "one list NAME", error) ||
	    (l = pd_cmd_list_open (&app, argv[1], error)) == NULL)
		return FALSE;
	return stream_members (app, l, json, FALSE, error);
}

gboolean
pd_cmd_list_export (int argc, char **argv, GError **error)
{
	g_autofree char *format = NULL;
	g_autoptr (PdApp) app = NULL;
	g_autoptr (PdListRow) l = NULL;
	const GOptionEntry entries[] = {
		{ "format", 0, 0, G_OPTION_ARG_STRING, &format, "csv (default; `list import` reads it back) or json", "FORMAT" },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "NAME", "Write every subscriber of a list to stdout.",
	                   entries, error) ||
	    !pd_cmd_list_need_args (argc, 2, "one list NAME", error))
		return FALSE;
	if (format != NULL && strcmp (format, "csv") != 0 && strcmp (format, "json") != 0) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "--format is csv or json");
		return FALSE;
	}
	if ((l = pd_cmd_list_open (&app, argv[1], error)) == NULL)
		return FALSE;
	return stream_members (app, l, format && !strcmp (format, "json"), !format || !strcmp (format, "csv"),
	                       error);
}

/* ---- ledger ---- */

static gboolean
ledger_out (const PdConsentRow *c, gpointer data, GError **error)
{
	Out *o = data;

	(void) error;
	if (o->json != NULL) {
		if (o->n > 0)
			fputs (",\n", stdout);
		pd_json_object_begin (o->json);
		pd_json_member_int (o->json, "id", c->id);
		pd_json_member_int (o->json, "subscriber", c->subscriber_id);
		pd_json_member_string (o->json, "address", c->address);
		pd_json_member_int (o->json, "at", c->at);
		pd_json_member_string (o->json, "action", c->action);
		pd_json_member_string (o->json, "via", c->via);
		pd_json_member_string (o->json, "evidence", c->evidence);
		pd_json_member_string (o->json, "detail", c->detail);
		pd_json_object_end (o->json);
		json_line_flush (&o->json);
	} else {
		g_autoptr (GDateTime) t = g_date_time_new_from_unix_utc (c->at);
		g_autofree char *when = t ? g_date_time_format (t, "%Y-%m-%d %H:%M:%S") : g_strdup ("?");

		printf ("%s  %-30s %-11s %-7s %s%s%s\n", when, c->address, c->action, c->via,
		        c->evidence ? c->evidence : "", c->detail ? "  " : "", c->detail ? c->detail : "");
	}
	o->n++;
	return TRUE;
}

gboolean
pd_cmd_list_ledger (int argc, char **argv, GError **error)
{
	gboolean json = FALSE, ok;
	g_autoptr (PdApp) app = NULL;
	g_autoptr (PdListRow) l = NULL;
	Out o = { NULL, FALSE, 0 };
	const GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "an array of {at, address, action, via, evidence, detail}", NULL },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "LIST [ADDR]",
	                   "The consent ledger (append-only): every subscribe, confirm, unsubscribe "
	                   "and change, with when, how and the evidence; of one subscriber with ADDR.",
	                   entries, error))
		return FALSE;
	if (argc != 2 && argc != 3) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "LIST and optionally ADDR are needed");
		return FALSE;
	}
	if ((l = pd_cmd_list_open (&app, argv[1], error)) == NULL)
		return FALSE;
	if (json) {
		o.json = pd_json_new ();
		fputs ("[", stdout);
	}
	ok = pd_store_consent_foreach (app->store, l->id, argc == 3 ? argv[2] : NULL, ledger_out, &o,
	                               error);
	if (json) {
		fputs ("]\n", stdout);
		g_free (pd_json_free_to_string (o.json));
	}
	return ok;
}
