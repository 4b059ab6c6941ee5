-- 018_list_feedback.sql - which knowledge-base articles each list has seen and how it dealt
-- with them: mailed at once (campaign_id the 'article' campaign), collected for the daily
-- digest ('pending', then 'mailed' with the 'digest' campaign), or 'skipped' (no topic in
-- common, the topic announcements, not public). One row per list and article: the primary
-- key is the claim, so nothing is mailed twice, across restarts and several serve processes.
CREATE TABLE list_articles (
	list_id INTEGER NOT NULL REFERENCES lists (id),
	article_id INTEGER NOT NULL REFERENCES kb_articles (id),
	state TEXT NOT NULL CHECK (state IN ('skipped', 'pending', 'mailed')),
	campaign_id INTEGER REFERENCES campaigns (id),
	at INTEGER NOT NULL,                  -- when the article was first seen for this list
	mailed_at INTEGER,
	PRIMARY KEY (list_id, article_id)
);
CREATE INDEX list_articles_state ON list_articles (list_id, state);
