/* campaign-store.c - SQL for campaigns, the delivery ledger and domain pace (store/campaign.h).
 * The ledger is filled by one INSERT ... SELECT and read by seq through the index
 * deliveries_release (campaign_id, state, seq), a batch at a time. */
#include "store/campaign.h"

#include <string.h>

#include "store/store-private.h"

void
pd_campaign_row_free (PdCampaignRow *row)
{
	if (row == NULL)
		return;
	g_free (row->kind);
	g_free (row->subject);
	g_free (row->template);
	g_free (row->body);
	g_free (row->state);
	g_free (row->stages);
	g_free (row->paused_reason);
	g_free (row->created_by);
	g_free (row->list_name);
	g_free (row->list_address);
	g_free (row->list_title);
	g_free (row->list_owner);
	g_free (row->list_locale);
	g_free (row);
}

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

void
pd_domain_pace_free (PdDomainPace *p)
{
	if (p == NULL)
		return;
	g_free (p->domain);
	g_free (p);
}

gboolean
pd_store_campaign_insert (PdStore *store, gint64 list_id, const char *kind, gint64 article_id,
                          const char *subject, const char *template, const char *body,
                          gint64 start_at, double rate, gint64 per_domain, gint64 connections,
                          const char *stages, const char *created_by, gint64 now, gint64 *id_r,
                          GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"INSERT INTO campaigns (list_id, subject, template, body, state, start_at, rate, "
		"per_domain, connections, stages, created_by, created_at, kind, article_id) "
		"VALUES (?1, ?2, ?3, ?4, 'draft', ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 12, kind != NULL ? kind : "announcement");
	pd_bind_id (stmt, 13, article_id);
	pd_bind_int (stmt, 1, list_id);
	pd_bind_text (stmt, 2, subject);
	pd_bind_text (stmt, 3, template);
	pd_bind_text (stmt, 4, body);
	pd_bind_id (stmt, 5, start_at);
	if (rate > 0)
		sqlite3_bind_double (stmt, 6, rate);
	else
		sqlite3_bind_null (stmt, 6);
	pd_bind_id (stmt, 7, per_domain);
	pd_bind_id (stmt, 8, connections);
	pd_bind_text (stmt, 9, stages);
	pd_bind_text (stmt, 10, created_by);
	pd_bind_int (stmt, 11, now);
	if (!pd_store_exec_stmt (store, stmt, error))
		return FALSE;
	*id_r = sqlite3_last_insert_rowid (store->db);
	return TRUE;
}

gboolean
pd_store_campaign_fill (PdStore *store, gint64 id, gint64 *total_r, GError **error)
{
	/* Knuth's multiplicative hash of the id: a fixed permutation, so stage 1 is a sample
	 * of the whole list and one domain's rows are spread over the run */
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"INSERT INTO deliveries (campaign_id, subscriber_id, seq, domain) "
		"SELECT ?1, s.id, ROW_NUMBER () OVER (ORDER BY (s.id * 2654435761) % 4294967296, s.id), "
		"lower (substr (s.address, instr (s.address, '@') + 1)) "
		"FROM subscribers s JOIN campaigns c ON c.list_id = s.list_id "
		"WHERE c.id = ?1 AND s.status IN ('active', 'bouncing')", /* bouncing: still mailed */
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, id);
	if (!pd_store_exec_stmt (store, stmt, error))
		return FALSE;
	*total_r = sqlite3_changes (store->db);
	stmt = pd_store_stmt (store, "UPDATE campaigns SET total = ? WHERE id = ?", error);
	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, *total_r);
	pd_bind_int (stmt, 2, id);
	return pd_store_exec_stmt (store, stmt, error);
}

gboolean
pd_store_campaign_list_id (PdStore *store, const char *name, gint64 *id_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (store, "SELECT id FROM lists WHERE name = ?", error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, name);
	return pd_store_lookup_int (store, stmt, id_r, NULL, error);
}

#define CAMPAIGN_COLUMNS \
	"c.id, c.list_id, c.kind, c.subject, c.template, c.body, c.state, c.start_at, c.rate, " \
	"c.per_domain, c.connections, c.stages, c.stage, c.stage_done_at, c.paused_reason, " \
	"c.total, c.created_by, c.created_at, c.started_at, c.finished_at, l.name, l.address, " \
	"l.title, l.owner, l.locale FROM campaigns c JOIN lists l ON l.id = c.list_id "

