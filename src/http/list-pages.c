/* list-pages.c - a subscriber's pages under /list/, reached by the signed links of
 * lists/links.h (no address in the URL, and the page shows none):
 *   /list/confirm/TOKEN      GET: a page with a button; POST: pending -> active
 *   /list/prefs/TOKEN        GET: topics and language; POST: saved (consent "change")
 *   /list/unsubscribe/TOKEN  GET: a page with a button; POST: unsubscribed. Any POST counts,
 *                            so RFC 8058's "List-Unsubscribe=One-Click" works without a page.
 * A GET never changes anything, so a link scanner that follows every URL changes nothing.
 * A forged or unknown token, or a deleted list, is the same 404 as a missing page. The
 * ledger's evidence is "web" and the client's address. */
#include "http/http-private.h"

#include <string.h>

#include "core/clock.h"
#include "core/error.h"
#include "core/log.h"
#include "lists/links.h"
#include "lists/list.h"
#include "lists/subscriber.h"
#include "store/lists.h"

#define MAX_FORM 16384

static void
store_failed (SoupServerMessage *msg, const GError *error)
{
	g_autoptr (GBytes) body = g_bytes_new_static ("temporary failure, please try again\n", 36);

	pd_log_error ("http: list page: %s", error->message);
	pd_http_raw (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "text/plain; charset=utf-8", body);
}

/* The POSTed form as name/value pairs in order (repeated names kept: the topic checkboxes). */
static GPtrArray *
form_pairs (SoupServerMessage *msg)
{
	GPtrArray *pairs = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GBytes) bytes = soup_message_body_flatten (soup_server_message_get_request_body (msg));
	g_autofree char *text = NULL;
	g_auto (GStrv) items = NULL;
	guint i;

	if (g_bytes_get_size (bytes) > MAX_FORM)
		return pairs;
	text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
	items = g_strsplit (text, "&", -1);
	for (i = 0; items[i]; i++) {
		char *eq = strchr (items[i], '='), *p;
		char *name, *value;

		if (eq == NULL)
			continue;
		*eq = '\0';
		for (p = items[i]; *p; p++)
			if (*p == '+')
				*p = ' ';
		name = g_uri_unescape_string (items[i], NULL);
		value = g_uri_unescape_string (eq + 1, NULL);
		if (name == NULL || value == NULL || !g_utf8_validate (value, -1, NULL)) {
			g_free (name);
			g_free (value);
			continue;
		}
		g_ptr_array_add (pairs, name);
		g_ptr_array_add (pairs, value);
	}
	return pairs;
}

static const char *
form_get (GPtrArray *pairs, const char *name)
{
	guint i;

	for (i = 0; i + 1 < pairs->len; i += 2)
		if (strcmp (pairs->pdata[i], name) == 0)
			return pairs->pdata[i + 1];
	return NULL;
}

/* The locales with templates: the built-in ones and HOME/templates/LOCALE/. */
static GPtrArray *
known_locales (PdHttpServer *srv, const char *also)
{
	GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
	g_auto (GStrv) builtin = g_resources_enumerate_children ("/org/postdesk/templates/", 0, NULL);
	g_autofree char *dir = g_build_filename (srv->app->home, "templates", NULL);
	GDir *d = g_dir_open (dir, 0, NULL);
	const char *name;
	guint i;

#define ADD(l)                                                                      \
	do {                                                                        \
		g_autofree char *_l = g_strdup (l);                                 \
		if (_l[0] && _l[strlen (_l) - 1] == '/')                            \
			_l[strlen (_l) - 1] = '\0';                                 \
		if (*_l && !strchr (_l, '.') &&                                     \
		    !g_ptr_array_find_with_equal_func (out, _l, g_str_equal, NULL)) \
			g_ptr_array_add (out, g_steal_pointer (&_l));               \
	} while (0)
	for (i = 0; builtin && builtin[i]; i++)
		ADD (builtin[i]);
	while (d && (name = g_dir_read_name (d)) != NULL) {
		g_autofree char *path = g_build_filename (dir, name, NULL);

		if (g_file_test (path, G_FILE_TEST_IS_DIR))
			ADD (name);
	}
	if (also && *also)
		ADD (also);
#undef ADD
	if (d)
		g_dir_close (d);
	return out;
}

/* The language of the pages: the subscriber's, else the list's, if there are texts for it
 * (else lang= would name a language the English fallback is not in). (transfer none) */
static const char *
page_locale (PdHttpServer *srv, const PdSubscriberRow *sub, const PdListRow *list)
{
	g_autoptr (GPtrArray) have = known_locales (srv, NULL);
	const char *want[] = { sub->locale, list->locale };
	guint i;

	for (i = 0; i < G_N_ELEMENTS (want); i++)
		if (want[i] != NULL && g_ptr_array_find_with_equal_func (have, want[i], g_str_equal, NULL))
			return want[i];
	return "en";
}

