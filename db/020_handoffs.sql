-- 020_handoffs.sql - follow-the-sun: one row per agent and shift end whose open tickets the
-- scheduler handed to the agents then on shift. The UNIQUE key is claimed in the transaction
-- that moves the tickets, so each shift end is handed off once, across restarts and however
-- many schedulers run. The tickets themselves say who has them (tickets.assignee) and their
-- history says who had them before (events kind 'handoff').
CREATE TABLE handoffs (
	id INTEGER PRIMARY KEY,
	agent_id INTEGER NOT NULL REFERENCES agents (id),
	shift_end INTEGER NOT NULL,           -- Unix seconds: the end of the shift handed off
	claimed_at INTEGER NOT NULL,
	tickets INTEGER NOT NULL DEFAULT 0,   -- how many tickets changed hands
	note TEXT,
	UNIQUE (agent_id, shift_end)
);
CREATE INDEX tickets_assignee ON tickets (assignee, state);