static gpointer
campaign_from (sqlite3_stmt *st)
{
	PdCampaignRow *r = g_new0 (PdCampaignRow, 1);

	r->id = sqlite3_column_int64 (st, 0);
	r->list_id = sqlite3_column_int64 (st, 1);
	r->kind = pd_col_text (st, 2);
	r->subject = pd_col_text (st, 3);
	r->template = pd_col_text (st, 4);
	r->body = pd_col_text (st, 5);
	r->state = pd_col_text (st, 6);
	r->start_at = sqlite3_column_int64 (st, 7);
	r->rate = sqlite3_column_double (st, 8);
	r->per_domain = sqlite3_column_int64 (st, 9);
	r->connections = sqlite3_column_int64 (st, 10);
	r->stages = pd_col_text (st, 11);
	r->stage = sqlite3_column_int64 (st, 12);
	r->stage_done_at = sqlite3_column_int64 (st, 13);
	r->paused_reason = pd_col_text (st, 14);
	r->total = sqlite3_column_int64 (st, 15);
	r->created_by = pd_col_text (st, 16);
	r->created_at = sqlite3_column_int64 (st, 17);
	r->started_at = sqlite3_column_int64 (st, 18);
	r->finished_at = sqlite3_column_int64 (st, 19);
	r->list_name = pd_col_text (st, 20);
	r->list_address = pd_col_text (st, 21);
	r->list_title = pd_col_text (st, 22);
	r->list_owner = pd_col_text (st, 23);
	r->list_locale = pd_col_text (st, 24);
	return r;
}

PdCampaignRow *
pd_store_campaign_get (PdStore *store, gint64 id, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (store, "SELECT " CAMPAIGN_COLUMNS "WHERE c.id = ?",
	                                    error);

	if (stmt == NULL)
		return NULL;
	pd_bind_int (stmt, 1, id);
	return pd_store_one (store, stmt, campaign_from, "campaign", id, error);
}

GPtrArray *
pd_store_campaign_list (PdStore *store, const char *state, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "SELECT " CAMPAIGN_COLUMNS "WHERE ?1 IS NULL OR c.state = ?1 ORDER BY c.id",
		error);

	if (stmt == NULL)
		return NULL;
	pd_bind_text (stmt, 1, state);
	return pd_store_collect (store, stmt, campaign_from, (GDestroyNotify) pd_campaign_row_free,
	                         error);
}

gboolean
pd_store_campaign_transition (PdStore *store, gint64 id, const char *from, const char *to,
                              const char *reason, gint64 now, gboolean *changed_r,
                              GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"UPDATE campaigns SET state = ?3, paused_reason = ?4, "
		"started_at = CASE WHEN ?3 = 'running' THEN coalesce (started_at, ?5) ELSE started_at END, "
		"finished_at = CASE WHEN ?3 IN ('done', 'cancelled') THEN ?5 ELSE finished_at END "
		"WHERE id = ?1 AND instr (',' || ?2 || ',', ',' || state || ',') > 0",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, id);
	pd_bind_text (stmt, 2, from);
	pd_bind_text (stmt, 3, to);
	pd_bind_text (stmt, 4, reason);
	pd_bind_int (stmt, 5, now);
	if (!pd_store_exec_stmt (store, stmt, error))
		return FALSE;
	*changed_r = sqlite3_changes (store->db) > 0;
	return TRUE;
}

gboolean
pd_store_campaign_skip_unsent (PdStore *store, gint64 id, gint64 now, const char *gone_owner,
                               gint64 *count_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"UPDATE deliveries SET state = 'skipped', last_reply = 'cancelled', "
		"next_attempt_at = NULL, lease_owner = NULL, lease_until = NULL "
		"WHERE campaign_id = ?1 AND (state IN ('pending', 'deferred') OR "
		"(state = 'sending' AND (lease_until < ?2 OR lease_owner = ?3)))",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, id);
	pd_bind_int (stmt, 2, now);
	pd_bind_text (stmt, 3, gone_owner);
	if (!pd_store_exec_stmt (store, stmt, error))
		return FALSE;
	if (count_r)
		*count_r = sqlite3_changes (store->db);
	return TRUE;
}

gboolean
pd_store_campaign_skip_stale (PdStore *store, gint64 now, gint64 *count_r, GError **error)
{
	/* looked at first: the tick runs every second and must not take the write lock for
	 * nothing */
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT EXISTS (SELECT 1 FROM campaigns c JOIN deliveries d ON d.campaign_id = c.id "
		"AND d.state = 'sending' WHERE c.state = 'cancelled' AND d.lease_until < ?1)",
		error);
	gint64 any = 0;

	*count_r = 0;
	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, now);
	if (!pd_store_lookup_int (store, stmt, &any, NULL, error))
		return FALSE;
	if (!any)
		return TRUE;
	stmt = pd_store_stmt (
		store,
		"UPDATE deliveries SET state = 'skipped', last_reply = 'cancelled', lease_owner = NULL, "
		"lease_until = NULL, next_attempt_at = NULL WHERE state = 'sending' AND lease_until < ?1 "
		"AND campaign_id IN (SELECT id FROM campaigns WHERE state = 'cancelled')",
		error);
	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, now);
	if (!pd_store_exec_stmt (store, stmt, error))
		return FALSE;
	*count_r = sqlite3_changes (store->db);
	return TRUE;
}

