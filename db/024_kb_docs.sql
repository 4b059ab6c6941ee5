-- How many articles the FTS5 index holds, kept with the word counts (db/019 kb_terms) and
-- valid when they are (kb_generation.terms current): the suggester weighs words by it, and
-- counting 100,000 articles cost a fresh process (one `deliver`) about 1 ms. -1: not known.
ALTER TABLE kb_generation ADD COLUMN docs INTEGER NOT NULL DEFAULT -1;
UPDATE kb_generation SET docs = (SELECT count(*) FROM kb_fts);
