-- 038_kb_synonyms.sql - search synonyms the team manages (`postdesk kb synonym add|remove|
-- list`, issue 11 kbq2), like a helpdesk's: each row is a group of phrases that mean the same
-- ("log in, sign in, login"), lower case, separated by ", ". When a customer's question holds
-- one phrase of a group, an article that says another is credited as if it said that one
-- (src/kb/suggest.c). shipped marks the rows below: a small default list of common support
-- vocabulary, removable like any other. A change bumps kb_generation (db/019) so that a
-- running suggester reads the list again.
CREATE TABLE kb_synonyms (
	id INTEGER PRIMARY KEY,
	phrases TEXT NOT NULL UNIQUE,
	shipped INTEGER NOT NULL DEFAULT 0
);
INSERT INTO kb_synonyms (phrases, shipped) VALUES
	('log in, login, sign in, signin, log on, logon', 1),
	('log out, logout, sign out, sign off', 1),
	('sign up, signup, register, registration, create an account', 1),
	('refund, money back, reimburse, reimbursement', 1),
	('crash, freeze, hang, lock up, stop responding, not responding, segfault, segmentation fault', 1),
	('bug, defect, glitch', 1),
	('slow, sluggish, laggy, performance', 1),
	('documentation, docs, manual, user guide, reference guide, man page, handbook', 1),
	('install, installation, set up, setup', 1),
	('uninstall, deinstall', 1),
	('upgrade, update, newer version, latest version', 1),
	('encrypt, encryption, password protect, password protected', 1),
	('licence, license, licensing, terms of use', 1),
	('price, pricing, cost, fee', 1),
	('free of charge, gratis, no charge', 1),
	('invoice, bill, receipt', 1),
	('delivery, shipping, shipment, parcel', 1),
	('email, e-mail', 1),
	('password, passcode', 1),
	('commercial, proprietary, closed source, paid product, for profit', 1),
	('open source, free software', 1),
	('gpl, gnu general public license, gnu gpl', 1),
	('64-bit, 64 bit, x64, x86-64, amd64', 1),
	('32-bit, 32 bit, x86, i386', 1),
	('mac, macos, os x, osx', 1),
	('cpu, processor', 1),
	('memory, ram', 1),
	('decompress, uncompress, unzip, unpack, extract', 1),
	('attachment, attached file', 1);