void
pd_campaign_sender_row_clear (PdCampaignSenderRow *row)
{
	g_clear_pointer (&row->host, g_free);
	g_clear_pointer (&row->kind, g_free);
	g_clear_pointer (&row->pidns, g_free);
	row->pid = row->since = row->expires_at = 0;
}

gboolean
pd_store_campaign_sender_get (PdStore *store, PdCampaignSenderRow *row_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT host, pid, kind, since, coalesce(expires_at, 0), pidns FROM campaign_sender"
		" WHERE id = 1",
		error);
	int rc;

	memset (row_r, 0, sizeof *row_r);
	if (stmt == NULL)
		return FALSE;
	if ((rc = pd_store_step (store, stmt, error)) == SQLITE_ROW) {
		row_r->host = pd_col_text (stmt, 0);
		row_r->pid = sqlite3_column_int64 (stmt, 1);
		row_r->kind = pd_col_text (stmt, 2);
		row_r->since = sqlite3_column_int64 (stmt, 3);
		row_r->expires_at = sqlite3_column_int64 (stmt, 4);
		row_r->pidns = pd_col_text (stmt, 5);
		rc = SQLITE_DONE;
	}
	sqlite3_reset (stmt);
	return rc == SQLITE_DONE;
}

gboolean
pd_store_campaign_sender_set (PdStore *store, const PdCampaignSenderRow *row, gint64 now,
                              GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"INSERT INTO campaign_sender (id, host, pid, kind, since, expires_at, pidns)"
		" VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (id) DO UPDATE SET host = ?1,"
		" pid = ?2, kind = ?3, since = ?4, expires_at = ?5, pidns = ?6",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, row->host);
	pd_bind_int (stmt, 2, row->pid);
	pd_bind_text (stmt, 3, row->kind);
	pd_bind_int (stmt, 4, now);
	pd_bind_int (stmt, 5, row->expires_at);
	pd_bind_text (stmt, 6, row->pidns);
	return pd_store_exec_stmt (store, stmt, error);
}

gboolean
pd_store_campaign_sender_renew (PdStore *store, const char *host, gint64 pid, gint64 expires_at,
                                gboolean *held_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"UPDATE campaign_sender SET expires_at = max(coalesce(expires_at, 0), ?3)"
		" WHERE id = 1 AND host = ?1 AND pid = ?2",
		error);

	*held_r = FALSE;
	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, host);
	pd_bind_int (stmt, 2, pid);
	pd_bind_int (stmt, 3, expires_at);
	if (!pd_store_exec_stmt (store, stmt, error))
		return FALSE;
	*held_r = sqlite3_changes (store->db) > 0;
	return TRUE;
}

gboolean
pd_store_campaign_sender_clear (PdStore *store, const char *host, gint64 pid, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "DELETE FROM campaign_sender WHERE id = 1 AND host = ?1 AND pid = ?2", error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, host);
	pd_bind_int (stmt, 2, pid);
	return pd_store_exec_stmt (store, stmt, error);
}

gboolean
pd_store_campaign_set_pace (PdStore *store, gint64 id, double rate, gint64 per_domain,
                            gint64 connections, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"UPDATE campaigns SET "
		"rate = CASE WHEN ?2 < 0 THEN rate WHEN ?2 = 0 THEN NULL ELSE ?2 END, "
		"per_domain = CASE WHEN ?3 < 0 THEN per_domain WHEN ?3 = 0 THEN NULL ELSE ?3 END, "
		"connections = CASE WHEN ?4 < 0 THEN connections WHEN ?4 = 0 THEN NULL ELSE ?4 END "
		"WHERE id = ?1",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, id);
	sqlite3_bind_double (stmt, 2, rate);
	sqlite3_bind_int64 (stmt, 3, per_domain);
	sqlite3_bind_int64 (stmt, 4, connections);
	return pd_store_exec_stmt (store, stmt, error);
}

gboolean
pd_store_campaign_set_stage (PdStore *store, gint64 id, gint64 stage, gint64 stage_done_at,
                             GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "UPDATE campaigns SET stage = ?, stage_done_at = ? WHERE id = ?", error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, stage);
	pd_bind_id (stmt, 2, stage_done_at);
	pd_bind_int (stmt, 3, id);
	return pd_store_exec_stmt (store, stmt, error);
}

