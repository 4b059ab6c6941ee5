#!/bin/bash
# Agents' hours in the calendar's form (issue 13, sla2): `agent add/set --hours` takes
# "Mon-Fri 09:00-17:00", several items and ranges, overnight ranges, and the older
# "HH:MM-HH:MM" (every day); follow-the-sun uses the weekdays. An escalated ticket the
# scheduler gives to the agent on shift is mailed to that agent, like a hand-off.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"

pd_setup
sed -i 's/^tag = SUPPORT$/tag = SUPPORT\nfollow_the_sun = yes\nfirst_response = 1h/' "$POSTDESK_HOME/postdesk.conf"

# the forms --hours takes, and what it refuses
check "weekdays" pd agent add alice@example.com --name "Alice Agent" --queues support --tz Europe/Berlin --hours 'Mon-Fri 09:00-17:00'
check "weekend days as a list" pd agent add sam@example.com --name "Sam Agent" --queues support --tz Europe/Berlin --hours 'Sat,Sun 10:00-18:00'
check "several items and ranges" pd agent add pat@example.com --name "Pat" --queues sales --hours 'Mon-Thu 09:00-12:00, 13:00-17:00; Fri 09:00-13:00'
check "overnight with weekdays" pd agent add nia@example.com --name "Nia" --queues sales --hours 'Sun-Thu 22:00-06:00'
check "the older form (every day)" pd agent add old@example.com --name "Old" --queues sales --hours '09:00-17:00'
check "overnight in the older form" pd agent set old@example.com --hours '22:00-06:00'
check "agent set takes the new form" pd agent set old@example.com --hours 'Mon-Fri 08:00-16:00'
is "the hours are stored as given" "$(pd agent list --json | jq -r '.[] | select(.address == "pat@example.com") | .hours')" \
	'Mon-Thu 09:00-12:00, 13:00-17:00; Fri 09:00-13:00'
check "a bad day is refused" bash -c "! '$POSTDESK' agent set old@example.com --hours 'Mon-Fry 09:00-17:00' 2>/dev/null"
check "hours without times are refused" bash -c "! '$POSTDESK' agent set old@example.com --hours 'Mon-Fri' 2>/dev/null"
check "the refusal shows the form" bash -c "'$POSTDESK' agent set old@example.com --hours '9-5' 2>&1 | grep -q 'Mon-Fri 09:00-17:00'"

customer() { # AT SUBJECT
	mail "$TEST_TMP/m.eml" 'Ann <ann@customer.example>' support@example.com "$2" <<<"Hello."
	is "deliver $2" "$(POSTDESK_NOW=$1 deliver "$TEST_TMP/m.eml")" 0
}
assignee() { pd ticket show "$1" --json | json '.assignee'; }
tick() { POSTDESK_NOW=$1 "$POSTDESK" tick --json 2>>"$LOG"; }

# Friday 4 Dec 2026, 11:00 in Berlin: Alice's weekday
customer 2026-12-04T10:00:00Z "Friday question"
is "on a weekday: the weekday agent" "$(assignee 1)" alice@example.com
# Saturday 11:00 in Berlin: Alice's 09:00-17:00 no longer counts on a Saturday
customer 2026-12-05T10:00:00Z "Saturday question"
is "on a Saturday: the weekend agent, not the weekday one" "$(assignee 2)" sam@example.com
# Alice's Friday shift ended at 16:00 UTC; Sam starts Saturday 09:00 UTC
is "Saturday morning: Alice's ticket goes to Sam" "$(tick 2026-12-05T10:00:30Z | jq -c '[.handoffs, .handed]')" '[1,1]'
is "ticket 1 is Sam's" "$(assignee 1)" sam@example.com
is "the note names Friday's shift end" "$(pd ticket show 1 --json | jq -r '.events[] | select(.kind == "handoff") | .detail')" \
	"from alice@example.com to sam@example.com: Alice Agent's shift ended at 2026-12-04 16:00 UTC"

# Sunday 17:30 UTC (18:30 Berlin): nobody is on shift; the ticket is escalated at 18:30 UTC
customer 2026-12-06T17:30:00Z "Sunday evening"
is "nobody on shift: unassigned" "$(assignee 3)" null
tick 2026-12-06T18:31:00Z >>"$LOG"
is "escalated, still nobody on shift" "$(assignee 3)" null
is "no assignment mail yet" "$(pd outbox list --json | jq '[.[] | select(.kind == "assign")] | length')" 0
# Monday 09:00 Berlin: Alice is on shift and gets the escalated ticket, and a mail saying so
tick 2026-12-07T08:00:30Z >>"$LOG"
is "the escalated ticket goes to the agent on shift" "$(assignee 3)" alice@example.com
is "one mail, to her" "$(pd outbox list --json | jq -c '[.[] | select(.kind == "assign") | [.rcpt, .ticket]]')" '[["alice@example.com",3]]'
id=$(pd outbox list --json | jq '[.[] | select(.kind == "assign")][0].id')
pd outbox show "$id" | tr -d '\r' >"$TEST_TMP/assign.eml"
is "its subject names the ticket" "$(header Subject "$TEST_TMP/assign.eml")" "Escalated: [SUPPORT #3] Sunday evening"
is "automatic" "$(header Auto-Submitted "$TEST_TMP/assign.eml")" auto-generated
check "it says why" grep -q 'passed its first response target' "$TEST_TMP/assign.eml"
tick 2026-12-07T08:05:00Z >>"$LOG"
is "a later tick sends no second mail" "$(pd outbox list --json | jq '[.[] | select(.kind == "assign")] | length')" 1
finish
