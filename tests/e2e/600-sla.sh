#!/bin/bash
# Service levels in business hours: a calendar (Europe/Berlin, Mon-Fri 09:00-17:00, holidays)
# used by the support queue; POSTDESK_NOW sets the clock. `ticket show --json` has the due
# times to the second; `tick` at 74% of the first-response target sends nothing, at 76% one
# reminder to the agent, again nothing; after the breach one escalation to the escalation
# address. Inside `serve` the scheduler fires too, once, also after a restart; two `tick`s
# at once fire each timer once. Reprioritising with #priority moves the due times.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"

start_capture
serve_setup 'tick_interval = 1' '[calendar office]' 'timezone = Europe/Berlin' \
	'hours = Mon-Fri 09:00-17:00' 'holidays = 2026-12-24;2026-12-25;2026-12-26'
sed -i 's/^tag = SUPPORT$/tag = SUPPORT\ncalendar = office\nfirst_response = 4h         # business hours\nresolution = 3d\nfirst_response.urgent = 1h\nreminder = 75%\nescalation = Boss@Example.com\npause_when_waiting = true/' "$POSTDESK_HOME/postdesk.conf"
check "agent add" pd agent add alice@example.com --name "Alice Agent" --queues support

sla_kind() { # KIND [TICKET]: outbox rows of kind sla-KIND (of TICKET)
	pd outbox list --json | jq "[.[] | select(.kind == \"sla-$1\")${2:+ | select(.ticket == $2)}] | length"
}
timers() { db "SELECT count(*) FROM sla_timers WHERE kind = '$1'${2:+ AND ticket_id = $2}"; }

# Monday 30 Nov 2026 10:00 in Berlin (CET, 09:00 UTC)
export POSTDESK_NOW=2026-11-30T10:00:00+01:00
mail "$TEST_TMP/c1.eml" 'Ann Customer <ann@customer.example>' support@example.com "Broken invoice" <<<"The invoice total is wrong."
is "deliver exits 0" "$(deliver "$TEST_TMP/c1.eml")" 0
show=$(pd ticket show 1 --json)
is "first response due 4 business hours later" "$(echo "$show" | json .sla.first_response_due)" 2026-11-30T13:00:00Z
is "resolution due 3 business days later" "$(echo "$show" | json .sla.resolution_due)" 2026-12-03T09:00:00Z

# Friday 4 Dec 16:00: 1 h on Friday, 3 h on Monday; resolution over the weekend
export POSTDESK_NOW=$(date -u -d 2026-12-04T15:00:00Z +%s)
mail "$TEST_TMP/c2.eml" 'Bob Customer <bob@customer.example>' support@example.com "Friday question" <<<"Help before the weekend."
is "deliver (Unix-seconds clock) exits 0" "$(deliver "$TEST_TMP/c2.eml")" 0
show=$(pd ticket show 2 --json)
is "Friday 16:00 + 4h: Monday 12:00 CET" "$(echo "$show" | json .sla.first_response_due)" 2026-12-07T11:00:00Z
is "Friday 16:00 + 3d: Wednesday 16:00 CET" "$(echo "$show" | json .sla.resolution_due)" 2026-12-09T15:00:00Z
is "the ticket was created at the set clock" "$(echo "$show" | json .created_at)" "$(date -u -d 2026-12-04T15:00:00Z +%s)"

# a ticket in the sales queue (no policy) has null due times
export POSTDESK_NOW=2026-11-30T10:00:00Z
mail "$TEST_TMP/s1.eml" 'Cy <cy@customer.example>' sales@example.com "Price list" <<<"Prices?"
deliver "$TEST_TMP/s1.eml" >/dev/null
is "no target: first_response_due null" "$(pd ticket show 3 --json | json .sla.first_response_due)" null
is "no target: resolution_due null" "$(pd ticket show 3 --json | json .sla.resolution_due)" null

