/* campaign-store.c - SQL for a campaign's own row (store/campaign.h, db/015): made as a draft,
 * its ledger filled by one INSERT ... SELECT, read, moved from state to state (a cancel skips
 * the unsent rows), paced and staged. The ledger's rows are delivery-store.c's, the sender's
 * row campaign-sender-store.c's, the counts campaign-progress.c's, domain pace
 * domain-pace-store.c's. */
#include "store/campaign.h"

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
