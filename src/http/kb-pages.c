/* kb-pages.c - the knowledge base's pages under /kb/: search, topic index, article, document
 * download, the style sheet, and "this answered my question". Public published articles are
 * for anyone; customer-level ones only through a valid signed link (core/token.h) bound to the
 * ticket's customer; internal articles and drafts never: all of these answer the same 404 as a
 * missing page. A GET never changes anything; only the POST of the answered form resolves
 * the ticket (tickets/workflow.h says from which states). */
#include "http/http-private.h"

#include <string.h>

#include "core/clock.h"
#include "core/error.h"
#include "core/log.h"
#include "core/token.h"
#include "kb/kb.h"
#include "kb/markdown.h"
#include "store/kb.h"
#include "store/kb-usage.h"
#include "store/store.h"
#include "tickets/workflow.h"

#define SEARCH_LIMIT 50

static void
method_not_allowed (PdHttpServer *srv, SoupServerMessage *msg, const char *allow)
{
	g_autoptr (PdTemplateData) data = pd_template_data_new ();

	soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", allow);
	pd_http_page (srv, msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "en", "error", data);
}

static void
store_failed (SoupServerMessage *msg, const char *what, const GError *error)
{
	g_autoptr (GBytes) body = g_bytes_new_static ("temporary failure, please try again\n", 36);

	pd_log_error ("http: %s: %s", what, error->message);
	pd_http_raw (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "text/plain; charset=utf-8", body);
}

/* ---- who may see what ---- */

/* Does TOKEN open ARTICLE? Valid signature, not expired, for this article, and for a
 * customer-level article bound to the customer of the ticket it names. */
static gboolean
link_ok (PdHttpServer *srv, const char *token, const PdKbArticle *article, gint64 *ticket_r)
{
	g_autoptr (PdTicketRow) t = NULL;
	gint64 ticket, art;
	char *end;

	if (token == NULL || !g_ascii_isdigit (*token))
		return FALSE;
	ticket = g_ascii_strtoll (token, &end, 10);
	if (*end != '-' || ticket <= 0 || (t = pd_store_ticket_get (srv->app->store, ticket, NULL)) == NULL)
		return FALSE;
	if (!pd_token_link_check (srv->app->secret, token,
	                          strcmp (article->visibility, "customer") == 0 ? t->customer : NULL,
	                          pd_now (), &ticket, &art) ||
	    art != article->id)
		return FALSE;
	if (ticket_r)
		*ticket_r = ticket;
	return TRUE;
}

/* The article SLUG if this request may see it, else NULL (404 for the caller) and *FAILED_R
 * TRUE only when the store failed. TICKET_R: the ticket of a valid link, else 0. */
static PdKbArticle *
visible_article (PdHttpServer *srv, const char *slug, const char *token, gint64 *ticket_r,
                 GError **error)
{
	g_autoptr (GError) local = NULL;
	g_autoptr (PdKbArticle) a = pd_store_kb_get (srv->app->store, slug, &local);
	gboolean linked;

	*ticket_r = 0;
	if (a == NULL) {
		if (!g_error_matches (local, PD_ERROR, PD_ERROR_NOTFOUND))
			g_propagate_error (error, g_steal_pointer (&local));
		return NULL;
	}
	if (strcmp (a->status, "published") != 0 || strcmp (a->visibility, "internal") == 0)
		return NULL;
	linked = link_ok (srv, token, a, ticket_r);
	if (strcmp (a->visibility, "customer") == 0 && !linked)
		return NULL;
	return g_steal_pointer (&a);
}

static const char *
query_get (GHashTable *query, const char *key)
{
	return query ? g_hash_table_lookup (query, key) : NULL;
}

/* ---- pages ---- */

static void
home_page (PdHttpServer *srv, SoupServerMessage *msg)
{
	g_autoptr (PdTemplateData) data = pd_template_data_new ();

	pd_http_page (srv, msg, SOUP_STATUS_OK, "en", "home", data);
}

/* FTS5's snippet marks matched words with [ and ]: escape the text, then mark them */
static char *
snippet_html (const char *snippet)
{
	g_autofree char *esc = g_markup_escape_text (snippet ? snippet : "", -1);
	GString *out = g_string_new (NULL);
	gboolean open = FALSE;
	const char *p;

	for (p = esc; *p; p++) {
		if (*p == '[' && !open) {
			g_string_append (out, "<mark>");
			open = TRUE;
		} else if (*p == ']' && open) {
			g_string_append (out, "</mark>");
			open = FALSE;
		} else {
			g_string_append_c (out, *p);
		}
	}
	if (open)
		g_string_append (out, "</mark>");
	return g_string_free (out, FALSE);
}

