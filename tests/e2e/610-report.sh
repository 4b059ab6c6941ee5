#!/bin/bash
# Reports on a known data set (lib-report.sh): the exact figures of `report sla|volume|agents|
# bounces|usage` in JSON and CSV, --queue, the window, the text form, and bad arguments.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"
. "$(dirname "$0")/lib-report.sh"

report_setup
report_data
export POSTDESK_NOW=2026-12-02T00:00:00Z
W=(--since 2026-11-30 --until 2026-12-02)
rep() { pd report "$1" "${W[@]}" "${@:2}"; }
csv() { rep "$1" --format csv "${@:2}" | tr -d '\r'; }

is "the data set: 4 tickets" "$(pd ticket list --json | jq length)" 4
is "ticket 3's acknowledgement was refused" "$(db "SELECT count(*) FROM events WHERE kind = 'ack-refused' AND ticket_id = 3")" 1

# ---- sla ----
j=$(rep sla --format json)
is "sla json: report name and window" "$(echo "$j" | jq -r '[.report, .since, .until, .queue] | join(" ")')" "sla 2026-11-30T00:00:00Z 2026-12-02T00:00:00Z "
is "sla: first response met/breached/running/%" \
	"$(echo "$j" | jq -c '.attainment[] | select(.target == "first_response") | [.queue, .priority, .met, .breached, .pending, .attainment_pct]')" \
	'["support","normal",1,2,0,33.3]'
is "sla: resolution met/breached/running/%" \
	"$(echo "$j" | jq -c '.attainment[] | select(.target == "resolution") | [.queue, .priority, .met, .breached, .pending, .attainment_pct]')" \
	'["support","normal",1,2,0,33.3]'
is "sla: no targets in sales, so no attainment rows for it" "$(echo "$j" | jq '[.attainment[] | select(.queue == "sales")] | length')" 0
is "sla times: support" "$(echo "$j" | jq -c '.times[] | select(.queue == "support") | [.tickets, .responded, .first_response_median, .first_response_p90, .resolved, .cycle_median, .cycle_p90, .same_day, .same_day_pct]')" \
	'[3,2,1800,7200,1,7200,7200,1,33.3]'
is "sla times: sales (nothing resolved: null times)" "$(echo "$j" | jq -c '.times[] | select(.queue == "sales") | [.tickets, .responded, .first_response_median, .first_response_p90, .resolved, .cycle_median, .cycle_p90, .same_day, .same_day_pct]')" \
	'[1,1,7200,7200,0,null,null,0,0]'
is "sla times: all queues" "$(echo "$j" | jq -c '.times[] | select(.queue == "(all)") | [.tickets, .responded, .first_response_median, .first_response_p90, .resolved, .cycle_median, .same_day_pct]')" \
	'[4,3,7200,7200,1,7200,25]'
check "sla json: percentages keep their decimal" grep -q '"same_day_pct":25.0}' <<<"$j"
c=$(csv sla)
check "sla csv: the attainment header" grep -qx 'section,queue,priority,target,met,breached,pending,attainment_pct,label' <<<"$c"
check "sla csv: first response row" grep -qx 'attainment,support,normal,first_response,1,2,0,33.3,support normal first response' <<<"$c"
check "sla csv: times of sales, nulls empty" grep -qx 'times,sales,1,1,7200,7200,0,,,0,0.0' <<<"$c"
is "sla --queue sales: only sales" "$(rep sla --queue sales --format json | jq -c '[.queue, (.times | map(.queue))]')" '["sales",["sales"]]'
# the window: only the second day has ticket 4
is "sla --since 2026-12-01: one ticket" "$(pd report sla --since 2026-12-01 --until 2026-12-02 --format json | jq '.times[] | select(.queue == "(all)") | .tickets')" 1
# an earlier clock: at 10:30 on the first day ticket 1 was answered and ticket 2 still had half
# an hour (what happened later does not count yet)
is "sla at an earlier clock: a target still running" \
	"$(POSTDESK_NOW=2026-11-30T10:30:00Z pd report sla --since 2026-11-30 --until 2026-11-30T10:30:00Z --format json | jq -c '.attainment[] | select(.target == "first_response") | [.met, .breached, .pending]')" \
	'[1,0,1]'

