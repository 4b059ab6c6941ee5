/* server.c - the HTTP listener of `postdesk serve` ([serve] http): a SoupServer on the main
 * loop, the headers every answer carries (a Content-Security-Policy that allows no script),
 * and pages rendered from templates/LOCALE/web/NAME.html inside layout.html. The pages
 * themselves are in kb-pages.c. */
#include "http/http.h"
#include "http/http-private.h"

#include <string.h>

#include "core/error.h"
#include "core/log.h"
#include "store/kb.h"

/* no script, no plug-in, no frame, forms only to us; styles only from /kb/style.css */
#define CSP "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; " \
            "frame-ancestors 'none'; base-uri 'none'"

void
pd_http_set_text (PdTemplateData *data, const char *key, const char *value)
{
	g_autofree char *esc = g_markup_escape_text (value ? value : "", -1);

	pd_template_data_set (data, key, esc);
}

static void
common_headers (SoupServerMessage *msg)
{
	SoupMessageHeaders *h = soup_server_message_get_response_headers (msg);

	soup_message_headers_replace (h, "Content-Security-Policy", CSP);
	soup_message_headers_replace (h, "X-Content-Type-Options", "nosniff");
	/* signed links carry their token in the URL: never pass it on, never keep it */
	soup_message_headers_replace (h, "Referrer-Policy", "no-referrer");
	soup_message_headers_replace (h, "Cache-Control", "no-store");
	soup_message_headers_replace (h, "X-Frame-Options", "DENY");
}

gboolean
pd_http_is_get (SoupServerMessage *msg)
{
	const char *m = soup_server_message_get_method (msg);

	return strcmp (m, "GET") == 0 || strcmp (m, "HEAD") == 0;
}

void
pd_http_raw (SoupServerMessage *msg, guint status, const char *type, GBytes *body)
{
	gsize len;
	const char *data = g_bytes_get_data (body, &len);

	common_headers (msg);
	soup_server_message_set_status (msg, status, NULL);
	soup_server_message_set_response (msg, type, SOUP_MEMORY_COPY, data, len);
}

static void
fail (SoupServerMessage *msg, const char *name, const GError *error)
{
	g_autoptr (GBytes) body = g_bytes_new_static ("internal error\n", 15);

	pd_log_error ("http: page %s: %s", name, error->message);
	pd_http_raw (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "text/plain; charset=utf-8", body);
}

/* HOME/templates/LOCALE/web/NAME.html, the built-in one, then the same for "en" */
static char *
load_page (const char *home, const char *locale, const char *name, GError **error)
{
	const char *locales[] = { locale ? locale : "en", "en" };
	guint i;

	for (i = 0; i < G_N_ELEMENTS (locales); i++) {
		g_autofree char *file = g_strdup_printf ("%s.html", name);
		g_autofree char *path = g_build_filename (home, "templates", locales[i], "web", file, NULL);
		g_autofree char *res = g_strdup_printf ("/org/postdesk/templates/%s/web/%s", locales[i], file);
		g_autoptr (GBytes) bytes = NULL;
		char *text = NULL;

		if (*locales[i] == '\0' || strchr (locales[i], '/') || strstr (locales[i], ".."))
			continue; /* a locale is a folder name, never a path */
		if (g_file_get_contents (path, &text, NULL, NULL))
			return text;
		bytes = g_resources_lookup_data (res, 0, NULL);
		if (bytes != NULL)
			return g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
	}
	g_set_error (error, PD_ERROR, PD_ERROR_CONFIG, "no web template %s for locale %s", name,
	             locale);
	return NULL;
}

