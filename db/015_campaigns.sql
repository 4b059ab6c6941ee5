-- 015_campaigns.sql - announcements (campaigns) to a list and the delivery ledger: one row per
-- recipient and campaign, 'sent' committed only after the relay's 250. Messages are composed
-- at send time from the campaign and the subscriber (the same bytes and Message-ID on a
-- retry), so nothing is stored per recipient but the ledger row.
CREATE TABLE campaigns (
	id INTEGER PRIMARY KEY,
	list_id INTEGER NOT NULL REFERENCES lists (id),
	kind TEXT NOT NULL DEFAULT 'announcement'
		CHECK (kind IN ('announcement', 'article', 'digest')),
	subject TEXT NOT NULL,
	template TEXT,                        -- a template name, or NULL: body below
	body TEXT,                            -- text with {{placeholders}}
	article_id INTEGER,                   -- the kb article it archives (announcement) or mails
	state TEXT NOT NULL DEFAULT 'draft'
		CHECK (state IN ('draft', 'scheduled', 'running', 'paused', 'done', 'cancelled')),
	start_at INTEGER,                     -- --at; NULL = when started
	rate REAL,                            -- messages/s for this campaign; NULL = [campaign] rate
	per_domain INTEGER,                   -- messages/min per destination domain; NULL = default
	connections INTEGER,                  -- relay connections; NULL = default
	stages TEXT NOT NULL DEFAULT '100%',  -- "1%,10%,100%"
	stage INTEGER NOT NULL DEFAULT 0,     -- index into stages of the stage being released
	stage_done_at INTEGER,                -- when the last message of the current stage went
	paused_reason TEXT,                   -- why it paused itself (bounce rate, complaints)
	total INTEGER NOT NULL DEFAULT 0,     -- ledger rows
	created_by TEXT,
	created_at INTEGER NOT NULL,
	started_at INTEGER,
	finished_at INTEGER
);
CREATE INDEX campaigns_state ON campaigns (state);

-- The delivery ledger. id is the VERP token's number (bounces+dID-SIG@).
CREATE TABLE deliveries (
	id INTEGER PRIMARY KEY,
	campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
	subscriber_id INTEGER NOT NULL REFERENCES subscribers (id),
	seq INTEGER NOT NULL,                 -- release order, 1..total; stages cut by seq
	domain TEXT NOT NULL,                 -- the recipient's domain, for per-domain pacing
	state TEXT NOT NULL DEFAULT 'pending'
		CHECK (state IN ('pending', 'sending', 'sent', 'deferred', 'bounced', 'failed',
			'skipped')),
	attempts INTEGER NOT NULL DEFAULT 0,
	next_attempt_at INTEGER,
	lease_owner TEXT,                     -- the sender holding it while 'sending'
	lease_until INTEGER,
	last_reply TEXT,
	sent_at INTEGER,
	UNIQUE (campaign_id, subscriber_id)
);
CREATE INDEX deliveries_release ON deliveries (campaign_id, state, seq);

-- A destination domain's pace: slowed after a 4xx, for that domain only.
CREATE TABLE domain_pace (
	domain TEXT PRIMARY KEY,
	backoff INTEGER NOT NULL DEFAULT 0,   -- seconds added between messages, grows on 4xx
	next_at INTEGER NOT NULL DEFAULT 0,   -- no message to this domain before
	updated_at INTEGER NOT NULL
);

-- What came back: bounces, delays, vacation replies, complaints, human replies; by VERP
-- (delivery) or by address. The subscriber's score is kept in subscribers.
CREATE TABLE list_bounces (
	id INTEGER PRIMARY KEY,
	subscriber_id INTEGER REFERENCES subscribers (id),
	delivery_id INTEGER REFERENCES deliveries (id),
	at INTEGER NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('hard', 'soft', 'delayed', 'vacation', 'complaint',
		'reply')),
	score_added REAL NOT NULL DEFAULT 0,
	intake_id INTEGER,
	detail TEXT                           -- the DSN status or the classifier's reason
);
CREATE INDEX list_bounces_subscriber ON list_bounces (subscriber_id);
