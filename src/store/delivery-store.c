/* delivery-store.c - SQL for the delivery ledger (store/campaign.h, db/015): one row per
 * recipient and campaign, read by seq through the index deliveries_release (campaign_id,
 * state, seq) a batch at a time, leased by the sender and ended by the relay's reply. The
 * ledger is filled by campaign-store.c. */
#include "store/campaign.h"

#include "store/store-private.h"

void
pd_delivery_row_free (PdDeliveryRow *row)
{
	if (row == NULL)
		return;
	g_free (row->domain);
	g_free (row->address);
	g_free (row->name);
	g_free (row->status);
	g_free (row);
}

static gpointer
delivery_from (sqlite3_stmt *st)
{
	PdDeliveryRow *r = g_new0 (PdDeliveryRow, 1);

	r->id = sqlite3_column_int64 (st, 0);
	r->campaign_id = sqlite3_column_int64 (st, 1);
	r->subscriber_id = sqlite3_column_int64 (st, 2);
	r->seq = sqlite3_column_int64 (st, 3);
	r->attempts = sqlite3_column_int64 (st, 4);
	r->domain = pd_col_text (st, 5);
	r->address = pd_col_text (st, 6);
	r->name = pd_col_text (st, 7);
	r->status = pd_col_text (st, 8);
	return r;
}

static gboolean
collect_into (PdStore *store, sqlite3_stmt *stmt, GPtrArray *out, GError **error)
{
	int rc;

	while ((rc = pd_store_step (store, stmt, error)) == SQLITE_ROW)
		g_ptr_array_add (out, delivery_from (stmt));
	sqlite3_reset (stmt);
	return rc == SQLITE_DONE;
}

GPtrArray *
pd_store_delivery_due (PdStore *store, gint64 id, gint64 cutoff, gint64 now,
                       const char *blocked, guint limit, GError **error)
{
	g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_delivery_row_free);
	sqlite3_stmt *stmt;

	/* two range scans of the index, each already in seq order: no sort of the ledger */
	stmt = pd_store_stmt (
		store,
		"SELECT d.id, d.campaign_id, d.subscriber_id, d.seq, d.attempts, d.domain, s.address, "
		"s.name, s.status FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id "
		"WHERE d.campaign_id = ?1 AND d.state = 'deferred' AND d.seq <= ?2 "
		"AND d.next_attempt_at <= ?3 "
		"AND d.domain NOT IN (SELECT value FROM json_each (?4)) ORDER BY d.seq LIMIT ?5",
		error);
	if (stmt == NULL)
		return NULL;
	pd_bind_int (stmt, 1, id);
	pd_bind_int (stmt, 2, cutoff);
	pd_bind_int (stmt, 3, now);
	pd_bind_text (stmt, 4, blocked ? blocked : "[]");
	pd_bind_int (stmt, 5, limit);
	if (!collect_into (store, stmt, rows, error))
		return NULL;
	if (rows->len >= limit)
		return g_steal_pointer (&rows);
	stmt = pd_store_stmt (
		store,
		"SELECT d.id, d.campaign_id, d.subscriber_id, d.seq, d.attempts, d.domain, s.address, "
		"s.name, s.status FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id "
		"WHERE d.campaign_id = ?1 AND d.state = 'pending' AND d.seq <= ?2 "
		"AND d.domain NOT IN (SELECT value FROM json_each (?3)) ORDER BY d.seq LIMIT ?4",
		error);
	if (stmt == NULL)
		return NULL;
	pd_bind_int (stmt, 1, id);
	pd_bind_int (stmt, 2, cutoff);
	pd_bind_text (stmt, 3, blocked ? blocked : "[]");
	pd_bind_int (stmt, 4, limit - rows->len);
	if (!collect_into (store, stmt, rows, error))
		return NULL;
	return g_steal_pointer (&rows);
}

gboolean
pd_store_delivery_lease (PdStore *store, gint64 id, const char *owner, gint64 lease_until,
                         gboolean *leased_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"UPDATE deliveries SET state = 'sending', lease_owner = ?2, lease_until = ?3, "
		"attempts = attempts + 1 WHERE id = ?1 AND state IN ('pending', 'deferred')",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, id);
	pd_bind_text (stmt, 2, owner);
	pd_bind_int (stmt, 3, lease_until);
	if (!pd_store_exec_stmt (store, stmt, error))
		return FALSE;
	*leased_r = sqlite3_changes (store->db) > 0;
	return TRUE;
}

gboolean
pd_store_delivery_sent (PdStore *store, gint64 id, const char *reply, gint64 now,
                        GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"UPDATE deliveries SET state = 'sent', sent_at = ?2, last_reply = ?3, lease_owner = NULL, "
		"lease_until = NULL, next_attempt_at = NULL WHERE id = ?1",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, id);
	pd_bind_int (stmt, 2, now);
	pd_bind_text (stmt, 3, reply);
	return pd_store_exec_stmt (store, stmt, error);
}

/* The sender leases and records a batch at a time: one statement over a JSON array costs
 * about half what one statement per row does (the dispatcher thread that runs them is the
 * serial part of a campaign's sending). */
