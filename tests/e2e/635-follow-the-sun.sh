#!/bin/bash
# Follow-the-sun (`[queue support] follow_the_sun = yes`): agents in Berlin, New York and Tokyo
# with their working hours. New tickets go to the agent on shift (who alone is notified); at
# the end of a shift `tick` hands the agent's open tickets to the agents then on shift: one
# hand-off, a 'handoff' note in each ticket's history, one mail to the receiving agent, also
# with two ticks at once and ticks after it. When nobody is on shift nothing moves and a later
# tick does it. An escalated ticket nobody on shift had goes to the next agent on shift. A
# queue without follow_the_sun is left alone.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"

start_capture
pd_setup
sed -i 's/^tag = SUPPORT$/tag = SUPPORT\nfollow_the_sun = yes   # hand tickets on at shift ends\nfirst_response = 1h/' "$POSTDESK_HOME/postdesk.conf"
# shifts in UTC (winter): alice 08-16, maria 14-22, kenji 21-05
check "alice in Berlin" pd agent add alice@example.com --name "Alice Agent" --queues support --tz Europe/Berlin --hours 09:00-17:00
check "maria in New York" pd agent add maria@example.com --name "Maria Agent" --queues support --tz America/New_York --hours 09:00-17:00
check "kenji in Tokyo" pd agent add kenji@example.com --name "Kenji Agent" --queues support --tz Asia/Tokyo --hours 06:00-14:00
check "bob on sales, no hours" pd agent add bob@example.com --name "Bob Agent" --queues support,sales

customer() { # AT FROM TO SUBJECT
	mail "$TEST_TMP/m.eml" "$2" "$3" "$4" <<<"Hello."
	is "deliver $4" "$(POSTDESK_NOW=$1 deliver "$TEST_TMP/m.eml")" 0
}
assignee() { pd ticket show "$1" --json | json '.assignee'; }
handoffs() { db "SELECT count(*) FROM events WHERE kind = 'handoff'"; }
handoff_mails() { pd outbox list --json | jq '[.[] | select(.kind == "handoff")] | length'; }
tick() { POSTDESK_NOW=$1 "$POSTDESK" tick --json 2>>"$LOG"; }

# Monday 30 Nov: 11:00 in Berlin, Alice alone is on shift
customer 2026-11-30T10:00:00Z 'Ann <ann@customer.example>' support@example.com "Invoice wrong"
customer 2026-11-30T10:30:00Z 'Cy <cy@customer.example>' support@example.com "Login fails"
customer 2026-11-30T10:40:00Z 'Eve <eve@customer.example>' sales@example.com "Price list"
is "a new ticket goes to the agent on shift" "$(assignee 1)" alice@example.com
is "the next one too (nobody else on shift)" "$(assignee 2)" alice@example.com
is "the assignment is in the history" "$(pd ticket show 1 --json | jq -r '.events[] | select(.kind == "assign") | .actor + ": " + .detail')" \
	"postdesk: assigned to alice@example.com (follow-the-sun: on shift)"
is "only the assignee is notified" "$(pd outbox list --json | jq -c '[.[] | select(.kind == "notify" and .ticket == 1) | .rcpt]')" '["alice@example.com"]'
is "a queue without follow_the_sun: unassigned" "$(assignee 3)" null

# a second before Alice's shift ends (17:00 Berlin = 16:00 UTC): nothing moves
is "tick before the shift end: no hand-off" "$(tick 2026-11-30T15:59:59Z | jq .handoffs)" 0
is "still alice's" "$(assignee 1)" alice@example.com

