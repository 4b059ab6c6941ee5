/* list-feedback.c - SQL for what comes back from list mail (store/list-feedback.h): a
 * delivery with its subscriber and list, bounces, scores and status. Lists, subscribers,
 * campaigns and deliveries are db/014-015. */
#include "store/list-feedback.h"

#include "store/lists.h"
#include "store/store-private.h"

void
pd_list_delivery_free (PdListDelivery *d)
{
	if (d == NULL)
		return;
	g_free (d->delivery_state);
	g_free (d->address);
	g_free (d->status);
	g_free (d->list_queue);
	g_free (d);
}

static gpointer
delivery_row (sqlite3_stmt *stmt)
{
	PdListDelivery *d = g_new0 (PdListDelivery, 1);

	d->delivery_id = sqlite3_column_int64 (stmt, 0);
	d->campaign_id = sqlite3_column_int64 (stmt, 1);
	d->subscriber_id = sqlite3_column_int64 (stmt, 2);
	d->list_id = sqlite3_column_int64 (stmt, 3);
	d->delivery_state = pd_col_text (stmt, 4);
	d->address = pd_col_text (stmt, 5);
	d->status = pd_col_text (stmt, 6);
	d->score = sqlite3_column_double (stmt, 7);
	d->last_bounce_at = sqlite3_column_int64 (stmt, 8);
	d->last_soft_at = sqlite3_column_int64 (stmt, 9);
	d->list_queue = pd_col_text (stmt, 10);
	d->score_at = sqlite3_column_int64 (stmt, 11);
	return d;
}

PdListDelivery *
pd_store_list_delivery (PdStore *store, gint64 id, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT d.id, d.campaign_id, d.subscriber_id, s.list_id, d.state, s.address, s.status, "
		"s.bounce_score, s.last_bounce_at, s.last_soft_at, l.queue, s.bounce_score_at "
		"FROM deliveries d "
		"JOIN subscribers s ON s.id = d.subscriber_id JOIN lists l ON l.id = s.list_id "
		"WHERE d.id = ?",
		error);

	if (stmt == NULL)
		return NULL;
	pd_bind_int (stmt, 1, id);
	return pd_store_one (store, stmt, delivery_row, "delivery", id, error);
}

gboolean
pd_store_list_bounce_add (PdStore *store, gint64 subscriber, gint64 delivery, gint64 now,
                          const char *kind, double score_added, gint64 intake, const char *detail,
                          GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"INSERT INTO list_bounces (subscriber_id, delivery_id, at, kind, score_added, intake_id, "
		"detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_id (stmt, 1, subscriber);
	pd_bind_id (stmt, 2, delivery);
	pd_bind_int (stmt, 3, now);
	pd_bind_text (stmt, 4, kind);
	sqlite3_bind_double (stmt, 5, score_added);
	pd_bind_id (stmt, 6, intake);
	pd_bind_text (stmt, 7, detail);
	return pd_store_exec_stmt (store, stmt, error);
}

gboolean
pd_store_list_subscriber_score (PdStore *store, gint64 subscriber, double score,
                                gint64 last_bounce_at, gint64 last_soft_at, gint64 score_at,
                                gint64 now, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"UPDATE subscribers SET bounce_score = ?, last_bounce_at = ?, last_soft_at = ?, "
		"bounce_score_at = ?, updated_at = ? WHERE id = ?",
		error);

	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_double (stmt, 1, score);
	pd_bind_id (stmt, 2, last_bounce_at);
	pd_bind_id (stmt, 3, last_soft_at);
	pd_bind_id (stmt, 4, score_at);
	pd_bind_int (stmt, 5, now);
	pd_bind_int (stmt, 6, subscriber);
	return pd_store_exec_stmt (store, stmt, error);
}

static gpointer
scored_row (sqlite3_stmt *stmt)
{
	PdListScored *r = g_new0 (PdListScored, 1);

	r->id = sqlite3_column_int64 (stmt, 0);
	r->status = pd_col_text (stmt, 1);
	r->score = sqlite3_column_double (stmt, 2);
	r->last_bounce_at = sqlite3_column_int64 (stmt, 3);
	r->last_soft_at = sqlite3_column_int64 (stmt, 4);
	r->score_at = sqlite3_column_int64 (stmt, 5);
	return r;
}

void
pd_list_scored_free (PdListScored *r)
{
	if (r == NULL)
		return;
	g_free (r->status);
	g_free (r);
}

GPtrArray *
pd_store_list_scored (PdStore *store, gint64 after, guint limit, GError **error)
{
	/* "bounce_score > 0" as in the partial index of db/023 */
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT id, status, bounce_score, last_bounce_at, last_soft_at, bounce_score_at "
		"FROM subscribers WHERE bounce_score > 0 AND id > ? ORDER BY id LIMIT ?",
		error);

	if (stmt == NULL)
		return NULL;
	pd_bind_int (stmt, 1, after);
	pd_bind_int (stmt, 2, limit);
	return pd_store_collect (store, stmt, scored_row, (GDestroyNotify) pd_list_scored_free,
	                         error);
}

gboolean
pd_store_list_subscriber_status (PdStore *store, gint64 subscriber, const char *status,
                                 gint64 now, const char *action, const char *via,
                                 const char *evidence, const char *detail, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "UPDATE subscribers SET status = ?, updated_at = ? WHERE id = ?", error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, status);
	pd_bind_int (stmt, 2, now);
	pd_bind_int (stmt, 3, subscriber);
	return pd_store_exec_stmt (store, stmt, error) &&
	       pd_store_consent_add (store, subscriber, now, action, via, evidence, detail, error);
}

gboolean
pd_store_list_delivery_bounced (PdStore *store, gint64 delivery, const char *reply,
                                GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "UPDATE deliveries SET state = 'bounced', last_reply = ? WHERE id = ?", error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, reply);
	pd_bind_int (stmt, 2, delivery);
	return pd_store_exec_stmt (store, stmt, error);
}

static gboolean
list_and_queue (PdStore *store, sqlite3_stmt *stmt, gint64 *list_r, char **queue_r,
                GError **error)
{
	int rc = pd_store_step (store, stmt, error);

	*list_r = 0;
	if (queue_r != NULL)
		*queue_r = NULL;
	if (rc < 0)
		return FALSE;
	if (rc == SQLITE_ROW) {
		*list_r = sqlite3_column_int64 (stmt, 0);
		if (queue_r != NULL)
			*queue_r = pd_col_text (stmt, 1);
	}
	sqlite3_reset (stmt);
	return TRUE;
}

gboolean
pd_store_list_by_address (PdStore *store, const char *addr, gint64 *list_r, char **queue_r,
                          GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "SELECT id, queue FROM lists WHERE address = lower (?)", error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, addr);
	return list_and_queue (store, stmt, list_r, queue_r, error);
}

gboolean
pd_store_list_by_campaign (PdStore *store, gint64 campaign, gint64 *list_r, char **queue_r,
                           GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "SELECT l.id, l.queue FROM campaigns c JOIN lists l ON l.id = c.list_id WHERE c.id = ?",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, campaign);
	return list_and_queue (store, stmt, list_r, queue_r, error);
}

gboolean
pd_store_list_subscriber_by_address (PdStore *store, gint64 list, const char *addr,
                                     gint64 *subscriber_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "SELECT id FROM subscribers WHERE list_id = ? AND address = lower (?)", error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, list);
	pd_bind_text (stmt, 2, addr);
	return pd_store_lookup_int (store, stmt, subscriber_r, NULL, error);
}
