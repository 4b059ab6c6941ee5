/* list-subscribe.c - `postdesk list subscribe|unsubscribe|import|links`: an admin acting for
 * subscribers: one address in or out (consent by admin, in the ledger), a CSV of them in, and
 * the signed links of one to send them again. The rules are src/lists/subscriber.c's and
 * import.c's. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "cmd/cli.h"
#include "cmd/list-private.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/json.h"
#include "lists/import.h"
#include "lists/links.h"
#include "lists/list.h"
#include "lists/subscriber.h"
#include "store/lists.h"

/* ---- subscribe, unsubscribe ---- */

gboolean
pd_cmd_list_subscribe (int argc, char **argv, GError **error)
{
	g_autofree char *name = NULL, *addr = NULL, *evidence = pd_cmd_list_admin_evidence ();
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
	    !pd_cmd_list_need_args (argc, 3, "LIST and ADDR", error))
		return FALSE;
	addr = g_ascii_strdown (argv[2], -1);
	if (!pd_list_address_valid (addr)) {
		g_set_error (error, PD_ERROR, PD_ERROR_USAGE, "not an address: %s", argv[2]);
		return FALSE;
	}
	if ((l = pd_cmd_list_open (&app, argv[1], error)) == NULL || !pd_store_begin (app->store, error))
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

gboolean
pd_cmd_list_unsubscribe (int argc, char **argv, GError **error)
{
	g_autofree char *evidence = pd_cmd_list_admin_evidence ();
	g_autoptr (PdApp) app = NULL;
	g_autoptr (PdListRow) l = NULL;
	g_autoptr (PdSubscriberRow) sub = NULL;
	PdSubResult res;
	const GOptionEntry entries[] = { { NULL } };

	if (!pd_cli_parse (&argc, &argv, "LIST ADDR", "Unsubscribe ADDR (consent by admin).", entries,
	                   error) ||
	    !pd_cmd_list_need_args (argc, 3, "LIST and ADDR", error) ||
	    (l = pd_cmd_list_open (&app, argv[1], error)) == NULL ||
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

gboolean
pd_cmd_list_import (int argc, char **argv, GError **error)
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
	    !pd_cmd_list_need_args (argc, 3, "LIST and FILE", error) ||
	    (l = pd_cmd_list_open (&app, argv[1], error)) == NULL)
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

/* ---- links ---- */

gboolean
pd_cmd_list_links (int argc, char **argv, GError **error)
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
	    !pd_cmd_list_need_args (argc, 3, "LIST and ADDR", error) ||
	    (l = pd_cmd_list_open (&app, argv[1], error)) == NULL ||
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
