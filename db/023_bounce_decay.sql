-- 023_bounce_decay.sql - a subscriber's bounce score decays also between bounces (a periodic
-- pass, src/lists/bounce-decay.c): bounce_score is then the score at bounce_score_at, which
-- the next decay counts from (NULL = last_bounce_at, as before). Without it a stored score
-- that was already halved would be halved again from the last bounce.
ALTER TABLE subscribers ADD COLUMN bounce_score_at INTEGER;
-- the pass looks only at subscribers with a score: few among a million
CREATE INDEX subscribers_scored ON subscribers (id) WHERE bounce_score > 0;