static void
search_page (PdHttpServer *srv, SoupServerMessage *msg, GHashTable *query)
{
	g_autoptr (PdTemplateData) data = pd_template_data_new ();
	const char *q = query_get (query, "q");
	g_autofree char *fts = NULL;

	pd_http_set_text (data, "q", q);
	if (q != NULL && *q != '\0') {
		pd_template_data_set (data, "searched", "yes");
		fts = pd_kb_fts_query (q);
	}
	if (fts != NULL) {
		g_autoptr (GError) error = NULL;
		g_autoptr (GPtrArray) hits =
			pd_store_kb_search (srv->app->store, fts, NULL, TRUE, SEARCH_LIMIT, &error);
		guint i;

		if (hits == NULL) {
			store_failed (msg, "search", error);
			return;
		}
		for (i = 0; i < hits->len; i++) {
			PdKbHit *h = hits->pdata[i];
			PdTemplateData *item;
			g_autofree char *snip = NULL, *slug = NULL;

			if (strcmp (h->visibility, "public") != 0 || strcmp (h->status, "published") != 0)
				continue;
			snip = snippet_html (h->snippet);
			slug = g_uri_escape_string (h->slug, NULL, FALSE);
			item = pd_template_data_add_item (data, "hits");
			pd_template_data_set (data, "has_hits", "yes");
			pd_http_set_text (item, "slug", slug);
			pd_http_set_text (item, "title", h->title);
			pd_template_data_set (item, "snippet_html", snip);
		}
	}
	pd_http_page (srv, msg, SOUP_STATUS_OK, "en", "search", data);
}

/* position of TOPIC in the style's topic_order, or G_MAXINT */
static int
topic_rank (char **order, const char *topic)
{
	int i;

	for (i = 0; order && order[i]; i++)
		if (g_ascii_strcasecmp (g_strstrip (order[i]), topic) == 0)
			return i;
	return G_MAXINT;
}

static char **topic_order_for_sort;

static int
compare_topics (gconstpointer a, gconstpointer b)
{
	const char *x = *(const char *const *) a, *y = *(const char *const *) b;
	int rx = topic_rank (topic_order_for_sort, x), ry = topic_rank (topic_order_for_sort, y);

	if (*x == '\0' || *y == '\0') /* the articles without a topic come last */
		return (*x == '\0') - (*y == '\0');
	if (rx != ry)
		return rx < ry ? -1 : 1;
	return g_utf8_collate (x, y);
}

static void
topics_page (PdHttpServer *srv, SoupServerMessage *msg)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) all = pd_store_kb_list (srv->app->store, &error);
	g_autoptr (GHashTable) style = NULL;
	g_autoptr (GHashTable) by_topic = NULL;
	g_autoptr (GPtrArray) names = g_ptr_array_new ();
	g_autoptr (PdTemplateData) data = pd_template_data_new ();
	g_auto (GStrv) order = NULL;
	GHashTableIter it;
	gpointer key;
	guint i, j;

	if (all == NULL || (style = pd_store_kb_style_get (srv->app->store, &error)) == NULL) {
		store_failed (msg, "topics", error);
		return;
	}
	by_topic = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
	                                  (GDestroyNotify) g_ptr_array_unref);
	for (i = 0; i < all->len; i++) {
		PdKbArticle *a = all->pdata[i];
		g_auto (GStrv) topics = NULL;
		gboolean any = FALSE;

		if (strcmp (a->status, "published") != 0 || strcmp (a->visibility, "public") != 0)
			continue;
		topics = g_strsplit (a->topics, ",", -1);
		for (j = 0; topics[j] != NULL || !any; j++) {
			const char *t = topics[j] ? g_strstrip (topics[j]) : "";
			GPtrArray *list;

			if (topics[j] != NULL && *t == '\0')
				continue;
			any = TRUE;
			if ((list = g_hash_table_lookup (by_topic, t)) == NULL) {
				list = g_ptr_array_new ();
				g_hash_table_insert (by_topic, g_strdup (t), list);
			}
			g_ptr_array_add (list, a);
			if (topics[j] == NULL)
				break;
		}
	}
	g_hash_table_iter_init (&it, by_topic);
	while (g_hash_table_iter_next (&it, &key, NULL))
		g_ptr_array_add (names, key);
	if (g_hash_table_lookup (style, "topic_order"))
		order = g_strsplit (g_hash_table_lookup (style, "topic_order"), ",", -1);
	topic_order_for_sort = order; /* the main loop is one thread */
	g_ptr_array_sort (names, compare_topics);
	topic_order_for_sort = NULL;
	for (i = 0; i < names->len; i++) {
		GPtrArray *list = g_hash_table_lookup (by_topic, names->pdata[i]);
		PdTemplateData *topic = pd_template_data_add_item (data, "topics");

		pd_http_set_text (topic, "name", names->pdata[i]);
		for (j = 0; j < list->len; j++) {
			PdKbArticle *a = list->pdata[j];
			PdTemplateData *item = pd_template_data_add_item (topic, "articles");
			g_autofree char *slug = g_uri_escape_string (a->slug, NULL, FALSE);

			pd_http_set_text (item, "slug", slug);
			pd_http_set_text (item, "title", a->title);
		}
	}
	pd_http_page (srv, msg, SOUP_STATUS_OK, "en", "topics", data);
}