/* Expand page NAME; its first line "Title: ..." (then a blank line) becomes *TITLE_R. */
static char *
expand_page (PdHttpServer *srv, const char *locale, const char *name, PdTemplateData *data,
             char **title_r, GError **error)
{
	g_autofree char *text = load_page (srv->app->home, locale, name, error);
	const char *body;

	*title_r = NULL;
	if (text == NULL)
		return NULL;
	body = text;
	if (g_str_has_prefix (text, "Title: ")) {
		const char *nl = strchr (text, '\n');
		g_autofree char *line = g_strndup (text + 7, nl ? (gsize) (nl - text - 7) : strlen (text + 7));

		if ((*title_r = pd_template_expand (line, data, TRUE, error)) == NULL)
			return NULL;
		body = nl ? nl + 1 : text + strlen (text);
		if (*body == '\n')
			body++;
	}
	return pd_template_expand (body, data, FALSE, error);
}

void
pd_http_page (PdHttpServer *srv, SoupServerMessage *msg, guint status, const char *locale,
              const char *name, PdTemplateData *data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GHashTable) style = NULL;
	g_autofree char *title = NULL, *none = NULL, *content = NULL, *html = NULL;
	g_autoptr (PdTemplateData) layout = pd_template_data_new ();
	g_autoptr (GBytes) body = NULL;
	const char *lang = locale ? locale : "en";
	gsize len;

	if ((style = pd_store_kb_style_get (srv->app->store, &error)) == NULL ||
	    (content = expand_page (srv, lang, name, data, &title, &error)) == NULL) {
		fail (msg, name, error);
		return;
	}
	pd_http_set_text (layout, "lang", lang);
	pd_template_data_set (layout, "page_title", title); /* expanded from escaped values */
	pd_http_set_text (layout, "site_title", g_hash_table_lookup (style, "site_title"));
	if (pd_http_logo_valid (g_hash_table_lookup (style, "logo")))
		pd_http_set_text (layout, "logo_url", g_hash_table_lookup (style, "logo"));
	pd_template_data_set (layout, "content_html", content);
	if ((html = expand_page (srv, lang, "layout", layout, &none, &error)) == NULL) {
		fail (msg, "layout", error);
		return;
	}
	len = strlen (html);
	body = g_bytes_new_take (g_steal_pointer (&html), len);
	pd_http_raw (msg, status, "text/html; charset=utf-8", body);
}

void
pd_http_not_found (PdHttpServer *srv, SoupServerMessage *msg)
{
	g_autoptr (PdTemplateData) data = pd_template_data_new ();

	pd_http_page (srv, msg, SOUP_STATUS_NOT_FOUND, "en", "notfound", data);
}

/* ---- the listener ---- */

static void
handle (SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query,
        gpointer user_data)
{
	PdHttpServer *srv = user_data;
	const char *method = soup_server_message_get_method (msg);

	(void) soup;
	if (strcmp (method, "GET") != 0 && strcmp (method, "HEAD") != 0 &&
	    strcmp (method, "POST") != 0) {
		g_autoptr (PdTemplateData) data = pd_template_data_new ();

		soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow",
		                              "GET, HEAD, POST");
		pd_http_page (srv, msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "en", "error", data);
		return;
	}
	if (strcmp (path, "/") == 0 && strcmp (method, "POST") != 0) {
		soup_server_message_set_redirect (msg, SOUP_STATUS_FOUND, "/kb/");
		return;
	}
	if (strcmp (path, "/favicon.ico") == 0) {
		/* browsers ask for it on every site; no icon, and no error in their console */
		g_autoptr (GBytes) none = g_bytes_new_static ("", 0);

		pd_http_raw (msg, SOUP_STATUS_NO_CONTENT, "image/x-icon", none);
		return;
	}
	if (strcmp (path, "/metrics") == 0 && strcmp (method, "POST") != 0) {
		pd_http_metrics (srv, msg);
		return;
	}
	if (strcmp (path, "/kb") == 0 || g_str_has_prefix (path, "/kb/")) {
		pd_http_kb (srv, msg, path, query);
		return;
	}
	if (g_str_has_prefix (path, "/list/")) { /* lists (issue 12) */
		pd_http_list (srv, msg, path);
		return;
	}
	pd_http_not_found (srv, msg);
}

