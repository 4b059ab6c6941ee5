-- 030_kb_related.sql - words the knowledge base itself uses as synonyms, learned from the
-- articles by src/kb/related.c: two stems are related when they name the same articles (each
-- is in at least two, and their sets of articles overlap by at least half: Jaccard). strength
-- is that overlap (0.5..1). Both directions are stored, at most 8 per term. Rebuilt from the
-- stored stems (db/027) by `kb import` and by `kb add/edit/publish/unpublish`; the suggester
-- credits a question word that an article lacks when the article has a related word.
CREATE TABLE kb_related (
	term TEXT NOT NULL,
	related TEXT NOT NULL,
	strength REAL NOT NULL,
	PRIMARY KEY (term, related)
) WITHOUT ROWID;
-- What kb_related was learned from: the generation (db/019 "salt:n") and the word rules'
-- edition, "salt:n:edition"; an import that changed nothing leaves a current table alone.
ALTER TABLE kb_generation ADD COLUMN related TEXT NOT NULL DEFAULT '';
