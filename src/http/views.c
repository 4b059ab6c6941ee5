/* views.c - counting article views on the web (db/019, how = 'viewed') without a commit per
 * page: views wait in memory and are written together, in one transaction, a second after
 * the first of them, and when the server stops. A view lost to a crash is only a count. */
#include "http/http-private.h"

#include "core/clock.h"
#include "core/log.h"
#include "store/kb-usage.h"

#define FLUSH_SECONDS 1
#define FLUSH_AT 1000 /* views kept before they are written at once */

typedef struct {
	gint64 article;
	gint64 ticket;
	gint64 at;
} View;

void
pd_http_views_flush (PdHttpServer *srv)
{
	PdStore *store = srv->app->store;
	g_autoptr (GError) error = NULL;
	guint i;

	if (srv->views_timer != 0) {
		g_source_remove (srv->views_timer);
		srv->views_timer = 0;
	}
	if (srv->views == NULL || srv->views->len == 0)
		return;
	if (!pd_store_begin (store, &error))
		goto fail;
	for (i = 0; i < srv->views->len; i++) {
		const View *v = &g_array_index (srv->views, View, i);

		if (!pd_store_kb_usage_add (store, v->article, "viewed", v->ticket, v->at, &error)) {
			pd_store_rollback (store);
			goto fail;
		}
	}
	if (!pd_store_commit (store, &error)) {
		pd_store_rollback (store);
		goto fail;
	}
	g_array_set_size (srv->views, 0);
	return;
fail:
	pd_log_warn ("http: %u article views not counted: %s", srv->views->len, error->message);
	g_array_set_size (srv->views, 0);
}

static gboolean
flush_later (gpointer user_data)
{
	PdHttpServer *srv = user_data;

	srv->views_timer = 0; /* this source ends here */
	pd_http_views_flush (srv);
	return G_SOURCE_REMOVE;
}

void
pd_http_view_count (PdHttpServer *srv, gint64 article_id, gint64 ticket)
{
	View v = { article_id, ticket, pd_now () };

	if (srv->views == NULL)
		srv->views = g_array_new (FALSE, FALSE, sizeof (View));
	g_array_append_val (srv->views, v);
	if (srv->views->len >= FLUSH_AT)
		pd_http_views_flush (srv);
	else if (srv->views_timer == 0)
		srv->views_timer = g_timeout_add_seconds (FLUSH_SECONDS, flush_later, srv);
}