gboolean
pd_store_campaign_counts (PdStore *store, gint64 id, PdCampaignCounts *c, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "SELECT state, count (*) FROM deliveries WHERE campaign_id = ? GROUP BY state",
		error);
	int rc;

	memset (c, 0, sizeof *c);
	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, id);
	while ((rc = pd_store_step (store, stmt, error)) == SQLITE_ROW) {
		const char *state = (const char *) sqlite3_column_text (stmt, 0);
		gint64 n = sqlite3_column_int64 (stmt, 1);

		if (!g_strcmp0 (state, "pending"))
			c->pending = n;
		else if (!g_strcmp0 (state, "sending"))
			c->sending = n;
		else if (!g_strcmp0 (state, "sent"))
			c->sent = n;
		else if (!g_strcmp0 (state, "deferred"))
			c->deferred = n;
		else if (!g_strcmp0 (state, "bounced"))
			c->bounced = n;
		else if (!g_strcmp0 (state, "failed"))
			c->failed = n;
		else if (!g_strcmp0 (state, "skipped"))
			c->skipped = n;
	}
	sqlite3_reset (stmt);
	return rc == SQLITE_DONE;
}

gboolean
pd_store_campaign_open (PdStore *store, gint64 id, gint64 cutoff, gint64 *open_r,
                        GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT EXISTS (SELECT 1 FROM deliveries WHERE campaign_id = ?1 AND state = 'pending' AND seq <= ?2) + "
		"EXISTS (SELECT 1 FROM deliveries WHERE campaign_id = ?1 AND state = 'deferred' AND seq <= ?2) + "
		"EXISTS (SELECT 1 FROM deliveries WHERE campaign_id = ?1 AND state = 'sending' AND seq <= ?2)",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, id);
	pd_bind_int (stmt, 2, cutoff);
	return pd_store_lookup_int (store, stmt, open_r, NULL, error);
}

gboolean
pd_store_campaign_stage_rates (PdStore *store, gint64 id, gint64 lo, gint64 hi,
                               gint64 *total_r, gint64 *bounced_r, gint64 *complaints_r,
                               GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT count (*), "
		"coalesce (sum (d.state = 'bounced' OR EXISTS (SELECT 1 FROM list_bounces b "
		"  WHERE b.delivery_id = d.id AND b.kind = 'hard')), 0), "
		"coalesce (sum (EXISTS (SELECT 1 FROM list_bounces b "
		"  WHERE b.delivery_id = d.id AND b.kind = 'complaint')), 0) "
		"FROM deliveries d WHERE d.campaign_id = ?1 AND d.seq > ?2 AND d.seq <= ?3",
		error);
	int rc;

	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, id);
	pd_bind_int (stmt, 2, lo);
	pd_bind_int (stmt, 3, hi);
	rc = pd_store_step (store, stmt, error);
	if (rc == SQLITE_ROW) {
		*total_r = sqlite3_column_int64 (stmt, 0);
		*bounced_r = sqlite3_column_int64 (stmt, 1);
		*complaints_r = sqlite3_column_int64 (stmt, 2);
	}
	sqlite3_reset (stmt);
	return rc == SQLITE_ROW;
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

static gpointer
pace_from (sqlite3_stmt *st)
{
	PdDomainPace *p = g_new0 (PdDomainPace, 1);

	p->domain = pd_col_text (st, 0);
	p->backoff = sqlite3_column_int64 (st, 1);
	p->next_at = sqlite3_column_int64 (st, 2);
	return p;
}

GPtrArray *
pd_store_domain_pace_list (PdStore *store, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "SELECT domain, backoff, next_at FROM domain_pace ORDER BY domain", error);

	if (stmt == NULL)
		return NULL;
	return pd_store_collect (store, stmt, pace_from, (GDestroyNotify) pd_domain_pace_free, error);
}

gboolean
pd_store_domain_pace_set (PdStore *store, const char *domain, gint64 backoff, gint64 next_at,
                          gint64 now, GError **error)
{
	sqlite3_stmt *stmt;

	if (backoff <= 0) {
		stmt = pd_store_stmt (store, "DELETE FROM domain_pace WHERE domain = ?", error);
		if (stmt == NULL)
			return FALSE;
		pd_bind_text (stmt, 1, domain);
		return pd_store_exec_stmt (store, stmt, error);
	}
	stmt = pd_store_stmt (
		store,
		"INSERT INTO domain_pace (domain, backoff, next_at, updated_at) VALUES (?1, ?2, ?3, ?4) "
		"ON CONFLICT (domain) DO UPDATE SET backoff = ?2, next_at = ?3, updated_at = ?4",
		error);
	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, domain);
	pd_bind_int (stmt, 2, backoff);
	pd_bind_int (stmt, 3, next_at);
	pd_bind_int (stmt, 4, now);
	return pd_store_exec_stmt (store, stmt, error);
}
