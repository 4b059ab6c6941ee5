-- 002_imap.sql - what the IMAP fetcher remembers per [imap NAME] account: the mailbox's
-- UIDVALIDITY and the highest UID whose message is committed and moved/flagged. A restart
-- fetches from last_uid + 1; a changed UIDVALIDITY starts again at 0 (intake dedups).
CREATE TABLE imap_state (
	account TEXT PRIMARY KEY,
	uidvalidity INTEGER NOT NULL,
	last_uid INTEGER NOT NULL DEFAULT 0
);
