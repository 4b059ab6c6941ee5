/* store.h - the database. Only src/store/ calls sqlite3; everything else calls these.
 * Rows are returned as plain structs the caller owns (free with the matching _free).
 * A busy database that stays busy past the timeout is PD_ERROR_TEMPFAIL. */
#ifndef PD_STORE_H
#define PD_STORE_H

#include <glib.h>

typedef struct PdStore PdStore;

/* Open (creating if needed) and migrate the database at PATH. A lock held by another
 * process is waited for up to BUSY_TIMEOUT_MS, then it is PD_ERROR_TEMPFAIL. (transfer full) */
PdStore *pd_store_open (const char *path, int busy_timeout_ms, GError **error);
void pd_store_close (PdStore *store);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdStore, pd_store_close)

/* Write transactions (BEGIN IMMEDIATE: the write lock is taken up front). */
gboolean pd_store_begin (PdStore *store, GError **error);
gboolean pd_store_commit (PdStore *store, GError **error);
void pd_store_rollback (PdStore *store);
/* A batch: one write transaction for several mails. Between batch_begin and batch_commit,
 * pd_store_begin/commit/rollback open, release and roll back a SAVEPOINT instead, so each mail
 * stays atomic on its own (a failing one is undone alone) while the batch pays one commit.
 * Not nested: one mail's begin..commit at a time. */
/* Whether this connection's commits wait for the disk (synchronous=FULL, the default) or
 * not (NORMAL, for processing: issue 10). A commit that does not wait is made durable by the
 * next one that does, on any connection: they append to the one WAL file, and its fsync
 * covers every frame before. Whatever is seen outside must follow a durable commit: intake
 * (the 250, exit 0) always is one, and the drain makes its claim durable before any mail
 * leaves. Not inside a transaction. */
gboolean pd_store_set_durable (PdStore *store, gboolean durable, GError **error);
gboolean pd_store_is_durable (PdStore *store);
/* After a commit that leaves more than PAGES pages in the WAL, this connection copies them
 * into the database (SQLite's default: 1000). serve moves that work out of the commits that
 * the listeners wait for (issue 10: a checkpoint inside a processing batch held the writer
 * up for tens of ms). */
void pd_store_set_autocheckpoint (PdStore *store, int pages);
/* Copy what the WAL holds into the database now, blocking nobody (PASSIVE). */
void pd_store_checkpoint (PdStore *store);
/* The work this connection's cached statements have done so far: how many times they ran
 * and SQLite's virtual machine steps (which grow with the rows a query visits). A caller
 * compares two readings: issue 10's check that one mail's cost does not grow with its
 * sender's history. */
typedef struct {
	gint64 runs, vm_steps, fullscan_steps;
	gint64 prepared; /* statements compiled on this connection so far (each once) */
} PdStoreWork;
void pd_store_work (PdStore *store, PdStoreWork *work);
/* Wait for a lock another connection holds with FN (DATA, COUNT) instead of busy_timeout
 * (sqlite3_busy_handler: nonzero retries, 0 gives up with SQLITE_BUSY). serve's threads poll
 * more often than SQLite's back-off, whose sleeps reach 100 ms, and its worker gives up the
 * lock it waits for when a listener's commit wants it (issue 10). FN NULL: the usual short
 * jittered waits (busy.c) again, up to TIMEOUT_MS. */
void pd_store_set_busy_handler (PdStore *store, int (*fn) (gpointer data, int count),
                                gpointer data, int timeout_ms);
gboolean pd_store_batch_begin (PdStore *store, GError **error);
gboolean pd_store_batch_commit (PdStore *store, GError **error);

/* ---- intake (intake.c) ---- */
/* Rows waiting to be processed, counted up to LIMIT (-1: all). */
gboolean pd_store_intake_pending_count (PdStore *store, gint64 limit, gint64 *count_r,
                                        GError **error);
typedef struct {
	gint64 id;
	char *sha256;
	gint64 received_at;
	char *source;
	char *envelope_from;
	char *envelope_rcpt;
	gint64 size;
	char *state; /* pending, done, quarantined */
	char *klass;
	char *reason;
	gint64 body_id; /* the stored bytes, shared by the rows of one message */
	GBytes *raw;    /* NULL in lists */
} PdIntakeRow;
void pd_intake_row_free (PdIntakeRow *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdIntakeRow, pd_intake_row_free)

/* Insert RAW for ENVELOPE_RCPT (may be NULL) unless the same bytes are there already for the
 * same recipient (a re-delivery). The bytes are stored once whatever the number of recipients.
 * ID_R gets the row either way; STATE_R (transfer full) the existing row's state, or NULL if
 * it was inserted now. */
