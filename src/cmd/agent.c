/* agent.c - `postdesk agent add|set|list|disable`: the people who answer tickets from their
 * own mail client. An agent belongs to one or more queues, and chooses whether a reply
 * that only carries commands is confirmed by mail (--confirm yes|no). */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "cmd/cli.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/json.h"
#include "core/shift.h"

/* The hours follow-the-sun reads (core/shift.h): the calendar's form or HH:MM-HH:MM. */
static gboolean
valid_hours (const char *h)
{
	PdShift shift;
	gboolean ok = pd_shift_parse (NULL, h, &shift);

	pd_shift_clear (&shift);
	return ok;
}

/* --confirm yes|no (also true/false, 1/0); NULL leaves *CONFIRM_R alone. */
static gboolean
parse_confirm (const char *text, gboolean *confirm_r, GError **error)
{
	if (text == NULL)
		return TRUE;
	if (!g_ascii_strcasecmp (text, "yes") || !g_ascii_strcasecmp (text, "true") ||
	    !strcmp (text, "1")) {
		*confirm_r = TRUE;
		return TRUE;
	}
	if (!g_ascii_strcasecmp (text, "no") || !g_ascii_strcasecmp (text, "false") ||
	    !strcmp (text, "0")) {
		*confirm_r = FALSE;
		return TRUE;
	}
	g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "--confirm: want yes or no, got %s", text);
	return FALSE;
}

/* Check the options add and set share; *QUEUES (NULL = every queue) becomes the checked,
 * comma-joined list. */
static gboolean
check_fields (PdApp *app, char **queues, const char *tz, const char *hours, GError **error)
{
	g_auto (GStrv) list = NULL;
	guint i;

	if (*queues == NULL) {
		GString *all = g_string_new (NULL);
		for (i = 0; i < app->settings->queues->len; i++)
			g_string_append_printf (all, "%s%s", i ? "," : "",
			                        ((PdQueueSettings *) app->settings->queues->pdata[i])->name);
		*queues = g_string_free (all, FALSE);
	}
	list = g_strsplit (*queues, ",", -1);
	for (i = 0; list[i]; i++)
		if (pd_settings_queue (app->settings, g_strstrip (list[i])) == NULL) {
			g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "no queue called \"%s\" in postdesk.conf",
			             list[i]);
			return FALSE;
		}
	g_free (*queues);
	*queues = g_strjoinv (",", list);
	if (tz != NULL) {
		g_autoptr (GTimeZone) zone = g_time_zone_new_identifier (tz);
		if (zone == NULL) {
			g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "unknown time zone %s", tz);
			return FALSE;
		}
	}
	if (hours != NULL && !valid_hours (hours)) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE,
		             "--hours: want e.g. \"Mon-Fri 09:00-17:00\" (several items separated by "
		             "';', several ranges by ','; an end before the start runs past midnight) or "
		             "HH:MM-HH:MM (every day), got %s", hours);
		return FALSE;
	}
	return TRUE;
}

