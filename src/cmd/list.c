/* list.c - `postdesk list`: the command table and the commands on a list itself (create,
 * show, delete). The other files of the group (what they share is list-private.h):
 * list-members.c (members, export, ledger), list-subscribe.c (subscribe, unsubscribe, import,
 * links).
 * Options and output only; the rules are in src/lists/ and the SQL in src/store/lists.c.
 * `members --json` (an array of {address, name, status}) and `import` (a CSV with at least an
 * "address" column) are what scripts rely on. */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "cmd/cli.h"
#include "cmd/list-private.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/json.h"
#include "lists/list.h"
#include "store/lists.h"

static gboolean
one_of (const char *value, const char *option, const char *const *allowed, GError **error)
{
	if (value == NULL || g_strv_contains (allowed, value))
		return TRUE;
	g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "--%s: not one of the allowed values: %s",
	             option, value);
	return FALSE;
}

/* ---- create, show, delete ---- */

static gboolean
list_create (int argc, char **argv, GError **error)
{
	static const char *const policies[] = { "open", "confirm", "customers", "closed", NULL };
	static const char *const visibilities[] = { "public", "customer", "internal", NULL };
	static const char *const digests[] = { "immediate", "daily", "off", NULL };
	g_autofree char *address = NULL, *title = NULL, *topics = NULL, *policy = NULL,
	                *domains = NULL, *queue = NULL, *owner = NULL, *visibility = NULL,
	                *digest = NULL, *locale = NULL;
	g_autoptr (PdApp) app = NULL;
	g_autofree char *norm_topics = NULL, *lower = NULL;
	PdListRow row = { 0 };
	gint64 id;
	const GOptionEntry entries[] = {
		{ "address", 0, 0, G_OPTION_ARG_STRING, &address, "the list's address (requests go to NAME-request@ its domain)", "ADDR" },
		{ "title", 0, 0, G_OPTION_ARG_STRING, &title, "shown in pages, mail and List-Id", "TEXT" },
		{ "topics", 0, 0, G_OPTION_ARG_STRING, &topics, "knowledge-base topics subscribers may choose", "T1,T2" },
		{ "policy", 0, 0, G_OPTION_ARG_STRING, &policy, "who may ask to join: open or confirm (the same: anyone, joining by confirming; confirm is the default), customers, closed", "POLICY" },
		{ "allowed-domains", 0, 0, G_OPTION_ARG_STRING, &domains, "for policy customers: domains whose addresses may join", "D1,D2" },
		{ "queue", 0, 0, G_OPTION_ARG_STRING, &queue, "human replies to announcements open tickets here", "QUEUE" },
		{ "owner", 0, 0, G_OPTION_ARG_STRING, &owner, "who hears when a campaign pauses itself", "ADDR" },
		{ "visibility", 0, 0, G_OPTION_ARG_STRING, &visibility, "of archived announcements: public (default), customer, internal", "LEVEL" },
		{ "digest", 0, 0, G_OPTION_ARG_STRING, &digest, "new kb articles: immediate (default), daily, off", "MODE" },
		{ "locale", 0, 0, G_OPTION_ARG_STRING, &locale, "language of the list's mail and pages (default en)", "LOCALE" },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "NAME", "Create a list.", entries, error) ||
	    !pd_cmd_list_need_args (argc, 2, "one list NAME", error))
		return FALSE;
	if (!pd_list_name_valid (argv[1])) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE,
		             "list names are [a-z0-9._-], at most 64, not starting with . or -: %s", argv[1]);
		return FALSE;
	}
	lower = address ? g_ascii_strdown (address, -1) : NULL;
	if (lower == NULL || !pd_list_address_valid (lower) || strstr (lower, "-request@") ||
	    strchr (lower, '+')) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE,
		             "--address ADDR is needed: a plain address, without + or -request");
		return FALSE;
	}
	if (!one_of (policy, "policy", policies, error) ||
	    !one_of (visibility, "visibility", visibilities, error) ||
	    !one_of (digest, "digest", digests, error))
		return FALSE;
	if ((app = pd_app_open (PD_APP_STORE, error)) == NULL)
		return FALSE;
	for (guint i = 0; i < app->settings->queues->len; i++) {
		const PdQueueSettings *q = app->settings->queues->pdata[i];

		if (g_ascii_strcasecmp (q->address, lower) == 0) {
			g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "--address %s is queue %s's", lower,
			             q->name);
			return FALSE;
		}
	}
	if (g_strcmp0 (app->settings->bounce_address, lower) == 0) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "--address %s is the bounce address", lower);
		return FALSE;
	}
	if (queue != NULL && pd_settings_queue (app->settings, queue) == NULL) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "--queue: no queue %s in the config", queue);
		return FALSE;
	}
	norm_topics = pd_list_topics_normalise (topics, NULL);
	row.name = argv[1];
	row.address = lower;
	row.title = title;
	row.topics = norm_topics;
	row.policy = policy;
	row.allowed_domains = domains;
	row.queue = queue;
	row.owner = owner;
	row.visibility = visibility;
	row.digest = digest;
	row.locale = locale;
	if (!pd_store_list_create (app->store, &row, pd_now (), &id, error))
		return FALSE;
	printf ("%" G_GINT64_FORMAT "\n", id);
	return TRUE;
}