static void
style_sheet (PdHttpServer *srv, SoupServerMessage *msg)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GHashTable) style = pd_store_kb_style_get (srv->app->store, &error);
	g_autoptr (GBytes) body = NULL;
	char *css;

	if (style == NULL) {
		store_failed (msg, "style", error);
		return;
	}
	css = pd_http_style_css (style);
	body = g_bytes_new_take (css, strlen (css));
	pd_http_raw (msg, SOUP_STATUS_OK, "text/css; charset=utf-8", body);
}

/* The article page; with ANSWER, the "this answered my question" form for TICKET. */
static void
article_page (PdHttpServer *srv, SoupServerMessage *msg, PdKbArticle *a, const char *token,
              gint64 ticket, gboolean answer)
{
	g_autoptr (PdTemplateData) data = pd_template_data_new ();
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) docs = pd_store_kb_documents (srv->app->store, a->id, &error);
	g_autofree char *body = pd_kb_markdown_to_html (a->body);
	g_autofree char *slug = g_uri_escape_string (a->slug, NULL, FALSE);
	g_autofree char *action = NULL;
	guint i;

	if (docs == NULL) {
		store_failed (msg, "documents", error);
		return;
	}
	pd_http_set_text (data, "title", a->title);
	pd_http_set_text (data, "topics", a->topics);
	pd_template_data_set (data, "body_html", body); /* the renderer escapes; allow-listed tags */
	for (i = 0; i < docs->len; i++) {
		PdKbDocument *d = docs->pdata[i];
		PdTemplateData *item = pd_template_data_add_item (data, "documents");
		g_autofree char *name = g_uri_escape_string (d->name, NULL, FALSE);
		g_autofree char *href = token && strcmp (a->visibility, "customer") == 0
		                        ? g_strdup_printf ("/kb/%s/doc/%s?t=%s", slug, name, token)
		                        : g_strdup_printf ("/kb/%s/doc/%s", slug, name);

		pd_template_data_set (data, "has_documents", "yes");

		pd_http_set_text (item, "href", href);
		pd_http_set_text (item, "name", d->name);
		pd_template_data_set_int (item, "size", d->size);
		pd_http_set_text (item, "description", d->description);
	}
	if (answer && ticket > 0) {
		action = g_strdup_printf ("/kb/%s/answered", slug);
		pd_template_data_set (data, "answer", "yes");
		pd_http_set_text (data, "answer_action", action);
		pd_http_set_text (data, "token", token);
		pd_template_data_set_int (data, "ticket", ticket);
	}
	pd_http_page (srv, msg, SOUP_STATUS_OK, a->locale, "article", data);
	if (!answer)
		pd_http_view_count (srv, a->id, ticket);
}

