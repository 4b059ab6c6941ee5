/* address.c - per-address delivery facts: bounce counts and the suppression of
 * automatic mail after a hard bounce. Policy (how long, what counts) is the caller's. */
#include "store/store-private.h"

gboolean
pd_store_address_bounce (PdStore *store, const char *addr, gboolean hard, const char *status,
                         gint64 now, gint64 suppress_until, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"INSERT INTO addresses (address, hard_bounces, soft_bounces, last_status, last_bounce_at,"
		" suppressed_until) VALUES (lower(?1), ?2, ?3, ?4, ?5, ?6)"
		" ON CONFLICT (address) DO UPDATE SET hard_bounces = hard_bounces + ?2,"
		" soft_bounces = soft_bounces + ?3, last_status = ?4, last_bounce_at = ?5,"
		" suppressed_until = max(suppressed_until, ?6)",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, addr);
	pd_bind_int (stmt, 2, hard ? 1 : 0);
	pd_bind_int (stmt, 3, hard ? 0 : 1);
	pd_bind_text (stmt, 4, status);
	pd_bind_int (stmt, 5, now);
	pd_bind_int (stmt, 6, suppress_until);
	return pd_store_exec_stmt (store, stmt, error);
}

gboolean
pd_store_address_suppressed (PdStore *store, const char *addr, gint64 now, gboolean *yes_r,
                             GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "SELECT 1 FROM addresses WHERE address = lower(?) AND suppressed_until > ?", error);
	gint64 one;

	*yes_r = FALSE;
	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, addr);
	pd_bind_int (stmt, 2, now);
	return pd_store_lookup_int (store, stmt, &one, yes_r, error);
}
