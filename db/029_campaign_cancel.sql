-- 029_campaign_cancel.sql - two closings of the campaign work (issue 12, lists3).
--
-- A cancelled campaign sends nothing more: `announce cancel` marks its unsent rows 'skipped'
-- (last_reply 'cancelled') in the cancel's transaction, and a row a sender held at that
-- moment and gives back afterwards (released, reclaimed or deferred) is skipped the same way
-- here, so no row of a cancelled campaign is ever pending again and its counts add up.
CREATE TRIGGER deliveries_cancelled AFTER UPDATE OF state ON deliveries
	WHEN NEW.state IN ('pending', 'deferred') AND
	     (SELECT state FROM campaigns WHERE id = NEW.campaign_id) = 'cancelled'
BEGIN
	UPDATE deliveries SET state = 'skipped', last_reply = 'cancelled', next_attempt_at = NULL,
		lease_owner = NULL, lease_until = NULL
		WHERE id = NEW.id;
END;

-- The one process that sends campaigns ([campaign] rate is the rate of one sender): serve
-- takes this row when it starts its sender thread; `postdesk send` sends campaigns only when
-- no other live process holds it (a row whose process is gone counts as free).
CREATE TABLE campaign_sender (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	host TEXT NOT NULL,
	pid INTEGER NOT NULL,
	kind TEXT NOT NULL,                   -- 'serve' or 'send'
	since INTEGER NOT NULL
);
