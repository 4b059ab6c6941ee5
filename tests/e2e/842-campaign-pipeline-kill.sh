#!/bin/bash
# kill -9 of `postdesk serve` mid-campaign while it pipelines across messages (a relay that
# offers PIPELINING, hanging up now and then), twice, then a restart: every address at least
# once, and the copies that went twice stay within the documented window, [campaign] batch +
# connections per kill: a message whose envelope the relay accepted but whose content was not
# sent yet is not in the relay's hands, so pipelining does not widen the window.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"
. "$(dirname "$0")/lib-campaign.sh"
. "$(dirname "$0")/lib-pipeline.sh"

BATCH=16
CONNS=4
psink_start --drop-at-dot-every 211
campaign_setup 'rate = 0' "connections = $CONNS" "batch = $BATCH" 'lease = 1h'
make_list news 3000 6
check "create" pd announce create --list news --subject 'Crash-proof pipelined news' --body /dev/null
check "start" pd announce start 1

sent() { db "SELECT count(*) FROM deliveries WHERE state = 'sent'"; }
at_least() { [ "$(sent)" -ge "$1" ]; }
kills=0
for point in 700 1900; do
	serve_start
	if wait_for 120 at_least "$point"; then
		kill -9 "$SERVE_PID"
		wait "$SERVE_PID" 2>/dev/null
		kills=$((kills + 1))
		ok "killed serve with $point+ sent"
	else
		not_ok "serve reached $point sent"
		serve_stop
	fi
done
is "two kills mid-campaign" "$kills" 2
serve_start
wait_for 180 campaign_is 1 done || not_ok "the campaign finished after the restarts (state $(campaign_state 1))"
serve_stop
is "every row sent" "$(campaign_json 1 sent)" 3000
check "the client pipelined across messages" test "$(events cross)" -gt 1000
is "never content before its 354" "$(events violation)" 0
window=$((kills * (BATCH + CONNS)))
summary=$(check_sink news "$window")
rc=$?
echo "# $summary (window $window)" | tee -a "$LOG"
is "every address at least once, duplicates within $window" "$rc" 0
is "no address missing" "$(echo "$summary" | jq .missing)" 0
finish
