-- 008_kb.sql - the knowledge base: articles (the current state), every version of each,
-- documents attached to an article (bytes content-addressed under HOME/attachments), and an
-- FTS5 index (title above body, diacritics folded, a locale column) kept by src/store/kb-index.c.
CREATE TABLE kb_articles (
	id INTEGER PRIMARY KEY,
	slug TEXT NOT NULL UNIQUE,
	title TEXT NOT NULL,
	body TEXT NOT NULL,
	topics TEXT NOT NULL DEFAULT '',
	locale TEXT NOT NULL DEFAULT 'en',
	visibility TEXT NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'customer', 'internal')),
	status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
	version INTEGER NOT NULL DEFAULT 1,
	created INTEGER NOT NULL,
	updated INTEGER NOT NULL
);

CREATE TABLE kb_versions (
	article_id INTEGER NOT NULL REFERENCES kb_articles (id),
	version INTEGER NOT NULL,
	title TEXT NOT NULL,
	body TEXT NOT NULL,
	topics TEXT NOT NULL,
	locale TEXT NOT NULL,
	visibility TEXT NOT NULL,
	status TEXT NOT NULL,
	author TEXT NOT NULL,
	created INTEGER NOT NULL,
	PRIMARY KEY (article_id, version)
);

CREATE TABLE kb_documents (
	id INTEGER PRIMARY KEY,
	article_id INTEGER NOT NULL REFERENCES kb_articles (id),
	name TEXT NOT NULL,
	content_type TEXT NOT NULL,
	size INTEGER NOT NULL,
	sha256 TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	created INTEGER NOT NULL,
	UNIQUE (article_id, name)
);

-- rowid = kb_articles.id; docs = the names and descriptions of the article's documents
CREATE VIRTUAL TABLE kb_fts USING fts5 (
	title, body, topics, docs, locale UNINDEXED,
	tokenize = "unicode61 remove_diacritics 2"
);