# ticket 1's first response: 4 h from 09:00Z; 74% = 11:57:36Z, 76% = 12:02:24Z
POSTDESK_NOW=2026-11-30T11:57:36Z pd tick >>"$LOG"
is "tick at 74%: no reminder" "$(sla_kind reminder)" 0
POSTDESK_NOW=2026-11-30T12:02:24Z pd tick >>"$LOG"
is "tick at 76%: one reminder" "$(sla_kind reminder)" 1
is "the reminder goes to the agent" "$(pd outbox list --json | jq -r '[.[] | select(.kind == "sla-reminder")][0].rcpt')" alice@example.com
POSTDESK_NOW=2026-11-30T12:30:00Z pd tick >>"$LOG"
is "tick again: no second reminder" "$(sla_kind reminder)" 1
POSTDESK_NOW=2026-11-30T12:59:59Z pd tick >>"$LOG"
is "a second before the breach: no escalation" "$(sla_kind escalation)" 0
POSTDESK_NOW=2026-11-30T13:00:00Z pd tick >>"$LOG"
is "at the breach: one escalation" "$(sla_kind escalation 1)" 1
is "to the escalation address" "$(pd outbox list --json | jq -r '[.[] | select(.kind == "sla-escalation")][0].rcpt')" boss@example.com
POSTDESK_NOW=2026-11-30T14:00:00Z pd tick >>"$LOG"
is "after the breach: still one escalation" "$(sla_kind escalation 1)" 1

