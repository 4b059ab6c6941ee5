-- 006_outbox_lease.sql - a sender's claim on an outbox row, apart from the retry time: a
-- row is delivered only by the sender whose lease on it runs (lease_until > now); the
-- back-off (next_attempt_at) says when a row is due again, and `send --all` overrides only
-- that. A sender that dies mid-delivery leaves a lease that simply runs out.
ALTER TABLE outbox ADD COLUMN lease_until INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN lease_owner TEXT;                -- host:pid:random of the sender
