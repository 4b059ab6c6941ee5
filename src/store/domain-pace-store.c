/* domain-pace-store.c - SQL for the pace of destination domains (domain_pace, db/015): the
 * back-off a domain's 4xx replies earned, listed and set. The back-off itself is worked out
 * by the sender (src/outbound/). */
#include "store/campaign.h"

#include "store/store-private.h"

void
pd_domain_pace_free (PdDomainPace *p)
{
	if (p == NULL)
		return;
	g_free (p->domain);
	g_free (p);
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