typedef struct {
	PdHttpServer *srv;
	SoupServerMessage *msg;
	PdListRow *list;
	PdSubscriberRow *sub;
	const char *token;
	char *evidence;
	const char *locale;
	gboolean request_open; /* confirm: the token's request is still open */
} Page;

static void
page_data (Page *p, PdTemplateData *data)
{
	g_autofree char *request = pd_list_request_address (p->list->address);
	g_autofree char *prefs = g_strdup_printf ("/list/prefs/%s", p->token);
	g_autofree char *unsub = g_strdup_printf ("/list/unsubscribe/%s", p->token);

	pd_http_set_text (data, "list_title", p->list->title && *p->list->title ? p->list->title
	                                                                        : p->list->name);
	pd_http_set_text (data, "request_address", request);
	pd_http_set_text (data, "prefs_href", prefs);
	pd_http_set_text (data, "unsubscribe_href", unsub);
}

static void
confirm_page (Page *p)
{
	g_autoptr (PdTemplateData) data = pd_template_data_new ();
	g_autoptr (GError) error = NULL;
	g_autofree char *action = g_strdup_printf ("/list/confirm/%s", p->token);
	const char *s = p->sub->status;
	gboolean active = strcmp (s, "active") == 0 || strcmp (s, "bouncing") == 0;
	PdSubResult res;

	page_data (p, data);
	if (pd_http_is_get (p->msg)) {
		pd_http_set_text (data, "action", action);
		/* a disabled subscriber's open request is confirmed the same way (lists4) */
		gboolean waiting = strcmp (s, "pending") == 0 || strcmp (s, "disabled") == 0;

		pd_template_data_set (data, p->request_open && waiting ? "pending"
		                            : active                   ? "active"
		                                                       : "gone",
		                      "yes");
		pd_http_page (p->srv, p->msg, SOUP_STATUS_OK, p->locale, "list-confirm", data);
		return;
	}
	if (!pd_store_begin (p->srv->app->store, &error))
		goto fail;
	if (!p->request_open)
		res = active ? PD_SUB_ALREADY : PD_SUB_NOT_VALID; /* an earlier request's link */
	else if (!pd_subscriber_confirm (p->srv->app->store, p->sub->id, "web", p->evidence,
	                                 pd_now (), &res, &error)) {
		pd_store_rollback (p->srv->app->store);
		goto fail;
	}
	if (!pd_store_commit (p->srv->app->store, &error))
		goto fail;
	if (res == PD_SUB_CHANGED) {
		pd_log_info ("list=%" G_GINT64_FORMAT " subscriber=%" G_GINT64_FORMAT
		             " confirmed (%s)", p->list->id, p->sub->id, p->evidence);
		pd_template_data_set (data, "changed", "yes");
	}
	if (res != PD_SUB_NOT_VALID) {
		/* the confirm token is not the manage token: the page links to preferences with
		 * the latter, which the welcome mail carries too */
		g_autofree char *m = pd_list_link (p->srv->app->secret, "", PD_LIST_LINK_PREFS,
		                                   p->sub->id);

		pd_template_data_set (data, "active", "yes");
		pd_http_set_text (data, "prefs_href", m);
	} else {
		pd_http_set_text (data, "prefs_href", NULL);
	}
	pd_http_page (p->srv, p->msg, SOUP_STATUS_OK, p->locale, "list-confirmed", data);
	return;
fail:
	store_failed (p->msg, error);
}

static gboolean
subscribed (const PdSubscriberRow *sub)
{
	return strcmp (sub->status, "unsubscribed") != 0;
}

static void
prefs_form (Page *p, PdTemplateData *data)
{
	g_auto (GStrv) topics = g_strsplit (p->list->topics ? p->list->topics : "", ",", -1);
	g_auto (GStrv) mine = g_strsplit (p->sub->topics ? p->sub->topics : "", ",", -1);
	g_autoptr (GPtrArray) locales = known_locales (p->srv, p->sub->locale ? p->sub->locale
	                                                                     : p->list->locale);
	const char *current = p->sub->locale ? p->sub->locale : p->list->locale;
	g_autofree char *action = g_strdup_printf ("/list/prefs/%s", p->token);
	gboolean all = p->sub->topics == NULL || *p->sub->topics == '\0';
	guint i, n = 0;

	pd_http_set_text (data, "action", action);
	for (i = 0; topics[i]; i++) {
		const char *t = g_strstrip (topics[i]);
		PdTemplateData *item;

		if (*t == '\0')
			continue;
		item = pd_template_data_add_item (data, "topics");
		pd_template_data_set (data, "has_topics", "yes");
		pd_template_data_set_int (item, "n", ++n);
		pd_http_set_text (item, "topic", t);
		if (all || g_strv_contains ((const char *const *) mine, t))
			pd_template_data_set (item, "checked", "yes");
	}
	for (i = 0; i < locales->len; i++) {
		PdTemplateData *item = pd_template_data_add_item (data, "locales");

		pd_http_set_text (item, "locale", locales->pdata[i]);
		if (g_strcmp0 (locales->pdata[i], current) == 0)
			pd_template_data_set (item, "selected", "yes");
	}
}

