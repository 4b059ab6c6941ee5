-- 004_agents.sql - agents (who answer tickets from their own mail client), ticket assignment
-- and the timestamps the workflow records.
CREATE TABLE agents (
	id INTEGER PRIMARY KEY,
	address TEXT NOT NULL UNIQUE,          -- lower case
	name TEXT NOT NULL,
	queues TEXT NOT NULL,                  -- comma-separated queue names
	tz TEXT,                               -- IANA time zone, for business hours
	hours TEXT,                            -- "09:00-17:00"
	active INTEGER NOT NULL DEFAULT 1,
	created_at INTEGER NOT NULL
);
ALTER TABLE tickets ADD COLUMN assignee INTEGER REFERENCES agents (id);
ALTER TABLE tickets ADD COLUMN agreed_at INTEGER;
ALTER TABLE tickets ADD COLUMN closed_at INTEGER;
ALTER TABLE tickets ADD COLUMN follows INTEGER REFERENCES tickets (id); -- reply to a closed ticket
