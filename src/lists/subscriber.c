/* subscriber.c - status changes of subscribers, each written with its consent row (see
 * subscriber.h). No transaction of its own, no policy, no mail. */
#include "lists/subscriber.h"

#include "core/error.h"
#include "store/retention.h"

gboolean
pd_subscriber_admin_add (PdStore *store, gint64 list, const char *addr, const char *name,
                         const char *evidence, gboolean force, gint64 now, gint64 *id_r,
                         PdSubResult *result_r, GError **error)
{
	g_autoptr (PdSubscriberRow) row = NULL;

	*result_r = PD_SUB_CHANGED;
	if (!pd_store_subscriber_find (store, list, addr, &row, error))
		return FALSE;
	if (row == NULL) {
		gboolean erased = FALSE;

		if (!pd_store_address_erased (store, addr, &erased, error))
			return FALSE;
		if (erased) {
			g_set_error (error, PD_ERROR, PD_ERROR_DATA,
			             "%s was erased at the person's request (person erase): only their "
			             "own request and confirmation can subscribe it again", addr);
			return FALSE;
		}
	}
	if (row == NULL)
		return pd_store_subscriber_add (store, list, addr, name, NULL, "", "active", now, id_r,
		                                error) &&
		       pd_store_consent_add (store, *id_r, now, "subscribe", "admin", evidence, NULL, error);
	*id_r = row->id;
	/* leaving was the person's own decision: an administrator overrides it only on purpose */
	if (g_strcmp0 (row->status, "unsubscribed") == 0 && !force) {
		g_set_error (error, PD_ERROR, PD_ERROR_DATA,
		             "%s unsubscribed from this list: subscribe again with --force only if "
		             "they asked you to (their own request by mail or web needs no --force)",
		             addr);
		return FALSE;
	}
	if (name != NULL && !pd_store_subscriber_update (store, row->id, name, NULL, NULL, now, error))
		return FALSE;
	if (g_strcmp0 (row->status, "active") == 0) {
		*result_r = PD_SUB_ALREADY;
		return TRUE;
	}
	/* delivery stopped by bounces, not by the person: the administrator vouches for the
	 * address again (Mailman's re-enable), no --force */
	if (g_strcmp0 (row->status, "disabled") == 0 || g_strcmp0 (row->status, "bouncing") == 0) {
		g_autofree char *detail = g_strdup_printf ("was %s", row->status);

		*result_r = PD_SUB_ENABLED;
		return pd_store_subscriber_set_status (store, row->id, "active", now, error) &&
		       pd_store_consent_add (store, row->id, now, "enable", "admin", evidence, detail,
		                             error);
	}
	return pd_store_subscriber_set_status (store, row->id, "active", now, error) &&
	       pd_store_consent_add (store, row->id, now, "subscribe", "admin", evidence,
	                             g_strcmp0 (row->status, "unsubscribed") == 0 ? "forced"
	                                                                          : row->status,
	                             error);
}

gboolean
pd_subscriber_request (PdStore *store, gint64 list, const char *addr, const char *name,
                       const char *via, const char *evidence, gint64 now, gint64 *id_r,
                       PdSubResult *result_r, GError **error)
{
	g_autoptr (PdSubscriberRow) row = NULL;

	*result_r = PD_SUB_CHANGED;
	if (!pd_store_subscriber_find (store, list, addr, &row, error))
		return FALSE;
	if (row == NULL)
		return pd_store_subscriber_add (store, list, addr, name, NULL, "", "pending", now, id_r,
		                                error) &&
		       pd_store_consent_add (store, *id_r, now, "request", via, evidence, NULL, error);
	*id_r = row->id;
	/* 'bouncing' is still mailed: a request (perhaps forged) must not stop that */
	if (g_strcmp0 (row->status, "active") == 0 || g_strcmp0 (row->status, "bouncing") == 0) {
		*result_r = PD_SUB_ALREADY;
		return TRUE;
	}
	/* disabled by bounces: it stays so until the confirmation (a request can be forged, and
	 * until then the address is still one that bounced); the request is the evidence */
	if (g_strcmp0 (row->status, "disabled") == 0)
		return pd_store_consent_add (store, row->id, now, "request", via, evidence, "disabled",
		                             error);
	/* pending again: a second request is recorded too, it is the evidence of this one */
	return (g_strcmp0 (row->status, "pending") == 0 ||
	        pd_store_subscriber_set_status (store, row->id, "pending", now, error)) &&
	       pd_store_consent_add (store, row->id, now, "request", via, evidence,
	                             g_strcmp0 (row->status, "pending") ? row->status : NULL, error);
}

