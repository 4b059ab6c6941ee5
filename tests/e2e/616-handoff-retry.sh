#!/bin/bash
# A shift end whose tickets partly find nobody on shift (issue 13, sla2): the tickets of the
# staffed queue are handed off at once; those of the unstaffed queue are not recorded as done
# but tried again at each later run, and handed when someone comes on shift, still exactly
# once (a claim per ticket, also with two schedulers at once).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"

pd_setup
sed -i -e 's/^tag = SUPPORT$/tag = SUPPORT\nfollow_the_sun = yes/' -e 's/^tag = SALES$/tag = SALES\nfollow_the_sun = yes/' \
	"$POSTDESK_HOME/postdesk.conf"
# all in UTC: alice 08-16 on both queues; maria 15-23 on support; carl 18-23 on sales
check "alice" pd agent add alice@example.com --name "Alice Agent" --queues support,sales --hours 'Mon-Fri 08:00-16:00'
check "maria" pd agent add maria@example.com --name "Maria Agent" --queues support --hours 'Mon-Fri 15:00-23:00'
check "carl" pd agent add carl@example.com --name "Carl Agent" --queues sales --hours 'Mon-Fri 18:00-23:00'

customer() { # AT TO SUBJECT
	mail "$TEST_TMP/m.eml" 'Ann <ann@customer.example>' "$2" "$3" <<<"Hello."
	is "deliver $3" "$(POSTDESK_NOW=$1 deliver "$TEST_TMP/m.eml")" 0
}
assignee() { pd ticket show "$1" --json | json '.assignee'; }
tick() { POSTDESK_NOW=$1 "$POSTDESK" tick --json 2>>"$LOG"; }
mails_to() { pd outbox list --json | jq "[.[] | select(.kind == \"handoff\" and .rcpt == \"$1\")] | length"; }
notes() { db "SELECT count(*) FROM events WHERE kind = 'handoff' AND ticket_id = $1"; }

customer 2026-11-30T10:00:00Z support@example.com "Support question"
customer 2026-11-30T10:30:00Z sales@example.com "Sales question"
is "both are alice's" "$(assignee 1) $(assignee 2)" "alice@example.com alice@example.com"

# 16:00: alice's shift ends; maria is on shift for support, nobody for sales until 18:00
tick 2026-11-30T16:00:30Z >>"$LOG"
is "the support ticket goes to maria" "$(assignee 1)" maria@example.com
is "the sales ticket stays with alice for now" "$(assignee 2)" alice@example.com
tick 2026-11-30T17:00:00Z >>"$LOG"
is "an hour later, still nobody for sales" "$(assignee 2)" alice@example.com

# 18:00: carl comes on shift; the next runs (two at once) hand the sales ticket over, once
tick 2026-11-30T18:00:30Z >"$TEST_TMP/t1" &
p1=$!
tick 2026-11-30T18:00:30Z >"$TEST_TMP/t2" &
p2=$!
wait "$p1" "$p2"
is "the waiting ticket is handed on at the next run" "$(assignee 2)" carl@example.com
is "two ticks at once: handed once" "$(cat "$TEST_TMP/t1" "$TEST_TMP/t2" | jq -s 'map(.handed) | add')" 1
is "one note on it" "$(notes 2)" 1
is "the note names alice's shift end" "$(pd ticket show 2 --json | jq -r '.events[] | select(.kind == "handoff") | .detail')" \
	"from alice@example.com to carl@example.com: Alice Agent's shift ended at 2026-11-30 16:00 UTC"
is "one mail to carl" "$(mails_to carl@example.com)" 1
tick 2026-11-30T18:30:00Z >>"$LOG"
is "later runs: nothing more" "$(notes 1) $(notes 2) $(mails_to maria@example.com) $(mails_to carl@example.com)" "1 1 1 1"
is "the ledger: one row for the shift end, both tickets in it" \
	"$(db "SELECT h.tickets, (SELECT count(*) FROM handoff_tickets k WHERE k.handoff_id = h.id AND k.handed_at IS NOT NULL) FROM handoffs h")" "2|2"

# a ticket given back to alice by hand after her shift end was handed is left alone
db "UPDATE tickets SET assignee = (SELECT id FROM agents WHERE address = 'alice@example.com') WHERE id = 1" >/dev/null
tick 2026-11-30T18:40:00Z >>"$LOG"
is "a ticket handed once for that shift end is not handed again" "$(assignee 1)" alice@example.com

# erasing an agent who handed tickets off: the ledger rows pointing at it go with it
check "person erase of an agent with hand-offs succeeds" pd person erase alice@example.com
is "no ledger rows of hers" "$(db "SELECT count(*) FROM handoffs") $(db "SELECT count(*) FROM handoff_tickets")" "0 0"
is "the tickets stay" "$(db "SELECT count(*) FROM tickets")" 2
finish
