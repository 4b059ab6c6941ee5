-- 021_retention.sql - retention, personal data and migration (issue 13).
-- An address `person erase` removed, kept only as the SHA-256 of its lower-cased form so it
-- is never mailed again (list sending and imports check it); nothing else of it stays.
CREATE TABLE erased_addresses (
	hash TEXT PRIMARY KEY,                -- hex SHA-256 of the lower-cased address
	erased_at INTEGER NOT NULL,
	unsubscribed INTEGER NOT NULL DEFAULT 1 -- it must not be mailed (lists) again
);
-- How far `postdesk import` got in an archive file, so an interrupted import resumes there
-- (re-reading it from the start would add nothing either: intake deduplicates).
CREATE TABLE import_progress (
	path TEXT PRIMARY KEY,                -- the archive file, absolute
	size INTEGER NOT NULL,                -- the file's size and mtime when last read: another
	mtime INTEGER NOT NULL,               -- file at the same path starts over
	position INTEGER NOT NULL DEFAULT 0,  -- byte offset up to which every message is processed
	messages INTEGER NOT NULL DEFAULT 0,
	updated_at INTEGER NOT NULL
);
-- purge asks per intake row whether a message still needs it (person export and erase are
-- rare and scan instead: every index is a page in every database)
CREATE INDEX messages_intake ON messages (intake_id);