gboolean
pd_subscriber_confirm (PdStore *store, gint64 id, const char *via, const char *evidence,
                       gint64 now, PdSubResult *result_r, GError **error)
{
	g_autoptr (PdSubscriberRow) row = pd_store_subscriber_get (store, id, error);

	if (row == NULL)
		return FALSE;
	if (g_strcmp0 (row->status, "active") == 0 || g_strcmp0 (row->status, "bouncing") == 0) {
		*result_r = PD_SUB_ALREADY;
		return TRUE;
	}
	if (g_strcmp0 (row->status, "disabled") == 0) {
		/* the person's own confirmation re-enables delivery (Mailman's way) */
		*result_r = PD_SUB_CHANGED;
		return pd_store_subscriber_set_status (store, id, "active", now, error) &&
		       pd_store_consent_add (store, id, now, "enable", via, evidence, "was disabled",
		                             error);
	}
	if (g_strcmp0 (row->status, "pending") != 0) {
		/* an old link after leaving: joining again takes a new request */
		*result_r = PD_SUB_NOT_VALID;
		return TRUE;
	}
	*result_r = PD_SUB_CHANGED;
	return pd_store_subscriber_set_status (store, id, "active", now, error) &&
	       pd_store_consent_add (store, id, now, "confirm", via, evidence, NULL, error);
}

gboolean
pd_subscriber_unsubscribe (PdStore *store, gint64 id, const char *via, const char *evidence,
                           const char *detail, gint64 now, PdSubResult *result_r, GError **error)
{
	g_autoptr (PdSubscriberRow) row = pd_store_subscriber_get (store, id, error);

	if (row == NULL)
		return FALSE;
	if (g_strcmp0 (row->status, "unsubscribed") == 0) {
		*result_r = PD_SUB_ALREADY;
		return TRUE;
	}
	*result_r = PD_SUB_CHANGED;
	return pd_store_subscriber_set_status (store, id, "unsubscribed", now, error) &&
	       pd_store_consent_add (store, id, now, "unsubscribe", via, evidence, detail, error);
}

gboolean
pd_subscriber_set_prefs (PdStore *store, gint64 id, const char *topics, const char *locale,
                         const char *via, const char *evidence, gint64 now, PdSubResult *result_r,
                         GError **error)
{
	g_autoptr (PdSubscriberRow) row = pd_store_subscriber_get (store, id, error);
	g_autofree char *detail = NULL;

	if (row == NULL)
		return FALSE;
	if ((topics == NULL || g_strcmp0 (topics, row->topics) == 0) &&
	    (locale == NULL || g_strcmp0 (locale, row->locale) == 0)) {
		*result_r = PD_SUB_ALREADY;
		return TRUE;
	}
	*result_r = PD_SUB_CHANGED;
	detail = g_strdup_printf ("topics: %s; locale: %s",
	                          topics ? (*topics ? topics : "(all)") : row->topics,
	                          locale ? locale : (row->locale ? row->locale : "(list's)"));
	return pd_store_subscriber_update (store, id, NULL, locale, topics, now, error) &&
	       pd_store_consent_add (store, id, now, "change", via, evidence, detail, error);
}
