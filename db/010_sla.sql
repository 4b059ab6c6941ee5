-- 010_sla.sql - service levels: each ticket's running targets (first response, resolution)
-- with their due and reminder times, and the timers the scheduler has fired, each at most
-- once per ticket, target and kind (the UNIQUE key is claimed in the transaction that queues
-- the mail, so several schedulers never send one twice).
CREATE TABLE sla_targets (
	ticket_id INTEGER NOT NULL REFERENCES tickets (id),
	target TEXT NOT NULL CHECK (target IN ('first_response', 'resolution')),
	started_at INTEGER NOT NULL,          -- when the clock started
	due_at INTEGER,                       -- NULL while paused
	remind_at INTEGER,                    -- NULL: no reminder (or paused)
	paused_at INTEGER,                    -- set while the customer is awaited
	due_left INTEGER,                     -- business seconds left when paused
	remind_left INTEGER,
	PRIMARY KEY (ticket_id, target)
);
CREATE INDEX sla_targets_due ON sla_targets (due_at);

CREATE TABLE sla_timers (
	id INTEGER PRIMARY KEY,
	ticket_id INTEGER NOT NULL REFERENCES tickets (id),
	target TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('reminder', 'escalation')),
	fired_at INTEGER NOT NULL,
	outbox_id INTEGER,                    -- the first mail queued; NULL when none was due
	note TEXT,                            -- why no mail went out, if so
	UNIQUE (ticket_id, target, kind)
);
