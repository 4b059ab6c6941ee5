/* http.h - the knowledge base on the web: an HTTP listener ([serve] http) on the GLib main
 * loop of `postdesk serve`, with libsoup 3's SoupServer. It reads the store through the
 * caller's PdApp (its own connection, used on the main thread only) and writes only when a
 * customer POSTs "this answered my question" and, batched, the count of article views. */
#ifndef PD_HTTP_H
#define PD_HTTP_H

#include "app/app.h"

typedef struct PdHttpServer PdHttpServer;

/* Listen on ADDRESS ("127.0.0.1:8025") and serve APP's knowledge base; APP must outlive the
 * server. NULL with PD_ERROR_CONFIG on a bad address, PD_ERROR_IO when it cannot listen.
 * (transfer full) */
PdHttpServer *pd_http_server_new (PdApp *app, const char *address, GError **error);
/* The address given at creation. (transfer none) */
const char *pd_http_server_address (PdHttpServer *server);
/* Stop listening and free. */
void pd_http_server_free (PdHttpServer *server);

/* Check a style parameter for `postdesk kb style KEY VALUE` before it is stored: known key,
 * and a value that cannot break out of CSS (colours, font lists) or is plain text (site
 * title). PD_ERROR_USAGE saying what is allowed. */
gboolean pd_http_style_check (const char *key, const char *value, GError **error);
/* A logo value: a path on this site ("/kb/logo/SHA256.png" after `kb style logo FILE`). */
gboolean pd_http_logo_valid (const char *value);
/* The image type of a logo file NAME by its extension, or NULL when it is no image we serve. */
const char *pd_http_logo_type (const char *name);
/* The site path of a logo stored as SHA256 with NAME's extension. (transfer full) */
char *pd_http_logo_path (const char *sha256, const char *name);

/* The keys and what each sets, one per line, for --help. (transfer none) */
const char *pd_http_style_help (void);

#endif
