-- 013_kb_style.sql - the look of the knowledge base on the web: CSS parameters and the site
-- title, set with `postdesk kb style KEY VALUE` and read by src/http (checked there).
CREATE TABLE kb_style (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
