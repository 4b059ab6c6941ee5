#!/bin/bash
# Reports count days in the queue calendar's time zone (UTC for a queue without one) and say
# which zone in every format: volume per day and the same-day resolution rate. support has a
# Tokyo calendar (UTC+9), sales none. (issue 13, sla2)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"

pd_setup '[calendar tokyo]' 'timezone = Asia/Tokyo' 'hours = Mon-Fri 09:00-17:00'
sed -i 's/^tag = SUPPORT$/tag = SUPPORT\ncalendar = tokyo/' "$POSTDESK_HOME/postdesk.conf"

customer() { # AT TO SUBJECT
	mail "$TEST_TMP/m.eml" 'Ann <ann@customer.example>' "$2" "$3" <<<"Hello."
	[ "$(POSTDESK_NOW=$1 deliver "$TEST_TMP/m.eml")" = 0 ] || bail "deliver $3"
}
# 20:00 UTC on 30 Nov is 05:00 on 1 Dec in Tokyo; both are resolved at 02:00 UTC on 1 Dec
customer 2026-11-30T20:00:00Z support@example.com 'Early in Tokyo'
customer 2026-11-30T20:00:00Z sales@example.com 'Late in UTC'
db "update tickets set state = 'resolved', resolved_at = strftime('%s', '2026-12-01T02:00:00Z')"

export POSTDESK_NOW=2026-12-03T00:00:00Z
rep() { pd report "$1" --since 2026-11-29 --until 2026-12-03 "${@:2}"; }

j=$(rep volume --queue support --format json)
is "volume, support: the ticket is counted on the Tokyo day" \
	"$(echo "$j" | jq -c '[.days[] | select(.created > 0) | .day]')" '["2026-12-01"]'
is "volume, support: every Tokyo day of the window has a row" \
	"$(echo "$j" | jq -c '[.days[].day]')" '["2026-11-29","2026-11-30","2026-12-01","2026-12-02","2026-12-03"]'
is "volume, support: JSON says the zone" "$(echo "$j" | jq -c '.time_zones')" '[{"queue":"support","time_zone":"Asia/Tokyo"}]'
j=$(rep volume --queue sales --format json)
is "volume, sales (no calendar): the UTC day" \
	"$(echo "$j" | jq -c '[.days[] | select(.created > 0) | .day]')" '["2026-11-30"]'
is "volume, sales: JSON says UTC" "$(echo "$j" | jq -r '.time_zones[0].time_zone')" UTC
j=$(rep volume --format json)
is "volume, all queues: each on its own queue's day" \
	"$(echo "$j" | jq -c '[.days[] | select(.created > 0) | [.day, .created]]')" '[["2026-11-30",1],["2026-12-01",1]]'
is "volume, all queues: both zones named" "$(echo "$j" | jq -c '[.time_zones[] | "\(.queue)=\(.time_zone)"]')" '["support=Asia/Tokyo","sales=UTC"]'

j=$(rep sla --format json)
is "sla: support resolved the same Tokyo day" "$(echo "$j" | jq -c '.times[] | select(.queue == "support") | [.same_day, .same_day_pct]')" '[1,100]'
is "sla: sales resolved on the next UTC day" "$(echo "$j" | jq -c '.times[] | select(.queue == "sales") | [.same_day, .same_day_pct]')" '[0,0]'
c=$(rep sla --format csv | tr -d '\r')
check "sla csv: the zone rows" grep -qx 'time_zones,support,Asia/Tokyo' <<<"$c"
check "sla csv: UTC for sales" grep -qx 'time_zones,sales,UTC' <<<"$c"
h=$(rep volume --queue support --format html)
check "volume html: names the zone" grep -q 'Asia/Tokyo' <<<"$h"
t=$(rep sla --queue support)
check "sla text: names the zone" grep -q 'Asia/Tokyo' <<<"$t"
finish
