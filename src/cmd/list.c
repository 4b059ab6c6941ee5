/* list.c - `postdesk list create|show|members|subscribe|unsubscribe|import|export|delete|
 * ledger`: subscriber lists from the command line. Options and output only; the rules are in
 * src/lists/ and the SQL in src/store/lists.c. `members --json` (an array of {address, name,
 * status}) and `import` (a CSV with at least an "address" column) are what scripts rely on. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "cmd/cli.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/json.h"
#include "lists/import.h"
#include "lists/links.h"
#include "lists/list.h"
#include "lists/subscriber.h"
#include "store/lists.h"

static gboolean
need_args (int argc, int want, const char *what, GError **error)
{
	if (argc != want) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "%s %s needed", what,
		             want > 2 ? "are" : "is");
		return FALSE;
	}
	return TRUE;
}

static PdListRow *
open_list (PdApp **app_r, const char *name, GError **error)
{
	if ((*app_r = pd_app_open (PD_APP_STORE, error)) == NULL)
		return NULL;
	return pd_store_list_get ((*app_r)->store, name, error);
}

static gboolean
one_of (const char *value, const char *option, const char *const *allowed, GError **error)
{
	if (value == NULL || g_strv_contains (allowed, value))
		return TRUE;
	g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "--%s: not one of the allowed values: %s",
	             option, value);
	return FALSE;
}

static char *
admin_evidence (void)
{
	return g_strdup_printf ("cli %s", g_get_user_name ());
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
	    !need_args (argc, 2, "one list NAME", error))
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
	if (!need_args (argc, 2, "one list NAME", error) || (l = open_list (&app, argv[1], error)) == NULL ||
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
	g_autofree char *evidence = admin_evidence ();
	gboolean removed;
	const GOptionEntry entries[] = { { NULL } };

	if (!pd_cli_parse (&argc, &argv, "NAME",
	                   "Delete a list. One that had subscribers keeps its consent ledger: "
	                   "everyone is unsubscribed and the list is renamed out of the way, so "
	                   "NAME and its address can be used again.",
	                   entries, error) ||
	    !need_args (argc, 2, "one list NAME", error) || (l = open_list (&app, argv[1], error)) == NULL)
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

static gboolean
list_members (int argc, char **argv, GError **error)
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
	    !need_args (argc, 2, "one list NAME", error) || (l = open_list (&app, argv[1], error)) == NULL)
		return FALSE;
	return stream_members (app, l, json, FALSE, error);
}

static gboolean
list_export (int argc, char **argv, GError **error)
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
	    !need_args (argc, 2, "one list NAME", error))
		return FALSE;
	if (format != NULL && strcmp (format, "csv") != 0 && strcmp (format, "json") != 0) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "--format is csv or json");
		return FALSE;
	}
	if ((l = open_list (&app, argv[1], error)) == NULL)
		return FALSE;
	return stream_members (app, l, format && !strcmp (format, "json"), !format || !strcmp (format, "csv"),
	                       error);
}

/* ---- subscribe, unsubscribe ---- */

static gboolean
list_subscribe (int argc, char **argv, GError **error)
{
	g_autofree char *name = NULL, *addr = NULL, *evidence = admin_evidence ();
	g_autoptr (PdApp) app = NULL;
	g_autoptr (PdListRow) l = NULL;
	PdSubResult res;
	gint64 id;
	gboolean force = FALSE;
	const GOptionEntry entries[] = {
		{ "name", 0, 0, G_OPTION_ARG_STRING, &name, "the subscriber's name", "NAME" },
		{ "force", 0, 0, G_OPTION_ARG_NONE, &force,
		  "bring back someone who unsubscribed (ledger detail \"forced\")", NULL },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "LIST ADDR",
	                   "Subscribe ADDR at once (active, consent by admin). Use it for someone who "
	                   "asked you. Someone who unsubscribed comes back only with --force; one disabled by "
	                   "bounces is re-enabled without it.",
	                   entries, error) ||
	    !need_args (argc, 3, "LIST and ADDR", error))
		return FALSE;
	addr = g_ascii_strdown (argv[2], -1);
	if (!pd_list_address_valid (addr)) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "not an address: %s", argv[2]);
		return FALSE;
	}
	if ((l = open_list (&app, argv[1], error)) == NULL || !pd_store_begin (app->store, error))
		return FALSE;
	if (!pd_subscriber_admin_add (app->store, l->id, addr, name, evidence, force, pd_now (), &id,
	                              &res, error)) {
		pd_store_rollback (app->store);
		return FALSE;
	}
	if (!pd_store_commit (app->store, error))
		return FALSE;
	printf ("%s %s\n", addr,
	        res == PD_SUB_ALREADY   ? "was subscribed already"
	        : res == PD_SUB_ENABLED ? "re-enabled (was disabled)"
	                                : "subscribed");
	return TRUE;
}

