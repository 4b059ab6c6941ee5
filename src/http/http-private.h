/* http-private.h - what server.c (listener, responses, templates) and the page files share.
 * Not for use outside src/http. */
#ifndef PD_HTTP_PRIVATE_H
#define PD_HTTP_PRIVATE_H

#include <libsoup/soup.h>

#include "app/app.h"
#include "core/template.h"
#include "http/http.h"

struct PdHttpServer {
	PdApp *app;
	SoupServer *soup;
	char *address;
	GArray *views;      /* article views not yet counted (views.c) */
	guint views_timer;  /* the source that counts them, 0 = none */
};

/* Set KEY to VALUE escaped for HTML text and attributes (NULL = ""). */
void pd_http_set_text (PdTemplateData *data, const char *key, const char *value);

/* Answer MSG with STATUS and page NAME (templates/LOCALE/web/NAME.html, inside layout.html),
 * DATA filled by the caller (escaped with pd_http_set_text; keys ending in _html are raw). */
void pd_http_page (PdHttpServer *srv, SoupServerMessage *msg, guint status, const char *locale,
                   const char *name, PdTemplateData *data);
/* 404 with the "notfound" page: missing, internal, draft and unauthorised look the same. */
void pd_http_not_found (PdHttpServer *srv, SoupServerMessage *msg);
/* GET or HEAD: a request that only looks (the pages change nothing on it). */
gboolean pd_http_is_get (SoupServerMessage *msg);
/* An answer that is not a page (CSS, a document), with the common headers. */
void pd_http_raw (SoupServerMessage *msg, guint status, const char *type, GBytes *body);

/* The /kb/ handler (kb-pages.c). */
void pd_http_kb (PdHttpServer *srv, SoupServerMessage *msg, const char *path, GHashTable *query);
/* The /list/ pages of subscribers (list-pages.c, lists: issue 12). */
void pd_http_list (PdHttpServer *srv, SoupServerMessage *msg, const char *path);

/* GET /metrics: Prometheus text format (metrics.c). */
void pd_http_metrics (PdHttpServer *srv, SoupServerMessage *msg);
/* Count a view of article ARTICLE_ID (through a link of TICKET, 0 = none): kept in memory
 * and written in one transaction a second later, so that readers never wait on a commit;
 * pd_http_views_flush writes what is kept at once (the server's end). (views.c) */
void pd_http_view_count (PdHttpServer *srv, gint64 article_id, gint64 ticket);
void pd_http_views_flush (PdHttpServer *srv);

/* The style sheet from the database's parameters (style.c). (transfer full) */
char *pd_http_style_css (GHashTable *style);

#endif
