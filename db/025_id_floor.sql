-- 025_id_floor.sql - ticket and outbox numbers are never given twice. Signed tokens name a
-- row by its number (support+tN-SIG@, +aN-, bounces+oN-SIG@, answered links); SQLite gives
-- an INTEGER PRIMARY KEY max(id) + 1, so after `person erase` or a purge removed the highest
-- rows, a new ticket took an erased one's number and that person's late reply threaded into
-- it. Each delete records the highest number gone; new rows are numbered above it
-- (store/ticket.c, store/outbox.c).
CREATE TABLE id_floor (
	name TEXT PRIMARY KEY,                -- the table
	n INTEGER NOT NULL                    -- the highest id ever deleted from it
);
CREATE TRIGGER tickets_id_floor AFTER DELETE ON tickets
BEGIN
	INSERT INTO id_floor (name, n) VALUES ('tickets', OLD.id)
		ON CONFLICT (name) DO UPDATE SET n = max (n, excluded.n);
END;
CREATE TRIGGER outbox_id_floor AFTER DELETE ON outbox
BEGIN
	INSERT INTO id_floor (name, n) VALUES ('outbox', OLD.id)
		ON CONFLICT (name) DO UPDATE SET n = max (n, excluded.n);
END;
