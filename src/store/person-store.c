/* person-store.c - everything held about one address, for a subject-access request (export),
 * and its erasure: removed where it is the content (tickets it opened, its mail, raw bytes,
 * mail to it), pseudonymised where a row must stay (a subscriber row, whose consent ledger is
 * append-only), scrubbed from text that mentions it, and kept only as a hash in
 * erased_addresses so it is never mailed again. */
#include "store/retention.h"

#include <string.h>

#include "core/json.h"
#include "store/packed.h"
#include "store/store-private.h"

#define ERASED "[erased]"

char *
pd_store_address_hash (const char *address)
{
	g_autofree char *lower = g_ascii_strdown (address, -1);

	return g_compute_checksum_for_string (G_CHECKSUM_SHA256, g_strstrip (lower), -1);
}

gboolean
pd_store_address_erased (PdStore *store, const char *address, gboolean *yes_r, GError **error)
{
	g_autofree char *hash = pd_store_address_hash (address);
	sqlite3_stmt *stmt = pd_store_stmt (store, "SELECT 1 FROM erased_addresses WHERE hash = ?",
	                                    error);
	gint64 v;

	*yes_r = FALSE;
	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, hash);
	if (!pd_store_lookup_int (store, stmt, &v, yes_r, error))
		return FALSE;
	return TRUE;
}

/* ---- export: each section is one query with ?1 = the address, dumped column by column ---- */

static const struct {
	const char *name;
	const char *sql;
} sections[] = {
	{ "tickets",
	  "SELECT t.id, t.queue, t.subject, t.state, t.priority, t.customer, t.customer_name,"
	  " t.created_at, t.updated_at, t.closed_at FROM tickets t WHERE t.customer = ?1"
	  " OR t.id IN (SELECT ticket_id FROM participants WHERE address = ?1) ORDER BY t.id" },
	{ "participants",
	  "SELECT ticket_id AS ticket, role FROM participants WHERE address = ?1 ORDER BY ticket_id" },
	{ "messages",
	  "SELECT id, ticket_id AS ticket, direction, class, reason, message_id, from_addr, from_name,"
	  " subject, " PD_MESSAGE_TEXT ("messages") " AS body, created_at FROM messages WHERE from_addr = ?1"
	  " OR ticket_id IN (SELECT id FROM tickets WHERE customer = ?1) ORDER BY id" },
	{ "attachments",
	  "SELECT a.message_id AS message, a.filename, a.content_type, a.size, a.sha256"
	  " FROM attachments a JOIN messages m ON m.id = a.message_id WHERE m.from_addr = ?1"
	  " OR m.ticket_id IN (SELECT id FROM tickets WHERE customer = ?1) ORDER BY a.id" },
	{ "events",
	  "SELECT id, ticket_id AS ticket, at, actor, kind, detail FROM events WHERE actor = ?1"
	  " OR ticket_id IN (SELECT id FROM tickets WHERE customer = ?1) ORDER BY id" },
	{ "intake",
	  "SELECT id, received_at, source, envelope_from, envelope_rcpt, size, state, class, reason,"
	  " body_id IS NOT NULL AS raw_kept FROM intake WHERE envelope_from = ?1 OR envelope_rcpt = ?1"
	  " ORDER BY id" },
	{ "outbox",
	  "SELECT id, kind, ticket_id AS ticket, rcpt, message_id, state, created_at, sent_at"
	  " FROM outbox WHERE rcpt = ?1 ORDER BY id" },
	{ "addresses",
	  "SELECT address, hard_bounces, soft_bounces, last_status, last_bounce_at, suppressed_until"
	  " FROM addresses WHERE address = ?1" },
	{ "agents",
	  "SELECT id, address, name, queues, tz, hours, active, created_at FROM agents"
	  " WHERE address = ?1" },
	{ "subscriptions",
	  "SELECT s.id, l.name AS list, l.address AS list_address, s.name, s.locale, s.topics,"
	  " s.status, s.bounce_score, s.created_at, s.updated_at FROM subscribers s"
	  " JOIN lists l ON l.id = s.list_id WHERE s.address = ?1 ORDER BY s.id" },
	{ "consent",
	  "SELECT c.id, c.subscriber_id AS subscriber, c.at, c.action, c.via, c.evidence, c.detail"
	  " FROM consent c WHERE c.subscriber_id IN (SELECT id FROM subscribers WHERE address = ?1)"
	  " ORDER BY c.id" },
	{ "list_bounces",
	  "SELECT b.id, b.subscriber_id AS subscriber, b.delivery_id AS delivery, b.at, b.kind,"
	  " b.detail FROM list_bounces b WHERE b.subscriber_id IN"
	  " (SELECT id FROM subscribers WHERE address = ?1) ORDER BY b.id" },
};

