/* route-store.c - lookups for routing and `postdesk queue` (see store/route.h). */
#include "store/route.h"

#include <string.h>

#include "store/store-private.h"

gboolean
pd_store_same_message_ticket (PdStore *store, const char *message_id, const char *from,
                              gint64 since, gint64 *ticket_r, GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (
		store,
		"SELECT m.ticket_id FROM messages m JOIN intake i ON i.id = m.intake_id"
		" WHERE m.message_id = ? AND m.direction = 'in' AND m.from_addr = ?"
		" AND m.ticket_id IS NOT NULL AND i.received_at >= ? ORDER BY m.id LIMIT 1",
		error);

	*ticket_r = 0;
	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, message_id);
	pd_bind_text (stmt, 2, from);
	sqlite3_bind_int64 (stmt, 3, since);
	return pd_store_lookup_int (store, stmt, ticket_r, NULL, error);
}

gboolean
pd_store_queue_counts (PdStore *store, const char *queue, gint64 counts_r[6], GError **error)
{
	static const char *const states[] = { "new", "open", "agreed", "in_progress", "resolved",
		                               "closed" };
	sqlite3_stmt *stmt = pd_store_stmt (
		store, "SELECT state, count(*) FROM tickets WHERE queue = ? GROUP BY state", error);
	int rc;
	guint i;

	memset (counts_r, 0, 6 * sizeof counts_r[0]);
	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, queue);
	while ((rc = pd_store_step (store, stmt, error)) == SQLITE_ROW)
		for (i = 0; i < G_N_ELEMENTS (states); i++)
			if (g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), states[i]) == 0)
				counts_r[i] = sqlite3_column_int64 (stmt, 1);
	sqlite3_reset (stmt);
	return rc >= 0;
}
