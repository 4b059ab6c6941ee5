-- 003_addresses.sql - what we know about an address we send to: its bounces, and until when
-- automatic mail to it is suppressed (a hard bounce suppresses it for 60 days).
CREATE TABLE addresses (
	address TEXT PRIMARY KEY,
	hard_bounces INTEGER NOT NULL DEFAULT 0,
	soft_bounces INTEGER NOT NULL DEFAULT 0,
	last_status TEXT,
	last_bounce_at INTEGER,
	suppressed_until INTEGER NOT NULL DEFAULT 0
);