static gboolean
dump_section (PdStore *store, PdJson *j, const char *name, const char *sql, const char *address,
              GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (store, sql, error);
	int rc, i, n;

	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, address);
	pd_json_key (j, name);
	pd_json_array_begin (j);
	n = sqlite3_column_count (stmt);
	while ((rc = pd_store_step (store, stmt, error)) == SQLITE_ROW) {
		pd_json_object_begin (j);
		for (i = 0; i < n; i++) {
			pd_json_key (j, sqlite3_column_name (stmt, i));
			switch (sqlite3_column_type (stmt, i)) {
			case SQLITE_NULL:
				pd_json_null (j);
				break;
			case SQLITE_INTEGER:
				pd_json_int (j, sqlite3_column_int64 (stmt, i));
				break;
			default: {
				g_autofree char *text = pd_col_text (stmt, i);
				g_autofree char *valid = g_utf8_make_valid (text, -1);

				pd_json_string (j, valid);
			}
			}
		}
		pd_json_object_end (j);
	}
	sqlite3_reset (stmt);
	pd_json_array_end (j);
	return rc >= 0;
}

char *
pd_store_person_export (PdStore *store, const char *address, GError **error)
{
	PdJson *j;
	gboolean erased;
	guint i;
	int rc = pd_packed_register (store->db); /* pd_text (): message text may be deflated */

	if (rc != SQLITE_OK) {
		pd_store_set_error (store, rc, "export", error);
		return NULL;
	}
	j = pd_json_new ();
	pd_json_object_begin (j);
	pd_json_member_string (j, "address", address);
	for (i = 0; i < G_N_ELEMENTS (sections); i++)
		if (!dump_section (store, j, sections[i].name, sections[i].sql, address, error)) {
			g_free (pd_json_free_to_string (j));
			return NULL;
		}
	if (!pd_store_address_erased (store, address, &erased, error)) {
		g_free (pd_json_free_to_string (j));
		return NULL;
	}
	pd_json_key (j, "erased");
	pd_json_bool (j, erased);
	pd_json_object_end (j);
	return pd_json_free_to_string (j);
}

/* ---- erase ---- */

/* pd_scrub(TEXT, ADDR): TEXT with every occurrence of ADDR (ASCII case ignored) replaced. */
static void
scrub_func (sqlite3_context *sc, int argc, sqlite3_value **argv)
{
	const char *text = (const char *) sqlite3_value_text (argv[0]);
	const char *addr = (const char *) sqlite3_value_text (argv[1]);
	GString *out;
	gsize n;
	const char *p;

	(void) argc;
	if (text == NULL || addr == NULL || *addr == '\0') {
		sqlite3_result_value (sc, argv[0]);
		return;
	}
	n = strlen (addr);
	out = g_string_new (NULL);
	for (p = text; *p;) {
		if (g_ascii_strncasecmp (p, addr, n) == 0) {
			g_string_append (out, ERASED);
			p += n;
		} else
			g_string_append_c (out, *p++);
	}
	sqlite3_result_text (sc, out->str, (int) out->len, g_free);
	g_string_free (out, FALSE);
}

static gboolean
run (PdStore *store, const char *sql, const char *arg, gint64 n, gint64 *changes_r,
     GError **error)
{
	sqlite3_stmt *stmt = pd_store_stmt (store, sql, error);

	if (stmt == NULL)
		return FALSE;
	pd_bind_text (stmt, 1, arg);
	if (sqlite3_bind_parameter_count (stmt) >= 2)
		sqlite3_bind_int64 (stmt, 2, n);
	if (!pd_store_exec_stmt (store, stmt, error))
		return FALSE;
	if (changes_r != NULL)
		*changes_r += sqlite3_changes (store->db);
	return TRUE;
}

