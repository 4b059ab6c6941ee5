-- 019_kb_usage.sql - how the knowledge base is used, for `postdesk kb report` (report kb).
-- kb_usage: one row per article each time it is suggested in an acknowledgement, sent by an
-- agent (#kb), mailed from the kb address, viewed on the web, or marked as having answered
-- (ticket_id NULL for kb-address answers and plain views). kb_misses: the questions no
-- article answered, as their isolated text (greetings, quotes, signatures removed; at most
-- 500 characters) and content words, never the whole mail; how = 'ack' (a new ticket) or
-- 'mailed' (the kb address). Both append-only.
CREATE TABLE kb_usage (
	id INTEGER PRIMARY KEY,
	article_id INTEGER NOT NULL REFERENCES kb_articles (id),
	how TEXT NOT NULL CHECK (how IN ('suggested', 'sent', 'mailed', 'viewed', 'answered')),
	ticket_id INTEGER,
	at INTEGER NOT NULL
);
CREATE INDEX kb_usage_at ON kb_usage (at);
CREATE TABLE kb_misses (
	id INTEGER PRIMARY KEY,
	how TEXT NOT NULL CHECK (how IN ('ack', 'mailed')),
	ticket_id INTEGER,
	question TEXT NOT NULL,
	words TEXT NOT NULL,
	at INTEGER NOT NULL
);
CREATE TRIGGER kb_usage_append_only BEFORE UPDATE ON kb_usage
BEGIN SELECT RAISE (ABORT, 'kb_usage is append-only'); END;
CREATE TRIGGER kb_misses_append_only BEFORE UPDATE ON kb_misses
BEGIN SELECT RAISE (ABORT, 'kb_misses is append-only'); END;

-- For the suggester (src/kb/suggest.c). kb_generation: salt (random per database) and n,
-- bumped by src/store/kb-index.c whenever an article or its documents are indexed again; what the
-- suggester keeps in memory is valid while "salt:n" stays. kb_terms: how many articles hold
-- each indexed word, copied from the FTS5 index (kb_fts_vocab) after every change of the
-- articles, so a word is weighed with one indexed range read; valid while terms = "salt:n".
CREATE TABLE kb_generation (salt TEXT NOT NULL, n INTEGER NOT NULL, terms TEXT NOT NULL);
INSERT INTO kb_generation VALUES (lower (hex (randomblob (8))), 0, '');
CREATE VIRTUAL TABLE kb_fts_vocab USING fts5vocab (kb_fts, 'row');
CREATE TABLE kb_terms (term TEXT PRIMARY KEY, docs INTEGER NOT NULL) WITHOUT ROWID;