static gboolean
agent_add (int argc, char **argv, GError **error)
{
	g_autofree char *name = NULL, *queues = NULL, *tz = NULL, *hours = NULL, *confirm = NULL;
	g_autoptr (PdApp) app = NULL;
	g_autoptr (PdAgentRow) row = NULL;
	gboolean confirm_value = TRUE;
	gint64 id;
	const GOptionEntry entries[] = {
		{ "name", 0, 0, G_OPTION_ARG_STRING, &name, "the agent's name (shown to customers only if configured)", "NAME" },
		{ "queues", 0, 0, G_OPTION_ARG_STRING, &queues, "queues the agent works on (default: all)", "Q1,Q2" },
		{ "tz", 0, 0, G_OPTION_ARG_STRING, &tz, "time zone for business hours, e.g. Europe/Berlin", "ZONE" },
		{ "hours", 0, 0, G_OPTION_ARG_STRING, &hours, "working hours, e.g. \"Mon-Fri 09:00-17:00\" or 09:00-17:00 (every day)", "HOURS" },
		{ "confirm", 0, 0, G_OPTION_ARG_STRING, &confirm,
		  "confirm a reply that only carries commands by mail (default: yes)", "yes|no" },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "ADDRESS", "Add an agent, or update and re-enable one.",
	                   entries, error) ||
	    !parse_confirm (confirm, &confirm_value, error) ||
	    (app = pd_app_open (PD_APP_STORE, error)) == NULL)
		return FALSE;
	if (argc != 2 || strchr (argv[1], '@') == NULL || strpbrk (argv[1], " <>,;\"") != NULL) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "one agent ADDRESS is needed");
		return FALSE;
	}
	if (!check_fields (app, &queues, tz, hours, error) || !pd_store_begin (app->store, error))
		return FALSE;
	if (!pd_store_agent_put (app->store, argv[1], name ? name : argv[1], queues, tz, hours,
	                         pd_now (), &id, error))
		goto fail;
	if (confirm != NULL) {
		if ((row = pd_store_agent_get (app->store, id, error)) == NULL)
			goto fail;
		row->confirm = confirm_value;
		if (!pd_store_agent_update (app->store, row, error))
			goto fail;
	}
	if (!pd_store_commit (app->store, error))
		return FALSE;
	printf ("agent %" G_GINT64_FORMAT " %s\n", id, argv[1]);
	return TRUE;
fail:
	pd_store_rollback (app->store);
	return FALSE;
}

/* Change what is given and keep the rest; an agent is not re-enabled by this. */
static gboolean
agent_set (int argc, char **argv, GError **error)
{
	g_autofree char *name = NULL, *queues = NULL, *tz = NULL, *hours = NULL, *confirm = NULL;
	g_autoptr (PdApp) app = NULL;
	g_autoptr (PdAgentRow) row = NULL;
	const GOptionEntry entries[] = {
		{ "name", 0, 0, G_OPTION_ARG_STRING, &name, "the agent's name", "NAME" },
		{ "queues", 0, 0, G_OPTION_ARG_STRING, &queues, "queues the agent works on", "Q1,Q2" },
		{ "tz", 0, 0, G_OPTION_ARG_STRING, &tz, "time zone for business hours", "ZONE" },
		{ "hours", 0, 0, G_OPTION_ARG_STRING, &hours, "working hours, e.g. \"Mon-Fri 09:00-17:00\"", "HOURS" },
		{ "confirm", 0, 0, G_OPTION_ARG_STRING, &confirm,
		  "confirm a reply that only carries commands by mail", "yes|no" },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "ADDRESS", "Change an agent's settings; what is not given stays.",
	                   entries, error) ||
	    (app = pd_app_open (PD_APP_STORE, error)) == NULL)
		return FALSE;
	if (argc != 2) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "one agent ADDRESS is needed");
		return FALSE;
	}
	if (!pd_store_agent_by_address (app->store, argv[1], &row, error))
		return FALSE;
	if (row == NULL) {
		g_set_error (error, PD_ERROR, PD_ERROR_NOTFOUND, "no agent %s", argv[1]);
		return FALSE;
	}
	if (!parse_confirm (confirm, &row->confirm, error))
		return FALSE;
	if (queues == NULL)
		queues = g_strdup (row->queues);
	if (!check_fields (app, &queues, tz, hours, error))
		return FALSE;
	if (name != NULL) {
		g_free (row->name);
		row->name = g_steal_pointer (&name);
	}
	if (tz != NULL) {
		g_free (row->tz);
		row->tz = g_steal_pointer (&tz);
	}
	if (hours != NULL) {
		g_free (row->hours);
		row->hours = g_steal_pointer (&hours);
	}
	g_free (row->queues);
	row->queues = g_steal_pointer (&queues);
	return pd_store_agent_update (app->store, row, error);
}