static gboolean
list_unsubscribe (int argc, char **argv, GError **error)
{
	g_autofree char *evidence = admin_evidence ();
	g_autoptr (PdApp) app = NULL;
	g_autoptr (PdListRow) l = NULL;
	g_autoptr (PdSubscriberRow) sub = NULL;
	PdSubResult res;
	const GOptionEntry entries[] = { { NULL } };

	if (!pd_cli_parse (&argc, &argv, "LIST ADDR", "Unsubscribe ADDR (consent by admin).", entries,
	                   error) ||
	    !need_args (argc, 3, "LIST and ADDR", error) || (l = open_list (&app, argv[1], error)) == NULL ||
	    !pd_store_begin (app->store, error))
		return FALSE;
	if (!pd_store_subscriber_find (app->store, l->id, argv[2], &sub, error))
		goto fail;
	if (sub == NULL) {
		g_set_error (error, PD_ERROR, PD_ERROR_NOTFOUND, "%s is not a subscriber of %s", argv[2],
		             l->name);
		goto fail;
	}
	if (!pd_subscriber_unsubscribe (app->store, sub->id, "admin", evidence, NULL, pd_now (), &res,
	                                error))
		goto fail;
	if (!pd_store_commit (app->store, error))
		return FALSE;
	printf ("%s %s\n", sub->address, res == PD_SUB_ALREADY ? "had unsubscribed already" : "unsubscribed");
	return TRUE;
fail:
	pd_store_rollback (app->store);
	return FALSE;
}

/* ---- import ---- */

static void
report_line (guint64 line, const char *why, gpointer data)
{
	fprintf (stderr, "%s:%" G_GUINT64_FORMAT ": %s\n", (const char *) data, line, why);
}

