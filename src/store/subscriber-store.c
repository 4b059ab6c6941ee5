/* subscriber-store.c - the SQL of a list's subscribers (store/lists.h, db/014): found, added,
 * their status and preferences changed, walked one row at a time. Which status change is
 * allowed is src/lists/'s business. */
#include "store/lists.h"
#include "store/store-private.h"

void
pd_subscriber_row_free (PdSubscriberRow *row)
{
	if (row == NULL)
		return;
	g_free (row->address);
	g_free (row->name);
	g_free (row->locale);
	g_free (row->topics);
	g_free (row->status);
	g_free (row);
}

#define SUB_COLS "id, list_id, address, name, locale, topics, status, created_at, updated_at"

static void
subscriber_fill (sqlite3_stmt *stmt, PdSubscriberRow *r)
{
	r->id = sqlite3_column_int64 (stmt, 0);
	r->list_id = sqlite3_column_int64 (stmt, 1);
	r->address = pd_col_text (stmt, 2);
	r->name = pd_col_text (stmt, 3);
	r->locale = pd_col_text (stmt, 4);
	r->topics = pd_col_text (stmt, 5);
	r->status = pd_col_text (stmt, 6);
	r->created_at = sqlite3_column_int64 (stmt, 7);
	r->updated_at = sqlite3_column_int64 (stmt, 8);
}

static gpointer
subscriber_from (sqlite3_stmt *stmt)
{
	PdSubscriberRow *r = g_new0 (PdSubscriberRow, 1);

	subscriber_fill (stmt, r);
	return r;
}

PdSubscriberRow *
pd_store_subscriber_get (PdStore *store, gint64 id, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (store, "SELECT " SUB_COLS " FROM subscribers WHERE id = ?",
	                                    error);

	if (stmt == NULL)
		return NULL;
	pd_bind_int (stmt, 1, id);
	return pd_store_one (store, stmt, subscriber_from, "subscriber", id, error);
}

gboolean
pd_store_subscriber_find (PdStore *store, gint64 list, const char *addr, PdSubscriberRow **row_r,
                          GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "SELECT " SUB_COLS " FROM subscribers WHERE list_id = ? AND address = lower(?)",
		error);
	int rc;

	*row_r = NULL;
	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, list);
	pd_bind_text (stmt, 2, addr);
	rc = pd_store_step (store, stmt, error);
	if (rc == SQLITE_ROW)
		*row_r = subscriber_from (stmt);
	sqlite3_reset (stmt);
	return rc >= 0;
}

gboolean
pd_store_subscriber_status (PdStore *store, gint64 list, const char *addr, gint64 *id_r,
                            const char **status_r, GError **error)
{
	static const char *const statuses[] = { "pending", "active", "unsubscribed", "bouncing",
		                                "disabled" };
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "SELECT id, status FROM subscribers WHERE list_id = ? AND address = lower(?)",
		error);
	int rc;
	guint i;

	*id_r = 0;
	*status_r = NULL;
	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, list);
	pd_bind_text (stmt, 2, addr);
	rc = pd_store_step (store, stmt, error);
	if (rc == SQLITE_ROW) {
		const char *s = (const char *) sqlite3_column_text (stmt, 1);

		*id_r = sqlite3_column_int64 (stmt, 0);
		for (i = 0; i < G_N_ELEMENTS (statuses); i++)
			if (g_strcmp0 (s, statuses[i]) == 0)
				*status_r = statuses[i];
	}
	sqlite3_reset (stmt);
	return rc >= 0;
}

gboolean
pd_store_subscriber_add (PdStore *store, gint64 list, const char *addr, const char *name,
                         const char *locale, const char *topics, const char *status, gint64 now,
                         gint64 *id_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"INSERT INTO subscribers (list_id, address, name, locale, topics, status, created_at,"
		" updated_at) VALUES (?1, lower(?2), ?3, ?4, ?5, ?6, ?7, ?7)",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, list);
	pd_bind_text (stmt, 2, addr);
	pd_bind_text (stmt, 3, name && *name ? name : NULL);
	pd_bind_text (stmt, 4, locale && *locale ? locale : NULL);
	pd_bind_text (stmt, 5, topics ? topics : "");
	pd_bind_text (stmt, 6, status);
	pd_bind_int (stmt, 7, now);
	if (!pd_store_exec_stmt (store, stmt, error))
		return FALSE;
	*id_r = sqlite3_last_insert_rowid (store->db);
	return TRUE;
}

gboolean
pd_store_subscriber_set_status (PdStore *store, gint64 id, const char *status, gint64 now,
                                GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		/* made active by a person's confirmation or an administrator: the address works
		 * (or someone vouches for it), so an old bounce score starts again from 0 (a
		 * disabled subscriber confirming again would be disabled by the next bounce) */
		"UPDATE subscribers SET status = ?2, updated_at = ?3,"
		" bounce_score = CASE WHEN ?2 = 'active' THEN 0 ELSE bounce_score END,"
		" bounce_score_at = CASE WHEN ?2 = 'active' THEN NULL ELSE bounce_score_at END"
		" WHERE id = ?1",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, id);
	pd_bind_text (stmt, 2, status);
	pd_bind_int (stmt, 3, now);
	return pd_store_exec_stmt (store, stmt, error);
}

gboolean
pd_store_subscriber_update (PdStore *store, gint64 id, const char *name, const char *locale,
                            const char *topics, gint64 now, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"UPDATE subscribers SET name = coalesce(?2, name), locale = coalesce(?3, locale),"
		" topics = coalesce(?4, topics), updated_at = ?5 WHERE id = ?1",
		error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, id);
	pd_bind_text (stmt, 2, name);
	pd_bind_text (stmt, 3, locale);
	pd_bind_text (stmt, 4, topics);
	pd_bind_int (stmt, 5, now);
	return pd_store_exec_stmt (store, stmt, error);
}

gboolean
pd_store_subscriber_foreach (PdStore *store, gint64 list, PdSubscriberFunc fn, gpointer data,
                             GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "SELECT " SUB_COLS " FROM subscribers WHERE list_id = ? ORDER BY id", error);
	int rc;

	if (stmt == NULL)
		return FALSE;
	pd_bind_int (stmt, 1, list);
	while ((rc = pd_store_step (store, stmt, error)) == SQLITE_ROW) {
		PdSubscriberRow row = { 0 };
		gboolean go;

		subscriber_fill (stmt, &row);
		go = fn (&row, data, error);
		g_free (row.address);
		g_free (row.name);
		g_free (row.locale);
		g_free (row.topics);
		g_free (row.status);
		if (!go) {
			sqlite3_reset (stmt);
			return FALSE;
		}
	}
	sqlite3_reset (stmt);
	return rc >= 0;
}
