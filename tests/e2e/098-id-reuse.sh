#!/bin/bash
# Ticket and outbox numbers are never given twice, also after `person erase` or a purge
# removed the highest ones: signed reply addresses (support+tN-SIG@), agent addresses and
# VERP return paths (bounces+oN-SIG@) name a row by its number, so a reused number would
# send a late reply of the erased person into the next customer's ticket.
. "$(dirname "$0")/lib.sh"
db() { sqlite3 -cmd ".timeout 10000" "$POSTDESK_HOME/postdesk.db" "$@"; }
start_capture
pd_setup
mail "$TEST_TMP/ann.eml" 'Ann <ann@example.org>' support@example.com 'Ann question' <<<"Hello, ANN-SECRET."
is "Ann's mail is taken" "$(deliver "$TEST_TMP/ann.eml")" 0
check "send" pd send
reply_to=$(header Reply-To "$CAPTURE_DIR/0001.eml")
ann_ticket=$(db "SELECT max(id) FROM tickets")
ann_outbox=$(db "SELECT max(id) FROM outbox")
check "erase Ann" pd person erase ann@example.org
is "her ticket is gone" "$(db "SELECT count(*) FROM tickets")" 0
mail "$TEST_TMP/bob.eml" 'Bob <bob@example.org>' support@example.com 'Bob question' <<<"Hello from Bob."
is "Bob's mail is taken" "$(deliver "$TEST_TMP/bob.eml")" 0
bob_ticket=$(db "SELECT max(id) FROM tickets")
check "Bob's ticket has a new number" test "$bob_ticket" -gt "$ann_ticket"
check "Bob's acknowledgement has a new outbox number" test "$(db "SELECT max(id) FROM outbox")" -gt "$ann_outbox"
mail "$TEST_TMP/ann2.eml" 'Ann <ann@example.org>' "$reply_to" 'Re: Ann question' <<<"Ann again, ANN-SECRET-2."
is "Ann replies to her old address" "$(deliver "$TEST_TMP/ann2.eml" --recipient "$reply_to")" 0
is "her reply is not on Bob's ticket" \
	"$(db "SELECT count(*) FROM messages WHERE ticket_id = $bob_ticket AND from_addr = 'ann@example.org'")" 0
is "Bob's ticket holds only Bob's mail and its answer" \
	"$(db "SELECT count(*) FROM messages WHERE ticket_id = $bob_ticket")" 2

# the same after a purge of closed tickets
cat >>"$POSTDESK_HOME/postdesk.conf" <<'CONF'

[retention]
closed_tickets = 1d
CONF
db "UPDATE tickets SET state = 'closed', updated_at = 0, resolved_at = 0, closed_at = 0"
check "purge" pd purge
top=$(db "SELECT coalesce (max(id), 0) FROM tickets")
is "the purge removed the closed tickets" "$top" 0
mail "$TEST_TMP/carol.eml" 'Carol <carol@example.org>' support@example.com 'Carol question' <<<"Hello from Carol."
is "Carol's mail is taken" "$(deliver "$TEST_TMP/carol.eml")" 0
check "Carol's ticket has a number never given before" \
	test "$(db "SELECT max(id) FROM tickets")" -gt "$(db "SELECT max(n) FROM id_floor WHERE name = 'tickets'")"
finish