static void
list_json (PdJson *j, const PdListRow *l, GHashTable *counts)
{
	static const char *const statuses[] = { "pending", "active", "unsubscribed", "bouncing",
		                                "disabled" };
	g_autofree char *request = NULL;
	guint i;

	pd_json_object_begin (j);
	pd_json_member_int (j, "id", l->id);
	pd_json_member_string (j, "name", l->name);
	pd_json_member_string (j, "address", l->address);
	request = g_strdup_printf ("%.*s-request%s", (int) (strchr (l->address, '@') - l->address),
	                           l->address, strchr (l->address, '@'));
	pd_json_member_string (j, "request_address", request);
	pd_json_member_string (j, "title", l->title);
	pd_json_member_string (j, "topics", l->topics);
	pd_json_member_string (j, "policy", l->policy);
	pd_json_member_string (j, "allowed_domains", l->allowed_domains);
	pd_json_member_string (j, "queue", l->queue);
	pd_json_member_string (j, "owner", l->owner);
	pd_json_member_string (j, "visibility", l->visibility);
	pd_json_member_string (j, "digest", l->digest);
	pd_json_member_string (j, "locale", l->locale);
	pd_json_member_int (j, "created_at", l->created_at);
	if (counts != NULL) {
		pd_json_key (j, "subscribers");
		pd_json_object_begin (j);
		for (i = 0; i < G_N_ELEMENTS (statuses); i++)
			pd_json_member_int (j, statuses[i],
			                    (gint64) GPOINTER_TO_SIZE (g_hash_table_lookup (counts, statuses[i])));
		pd_json_object_end (j);
	}
	pd_json_object_end (j);
}

