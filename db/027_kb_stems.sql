-- 027_kb_stems.sql - each article's words as the suggester (src/kb/suggest.c) sees them,
-- written when the article is stored: the distinct stems of its title and topics (head) and
-- of its body as text (body), space-separated, in order. Scoring a candidate then reads one
-- row instead of converting and tokenising its Markdown. A row holds for the article's
-- version and the suggester's word rules (stemmer) it was made with; when either differs the
-- suggester tokenises the article itself, so a missing or old row costs time, never a
-- different suggestion.
CREATE TABLE kb_stems (
	article_id INTEGER PRIMARY KEY REFERENCES kb_articles (id),
	version INTEGER NOT NULL,
	stemmer INTEGER NOT NULL,
	head TEXT NOT NULL,
	body TEXT NOT NULL
);