# after it, two schedulers at once: Maria (New York, on shift) gets both, once
tick 2026-11-30T16:00:30Z >"$TEST_TMP/t1" &
p1=$!
tick 2026-11-30T16:00:30Z >"$TEST_TMP/t2" &
p2=$!
wait "$p1" "$p2"
is "two ticks at once: one hand-off" "$(cat "$TEST_TMP/t1" "$TEST_TMP/t2" | jq -s 'map(.handoffs) | add')" 1
is "two tickets handed" "$(cat "$TEST_TMP/t1" "$TEST_TMP/t2" | jq -s 'map(.handed) | add')" 2
is "ticket 1 is maria's" "$(assignee 1)" maria@example.com
is "ticket 2 is maria's" "$(assignee 2)" maria@example.com
is "a hand-off note in each history" "$(handoffs)" 2
is "the note says who, to whom and why" "$(pd ticket show 1 --json | jq -r '.events[] | select(.kind == "handoff") | .detail')" \
	"from alice@example.com to maria@example.com: Alice Agent's shift ended at 2026-11-30 16:00 UTC"
is "one mail to the receiving agent" "$(pd outbox list --json | jq -c '[.[] | select(.kind == "handoff") | .rcpt]')" '["maria@example.com"]'
is "the ledger: one row for alice's shift end" "$(db "SELECT agent_id, shift_end, tickets FROM handoffs")" "1|$(date -u -d 2026-11-30T16:00:00Z +%s)|2"
is "the sales ticket stays unassigned" "$(assignee 3)" null
is "tick again later: no second hand-off" "$(tick 2026-11-30T16:05:00Z | jq .handoffs)" 0
is "still two notes, one mail" "$(handoffs) $(handoff_mails)" "2 1"

# the mail
POSTDESK_NOW=2026-11-30T16:06:00Z check "send" pd send
m=$(grep -l '^To: .*maria@example.com' "$CAPTURE_DIR"/*.eml | head -n 1)
check "maria got the hand-off mail" test -n "$m"
if [ -n "$m" ]; then
	is "subject" "$(header Subject "$m")" "Hand-off: 2 tickets from Alice Agent"
	is "automatic" "$(header Auto-Submitted "$m")" auto-generated
	check "it lists ticket 1" grep -q '^  \[SUPPORT #1\] Invoice wrong (new, priority normal, queue support)' "$m"
	check "it lists ticket 2" grep -q '^  \[SUPPORT #2\] Login fails' "$m"
fi

# Maria's shift ends at 22:00 UTC; Kenji (06:00 in Tokyo) takes over
is "maria's shift end: one hand-off" "$(tick 2026-11-30T22:00:30Z | jq .handoffs)" 1
is "ticket 1 is kenji's" "$(assignee 1)" kenji@example.com
is "four notes, two mails" "$(handoffs) $(handoff_mails)" "4 2"

# Tuesday 05:30 UTC: nobody is on shift; a new ticket stays unassigned and is escalated at 06:30
customer 2026-12-01T05:30:00Z 'Fay <fay@customer.example>' support@example.com "Night question"
is "nobody on shift: unassigned" "$(assignee 4)" null
is "kenji's shift ended, nobody to take over: nothing moves" "$(tick 2026-12-01T06:31:00Z | jq -c '[.handoffs, .escalations]')" '[0,1]'
is "ticket 1 still kenji's" "$(assignee 1)" kenji@example.com
is "no ledger row for a hand-off that did not happen" "$(db "SELECT count(*) FROM handoffs")" 2
# 08:00:30 UTC: Alice is back; kenji's tickets and the escalated ticket go to her
out=$(tick 2026-12-01T08:00:30Z)
is "a later tick hands kenji's tickets over" "$(echo "$out" | jq .handoffs)" 1
is "ticket 1 back with alice" "$(assignee 1)" alice@example.com
is "the escalated ticket goes to the agent on shift" "$(assignee 4)" alice@example.com
is "its history says why" "$(pd ticket show 4 --json | jq -r '[.events[] | select(.kind == "assign") | .detail] | last')" \
	"assigned to alice@example.com (follow-the-sun: escalated, on shift)"
is "in all: six notes, three mails, three ledger rows" "$(handoffs) $(handoff_mails) $(db "SELECT count(*) FROM handoffs")" "6 3 3"
is "metrics count the hand-offs" "$(db "SELECT count(*) FROM events WHERE kind = 'handoff'")" 6
finish