gboolean
pd_store_person_erase (PdStore *store, const char *address, gint64 now, PdPurgeCounts *c,
                       gint64 *pseudonymised_r, GError **error)
{
	g_autofree char *hash = pd_store_address_hash (address);
	int rc = sqlite3_create_function (store->db, "pd_scrub", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
	                                  NULL, scrub_func, NULL, NULL);

	*pseudonymised_r = 0;
	if (rc == SQLITE_OK)
		rc = pd_packed_register (store->db); /* pd_text (): message text may be deflated */
	if (rc != SQLITE_OK) {
		pd_store_set_error (store, rc, "erase", error);
		return FALSE;
	}
	/* the tickets it opened, its mail anywhere, the intake rows from or to it */
	if (!pd_store_purge_mark_begin (store, error) ||
	    !pd_store_purge_mark (store, "INSERT INTO temp.pd_purge_t SELECT id FROM tickets"
	                                 " WHERE lower (customer) = ?1", address, 0, error) ||
	    !pd_store_purge_mark (store, "INSERT OR IGNORE INTO temp.pd_purge_m SELECT id FROM messages"
	                                 " WHERE lower (from_addr) = ?1", address, 0, error) ||
	    !pd_store_purge_mark (store, "INSERT OR IGNORE INTO temp.pd_purge_m SELECT m.id FROM messages m"
	                                 " JOIN intake i ON i.id = m.intake_id"
	                                 " WHERE i.envelope_from = ?1 OR i.envelope_rcpt = ?1", address, 0, error) ||
	    !pd_store_purge_mark (store, "INSERT OR IGNORE INTO temp.pd_purge_i SELECT id FROM intake"
	                                 " WHERE envelope_from = ?1 OR envelope_rcpt = ?1", address, 0, error) ||
	    /* the agents' notifications of its mail on other tickets quote it (they are queued in
	     * the transaction that stores the mail: same ticket, same time) */
	    !pd_store_purge_mark (store, "INSERT OR IGNORE INTO temp.pd_purge_m SELECT o.id FROM messages o"
	                                 " JOIN messages m ON m.ticket_id = o.ticket_id AND m.created_at = o.created_at"
	                                 " JOIN outbox x ON x.id = o.outbox_id AND x.kind = 'notify'"
	                                 " WHERE o.direction = 'out' AND m.direction = 'in'"
	                                 " AND m.id IN (SELECT id FROM temp.pd_purge_m)", NULL, 0, error) ||
	    !run (store, "DELETE FROM outbox WHERE id IN (SELECT outbox_id FROM messages WHERE"
	                 " direction = 'out' AND outbox_id IS NOT NULL AND id IN (SELECT id FROM temp.pd_purge_m))",
	          NULL, 0, &c->outbox, error) ||
	    !pd_store_purge_marked (store, c, error))
		return FALSE;
	/* mail to it, or that names it (a notification quoting it), and raw mail naming it */
	if (!run (store, "DELETE FROM outbox WHERE lower (rcpt) = ?1"
	                 " OR instr (lower (CAST (raw AS TEXT)), ?1) > 0", address, 0, &c->outbox, error) ||
	    /* text derived from bytes about to go is kept (and scrubbed below) */
	    !run (store, "UPDATE messages SET body = pd_pack (pd_derived_text (" PD_MESSAGE_RAW ("messages") "))"
	                 " WHERE body IS NULL AND direction = 'in' AND intake_id IN (SELECT id FROM intake"
	                 " WHERE body_id IN (SELECT id FROM bodies WHERE instr (lower (CAST (raw AS TEXT)), ?1) > 0))",
	          address, 0, NULL, error) ||
	    !run (store, "UPDATE intake SET body_id = NULL WHERE body_id IN (SELECT id FROM bodies"
	                 " WHERE instr (lower (CAST (raw AS TEXT)), ?1) > 0)", address, 0,
	          &c->raw_dropped, error) ||
	    !run (store, "DELETE FROM bodies WHERE NOT EXISTS"
	                 " (SELECT 1 FROM intake WHERE intake.body_id = bodies.id)", NULL, 0,
	          &c->bodies, error) ||
	    !run (store, "DELETE FROM participants WHERE lower (address) = ?1", address, 0, NULL, error) ||
	    !run (store, "DELETE FROM addresses WHERE lower (address) = ?1", address, 0, NULL, error))
		return FALSE;
	/* as an agent: its tickets become unassigned */
	if (!run (store, "UPDATE tickets SET assignee = NULL WHERE assignee IN"
	                 " (SELECT id FROM agents WHERE lower (address) = ?1)", address, 0, NULL, error) ||
	    /* its follow-the-sun ledger (db/020, db/028) points at the agent row (sla2) */
	    !run (store, "DELETE FROM handoff_tickets WHERE handoff_id IN (SELECT h.id FROM handoffs h"
	                 " JOIN agents a ON a.id = h.agent_id WHERE lower (a.address) = ?1)", address, 0,
	          NULL, error) ||
	    !run (store, "DELETE FROM handoffs WHERE agent_id IN"
	                 " (SELECT id FROM agents WHERE lower (address) = ?1)", address, 0, NULL, error) ||
	    !run (store, "DELETE FROM agents WHERE lower (address) = ?1", address, 0,
	          pseudonymised_r, error))
		return FALSE;
	/* subscriptions: the row stays, pseudonymised and unsubscribed, because the ledger that
	 * points at it is append-only; the ledger records the erasure; its bounces go */
	if (!run (store, "DELETE FROM list_bounces WHERE subscriber_id IN"
	                 " (SELECT id FROM subscribers WHERE address = ?1)", address, 0,
	          &c->list_bounces, error) ||
	    !run (store, "INSERT INTO consent (subscriber_id, at, action, via) SELECT id, ?2, 'erase',"
	                 " 'admin' FROM subscribers WHERE address = ?1", address, now, NULL, error) ||
	    !run (store, "UPDATE subscribers SET address = 'erased-' || id || '@erased.invalid',"
	                 " name = NULL, status = CASE WHEN status = 'disabled' THEN status"
	                 " ELSE 'unsubscribed' END, updated_at = ?2 WHERE address = ?1", address, now,
	          pseudonymised_r, error))
		return FALSE;
	/* text elsewhere that names it */
	/* (a scrubbed text is stored plain: readers take packed and plain alike; a derived text
	 * that names it is stored scrubbed, since the kept bytes may name it encoded) */
	if (!run (store, "UPDATE messages SET subject = pd_scrub (subject, ?1),"
	                 " body = pd_scrub (" PD_MESSAGE_TEXT ("messages") ", ?1), from_name = pd_scrub (from_name, ?1)"
	                 " WHERE instr (lower (subject), ?1) > 0"
	                 " OR instr (lower (" PD_MESSAGE_TEXT ("messages") "), ?1) > 0"
	                 " OR instr (lower (from_name), ?1) > 0",
	          address, 0, pseudonymised_r, error) ||
	    !run (store, "UPDATE events SET actor = pd_scrub (actor, ?1), detail = pd_scrub (detail, ?1)"
	                 " WHERE instr (lower (actor), ?1) > 0 OR instr (lower (detail), ?1) > 0",
	          address, 0, pseudonymised_r, error) ||
	    !run (store, "UPDATE tickets SET subject = pd_scrub (subject, ?1),"
	                 " customer_name = pd_scrub (customer_name, ?1)"
	                 " WHERE instr (lower (subject), ?1) > 0 OR instr (lower (customer_name), ?1) > 0",
	          address, 0, pseudonymised_r, error) ||
	    !run (store, "UPDATE intake SET reason = pd_scrub (reason, ?1)"
	                 " WHERE instr (lower (reason), ?1) > 0", address, 0, pseudonymised_r, error) ||
	    !run (store, "UPDATE messages SET reason = pd_scrub (reason, ?1)"
	                 " WHERE instr (lower (reason), ?1) > 0", address, 0, pseudonymised_r, error) ||
	    !run (store, "UPDATE sla_timers SET note = pd_scrub (note, ?1)"
	                 " WHERE instr (lower (note), ?1) > 0", address, 0, pseudonymised_r, error) ||
	    !run (store, "UPDATE outbox SET last_reply = pd_scrub (last_reply, ?1)"
	                 " WHERE instr (lower (last_reply), ?1) > 0", address, 0, pseudonymised_r, error) ||
	    !run (store, "UPDATE deliveries SET last_reply = pd_scrub (last_reply, ?1)"
	                 " WHERE instr (lower (last_reply), ?1) > 0", address, 0, pseudonymised_r, error) ||
	    !run (store, "UPDATE lists SET owner = NULL WHERE lower (owner) = ?1", address, 0,
	          pseudonymised_r, error) ||
	    !run (store, "UPDATE campaigns SET created_by = NULL WHERE lower (created_by) = ?1",
	          address, 0, pseudonymised_r, error) ||
	    /* kb_misses is append-only: a question naming it goes rather than being scrubbed */
	    !run (store, "DELETE FROM kb_misses WHERE instr (lower (question), ?1) > 0", address, 0,
	          pseudonymised_r, error))
		return FALSE;
	/* what must stay: that it is not to be mailed */
	return run (store, "INSERT INTO erased_addresses (hash, erased_at, unsubscribed) VALUES (?1, ?2, 1)"
	                   " ON CONFLICT (hash) DO UPDATE SET erased_at = excluded.erased_at",
	            hash, now, NULL, error);
}

gboolean
pd_store_secure_delete (PdStore *store, GError **error)
{
	int rc = sqlite3_exec (store->db, "PRAGMA secure_delete = ON", NULL, NULL, NULL);

	if (rc != SQLITE_OK) {
		pd_store_set_error (store, rc, "secure_delete", error);
		return FALSE;
	}
	return TRUE;
}

gboolean
pd_store_checkpoint_truncate (PdStore *store, GError **error)
{
	int rc = sqlite3_wal_checkpoint_v2 (store->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);

	if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
		pd_store_set_error (store, rc, "checkpoint", error);
		return FALSE;
	}
	return TRUE;
}