/* The topics ticked: "" when all are (everything, also topics added later), "-" when none is
 * (announcements only: "-" matches no topic). */
static char *
chosen_topics (Page *p, GPtrArray *pairs)
{
	g_autofree char *picked = NULL;
	GString *s = g_string_new (NULL);
	g_autofree char *all = pd_list_topics_normalise (p->list->topics, NULL);
	guint i;

	for (i = 0; i + 1 < pairs->len; i += 2)
		if (strcmp (pairs->pdata[i], "topic") == 0)
			g_string_append_printf (s, "%s%s", s->len ? "," : "", (char *) pairs->pdata[i + 1]);
	picked = pd_list_topics_normalise (s->str, p->list->topics);
	g_string_free (s, TRUE);
	if (*all == '\0')
		return g_strdup (""); /* a list without topics: nothing to choose */
	if (*picked == '\0')
		return g_strdup ("-");
	if (strcmp (picked, all) == 0 || strlen (picked) == strlen (all))
		return g_strdup (""); /* every topic: the same letters, in any order */
	return g_steal_pointer (&picked);
}

static void
prefs_page (Page *p)
{
	g_autoptr (PdTemplateData) data = pd_template_data_new ();
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) pairs = NULL;
	g_autoptr (GPtrArray) locales = NULL;
	g_autofree char *topics = NULL;
	const char *locale;
	PdSubResult res;

	page_data (p, data);
	if (!subscribed (p->sub)) {
		pd_http_page (p->srv, p->msg, SOUP_STATUS_OK, p->locale, "list-prefs", data);
		return;
	}
	pd_template_data_set (data, "subscribed", "yes");
	if (pd_http_is_get (p->msg)) {
		prefs_form (p, data);
		pd_http_page (p->srv, p->msg, SOUP_STATUS_OK, p->locale, "list-prefs", data);
		return;
	}
	pairs = form_pairs (p->msg);
	topics = chosen_topics (p, pairs);
	locale = form_get (pairs, "locale");
	locales = known_locales (p->srv, p->sub->locale ? p->sub->locale : p->list->locale);
	if (locale != NULL && !g_ptr_array_find_with_equal_func (locales, locale, g_str_equal, NULL))
		locale = NULL; /* only a language we have texts for */
	if (locale != NULL && p->sub->locale == NULL && g_strcmp0 (locale, p->list->locale) == 0)
		locale = NULL; /* the list's language, as before: no change */
	if (!pd_store_begin (p->srv->app->store, &error))
		goto fail;
	if (!pd_subscriber_set_prefs (p->srv->app->store, p->sub->id, topics, locale, "web",
	                              p->evidence, pd_now (), &res, &error)) {
		pd_store_rollback (p->srv->app->store);
		goto fail;
	}
	if (!pd_store_commit (p->srv->app->store, &error))
		goto fail;
	/* show what is stored now */
	g_free (p->sub->topics);
	p->sub->topics = g_strdup (topics);
	if (locale != NULL) {
		g_free (p->sub->locale);
		p->sub->locale = g_strdup (locale);
	}
	pd_template_data_set (data, "saved", "yes");
	prefs_form (p, data);
	pd_http_page (p->srv, p->msg, SOUP_STATUS_OK, p->locale, "list-prefs", data);
	return;
fail:
	store_failed (p->msg, error);
}

/* RFC 8058 allows the one-click POST as multipart/form-data too: a part named
 * List-Unsubscribe whose content is One-Click. Only for the ledger's detail: any POST
 * unsubscribes. */
static gboolean
multipart_one_click (SoupServerMessage *msg)
{
	SoupMessageHeaders *h = soup_server_message_get_request_headers (msg);
	const char *type = soup_message_headers_get_content_type (h, NULL);
	g_autoptr (GBytes) bytes = NULL;
	const char *body, *name;
	gsize len;

	if (type == NULL || g_ascii_strcasecmp (type, "multipart/form-data") != 0)
		return FALSE;
	bytes = soup_message_body_flatten (soup_server_message_get_request_body (msg));
	body = g_bytes_get_data (bytes, &len);
	if (body == NULL || len > MAX_FORM)
		return FALSE;
	name = g_strstr_len (body, len, "name=\"List-Unsubscribe\"");
	return name != NULL && g_strstr_len (name, len - (name - body), "\r\n\r\nOne-Click") != NULL;
}

