-- 019_kb_usage.sql - how the knowledge base is used, for `postdesk kb report` (report kb):
-- one row per article each time it is suggested in an acknowledgement, sent by an agent (#kb),
-- mailed from the kb address, viewed on the web, or marked as having answered the question;
-- and the questions no article answered (their isolated text and content words, never the
-- whole mail), so the team sees what to write next. Append-only: rows are never changed.
CREATE TABLE kb_usage (
	id INTEGER PRIMARY KEY,
	article_id INTEGER NOT NULL REFERENCES kb_articles (id),
	how TEXT NOT NULL CHECK (how IN ('suggested', 'sent', 'mailed', 'viewed', 'answered')),
	ticket_id INTEGER,  -- the ticket it happened on; NULL for kb-address answers and plain views
	at INTEGER NOT NULL
);
CREATE INDEX kb_usage_at ON kb_usage (at);
CREATE INDEX kb_usage_article ON kb_usage (article_id, how);

CREATE TABLE kb_misses (
	id INTEGER PRIMARY KEY,
	how TEXT NOT NULL CHECK (how IN ('ack', 'mailed')), -- a new ticket, or the kb address
	ticket_id INTEGER,
	question TEXT NOT NULL, -- the question as isolated (greetings, quotes, signatures removed),
	                        -- cut to 500 characters
	words TEXT NOT NULL,    -- its content words: folded, no stop words, space-separated
	at INTEGER NOT NULL
);
CREATE INDEX kb_misses_at ON kb_misses (at);

CREATE TRIGGER kb_usage_append_only BEFORE UPDATE ON kb_usage
BEGIN
	SELECT RAISE (ABORT, 'kb_usage is append-only');
END;
CREATE TRIGGER kb_misses_append_only BEFORE UPDATE ON kb_misses
BEGIN
	SELECT RAISE (ABORT, 'kb_misses is append-only');
END;

-- A number that changes with every change of the articles or their documents: what the
-- suggester (src/kb/suggest.c) keeps in memory across mails (term weights, article terms) is
-- valid while it stays the same.
-- salt tells one database from another in the same process (tests open many)
CREATE TABLE kb_generation (salt TEXT NOT NULL, n INTEGER NOT NULL);
INSERT INTO kb_generation (salt, n) VALUES (lower (hex (randomblob (8))), 0);
CREATE TRIGGER kb_gen_article_insert AFTER INSERT ON kb_articles
BEGIN
	UPDATE kb_generation SET n = n + 1;
END;
CREATE TRIGGER kb_gen_article_update AFTER UPDATE ON kb_articles
BEGIN
	UPDATE kb_generation SET n = n + 1;
END;
CREATE TRIGGER kb_gen_article_delete AFTER DELETE ON kb_articles
BEGIN
	UPDATE kb_generation SET n = n + 1;
END;
CREATE TRIGGER kb_gen_document_insert AFTER INSERT ON kb_documents
BEGIN
	UPDATE kb_generation SET n = n + 1;
END;
CREATE TRIGGER kb_gen_document_update AFTER UPDATE ON kb_documents
BEGIN
	UPDATE kb_generation SET n = n + 1;
END;
CREATE TRIGGER kb_gen_document_delete AFTER DELETE ON kb_documents
BEGIN
	UPDATE kb_generation SET n = n + 1;
END;

-- How many articles hold each indexed word, copied from the FTS5 index after every change of
-- the articles (`kb import`, `kb add` ...): the suggester weighs a word with one indexed range
-- read instead of counting its articles in the index (slow for common words at 100,000
-- articles). Valid while kb_terms_state.generation is kb_generation's; else the suggester
-- counts in the index itself.
CREATE VIRTUAL TABLE kb_fts_vocab USING fts5vocab (kb_fts, 'row');
CREATE TABLE kb_terms (
	term TEXT PRIMARY KEY,
	docs INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE kb_terms_state (generation TEXT NOT NULL);
INSERT INTO kb_terms_state (generation) VALUES ('');
