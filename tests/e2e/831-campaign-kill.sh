#!/bin/bash
# A clean stop of `postdesk serve` mid-campaign leaves no row leased. Then kill -9 of
# `postdesk serve` in the middle of the campaign, at three points, each followed by
# a restart: in the end every subscriber has the announcement at least once, and the copies
# that went twice are within the documented window: at most [campaign] batch + connections
# per kill (250s not yet committed + messages in the relay's hands). The rows the dead
# process held are taken back at the restart (its pid is gone), not after their lease.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"
. "$(dirname "$0")/lib-campaign.sh"

BATCH=16
CONNS=4
sink_start
# a long lease: only the dead-owner check can free the rows in time
campaign_setup 'rate = 0' "connections = $CONNS" "batch = $BATCH" 'lease = 1h'
make_list news 3000 6
check "create" pd announce create --list news --subject 'Crash-proof news' --body /dev/null
check "start" pd announce start 1

sent() { db "SELECT count(*) FROM deliveries WHERE state = 'sent'"; }
at_least() { [ "$(sent)" -ge "$1" ]; }
# first a clean stop (SIGTERM) mid-campaign: nothing left leased, nothing sent twice by it
serve_start
wait_for 120 at_least 150 || not_ok "serve reached 150 sent"
serve_stop
is "SIGTERM mid-campaign: serve exits 0" "$SERVE_RC" 0
is "and leaves no row leased" "$(db "SELECT count(*) FROM deliveries WHERE state = 'sending' OR lease_owner IS NOT NULL")" 0
kills=0
for point in 400 1300 2200; do
	serve_start
	if wait_for 120 at_least "$point"; then
		kill -9 "$SERVE_PID"
		wait "$SERVE_PID" 2>/dev/null
		kills=$((kills + 1))
		left=$(db "SELECT count(*) FROM deliveries WHERE state = 'sending'")
		echo "# killed at $(sent) sent, $left rows left leased" >>"$LOG"
		ok "killed serve with $point+ sent ($left rows still leased)"
	else
		not_ok "serve reached $point sent"
		serve_stop
	fi
done
is "three kills mid-campaign" "$kills" 3
serve_start
wait_for 180 campaign_is 1 done || not_ok "the campaign finished after the restarts (state $(campaign_state 1))"
serve_stop
is "every row sent" "$(campaign_json 1 sent)" 3000
is "no row left leased" "$(db "SELECT count(*) FROM deliveries WHERE lease_owner IS NOT NULL")" 0
window=$((kills * (BATCH + CONNS)))
summary=$(check_sink news "$window")
rc=$?
echo "# $summary (window $window)" >>"$LOG"
echo "# duplicates $(echo "$summary" | jq .duplicates) of at most $window"
is "every address at least once, duplicates within $window" "$rc" 0
is "no address missing" "$(echo "$summary" | jq .missing)" 0
finish