static gboolean
list_show (int argc, char **argv, GError **error)
{
	gboolean json = FALSE;
	g_autoptr (PdApp) app = NULL;
	g_autoptr (PdListRow) l = NULL;
	g_autoptr (GHashTable) counts = NULL;
	const GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "one JSON object", NULL },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "[NAME]",
	                   "Show a list and its subscribers by status; without NAME, every list.",
	                   entries, error))
		return FALSE;
	if (argc == 1) {
		g_autoptr (GPtrArray) all = NULL;
		PdJson *j = pd_json_new ();
		guint i;

		if ((app = pd_app_open (PD_APP_STORE, error)) == NULL ||
		    (all = pd_store_list_all (app->store, error)) == NULL) {
			g_free (pd_json_free_to_string (j));
			return FALSE;
		}
		pd_json_array_begin (j);
		for (i = 0; i < all->len; i++) {
			const PdListRow *r = all->pdata[i];

			if (json)
				list_json (j, r, NULL);
			else
				printf ("%-20s %-32s %s\n", r->name, r->address, r->policy);
		}
		pd_json_array_end (j);
		if (json)
			pd_cli_print_json (pd_json_free_to_string (j));
		else
			g_free (pd_json_free_to_string (j));
		return TRUE;
	}
	if (!pd_cmd_list_need_args (argc, 2, "one list NAME", error) ||
	    (l = pd_cmd_list_open (&app, argv[1], error)) == NULL ||
	    !pd_store_list_counts (app->store, l->id, &counts, error))
		return FALSE;
	if (json) {
		PdJson *j = pd_json_new ();

		list_json (j, l, counts);
		pd_cli_print_json (pd_json_free_to_string (j));
		return TRUE;
	}
	printf ("List %s <%s>%s%s\n", l->name, l->address, l->title ? ": " : "", l->title ? l->title : "");
	printf ("  policy %s%s%s, locale %s, digest %s, visibility %s\n", l->policy,
	        *l->allowed_domains ? ", allowed domains " : "", l->allowed_domains, l->locale,
	        l->digest, l->visibility);
	if (*l->topics)
		printf ("  topics: %s\n", l->topics);
	if (l->queue || l->owner)
		printf ("  queue %s, owner %s\n", l->queue ? l->queue : "-", l->owner ? l->owner : "-");
	printf ("  subscribers: %zu active, %zu pending, %zu unsubscribed, %zu bouncing, %zu disabled\n",
	        GPOINTER_TO_SIZE (g_hash_table_lookup (counts, "active")),
	        GPOINTER_TO_SIZE (g_hash_table_lookup (counts, "pending")),
	        GPOINTER_TO_SIZE (g_hash_table_lookup (counts, "unsubscribed")),
	        GPOINTER_TO_SIZE (g_hash_table_lookup (counts, "bouncing")),
	        GPOINTER_TO_SIZE (g_hash_table_lookup (counts, "disabled")));
	return TRUE;
}

static gboolean
list_delete (int argc, char **argv, GError **error)
{
	g_autoptr (PdApp) app = NULL;
	g_autoptr (PdListRow) l = NULL;
	g_autofree char *evidence = pd_cmd_list_admin_evidence ();
	gboolean removed;
	const GOptionEntry entries[] = { { NULL } };

	if (!pd_cli_parse (&argc, &argv, "NAME",
	                   "Delete a list. One that had subscribers keeps its consent ledger: "
	                   "everyone is unsubscribed and the list is renamed out of the way, so "
	                   "NAME and its address can be used again.",
	                   entries, error) ||
	    !pd_cmd_list_need_args (argc, 2, "one list NAME", error) ||
	    (l = pd_cmd_list_open (&app, argv[1], error)) == NULL)
		return FALSE;
	if (!pd_store_begin (app->store, error))
		return FALSE;
	if (!pd_store_list_delete (app->store, l->id, evidence, pd_now (), &removed, error)) {
		pd_store_rollback (app->store);
		return FALSE;
	}
	if (!pd_store_commit (app->store, error))
		return FALSE;
	printf ("list %s %s\n", l->name, removed ? "deleted" : "deleted (its consent ledger is kept)");
	return TRUE;
}

static const PdCommand list_commands[] = {
	{ "create", list_create, "create a list" },
	{ "show", list_show, "show a list (or every list)" },
	{ "members", pd_cmd_list_members, "the subscribers of a list" },
	{ "subscribe", pd_cmd_list_subscribe, "subscribe an address at once (admin)" },
	{ "unsubscribe", pd_cmd_list_unsubscribe, "unsubscribe an address (admin)" },
	{ "import", pd_cmd_list_import, "import subscribers from CSV (streamed; unsubscribers never re-added)" },
	{ "export", pd_cmd_list_export, "write the subscribers as CSV or JSON" },
	{ "delete", list_delete, "delete a list" },
	{ "ledger", pd_cmd_list_ledger, "the consent ledger of a list or of one subscriber" },
	{ "links", pd_cmd_list_links, "a subscriber's signed links and unsubscribe address" },
	{ NULL, NULL, NULL },
};

gboolean
pd_cmd_list (int argc, char **argv, GError **error)
{
	return pd_cli_dispatch ("list", list_commands, argc, argv, error);
}
