-- 007_agent_confirm.sql - per agent: whether a reply that only carries commands (no text for
-- the customer) gets a short confirmation mail. 1 = yes (the default), 0 = no.
ALTER TABLE agents ADD COLUMN confirm INTEGER NOT NULL DEFAULT 1;