static void
unsubscribe_page (Page *p)
{
	g_autoptr (PdTemplateData) data = pd_template_data_new ();
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) pairs = NULL;
	g_autofree char *action = g_strdup_printf ("/list/unsubscribe/%s", p->token);
	const char *detail;
	PdSubResult res;

	page_data (p, data);
	if (pd_http_is_get (p->msg)) {
		pd_http_set_text (data, "action", action);
		if (subscribed (p->sub))
			pd_template_data_set (data, "subscribed", "yes");
		pd_http_page (p->srv, p->msg, SOUP_STATUS_OK, p->locale, "list-unsubscribe", data);
		return;
	}
	/* any POST: the token is the authority (RFC 8058 mail clients send only the one field) */
	pairs = form_pairs (p->msg);
	detail = form_get (pairs, "page") != NULL ? "page"
	         : g_strcmp0 (form_get (pairs, "List-Unsubscribe"), "One-Click") == 0 ||
	                   multipart_one_click (p->msg)
	                 ? "one-click"
	                 : "post";
	if (!pd_store_begin (p->srv->app->store, &error))
		goto fail;
	if (!pd_subscriber_unsubscribe (p->srv->app->store, p->sub->id, "web", p->evidence, detail,
	                                pd_now (), &res, &error)) {
		pd_store_rollback (p->srv->app->store);
		goto fail;
	}
	if (!pd_store_commit (p->srv->app->store, &error))
		goto fail;
	if (res == PD_SUB_CHANGED)
		pd_log_info ("list=%" G_GINT64_FORMAT " subscriber=%" G_GINT64_FORMAT
		             " unsubscribed (%s, %s)", p->list->id, p->sub->id, p->evidence, detail);
	pd_http_page (p->srv, p->msg, SOUP_STATUS_OK, p->locale, "list-unsubscribed", data);
	return;
fail:
	store_failed (p->msg, error);
}

void
pd_http_list (PdHttpServer *srv, SoupServerMessage *msg, const char *path)
{
	g_auto (GStrv) parts = g_strsplit (path + strlen ("/list/"), "/", -1);
	g_autoptr (PdSubscriberRow) sub = NULL;
	g_autoptr (PdListRow) list = NULL;
	g_autoptr (GError) error = NULL;
	PdListLink kind;
	Page p = { 0 };
	const char *host;
	gint64 id;

	if (g_strv_length (parts) != 2) {
		pd_http_not_found (srv, msg);
		return;
	}
	if (strcmp (parts[0], "confirm") == 0)
		kind = PD_LIST_LINK_CONFIRM;
	else if (strcmp (parts[0], "prefs") == 0)
		kind = PD_LIST_LINK_PREFS;
	else if (strcmp (parts[0], "unsubscribe") == 0)
		kind = PD_LIST_LINK_UNSUBSCRIBE;
	else {
		pd_http_not_found (srv, msg);
		return;
	}
	if ((id = pd_list_link_check (srv->app->secret, kind, parts[1])) == 0) {
		pd_http_not_found (srv, msg);
		return;
	}
	/* a confirm token names a request (a consent row), not the subscriber: only while that
	 * request is open does it confirm */
	if (kind == PD_LIST_LINK_CONFIRM) {
		gint64 ref = id;

		if (!pd_store_consent_request_of (srv->app->store, ref, &id, &p.request_open, &error)) {
			store_failed (msg, error);
			return;
		}
		if (id == 0) {
			pd_http_not_found (srv, msg);
			return;
		}
	}
	if ((sub = pd_store_subscriber_get (srv->app->store, id, &error)) == NULL ||
	    (list = pd_store_list_get_by_id (srv->app->store, sub->list_id, &error)) == NULL) {
		if (g_error_matches (error, PD_ERROR, PD_ERROR_NOTFOUND))
			pd_http_not_found (srv, msg);
		else
			store_failed (msg, error);
		return;
	}
	if (*list->name == '~') { /* a deleted list */
		pd_http_not_found (srv, msg);
		return;
	}
	host = soup_server_message_get_remote_host (msg);
	p.srv = srv;
	p.msg = msg;
	p.list = list;
	p.sub = sub;
	p.token = parts[1];
	p.evidence = g_strdup_printf ("web %s", host ? host : "unknown");
	p.locale = page_locale (srv, sub, list);
	if (kind == PD_LIST_LINK_CONFIRM)
		confirm_page (&p);
	else if (kind == PD_LIST_LINK_PREFS)
		prefs_page (&p);
	else
		unsubscribe_page (&p);
	g_free (p.evidence);
}