static void
document (PdHttpServer *srv, SoupServerMessage *msg, PdKbArticle *a, const char *name)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) docs = pd_store_kb_documents (srv->app->store, a->id, &error);
	PdKbDocument *d = NULL;
	g_autofree char *path = NULL, *data = NULL, *disposition = NULL, *ascii = NULL;
	g_autoptr (GBytes) body = NULL;
	char prefix[3] = { 0 };
	gsize len;
	guint i;

	if (docs == NULL) {
		store_failed (msg, "documents", error);
		return;
	}
	for (i = 0; i < docs->len && d == NULL; i++)
		if (strcmp (((PdKbDocument *) docs->pdata[i])->name, name) == 0)
			d = docs->pdata[i];
	if (d == NULL || strlen (d->sha256) != 64) {
		pd_http_not_found (srv, msg);
		return;
	}
	memcpy (prefix, d->sha256, 2);
	path = g_build_filename (srv->app->home, "attachments", prefix, d->sha256, NULL);
	if (!g_file_get_contents (path, &data, &len, &error)) {
		pd_log_error ("http: document %s of %s: %s", d->name, a->slug, error->message);
		pd_http_not_found (srv, msg);
		return;
	}
	body = g_bytes_new_take (g_steal_pointer (&data), len);
	pd_http_raw (msg, SOUP_STATUS_OK, d->content_type ? d->content_type : "application/octet-stream",
	             body);
	/* always a download: a stored HTML or SVG file never runs as a page of this site */
	ascii = g_uri_escape_string (d->name, NULL, FALSE);
	disposition = g_strdup_printf ("attachment; filename*=UTF-8''%s", ascii);
	soup_message_headers_replace (soup_server_message_get_response_headers (msg),
	                              "Content-Disposition", disposition);
}

/* POST /kb/SLUG/answered: resolve the link's ticket, once, in one transaction */
static void
answered_page (PdHttpServer *srv, SoupServerMessage *msg, PdKbArticle *a, gint64 ticket,
          const char *token)
{
	PdStore *store = srv->app->store;
	g_autoptr (GError) error = NULL;
	g_autoptr (PdTicketRow) t = NULL;
	g_autoptr (PdTemplateData) data = pd_template_data_new ();
	g_autofree char *why = NULL, *slug = g_uri_escape_string (a->slug, NULL, FALSE);
	g_autofree char *href = NULL;
	gint64 now = pd_now ();
	PdState state;

	if (!pd_store_begin (store, &error) || (t = pd_store_ticket_get (store, ticket, &error)) == NULL)
		goto fail;
	if (!pd_state_from_name (t->state, &state)) {
		g_set_error (&error, PD_ERROR, PD_ERROR_INTERNAL, "ticket %" G_GINT64_FORMAT
		             " has an unknown state %s", ticket, t->state);
		goto fail;
	}
	pd_template_data_set_int (data, "ticket", ticket);
	pd_http_set_text (data, "title", a->title);
	if (pd_workflow_customer_answered (state)) {
		why = g_strdup_printf ("%s -> resolved (answered by the knowledge base: %s)", t->state,
		                       a->slug);
		if (!pd_store_ticket_set_state (store, ticket, "resolved", now, &error) ||
		    !pd_store_event_add (store, ticket, now, t->customer, "state", why, 0, &error) ||
		    !pd_store_event_add (store, ticket, now, t->customer, "kb-answered", a->slug, 0, &error) ||
		    !pd_store_kb_usage_add (store, a->id, "answered", ticket, now, &error) ||
		    !pd_store_ticket_touch (store, ticket, now, &error))
			goto fail;
		pd_template_data_set (data, "resolved", "yes");
		pd_log_info ("ticket=%" G_GINT64_FORMAT " action=resolved reason=\"answered by kb article %s\"",
		             ticket, a->slug);
	} else {
		pd_http_set_text (data, "state", t->state);
	}
	if (!pd_store_commit (store, &error))
		goto fail;
	href = strcmp (a->visibility, "customer") == 0 ? g_strdup_printf ("/kb/%s?t=%s", slug, token)
	                                                : g_strdup_printf ("/kb/%s", slug);
	pd_http_set_text (data, "article_href", href);
	pd_http_page (srv, msg, SOUP_STATUS_OK, a->locale, "answered", data);
	return;
fail:
	pd_store_rollback (store);
	store_failed (msg, "answered", error);
}

/* the token of a GET (?t=) or of the answered form's POST (t=); FORM_R keeps the decoded form */
static const char *
request_token (SoupServerMessage *msg, GHashTable *query, GHashTable **form_r)
{
	SoupMessageBody *req;
	g_autoptr (GBytes) bytes = NULL;
	g_autofree char *text = NULL;

	if (pd_http_is_get (msg))
		return query_get (query, "t");
	req = soup_server_message_get_request_body (msg);
	bytes = soup_message_body_flatten (req);
	text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
	*form_r = soup_form_decode (text);
	return g_hash_table_lookup (*form_r, "t");
}