static gboolean
agent_list (int argc, char **argv, GError **error)
{
	gboolean json = FALSE;
	g_autofree char *queue = NULL;
	g_autoptr (PdApp) app = NULL;
	g_autoptr (GPtrArray) rows = NULL;
	guint i;
	const GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "a JSON array", NULL },
		{ "queue", 0, 0, G_OPTION_ARG_STRING, &queue, "only the agents of this queue", "NAME" },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "", "List agents (of one queue with --queue).", entries, error) ||
	    (app = pd_app_open (PD_APP_STORE, error)) == NULL ||
	    (rows = pd_store_agent_list (app->store, error)) == NULL)
		return FALSE;
	if (queue != NULL && pd_settings_queue (app->settings, queue) == NULL) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "no queue called \"%s\"", queue);
		return FALSE;
	}
	for (i = 0; queue != NULL && i < rows->len; i++) {
		g_auto (GStrv) q = g_strsplit (((PdAgentRow *) rows->pdata[i])->queues, ",", -1);

		if (!g_strv_contains ((const char *const *) q, queue))
			g_ptr_array_remove_index (rows, i--);
	}
	if (json) {
		PdJson *j = pd_json_new ();

		pd_json_array_begin (j);
		for (i = 0; i < rows->len; i++) {
			const PdAgentRow *a = rows->pdata[i];
			g_auto (GStrv) q = g_strsplit (a->queues, ",", -1);
			guint k;

			pd_json_object_begin (j);
			pd_json_member_int (j, "id", a->id);
			pd_json_member_string (j, "address", a->address);
			pd_json_member_string (j, "name", a->name);
			pd_json_key (j, "queues");
			pd_json_array_begin (j);
			for (k = 0; q[k]; k++)
				pd_json_string (j, q[k]);
			pd_json_array_end (j);
			pd_json_member_string (j, "tz", a->tz);
			pd_json_member_string (j, "hours", a->hours);
			pd_json_key (j, "active");
			pd_json_bool (j, a->active);
			pd_json_key (j, "confirm");
			pd_json_bool (j, a->confirm);
			pd_json_object_end (j);
		}
		pd_json_array_end (j);
		pd_cli_print_json (pd_json_free_to_string (j));
		return TRUE;
	}
	for (i = 0; i < rows->len; i++) {
		const PdAgentRow *a = rows->pdata[i];

		printf ("%4" G_GINT64_FORMAT "  %-8s %-30s %-20s %s\n", a->id, a->active ? "active" : "disabled",
		        a->address, a->name, a->queues);
	}
	return TRUE;
}

static gboolean
agent_disable (int argc, char **argv, GError **error)
{
	g_autoptr (PdApp) app = NULL;
	gboolean found;

	if (!pd_cli_parse (&argc, &argv, "ADDRESS", "Disable an agent: their mail is customer mail again.",
	                   NULL, error) ||
	    (app = pd_app_open (PD_APP_STORE, error)) == NULL)
		return FALSE;
	if (argc != 2) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "one agent ADDRESS is needed");
		return FALSE;
	}
	if (!pd_store_agent_set_active (app->store, argv[1], FALSE, &found, error))
		return FALSE;
	if (!found) {
		g_set_error (error, PD_ERROR, PD_ERROR_NOTFOUND, "no agent %s", argv[1]);
		return FALSE;
	}
	return TRUE;
}

static const PdCommand agent_commands[] = {
	{ "add", agent_add, "add (or update) an agent" },
	{ "set", agent_set, "change an agent's settings" },
	{ "list", agent_list, "list agents" },
	{ "disable", agent_disable, "disable an agent" },
	{ NULL, NULL, NULL },
};

gboolean
pd_cmd_agent (int argc, char **argv, GError **error)
{
	return pd_cli_dispatch ("agent", agent_commands, argc, argv, error);
}
