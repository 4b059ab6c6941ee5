-- 014_lists.sql - subscriber lists, their subscribers and the consent ledger.
-- An address is stored lower-cased. A subscriber row belongs to one list; its status is the
-- current state, the ledger is the history (append-only: no UPDATE, no DELETE).
CREATE TABLE lists (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,            -- [a-z0-9._-]+
	address TEXT NOT NULL UNIQUE,         -- news@example.org; requests go to news-request@
	title TEXT,                           -- shown in pages and List-Id's phrase
	topics TEXT NOT NULL DEFAULT '',      -- comma-separated: knowledge-base topics mailed to it
	policy TEXT NOT NULL DEFAULT 'confirm'
		CHECK (policy IN ('open', 'confirm', 'customers', 'closed')),
	allowed_domains TEXT NOT NULL DEFAULT '', -- comma-separated, for policy 'customers'
	queue TEXT,                           -- human replies to announcements open tickets here
	owner TEXT,                           -- who hears when a campaign pauses itself
	visibility TEXT NOT NULL DEFAULT 'public' -- of the announcements archived in the kb
		CHECK (visibility IN ('public', 'customer', 'internal')),
	digest TEXT NOT NULL DEFAULT 'immediate' -- new kb articles: each at once, or a daily digest
		CHECK (digest IN ('immediate', 'daily', 'off')),
	locale TEXT NOT NULL DEFAULT 'en',
	created_at INTEGER NOT NULL
);

CREATE TABLE subscribers (
	id INTEGER PRIMARY KEY,
	list_id INTEGER NOT NULL REFERENCES lists (id),
	address TEXT NOT NULL,                -- lower-cased
	name TEXT,
	locale TEXT,
	topics TEXT NOT NULL DEFAULT '',      -- comma-separated preferences; '' = everything
	status TEXT NOT NULL DEFAULT 'pending'
		CHECK (status IN ('pending', 'active', 'unsubscribed', 'bouncing', 'disabled')),
	bounce_score REAL NOT NULL DEFAULT 0,
	last_bounce_at INTEGER,               -- any bounce (for the decay)
	last_soft_at INTEGER,                 -- soft bounces count at most once a day
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	UNIQUE (list_id, address)
);
CREATE INDEX subscribers_list_status ON subscribers (list_id, status, id);
CREATE INDEX subscribers_address ON subscribers (address);

-- Every subscribe, confirm, unsubscribe and change, with how and the evidence.
CREATE TABLE consent (
	id INTEGER PRIMARY KEY,
	subscriber_id INTEGER NOT NULL REFERENCES subscribers (id),
	at INTEGER NOT NULL,
	action TEXT NOT NULL CHECK (action IN ('request', 'subscribe', 'confirm', 'unsubscribe',
		'change', 'bounce', 'disable', 'enable', 'complaint', 'erase')),
	via TEXT NOT NULL CHECK (via IN ('mail', 'web', 'admin', 'import', 'bounce', 'complaint',
		'system')),
	evidence TEXT,                        -- a Message-ID, "web 127.0.0.1", "FILE:LINE"
	detail TEXT                           -- e.g. "topics: a,b"; never mail content
);
CREATE INDEX consent_subscriber ON consent (subscriber_id);
CREATE TRIGGER consent_no_update BEFORE UPDATE ON consent
BEGIN
	SELECT RAISE (ABORT, 'the consent ledger is append-only');
END;
CREATE TRIGGER consent_no_delete BEFORE DELETE ON consent
BEGIN
	SELECT RAISE (ABORT, 'the consent ledger is append-only');
END;
