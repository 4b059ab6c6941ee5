#!/bin/bash
# Personal data and the kb's unanswered questions (kb_misses: the question's own text, kept
# for `kb report`): `person erase` and a retention purge of a ticket take its question with
# them. Before, a question no article answered stayed in kb_misses after the ticket (and the
# person) was gone: kb_misses.ticket_id names the ticket without a foreign key.
. "$(dirname "$0")/lib.sh"

DATA="$POSTDESK_SRCDIR/tests/data/kb"
HTTP_PORT=$(free_port)
pd_setup '[serve]' "http = 127.0.0.1:$HTTP_PORT" '[retention]' 'closed_tickets = 365d' \
	'[kb]' 'address = kb@example.com'
check "import the FAQ articles" pd kb import "$DATA/articles"
db() { sqlite3 "$POSTDESK_HOME/postdesk.db" "$@"; }

# a question nothing answers, naming a string only her mail has
mail_with() { # FROM SECRET FILE
	sed -e "s/^From: .*/From: $1/" -e "0,/^\$/!{0,/^/s/^/Also: my reference is $2 and please write to me.\n/}" \
		"$DATA/mails/055.eml" >"$3"
}
mail_with "Ann <ann@example.org>" ANNREF4711 "$TEST_TMP/ann.eml"
is "deliver exits 0" "$(deliver "$TEST_TMP/ann.eml")" 0
is "a ticket" "$(db 'SELECT count(*) FROM tickets')" 1
is "her question is noted for the kb report" "$(db "SELECT count(*) FROM kb_misses WHERE ticket_id = 1 AND question LIKE '%ANNREF4711%'")" 1

check "person erase" pd person erase ann@example.org
is "her ticket is gone" "$(db 'SELECT count(*) FROM tickets')" 0
is "and her question with it" "$(db "SELECT count(*) FROM kb_misses WHERE ticket_id = 1 OR question LIKE '%ANNREF4711%'")" 0

# a question to the kb address is noted without a ticket: erase finds it by the address in it
mail_with "Dave <dave@example.org>" dave@example.org "$TEST_TMP/dave.eml"
sed -i 's/^To: .*/To: kb@example.com/' "$TEST_TMP/dave.eml"
is "deliver exits 0" "$(deliver "$TEST_TMP/dave.eml" --recipient kb@example.com)" 0
is "his question is noted without a ticket" "$(db "SELECT count(*) FROM kb_misses WHERE ticket_id IS NULL AND question LIKE '%dave@example.org%'")" 1
check "person erase" pd person erase dave@example.org
is "his question is gone" "$(db "SELECT count(*) FROM kb_misses WHERE question LIKE '%dave@example.org%'")" 0

# retention: a closed ticket purged takes its question too
mail_with "Bob <bob@example.org>" BOBREF0815 "$TEST_TMP/bob.eml"
is "deliver exits 0" "$(deliver "$TEST_TMP/bob.eml")" 0
t=$(db 'SELECT max(id) FROM tickets')
is "his question is noted" "$(db "SELECT count(*) FROM kb_misses WHERE ticket_id = $t")" 1
db "UPDATE tickets SET state = 'closed', closed_at = strftime('%s', 'now') - 400 * 86400 WHERE id = $t"
check "purge" pd purge
is "his ticket is purged" "$(db "SELECT count(*) FROM tickets WHERE id = $t")" 0
is "and his question with it" "$(db "SELECT count(*) FROM kb_misses WHERE ticket_id = $t OR question LIKE '%BOBREF0815%'")" 0

finish
