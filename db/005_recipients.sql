-- 005_recipients.sql - one intake row per (message, envelope recipient), the bytes stored once.
-- The same bytes for two queue addresses are two deliveries, each processed on its own; the
-- same bytes for the same recipient again are a re-delivery. The raw message moves to
-- `bodies` (one row per distinct SHA-256) that every intake row of it references.
CREATE TABLE bodies (
	id INTEGER PRIMARY KEY,
	sha256 TEXT NOT NULL UNIQUE,
	size INTEGER NOT NULL,
	raw BLOB NOT NULL
);
-- the existing rows keep their ids: body n is the bytes of intake row n
INSERT INTO bodies (id, sha256, size, raw) SELECT id, sha256, size, raw FROM intake;

-- intake.sha256 was UNIQUE; the constraint stays on the column, which becomes the dedup key:
-- the SHA-256 of the bytes, then a space and the envelope recipient when there is one.
ALTER TABLE intake RENAME COLUMN sha256 TO dedup_key;
UPDATE intake SET dedup_key = dedup_key || ' ' || envelope_rcpt WHERE envelope_rcpt IS NOT NULL;
ALTER TABLE intake ADD COLUMN sha256 TEXT;           -- of the bytes (bodies.sha256)
ALTER TABLE intake ADD COLUMN body_id INTEGER REFERENCES bodies (id);
UPDATE intake SET sha256 = (SELECT b.sha256 FROM bodies b WHERE b.id = intake.id), body_id = id;
ALTER TABLE intake DROP COLUMN raw;
CREATE INDEX intake_body ON intake (body_id);
