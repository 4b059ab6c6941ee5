-- 001_init.sql - the first schema: intake, tickets, messages, events, attachments, outbox.
-- Times are Unix seconds (UTC). Standard SQL where possible, so another store can follow.

-- Every message as received, committed before the source is told "accepted".
CREATE TABLE intake (
	id INTEGER PRIMARY KEY,
	sha256 TEXT NOT NULL UNIQUE,          -- dedup key: the same bytes are one intake
	received_at INTEGER NOT NULL,
	source TEXT NOT NULL,                 -- deliver, lmtp, smtp, imap:NAME, import
	envelope_from TEXT,
	envelope_rcpt TEXT,
	size INTEGER NOT NULL,
	raw BLOB NOT NULL,
	state TEXT NOT NULL DEFAULT 'pending' -- pending, done, quarantined
		CHECK (state IN ('pending', 'done', 'quarantined')),
	class TEXT,
	reason TEXT,                          -- why quarantined, or the classifier's reason
	processed_at INTEGER
);
CREATE INDEX intake_state ON intake (state);

CREATE TABLE tickets (
	id INTEGER PRIMARY KEY,
	queue TEXT NOT NULL,
	subject TEXT NOT NULL,
	state TEXT NOT NULL DEFAULT 'new'
		CHECK (state IN ('new', 'open', 'agreed', 'in_progress', 'resolved', 'closed')),
	priority TEXT NOT NULL DEFAULT 'normal'
		CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
	customer TEXT NOT NULL,               -- the address that opened it
	customer_name TEXT,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	first_response_at INTEGER,
	resolved_at INTEGER
);

-- Who may thread onto a ticket by its subject tag, and who hears about it.
CREATE TABLE participants (
	ticket_id INTEGER NOT NULL REFERENCES tickets (id),
	address TEXT NOT NULL,
	role TEXT NOT NULL,                   -- customer, cc, agent
	PRIMARY KEY (ticket_id, address)
);

-- Messages in and out, on a ticket or not (autoreplies and bounces with no ticket).
CREATE TABLE messages (
	id INTEGER PRIMARY KEY,
	ticket_id INTEGER REFERENCES tickets (id),
	intake_id INTEGER REFERENCES intake (id),
	outbox_id INTEGER,
	direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
	class TEXT NOT NULL,
	reason TEXT,
	message_id TEXT,                      -- without <>
	from_addr TEXT,
	from_name TEXT,
	subject TEXT,
	body TEXT,
	threaded_by TEXT,                     -- token, in-reply-to, references, subject-tag, new
	created_at INTEGER NOT NULL
);
CREATE INDEX messages_message_id ON messages (message_id);
CREATE INDEX messages_ticket ON messages (ticket_id);

-- Attachment content lives in HOME/attachments/ab/abcdef... (content-addressed).
CREATE TABLE attachments (
	id INTEGER PRIMARY KEY,
	message_id INTEGER NOT NULL REFERENCES messages (id),
	sha256 TEXT NOT NULL,
	filename TEXT,
	content_type TEXT NOT NULL,
	size INTEGER NOT NULL
);
CREATE INDEX attachments_message ON attachments (message_id);

-- The audit trail: who did what, when, from which mail.
CREATE TABLE events (
	id INTEGER PRIMARY KEY,
	ticket_id INTEGER REFERENCES tickets (id),
	at INTEGER NOT NULL,
	actor TEXT NOT NULL,                  -- an address, or "postdesk"
	kind TEXT NOT NULL,                   -- created, message, state, ack, ack-refused, ...
	detail TEXT,
	message_id INTEGER REFERENCES messages (id)
);
CREATE INDEX events_ticket ON events (ticket_id);

-- Outgoing mail. A row is 'sent' only after the relay's 250.
CREATE TABLE outbox (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL,                   -- ack, reply, notify, error, campaign
	ticket_id INTEGER REFERENCES tickets (id),
	rcpt TEXT NOT NULL,
	message_id TEXT NOT NULL,             -- without <>
	raw BLOB NOT NULL,
	state TEXT NOT NULL DEFAULT 'queued'
		CHECK (state IN ('queued', 'sent', 'failed')),
	automatic INTEGER NOT NULL DEFAULT 0, -- counts toward the per-recipient autoreply limit
	attempts INTEGER NOT NULL DEFAULT 0,
	next_attempt_at INTEGER NOT NULL,
	last_reply TEXT,
	created_at INTEGER NOT NULL,
	sent_at INTEGER
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_message_id ON outbox (message_id);
CREATE INDEX outbox_auto ON outbox (rcpt, automatic, created_at);