# the mails: automatic, threaded per ticket, with the usual headers
POSTDESK_NOW=2026-11-30T14:00:00Z pd send >>"$LOG"
rem=$(grep -l '^X-Postdesk-SLA: reminder first_response' "$CAPTURE_DIR"/*.eml | head -n 1)
esc=$(grep -l '^X-Postdesk-SLA: escalation first_response' "$CAPTURE_DIR"/*.eml | head -n 1)
check "the reminder was delivered" test -n "$rem"
check "the escalation was delivered" test -n "$esc"
if [ -n "$rem" ] && [ -n "$esc" ]; then
	is "reminder: Auto-Submitted" "$(header Auto-Submitted "$rem")" auto-generated
	is "escalation: Auto-Submitted" "$(header Auto-Submitted "$esc")" auto-generated
	is "reminder: X-Loop" "$(header X-Loop "$rem")" support@example.com
	is "reminder: threaded with the ticket's notifications" "$(header In-Reply-To "$rem")" "<pd.ticket.1@example.com>"
	check "reminder subject names the ticket and the due time" grep -q '^Subject: \[SUPPORT #1\] Reminder: first response due 2026-11-30 13:00 UTC' "$rem"
	check "escalation subject says breached" grep -q '^Subject: \[SUPPORT #1\] SLA breached: first response' "$esc"
	check "the reminder's Reply-To is the signed agent address" sh -c "grep -Eq '^Reply-To: support\\+a1-[0-9a-f]{12}@example.com' '$rem'"
fi


# serve runs the scheduler: ticket 2's first response (Mon 7 Dec 11:00Z) is breached at 12:00Z
export POSTDESK_NOW=2026-12-07T12:00:00Z
serve_start
check "serve escalates ticket 2" wait_for 20 db_is 1 "SELECT count(*) FROM sla_timers WHERE ticket_id = 2 AND kind = 'escalation' AND target = 'first_response'"
is "a reminder overtaken by the breach is recorded without mail" "$(db "SELECT count(*) FROM sla_timers WHERE ticket_id = 2 AND kind = 'reminder' AND target = 'first_response' AND outbox_id IS NULL")" 1
sleep 2
serve_stop
is "serve stopped cleanly" "$SERVE_RC" 0
# (ticket 2's notification was queued on 4 Dec; serve, now on 7 Dec, has delivered it)
n2=$(grep -l '^SLA: ' $(grep -l '^Subject: \[SUPPORT #2\] Friday question' "$CAPTURE_DIR"/*.eml) | head -n 1)
check "the agents' notification shows the business-hours due time" grep -q '^SLA: first response due 2026-12-07 11:00 UTC' "$n2"
serve_start
sleep 3
serve_stop
is "after a restart of serve: still one escalation of ticket 2" "$(sla_kind escalation 2)" 1
is "after a restart: no second timer row" "$(timers escalation 2)" 1

# two ticks at once: ten tickets breach together, each escalates exactly once
export POSTDESK_NOW=2026-12-14T10:00:00+01:00
for i in $(seq 1 10); do
	mail "$TEST_TMP/r$i.eml" "R$i <r$i@customer.example>" support@example.com "Race $i" <<<"race $i"
	deliver "$TEST_TMP/r$i.eml" >/dev/null
done
export POSTDESK_NOW=2026-12-14T16:00:00+01:00
"$POSTDESK" tick >>"$LOG" 2>&1 &
p1=$!
"$POSTDESK" tick >>"$LOG" 2>&1 &
p2=$!
"$POSTDESK" tick >>"$LOG" 2>&1
wait $p1; r1=$?
wait $p2; r2=$?
is "concurrent ticks succeed" "$r1 $r2" "0 0"
is "ten breached tickets: ten escalation mails" "$(pd outbox list --json | jq '[.[] | select(.kind == "sla-escalation" and .ticket > 3)] | length')" 10
is "each ticket exactly one" "$(db "SELECT count(*) FROM (SELECT ticket_id FROM sla_timers WHERE kind = 'escalation' AND target = 'first_response' GROUP BY ticket_id HAVING count(*) > 1)")" 0
is "events: one sla-escalation per ticket" "$(db "SELECT count(*) FROM events WHERE kind = 'sla-escalation' AND ticket_id > 3")" 10

# the clock pauses while the customer is awaited; #priority moves the first-response target.
# Mon 21 Dec 10:00 CET + 3 business days (24-26 Dec are holidays): Mon 28 Dec 10:00 CET
export POSTDESK_NOW=2026-12-21T10:00:00+01:00
mail "$TEST_TMP/p1.eml" 'Pat Customer <pat@customer.example>' support@example.com "Paused" <<<"Please look."
deliver "$TEST_TMP/p1.eml" >/dev/null
is "ticket 14: resolution due over the holidays" "$(pd ticket show 14 --json | json .sla.resolution_due)" 2026-12-28T09:00:00Z
pd send >>"$LOG"
note=$(grep -l '^Subject: \[SUPPORT #14\] Paused' $(grep -l '"alice@example.com"' "$CAPTURE_DIR"/*.json | sed 's/json$/eml/') | head -n 1)
agent_addr=$(header From "$note" | grep -Eo 'support\+a14-[0-9a-f]{12}@example.com')
check "the agent's signed address of ticket 14" test -n "$agent_addr"
{
	printf 'From: Alice Agent <alice@example.com>\nTo: %s\nSubject: Re: [SUPPORT #14] Paused\n' "$agent_addr"
	printf 'Message-ID: <a14.%s@example.com>\nDate: Mon, 21 Dec 2026 11:00:00 +0000\n\n' "$RANDOM"
	printf '#priority urgent\n\nWe are looking at it; which invoice number is it?\n'
} >"$TEST_TMP/a14.eml"
export POSTDESK_NOW=2026-12-21T12:00:00+01:00
is "the agent's reply is accepted" "$(deliver "$TEST_TMP/a14.eml" --recipient "$agent_addr")" 0
show=$(pd ticket show 14 --json)
is "#priority urgent: first response due 1 business hour after creation" "$(echo "$show" | json .sla.first_response_due)" 2026-12-21T10:00:00Z
is "the agent answered: the resolution clock is paused (null)" "$(echo "$show" | json .sla.resolution_due)" null
is "22 business hours were left" "$(db "SELECT due_left FROM sla_targets WHERE ticket_id = 14 AND target = 'resolution'")" 79200
POSTDESK_NOW=2026-12-29T12:00:00+01:00 pd tick >>"$LOG"
is "no timer fires while paused" "$(timers escalation 14)" 0
# the customer answers on Tue 22 Dec 10:00 CET: 22 h from then is Mon 28 Dec 16:00 CET
export POSTDESK_NOW=2026-12-22T10:00:00+01:00
mail "$TEST_TMP/p2.eml" 'Pat Customer <pat@customer.example>' support@example.com "Re: [SUPPORT #14] Paused" <<<"Invoice 4711."
deliver "$TEST_TMP/p2.eml" >/dev/null
is "the customer's mail threads onto ticket 14" "$(pd ticket show 14 --json | json '[.messages[] | select(.direction == "in")][-1].from')" pat@customer.example
is "the clock runs again with the time it had left" "$(pd ticket show 14 --json | json .sla.resolution_due)" 2026-12-28T15:00:00Z

# the cut-off form in a third queue: before 14:00 due at the close, after it 11:00 next day
printf '\n[queue billing]\naddress = billing@example.com\ncalendar = office\nfirst_response = cutoff\n' >>"$POSTDESK_HOME/postdesk.conf"
export POSTDESK_NOW=2026-12-01T13:59:00+01:00
mail "$TEST_TMP/b1.eml" 'Bea <bea@customer.example>' billing@example.com "Before" <<<"before"
deliver "$TEST_TMP/b1.eml" >/dev/null
export POSTDESK_NOW=2026-12-01T14:01:00+01:00
mail "$TEST_TMP/b2.eml" 'Bea <bea@customer.example>' billing@example.com "After" <<<"after"
deliver "$TEST_TMP/b2.eml" >/dev/null
b1=$(pd ticket list --json | jq '[.[] | select(.subject == "Before")][0].id')
b2=$(pd ticket list --json | jq '[.[] | select(.subject == "After")][0].id')
is "cut-off: received 13:59, due at 17:00 the same day" "$(pd ticket show "$b1" --json | json .sla.first_response_due)" 2026-12-01T16:00:00Z
is "cut-off: received 14:01, due at 11:00 the next day" "$(pd ticket show "$b2" --json | json .sla.first_response_due)" 2026-12-02T10:00:00Z
is "cut-off queue without resolution target: null" "$(pd ticket show "$b2" --json | json .sla.resolution_due)" null

# a bad clock or calendar is a clear error
POSTDESK_NOW=yesterday pd ticket list >/dev/null
check "a malformed POSTDESK_NOW is reported" grep -q 'POSTDESK_NOW="yesterday"' "$LOG"
cp "$POSTDESK_HOME/postdesk.conf" "$TEST_TMP/good.conf"
sed -i 's/^hours = Mon-Fri 09:00-17:00$/hours = Mon-Fri 9-5/' "$POSTDESK_HOME/postdesk.conf"
pd ticket list >/dev/null
is "a malformed calendar: exit 78" "$?" 78
check "the error names the section" grep -q 'calendar office.*hours' "$LOG"
cp "$TEST_TMP/good.conf" "$POSTDESK_HOME/postdesk.conf"
sed -i 's/^calendar = office$/calendar = nowhere/' "$POSTDESK_HOME/postdesk.conf"
pd ticket list >/dev/null
is "an unknown calendar: exit 78" "$?" 78
cp "$TEST_TMP/good.conf" "$POSTDESK_HOME/postdesk.conf"
sed -i 's/^reminder = 75%$/reminder = 175%/' "$POSTDESK_HOME/postdesk.conf"
pd ticket list >/dev/null
is "reminder = 175%: exit 78" "$?" 78
cp "$TEST_TMP/good.conf" "$POSTDESK_HOME/postdesk.conf"
sed -i 's/^tag = SALES$/tag = SALES\nfirst_response = cutoff/' "$POSTDESK_HOME/postdesk.conf"
pd ticket list >/dev/null
is "cutoff without a calendar: exit 78" "$?" 78
check "and says why" grep -q 'cutoff needs a calendar' "$LOG"
cp "$TEST_TMP/good.conf" "$POSTDESK_HOME/postdesk.conf"

finish