# ---- volume ----
j=$(rep volume --format json)
is "volume: one row per day of the window" "$(echo "$j" | jq -c '[.days[].day]')" '["2026-11-30","2026-12-01"]'
is "volume: 30 Nov" "$(echo "$j" | jq -c '.days[0] | [.created, .customer_mails, .replies, .resolved]')" '[3,3,2,1]'
is "volume: 1 Dec" "$(echo "$j" | jq -c '.days[1] | [.created, .customer_mails, .replies, .resolved]')" '[1,1,1,0]'
is "volume: totals" "$(echo "$j" | jq -c '.totals[0] | [.created, .customer_mails, .replies, .resolved]')" '[4,4,3,1]'
c=$(csv volume)
check "volume csv: a day row" grep -qx 'days,2026-11-30,3,3,2,1' <<<"$c"
check "volume csv: totals" grep -qx 'totals,4,4,3,1' <<<"$c"
is "volume --queue sales" "$(rep volume --queue sales --format json | jq -c '.totals[0] | [.created, .customer_mails, .replies, .resolved]')" '[1,1,1,0]'

# ---- agents ----
j=$(rep agents --format json)
is "agents: alice" "$(echo "$j" | jq -c '.load[] | select(.agent == "alice@example.com") | [.open, .replies, .notes, .resolved]')" '[0,1,0,1]'
is "agents: bob (took ticket 2)" "$(echo "$j" | jq -c '.load[] | select(.agent == "bob@example.com") | [.open, .replies, .notes, .resolved]')" '[1,2,1,0]'
is "agents: unassigned open tickets" "$(echo "$j" | jq -c '.load[] | select(.agent == "(unassigned)") | .open')" 2
check "agents csv" grep -qx 'load,bob@example.com,Bob Agent,1,1,2,1,0' <<<"$(csv agents)"

# ---- bounces ----
j=$(rep bounces --format json)
is "bounces: autoreplies" "$(echo "$j" | jq '.suppressed[] | select(.class == "autoreply") | .mails')" 1
is "bounces: vacation replies" "$(echo "$j" | jq '.suppressed[] | select(.class == "vacation") | .mails')" 1
is "bounces: all automatic" "$(echo "$j" | jq '.suppressed[] | select(.class == "(all automatic)") | .mails')" 2
is "bounces: every automatic class listed" "$(echo "$j" | jq -c '[.suppressed[].class]')" '["autoreply","vacation","bounce","delayed","loop","list","feedback","(all automatic)"]'
is "bounces: acknowledgements sent and refused" "$(echo "$j" | jq -c '[.refused[] | .count]')" '[3,1,1,0,0]'
is "bounces: intake human mails (customers and agents)" "$(echo "$j" | jq '.intake[] | select(.class == "human" and .state == "done") | .mails')" 12
check "bounces csv" grep -qx 'refused,acks_refused,1' <<<"$(csv bounces)"

# ---- usage ----
j=$(rep usage --format json)
is "usage: alice" "$(echo "$j" | jq -c '.agents[] | select(.agent == "alice@example.com") | [.mails, .replies, .notes, .commands, .command_errors, .error_mails, .confirmations]')" '[5,1,0,4,1,1,3]'
is "usage: bob" "$(echo "$j" | jq -c '.agents[] | select(.agent == "bob@example.com") | [.mails, .replies, .notes, .commands, .command_errors, .error_mails, .confirmations]')" '[3,2,1,3,0,0,0]'
is "usage: history entries by kind" "$(echo "$j" | jq -c '[.commands[] | [.kind, .count]]')" '[["state",6],["assign",1],["priority",0],["queue",0],["kb",0],["comment",1],["command-error",1]]'
is "usage: tickets answered by the knowledge base" "$(echo "$j" | jq '.kb[] | select(.what == "tickets_answered_by_kb") | .count')" 1
check "usage csv" grep -qx 'agents,alice@example.com,5,1,0,4,1,1,3' <<<"$(csv usage)"
is "usage --queue support: the kb answer was in sales" "$(rep usage --queue support --format json | jq '.kb[0].count')" 0

# ---- text, defaults and mistakes ----
t=$(rep sla)
check "text: the title and the window" grep -q '^Service levels (report sla)' <<<"$t"
check "text: durations spelled out" grep -q '30m 00s' <<<"$t"
check "text: percentages" grep -q '33.3%' <<<"$t"
check "default window: the 30 days before now (both days)" sh -c "\"$POSTDESK\" report volume --format json | jq -e '.totals[0].created == 4' >/dev/null"
"$POSTDESK" report nosuch >/dev/null 2>&1
is "unknown report: exit 64" "$?" 64
"$POSTDESK" report sla --format pdf >/dev/null 2>&1
is "unknown format: exit 64" "$?" 64
"$POSTDESK" report sla --queue nosuch >/dev/null 2>&1
is "unknown queue: exit 64" "$?" 64
"$POSTDESK" report sla --since 2026-12-02 --until 2026-12-01 >/dev/null 2>&1
is "since after until: exit 64" "$?" 64
check "report --help lists the reports" sh -c "\"$POSTDESK\" report --help | grep -q '^  bounces'"
finish