gboolean pd_store_intake_add (PdStore *store, GBytes *raw, const char *source,
                              const char *envelope_from, const char *envelope_rcpt,
                              gint64 now, gint64 *id_r, char **state_r, GError **error);
/* The same for a message of SIZE bytes with the digest SHA256 (hex) that READ gives in order,
 * written to the row in pieces (SQLite holds SIZE bytes of zeroes once; the message itself is
 * never in memory whole). READ returns the bytes it put in BUF (at most LEN), 0 at the end,
 * -1 with ERROR. With QUARANTINE_REASON the new row is quarantined at once (no UPDATE, which
 * would rewrite the whole row). Call inside a transaction. */
typedef gssize (*PdStoreReadFunc) (gpointer data, void *buf, gsize len, GError **error);
gboolean pd_store_intake_add_stream (PdStore *store, const char *sha256, gsize size,
                                     PdStoreReadFunc read, gpointer data, const char *source,
                                     const char *envelope_from, const char *envelope_rcpt,
                                     const char *quarantine_reason, gint64 now, gint64 *id_r,
                                     char **state_r, GError **error);
/* The same for SIZE bytes at BYTES whose digest is known (a listener's spool in memory): bound
 * as they are, no zero-filled blob written over in pieces, no copy (issue 10, writer). */
gboolean pd_store_intake_add_hashed (PdStore *store, const char *sha256, gsize size,
                                     const void *bytes, const char *source,
                                     const char *envelope_from, const char *envelope_rcpt,
                                     const char *quarantine_reason, gint64 now, gint64 *id_r,
                                     char **state_r, GError **error);
/* with_raw: include the bytes. FALSE+NOTFOUND if no such row. (transfer full) */
PdIntakeRow *pd_store_intake_get (PdStore *store, gint64 id, gboolean with_raw, GError **error);
/* ROW's bytes (ROW read without them): the row is not read again (transfer full) */
GBytes *pd_store_intake_raw (PdStore *store, const PdIntakeRow *row, GError **error);
/* Whether row ID is still pending, reading its state only (NOTFOUND without the row) */
gboolean pd_store_intake_pending (PdStore *store, gint64 id, gboolean *pending_r, GError **error);
gboolean pd_store_intake_finish (PdStore *store, gint64 id, const char *state, const char *klass,
                                 const char *reason, gint64 now, GError **error);
/* Rows in STATE (NULL = all), oldest first, without raw. (transfer full) */
GPtrArray *pd_store_intake_list (PdStore *store, const char *state, GError **error);
/* The other rows of row ID's message (the same bytes, other recipients), oldest first,
 * without raw. (transfer full) */
GPtrArray *pd_store_intake_siblings (PdStore *store, gint64 id, GError **error);

/* ---- tickets, messages, events (ticket.c) ---- */
typedef struct {
	gint64 id;
	char *queue;
	char *subject;
	char *state;
	char *priority;
	char *customer;
	char *customer_name;
	gint64 created_at;
	gint64 updated_at;
	gint64 messages; /* count */
} PdTicketRow;
void pd_ticket_row_free (PdTicketRow *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdTicketRow, pd_ticket_row_free)

typedef struct {
	gint64 id;
	gint64 ticket_id; /* 0 = none */
	gint64 intake_id; /* 0 = none */
	gint64 outbox_id; /* 0 = none */
	char *direction;  /* in, out */
	char *klass;
	char *reason;
	char *message_id;
	char *from_addr;
	char *from_name;
	char *subject;
	char *body;
	char *threaded_by;
	gint64 created_at;
} PdMessageRow;
void pd_message_row_free (PdMessageRow *row);

/* Incoming mail's text is not stored a second time (issue 10): a message row of incoming
 * mail whose intake row keeps the raw bytes leaves body NULL, and readers (message list,
 * export, erasure) derive it from those bytes with FN, the mail parser's body text; the app
 * sets it, since store must not call mail/. Before the bytes go (retention of intake_raw,
 * erasure) the text is written into the row. Without FN, body is stored as before.
 * Set once, before any thread uses a store. */
typedef char *(*PdTextDeriver) (GBytes *raw);
void pd_store_set_text_deriver (PdTextDeriver fn);
gboolean pd_store_derives_text (void);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdMessageRow, pd_message_row_free)

typedef struct {
	gint64 id;
	gint64 at;
	char *actor;
	char *kind;
	char *detail;
	gint64 message_id;
} PdEventRow;
void pd_event_row_free (PdEventRow *row);

