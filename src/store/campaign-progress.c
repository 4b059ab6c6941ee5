/* campaign-progress.c - SQL that reads how far a campaign has come (store/campaign.h): its
 * ledger's rows counted by state, whether a stage has rows not finished yet, and a stage's
 * bounce and complaint rates. Reads only; what they mean is src/lists/campaign.c's. */
#include "store/campaign.h"

#include <string.h>

#include "store/store-private.h"

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