/* Every page takes at most a small form: a body over MAX_BODY is refused before libsoup reads
 * it (else it holds any body in memory, whatever its size), and so is a body of unknown
 * length (chunked), which browsers and RFC 8058 senders do not send. A status set at
 * got-headers makes libsoup answer without reading the body. (lists, issue 12) */
#define MAX_BODY (64 * 1024)

static void
got_headers (SoupServerMessage *msg, gpointer data)
{
	SoupMessageHeaders *h = soup_server_message_get_request_headers (msg);

	(void) data;
	switch (soup_message_headers_get_encoding (h)) {
	case SOUP_ENCODING_NONE:
		return;
	case SOUP_ENCODING_CONTENT_LENGTH:
		if (soup_message_headers_get_content_length (h) <= MAX_BODY)
			return;
		soup_server_message_set_status (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, NULL);
		break;
	default:
		soup_server_message_set_status (msg, SOUP_STATUS_LENGTH_REQUIRED, NULL);
		break;
	}
	/* the unread body is still on the connection: it cannot serve another request */
	soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection",
	                              "close");
}

static void
request_started (SoupServer *soup, SoupServerMessage *msg, gpointer data)
{
	(void) soup;
	g_signal_connect (msg, "got-headers", G_CALLBACK (got_headers), data);
}

PdHttpServer *
pd_http_server_new (PdApp *app, const char *address, GError **error)
{
	g_autoptr (GSocketAddress) sa = NULL;
	g_autofree char *host = NULL;
	const char *colon = strrchr (address, ':');
	char *end;
	gint64 port;
	PdHttpServer *srv;
	GError *local = NULL;

	g_return_val_if_fail (app->store != NULL, NULL);
	if (colon == NULL || colon == address ||
	    (port = g_ascii_strtoll (colon + 1, &end, 10)) <= 0 || port > 65535 || *end != '\0') {
		g_set_error (error, PD_ERROR, PD_ERROR_CONFIG, "[serve] http: not HOST:PORT: %s", address);
		return NULL;
	}
	host = g_strndup (address, colon - address);
	if (host[0] == '[' && host[strlen (host) - 1] == ']') {
		memmove (host, host + 1, strlen (host));
		host[strlen (host) - 1] = '\0';
	}
	sa = g_inet_socket_address_new_from_string (host, (guint) port);
	if (sa == NULL) {
		g_set_error (error, PD_ERROR, PD_ERROR_CONFIG,
		             "[serve] http: not a numeric address: %s", address);
		return NULL;
	}
	srv = g_new0 (PdHttpServer, 1);
	srv->app = app;
	srv->address = g_strdup (address);
	srv->soup = soup_server_new ("server-header", "postdesk", NULL);
	soup_server_add_handler (srv->soup, NULL, handle, srv, NULL);
	g_signal_connect (srv->soup, "request-started", G_CALLBACK (request_started), srv);
	if (!soup_server_listen (srv->soup, sa, 0, &local)) {
		g_set_error (error, PD_ERROR, PD_ERROR_IO, "[serve] http: cannot listen on %s: %s",
		             address, local->message);
		g_error_free (local);
		pd_http_server_free (srv);
		return NULL;
	}
	pd_log_info ("http: knowledge base on http://%s/kb/", address);
	return srv;
}

const char *
pd_http_server_address (PdHttpServer *srv)
{
	return srv->address;
}

void
pd_http_server_free (PdHttpServer *srv)
{
	if (srv == NULL)
		return;
	pd_http_views_flush (srv);
	if (srv->views != NULL)
		g_array_unref (srv->views);
	if (srv->soup) {
		soup_server_disconnect (srv->soup);
		g_object_unref (srv->soup);
	}
	g_free (srv->address);
	g_free (srv);
}
