/* lists.h - the SQL of subscriber lists (db/014): lists, subscribers and the append-only
 * consent ledger. Rows and strings only; policies, requests and imports live in src/lists/.
 * None of these opens a transaction: callers wrap them (pd_store_begin). Addresses are
 * stored lower-cased. Returned rows are (transfer full). The SQL: lists.c,
 * subscriber-store.c and consent-store.c. */
#ifndef PD_STORE_LISTS_H
#define PD_STORE_LISTS_H

#include <glib.h>

#include "store/store.h"

typedef struct {
	gint64 id;
	char *name;
	char *address;
	char *title;
	char *topics;          /* comma-separated, "" for none */
	char *policy;          /* open | confirm | customers | closed */
	char *allowed_domains; /* comma-separated */
	char *queue;
	char *owner;
	char *visibility;      /* public | customer | internal */
	char *digest;          /* immediate | daily | off */
	char *locale;
	gint64 created_at;
} PdListRow;
void pd_list_row_free (PdListRow *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdListRow, pd_list_row_free)

typedef struct {
	gint64 id;
	gint64 list_id;
	char *address;
	char *name;
	char *locale;
	char *topics; /* "" = everything */
	char *status; /* pending | active | unsubscribed | bouncing | disabled */
	gint64 created_at;
	gint64 updated_at;
} PdSubscriberRow;
void pd_subscriber_row_free (PdSubscriberRow *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdSubscriberRow, pd_subscriber_row_free)

typedef struct {
	gint64 id;
	gint64 subscriber_id;
	char *address;
	gint64 at;
	char *action;
	char *via;
	char *evidence;
	char *detail;
} PdConsentRow;
void pd_consent_row_free (PdConsentRow *row);

/* ROW->id and ROW->created_at are ignored; ID_R gets the new id. A taken name or address is
 * PD_ERROR_USAGE. */
gboolean pd_store_list_create (PdStore *store, const PdListRow *row, gint64 now, gint64 *id_r,
                               GError **error);
/* The list NAME (or with id ID), or NULL with PD_ERROR_NOTFOUND. */
PdListRow *pd_store_list_get (PdStore *store, const char *name, GError **error);
PdListRow *pd_store_list_get_by_id (PdStore *store, gint64 id, GError **error);
/* Every list, by name. */
GPtrArray *pd_store_list_all (PdStore *store, GError **error);
/* The list whose address is ADDR (any case), 0 in ID_R when none. */
gboolean pd_store_list_id_by_address (PdStore *store, const char *addr, gint64 *id_r,
                                      GError **error);
/* Delete list ID. A list that never had a subscriber or a campaign goes; otherwise the ledger
 * (append-only) keeps its history: the list is renamed out of the way ("~NAME.ID", which no
 * valid name matches) and everyone still subscribed or pending is unsubscribed with a consent
 * row (admin, EVIDENCE). REMOVED_R says which happened. */
gboolean pd_store_list_delete (PdStore *store, gint64 id, const char *evidence, gint64 now,
                               gboolean *removed_r, GError **error);
/* Subscribers per status: an object of counts for `list show`. */
gboolean pd_store_list_counts (PdStore *store, gint64 list, GHashTable **counts_r,
                               GError **error);
/* Does the helpdesk know ADDR as a customer (a ticket's customer or customer participant)? */
gboolean pd_store_list_known_customer (PdStore *store, const char *addr, gboolean *yes_r,
                                       GError **error);

/* Subscriber ID, or NULL with PD_ERROR_NOTFOUND. */
PdSubscriberRow *pd_store_subscriber_get (PdStore *store, gint64 id, GError **error);
/* The subscriber ADDR of LIST: NULL in *ROW_R (and TRUE) when there is none. */
gboolean pd_store_subscriber_find (PdStore *store, gint64 list, const char *addr,
                                   PdSubscriberRow **row_r, GError **error);
/* Only the id and status of ADDR in LIST (0 and NULL when none): the import's fast path.
 * STATUS_R is (transfer none) and valid until the next call. */
gboolean pd_store_subscriber_status (PdStore *store, gint64 list, const char *addr,
                                     gint64 *id_r, const char **status_r, GError **error);
gboolean pd_store_subscriber_add (PdStore *store, gint64 list, const char *addr, const char *name,
                                  const char *locale, const char *topics, const char *status,
                                  gint64 now, gint64 *id_r, GError **error);
gboolean pd_store_subscriber_set_status (PdStore *store, gint64 id, const char *status,
                                         gint64 now, GError **error);
/* NAME, LOCALE, TOPICS: NULL keeps the stored value. */
gboolean pd_store_subscriber_update (PdStore *store, gint64 id, const char *name,
                                     const char *locale, const char *topics, gint64 now,
                                     GError **error);
/* Call FN for each subscriber of LIST in id order, one row at a time (no list in memory);
 * FN returning FALSE stops with its error. */
typedef gboolean (*PdSubscriberFunc) (const PdSubscriberRow *row, gpointer data, GError **error);
gboolean pd_store_subscriber_foreach (PdStore *store, gint64 list, PdSubscriberFunc fn,
                                      gpointer data, GError **error);

/* Append a consent row (the ledger allows no other write). */
gboolean pd_store_consent_add (PdStore *store, gint64 subscriber, gint64 now, const char *action,
                               const char *via, const char *evidence, const char *detail,
                               GError **error);
/* A confirmation names the 'request' consent row it was sent for, not the subscriber, so a
 * link from an earlier request cannot confirm a later one. A request is open while no
 * status-changing row (anything but request and change) followed it. */
/* The newest open request of SUBSCRIBER: CONSENT_R 0 when none. */
gboolean pd_store_consent_open_request (PdStore *store, gint64 subscriber, gint64 *consent_r,
                                        GError **error);
/* The subscriber of the request row CONSENT (SUBSCRIBER_R 0: no such request row) and
 * whether that request is still open. */
gboolean pd_store_consent_request_of (PdStore *store, gint64 consent, gint64 *subscriber_r,
                                      gboolean *open_r, GError **error);
/* The ledger of LIST, or of its subscriber ADDR (NULL: all), oldest first, one row at a time. */
typedef gboolean (*PdConsentFunc) (const PdConsentRow *row, gpointer data, GError **error);
gboolean pd_store_consent_foreach (PdStore *store, gint64 list, const char *addr,
                                   PdConsentFunc fn, gpointer data, GError **error);

#endif