gboolean pd_store_ticket_create (PdStore *store, const char *queue, const char *subject,
                                 const char *customer, const char *customer_name,
                                 const char *priority, gint64 now, gint64 *id_r, GError **error);
/* FALSE+NOTFOUND if no such ticket. (transfer full) */
PdTicketRow *pd_store_ticket_get (PdStore *store, gint64 id, GError **error);
/* pd_store_ticket_get without the message count (ROW->messages is -1): processing reads a
 * ticket for every mail on it, and counting its messages grew with the ticket's history
 * (issue 10: a loop from one address onto one ticket). */
PdTicketRow *pd_store_ticket_head (PdStore *store, gint64 id, GError **error);
GPtrArray *pd_store_ticket_list (PdStore *store, GError **error);
gboolean pd_store_ticket_touch (PdStore *store, gint64 id, gint64 now, GError **error);
/* The ticket's queue name, or NULL in QUEUE_R if there is no such ticket. */
gboolean pd_store_ticket_queue (PdStore *store, gint64 id, char **queue_r, GError **error);

gboolean pd_store_participant_add (PdStore *store, gint64 ticket, const char *addr,
                                   const char *role, GError **error);
gboolean pd_store_is_participant (PdStore *store, gint64 ticket, const char *addr,
                                  gboolean *yes_r, GError **error);

/* ROW->id is ignored and set. */
gboolean pd_store_message_add (PdStore *store, PdMessageRow *row, GError **error);
GPtrArray *pd_store_message_list (PdStore *store, gint64 ticket, GError **error);
/* The ticket of a message (in or out) with MESSAGE_ID, 0 if unknown. */
gboolean pd_store_ticket_by_message_id (PdStore *store, const char *message_id,
                                        gint64 *ticket_r, GError **error);

gboolean pd_store_event_add (PdStore *store, gint64 ticket, gint64 now, const char *actor,
                             const char *kind, const char *detail, gint64 message,
                             GError **error);
GPtrArray *pd_store_event_list (PdStore *store, gint64 ticket, GError **error);

gboolean pd_store_attachment_add (PdStore *store, gint64 message, const char *sha256,
                                  const char *filename, const char *content_type, gint64 size,
                                  GError **error);

/* ---- outbox (outbox.c) ---- */
typedef struct {
	gint64 id;
	char *kind;
	gint64 ticket_id;
	char *rcpt;
	char *message_id;
	char *state; /* queued, sent, failed */
	gint64 attempts;
	gint64 next_attempt_at;
	char *last_reply;
	gint64 created_at;
	gint64 sent_at;
	gint64 lease_until; /* a sender's claim runs until then; 0 = none */
	char *lease_owner;  /* that sender, NULL = none */
	GBytes *raw; /* NULL in lists */
} PdOutboxRow;
void pd_outbox_row_free (PdOutboxRow *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdOutboxRow, pd_outbox_row_free)

gboolean pd_store_outbox_add (PdStore *store, const char *kind, gint64 ticket, const char *rcpt,
                              const char *message_id, GBytes *raw, gboolean automatic,
                              gint64 now, gint64 *id_r, GError **error);
/* Queued rows that no sender's lease holds at NOW and that are due at NOW (IGNORE_BACKOFF:
 * whatever their next attempt time), due first, with raw. */
GPtrArray *pd_store_outbox_due (PdStore *store, gint64 now, gboolean ignore_backoff,
                                guint limit, GError **error);
GPtrArray *pd_store_outbox_list (PdStore *store, GError **error);
PdOutboxRow *pd_store_outbox_get (PdStore *store, gint64 id, GError **error);
gboolean pd_store_outbox_by_message_id (PdStore *store, const char *message_id,
                                        gint64 *id_r, GError **error);
/* Claim row ID for one delivery attempt by OWNER: a lease until LEASE_UNTIL, granted only
 * if the row is still queued, no other lease runs at NOW, and it is due (or IGNORE_BACKOFF).
 * The back-off is never a lease: IGNORE_BACKOFF (send --all) does not override a lease.
 * CLAIMED_R is FALSE when the row is not to be had (another sender has it, or it is done). */
gboolean pd_store_outbox_claim (PdStore *store, gint64 id, gint64 now, gboolean ignore_backoff,
                                gint64 lease_until, const char *owner, gboolean *claimed_r,
                                GError **error);
/* Sent / failed end the row (and any lease); a retry is recorded only by the lease's OWNER
 * (a sender whose lease ran out and was taken over records nothing) and ends the lease. */
