-- 039_kb_keywords.sql - an article's keywords (issue 11, kbq4): the words and phrases customers
-- use for what the article is about when its title says it otherwise ("byte order" for an
-- article titled "big-endian or little-endian"), comma-separated like topics, set by the team
-- (`kb add|edit --keywords`, front matter `keywords:`, the CSV column and XML element
-- <keywords>). Never shown to customers. Searchable: indexed with the topics (kb_fts), and
-- the suggester takes each keyword as another way of saying the title (src/kb/suggest.c).
-- Kept in every version like the topics.
ALTER TABLE kb_articles ADD COLUMN keywords TEXT NOT NULL DEFAULT '';
ALTER TABLE kb_versions ADD COLUMN keywords TEXT NOT NULL DEFAULT '';