gboolean
pd_store_delivery_lease_many (PdStore *store, const gint64 *ids, guint n, const char *owner,
                              gint64 lease_until, gboolean *leased_r, GError **error)
{
	g_autoptr (GString) json = g_string_sized_new (16 * n + 2);
	sqlite3_stmt *stmt;
	int rc;

	for (guint i = 0; i < n; i++) {
		leased_r[i] = FALSE;
		g_string_append_printf (json, "%c%" G_GINT64_FORMAT, i ? ',' : '[', ids[i]);
	}
	if (n == 0)
		return TRUE;
	g_string_append_c (json, ']');
	stmt = pd_store_stmt (
		store,
		"UPDATE deliveries SET state = 'sending', lease_owner = ?2, lease_until = ?3, "
		"attempts = attempts + 1 WHERE id IN (SELECT value FROM json_each (?1)) "
		"AND state IN ('pending', 'deferred') RETURNING id",
		error);
	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, json->str);
	pd_bind_text (stmt, 2, owner);
	pd_bind_int (stmt, 3, lease_until);
	while ((rc = pd_store_step (store, stmt, error)) == SQLITE_ROW) {
		gint64 id = sqlite3_column_int64 (stmt, 0);

		for (guint i = 0; i < n; i++)
			if (ids[i] == id)
				leased_r[i] = TRUE;
	}
	sqlite3_reset (stmt);
	return rc == SQLITE_DONE;
}

/* REPLY as a JSON string if it is printable ASCII (a relay's reply nearly always is); FALSE
 * leaves it to a statement of its own rather than risk a malformed array. */
static gboolean
append_json_string (GString *json, const char *reply)
{
	gsize start = json->len;

	g_string_append_c (json, '"');
	for (const guchar *p = (const guchar *) reply; *p; p++) {
		if (*p < 0x20 || *p >= 0x7f) {
			g_string_truncate (json, start);
			return FALSE;
		}
		if (*p == '"' || *p == '\\')
			g_string_append_c (json, '\\');
		g_string_append_c (json, *p);
	}
	g_string_append_c (json, '"');
	return TRUE;
}

gboolean
pd_store_delivery_sent_many (PdStore *store, const gint64 *ids, const char *const *replies,
                             guint n, gint64 now, GError **error)
{
	g_autoptr (GString) json = g_string_sized_new (64 * n + 2);
	sqlite3_stmt *stmt;
	guint batched = 0;

	g_string_append_c (json, '[');
	for (guint i = 0; i < n; i++) {
		gsize mark = json->len;
		const char *reply = replies[i] ? replies[i] : "";

		g_string_append_printf (json, "%s[%" G_GINT64_FORMAT ",", batched ? "," : "", ids[i]);
		if (!append_json_string (json, reply)) {
			g_string_truncate (json, mark);
			if (!pd_store_delivery_sent (store, ids[i], reply, now, error))
				return FALSE;
			continue;
		}
		g_string_append_c (json, ']');
		batched++;
	}
	g_string_append_c (json, ']');
	if (batched == 0)
		return TRUE;
	stmt = pd_store_stmt (
		store,
		"UPDATE deliveries SET state = 'sent', sent_at = ?2, "
		"last_reply = json_extract (j.value, '$[1]'), lease_owner = NULL, "
		"lease_until = NULL, next_attempt_at = NULL FROM json_each (?1) AS j "
		"WHERE deliveries.id = json_extract (j.value, '$[0]')",
		error);
	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, json->str);
	pd_bind_int (stmt, 2, now);
	return pd_store_exec_stmt (store, stmt, error);
}

gboolean
pd_store_delivery_defer (PdStore *store, gint64 id, const char *reply, gint64 next_at,
                         gboolean counted, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"UPDATE deliveries SET state = 'deferred', next_attempt_at = ?2, last_reply = ?3, "
		"attempts = max (attempts - ?4, 0), lease_owner = NULL, lease_until = NULL "
		"WHERE id = ?1 AND state = 'sending'",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, id);
	pd_bind_int (stmt, 2, next_at);
	pd_bind_text (stmt, 3, reply);
	sqlite3_bind_int (stmt, 4, counted ? 0 : 1);
	return pd_store_exec_stmt (store, stmt, error);
}

gboolean
pd_store_delivery_end (PdStore *store, gint64 id, const char *state, const char *reply,
                       GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"UPDATE deliveries SET state = ?2, last_reply = ?3, lease_owner = NULL, "
		"lease_until = NULL, next_attempt_at = NULL WHERE id = ?1 AND state <> 'sent'",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, id);
	pd_bind_text (stmt, 2, state);
	pd_bind_text (stmt, 3, reply);
	return pd_store_exec_stmt (store, stmt, error);
}

gboolean
pd_store_delivery_release (PdStore *store, gint64 id, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"UPDATE deliveries SET state = CASE WHEN next_attempt_at IS NULL THEN 'pending' "
		"ELSE 'deferred' END, attempts = max (attempts - 1, 0), lease_owner = NULL, "
		"lease_until = NULL WHERE id = ?1 AND state = 'sending'",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, id);
	return pd_store_exec_stmt (store, stmt, error);
}

gboolean
pd_store_delivery_reclaim (PdStore *store, gint64 id, gint64 now, const char *owner,
                           gint64 *count_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"UPDATE deliveries SET state = 'pending', lease_owner = NULL, lease_until = NULL "
		"WHERE campaign_id = ?1 AND state = 'sending' AND (lease_until < ?2 OR lease_owner = ?3)",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, id);
	pd_bind_int (stmt, 2, now);
	pd_bind_text (stmt, 3, owner);
	if (!pd_store_exec_stmt (store, stmt, error))
		return FALSE;
	if (count_r)
		*count_r = sqlite3_changes (store->db);
	return TRUE;
}

static gpointer
text_from (sqlite3_stmt *st)
{
	return pd_col_text (st, 0);
}

GPtrArray *
pd_store_delivery_owners (PdStore *store, gint64 id, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT DISTINCT lease_owner FROM deliveries WHERE campaign_id = ? AND state = 'sending' "
		"AND lease_owner IS NOT NULL",
		error);

	if (stmt == NULL)
		return NULL;
	pd_bind_int (stmt, 1, id);
	return pd_store_collect (store, stmt, text_from, g_free, error);
}