gboolean pd_store_outbox_sent (PdStore *store, gint64 id, const char *reply, gint64 now,
                               GError **error);
gboolean pd_store_outbox_retry (PdStore *store, gint64 id, const char *owner, const char *reply,
                                gint64 next_at, GError **error);
gboolean pd_store_outbox_failed (PdStore *store, gint64 id, const char *reply, GError **error);
/* Automatic mail queued for RCPT since SINCE, counted up to LIMIT (-1: all). */
gboolean pd_store_outbox_auto_count (PdStore *store, const char *rcpt, gint64 since,
                                     gint64 limit, gint64 *count_r, GError **error);

/* ---- addresses (address.c) ---- */
/* Count a bounce for ADDR; SUPPRESS_UNTIL > 0 stops automatic mail to it until then. */
gboolean pd_store_address_bounce (PdStore *store, const char *addr, gboolean hard,
                                  const char *status, gint64 now, gint64 suppress_until,
                                  GError **error);
/* Is automatic mail to ADDR suppressed at NOW (a recent hard bounce). */
gboolean pd_store_address_suppressed (PdStore *store, const char *addr, gint64 now,
                                      gboolean *yes_r, GError **error);

/* ---- agents (agent.c) ---- */
typedef struct {
	gint64 id;
	char *address;
	char *name;
	char *queues; /* comma-separated */
	char *tz;
	char *hours;
	gboolean active;
	gboolean confirm; /* a reply with commands only gets a confirmation mail */
} PdAgentRow;
void pd_agent_row_free (PdAgentRow *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdAgentRow, pd_agent_row_free)

/* Add or update the agent ADDRESS (re-enabling it). */
gboolean pd_store_agent_put (PdStore *store, const char *address, const char *name,
                             const char *queues, const char *tz, const char *hours, gint64 now,
                             gint64 *id_r, GError **error);
GPtrArray *pd_store_agent_list (PdStore *store, GError **error);
/* The agent with ADDRESS (active or not), or NULL in ROW_R. */
gboolean pd_store_agent_by_address (PdStore *store, const char *address, PdAgentRow **row_r,
                                    GError **error);
PdAgentRow *pd_store_agent_get (PdStore *store, gint64 id, GError **error);
gboolean pd_store_agent_set_active (PdStore *store, const char *address, gboolean active,
                                    gboolean *found_r, GError **error);
/* Change the agent ROW->id's name, queues, tz, hours and confirm (not its address, nor
 * whether it is active). */
gboolean pd_store_agent_update (PdStore *store, const PdAgentRow *row, GError **error);

/* Ticket changes made by the workflow. Timestamps: the column is set once, when still NULL. */
gboolean pd_store_ticket_set_state (PdStore *store, gint64 id, const char *state, gint64 now,
                                    GError **error);
gboolean pd_store_ticket_set_assignee (PdStore *store, gint64 id, gint64 agent, GError **error);
gboolean pd_store_ticket_set_field (PdStore *store, gint64 id, const char *field,
                                    const char *value, GError **error);
gboolean pd_store_ticket_first_response (PdStore *store, gint64 id, gint64 now, GError **error);
/* When the ticket was first answered, 0 if not yet. */
gboolean pd_store_ticket_first_response_at (PdStore *store, gint64 id, gint64 *at_r,
                                            GError **error);
gboolean pd_store_ticket_set_follows (PdStore *store, gint64 id, gint64 old, GError **error);
/* Assignee (0 = none). */
gboolean pd_store_ticket_assignee (PdStore *store, gint64 id, gint64 *agent_r, GError **error);
/* Participants of TICKET with ROLE (NULL = all). (transfer full: char*) */
GPtrArray *pd_store_participants (PdStore *store, gint64 ticket, const char *role,
                                  GError **error);
/* The last incoming message of TICKET from a non-agent, or NULL in ROW_R (body not read). */
gboolean pd_store_last_customer_message (PdStore *store, gint64 ticket, PdMessageRow **row_r,
                                         GError **error);

/* ---- imap (imap-state.c) ---- */
/* The fetcher's state for ACCOUNT; FOUND_R FALSE (and zeros) if none is kept yet. */
gboolean pd_store_imap_get (PdStore *store, const char *account, gboolean *found_r,
                            gint64 *uidvalidity_r, gint64 *last_uid_r, GError **error);
/* Insert or replace ACCOUNT's state (autocommit unless inside a transaction). */
gboolean pd_store_imap_set (PdStore *store, const char *account, gint64 uidvalidity,
                            gint64 last_uid, GError **error);

#endif