static gboolean
list_import (int argc, char **argv, GError **error)
{
	g_autoptr (PdApp) app = NULL;
	g_autoptr (PdListRow) l = NULL;
	PdImportStats st;
	FILE *in;
	gboolean ok;
	const GOptionEntry entries[] = { { NULL } };

	if (!pd_cli_parse (&argc, &argv, "LIST FILE.csv",
	                   "Import subscribers: a header line with at least \"address\" (and "
	                   "optionally name, locale, topics); new rows become active with consent "
	                   "by import. Someone who unsubscribed is skipped, never subscribed again. "
	                   "Bad lines are reported on stderr as FILE:LINE and skipped. FILE - is stdin.",
	                   entries, error) ||
	    !need_args (argc, 3, "LIST and FILE", error) || (l = open_list (&app, argv[1], error)) == NULL)
		return FALSE;
	in = strcmp (argv[2], "-") == 0 ? stdin : fopen (argv[2], "r");
	if (in == NULL) {
		g_set_error (error, PD_ERROR, PD_ERROR_NOTFOUND, "%s: %s", argv[2], g_strerror (errno));
		return FALSE;
	}
	ok = pd_list_import (app->store, l->id, l->topics, in, argv[2], pd_now (), report_line,
	                     argv[2], &st, error);
	if (in != stdin)
		fclose (in);
	printf ("%s: %" G_GUINT64_FORMAT " lines: %" G_GUINT64_FORMAT " added, %" G_GUINT64_FORMAT
	        " pending made active, %" G_GUINT64_FORMAT " already subscribed, %" G_GUINT64_FORMAT
	        " skipped (unsubscribed), %" G_GUINT64_FORMAT " skipped (bouncing or disabled), %"
	        G_GUINT64_FORMAT " bad\n",
	        argv[2], st.lines, st.added, st.activated, st.already, st.unsubscribed, st.held, st.bad);
	return ok;
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

static gboolean
list_ledger (int argc, char **argv, GError **error)
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
	if ((l = open_list (&app, argv[1], error)) == NULL)
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

/* ---- links ---- */

static gboolean
list_links (int argc, char **argv, GError **error)
{
	gboolean json = FALSE;
	g_autoptr (PdApp) app = NULL;
	g_autoptr (PdListRow) l = NULL;
	g_autoptr (PdSubscriberRow) sub = NULL;
	g_autofree char *confirm = NULL, *prefs = NULL, *unsub = NULL, *mailto = NULL;
	gint64 ref = 0;
	const GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "{confirm, prefs, unsubscribe, mailto}", NULL },
		{ NULL },
	};

	if (!pd_cli_parse (&argc, &argv, "LIST ADDR",
	                   "The signed links of a subscriber ([serve] public_url): the confirm, "
	                   "preferences and unsubscribe pages, and the List-Unsubscribe mailto "
	                   "address. To send someone their own link again.",
	                   entries, error) ||
	    !need_args (argc, 3, "LIST and ADDR", error) || (l = open_list (&app, argv[1], error)) == NULL ||
	    !pd_store_subscriber_find (app->store, l->id, argv[2], &sub, error))
		return FALSE;
	if (sub == NULL) {
		g_set_error (error, PD_ERROR, PD_ERROR_NOTFOUND, "%s is not a subscriber of %s", argv[2],
		             l->name);
		return FALSE;
	}
	/* a confirm link names the subscriber's open request: none once confirmed */
	if (!pd_store_consent_open_request (app->store, sub->id, &ref, error))
		return FALSE;
	if (ref > 0)
		confirm = pd_list_link (app->secret, app->settings->public_url, PD_LIST_LINK_CONFIRM,
		                        ref);
	prefs = pd_list_link (app->secret, app->settings->public_url, PD_LIST_LINK_PREFS, sub->id);
	unsub = pd_list_link (app->secret, app->settings->public_url, PD_LIST_LINK_UNSUBSCRIBE, sub->id);
	mailto = pd_list_unsubscribe_address (app->secret, l->address, sub->id);
	if (json) {
		PdJson *j = pd_json_new ();

		pd_json_object_begin (j);
		pd_json_member_int (j, "subscriber", sub->id);
		pd_json_member_string (j, "confirm", confirm);
		pd_json_member_string (j, "prefs", prefs);
		pd_json_member_string (j, "unsubscribe", unsub);
		pd_json_member_string (j, "mailto", mailto);
		pd_json_object_end (j);
		pd_cli_print_json (pd_json_free_to_string (j));
		return TRUE;
	}
	printf ("confirm      %s\nprefs        %s\nunsubscribe  %s\nmailto       %s\n",
	        confirm        ? confirm
	        : ref > 0      ? "(no [serve] public_url)"
	                       : "- (no request waiting for a confirmation)",
	        prefs ? prefs : "-", unsub ? unsub : "-",
	        mailto);
	return TRUE;
}

static const PdCommand list_commands[] = {
	{ "create", list_create, "create a list" },
	{ "show", list_show, "show a list (or every list)" },
	{ "members", list_members, "the subscribers of a list" },
	{ "subscribe", list_subscribe, "subscribe an address at once (admin)" },
	{ "unsubscribe", list_unsubscribe, "unsubscribe an address (admin)" },
	{ "import", list_import, "import subscribers from CSV (streamed; unsubscribers never re-added)" },
	{ "export", list_export, "write the subscribers as CSV or JSON" },
	{ "delete", list_delete, "delete a list" },
	{ "ledger", list_ledger, "the consent ledger of a list or of one subscriber" },
	{ "links", list_links, "a subscriber's signed links and unsubscribe address" },
	{ NULL, NULL, NULL },
};

gboolean
pd_cmd_list (int argc, char **argv, GError **error)
{
	return pd_cli_dispatch ("list", list_commands, argc, argv, error);
}
