-- 028_handoff_tickets.sql - follow-the-sun per ticket (issue 13, sla2): each ticket of a
-- claimed shift end (db/020 handoffs) has a row here. handed_at NULL: nobody was on shift for
-- its queue yet, so the scheduler tries it again at every run; setting handed_at (only where
-- it is still NULL, in the transaction that moves the ticket) is the claim that makes each
-- ticket's hand-off happen once.
CREATE TABLE handoff_tickets (
	handoff_id INTEGER NOT NULL REFERENCES handoffs (id),
	ticket_id INTEGER NOT NULL REFERENCES tickets (id),
	handed_at INTEGER,                    -- NULL: waiting for someone on shift
	to_agent INTEGER,                     -- who got it (agents.id)
	PRIMARY KEY (handoff_id, ticket_id)
);