/* SLUG, SLUG/answered (GET: the form; POST: resolve), SLUG/doc/NAME */
static void
article_route (PdHttpServer *srv, SoupServerMessage *msg, char **parts, guint n,
               GHashTable *query)
{
	g_autoptr (PdKbArticle) a = NULL;
	g_autoptr (GError) error = NULL;
	g_autoptr (GHashTable) form = NULL;
	gboolean is_answered = n == 2 && strcmp (parts[1], "answered") == 0;
	gboolean is_doc = n == 3 && strcmp (parts[1], "doc") == 0 && *parts[2] != '\0';
	const char *token;
	gint64 ticket = 0;

	if (*parts[0] == '\0' || !(n == 1 || is_answered || is_doc)) {
		pd_http_not_found (srv, msg);
		return;
	}
	if (!pd_http_is_get (msg) && !is_answered) {
		method_not_allowed (srv, msg, "GET, HEAD");
		return;
	}
	token = request_token (msg, query, &form);
	a = visible_article (srv, parts[0], token, &ticket, &error);
	if (a == NULL && error != NULL)
		store_failed (msg, "article", error);
	else if (a == NULL)
		pd_http_not_found (srv, msg);
	else if (is_doc)
		document (srv, msg, a, parts[2]);
	else if (is_answered && ticket == 0) /* a valid link for this article, also for a public one */
		pd_http_not_found (srv, msg);
	else if (is_answered && form != NULL)
		answered_page (srv, msg, a, ticket, token);
	else
		article_page (srv, msg, a, token, ticket, is_answered);
}

/* GET /kb/logo/SHA256.EXT: the logo `kb style logo FILE` stored, and nothing else: other
 * files under HOME/attachments (customers' attachments) are never served this way. */
static void
logo_file (PdHttpServer *srv, SoupServerMessage *msg, const char *name)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GHashTable) style = pd_store_kb_style_get (srv->app->store, &error);
	g_autofree char *want = g_strdup_printf ("/kb/logo/%s", name);
	g_autofree char *path = NULL, *data = NULL, *sha = g_strndup (name, 64);
	g_autoptr (GBytes) body = NULL;
	const char *type = pd_http_logo_type (name);
	char prefix[3] = { 0 };
	gsize len;

	if (style == NULL) {
		store_failed (msg, "logo", error);
		return;
	}
	if (type == NULL || g_strcmp0 (g_hash_table_lookup (style, "logo"), want) != 0 ||
	    strlen (name) < 65 || name[64] != '.') {
		pd_http_not_found (srv, msg);
		return;
	}
	memcpy (prefix, name, 2);
	path = g_build_filename (srv->app->home, "attachments", prefix, sha, NULL);
	if (!g_file_get_contents (path, &data, &len, &error)) {
		pd_log_error ("http: logo %s: %s", name, error->message);
		pd_http_not_found (srv, msg);
		return;
	}
	body = g_bytes_new_take (g_steal_pointer (&data), len);
	pd_http_raw (msg, SOUP_STATUS_OK, type, body);
}

void
pd_http_kb (PdHttpServer *srv, SoupServerMessage *msg, const char *path, GHashTable *query)
{
	g_auto (GStrv) parts = NULL;
	const char *rest = path + 3; /* after "/kb" */
	const char *page;
	guint n;

	if (*rest == '/')
		rest++;
	parts = g_strsplit (rest, "/", -1);
	n = g_strv_length (parts);
	page = n == 0 ? "" : parts[0];
	if (n == 2 && strcmp (page, "logo") == 0 && pd_http_is_get (msg)) {
		logo_file (srv, msg, parts[1]);
		return;
	}
	if (n > 1 || (*page != '\0' && strcmp (page, "search") != 0 && strcmp (page, "topics") != 0 &&
	              strcmp (page, "style.css") != 0)) {
		article_route (srv, msg, parts, n, query);
		return;
	}
	if (!pd_http_is_get (msg))
		method_not_allowed (srv, msg, "GET, HEAD");
	else if (*page == '\0')
		home_page (srv, msg);
	else if (strcmp (page, "search") == 0)
		search_page (srv, msg, query);
	else if (strcmp (page, "topics") == 0)
		topics_page (srv, msg);
	else
		style_sheet (srv, msg);
}
