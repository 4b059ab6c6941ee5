#!/bin/bash
# A pause stops a pipelining sender within about a second: the messages it had handed to its
# connections but not started (the workers' queue holds up to 64) are given back, not sent
# after the pause. A slow relay (100 ms per message, one connection: 10 a second) makes the
# difference visible: after `announce pause` at most a second's worth arrives, not the queue.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"
. "$(dirname "$0")/lib-campaign.sh"
. "$(dirname "$0")/lib-pipeline.sh"

psink_start --dot-delay 0.1
campaign_setup 'rate = 0' 'connections = 1'
make_list news 300 4
check "create" pd announce create --list news --subject 'Paused news' --body /dev/null
check "start" pd announce start 1
serve_start
some() { [ "$(jq -c 'select(.n)' "$SINK_OUT" | wc -l)" -ge 20 ]; }
check "it sends" wait_for 60 some
check "pause" pd announce pause 1
at_pause=$(jq -c 'select(.n)' "$SINK_OUT" | wc -l)
settled() { db_is 0 "SELECT count(*) FROM deliveries WHERE state = 'sending'"; }
check "the sender lets go of its rows" wait_for 20 settled
sleep 2
after=$(( $(jq -c 'select(.n)' "$SINK_OUT" | wc -l) - at_pause ))
echo "# $after messages arrived after the pause" | tee -a "$LOG"
check "at most a second's worth arrived after the pause ($after <= 30)" test "$after" -le 30
is "what arrived is what the ledger says was sent" "$(campaign_json 1 sent)" \
	"$(jq -c 'select(.n)' "$SINK_OUT" | wc -l)"
check "resume" pd announce resume 1
wait_for 120 campaign_is 1 done || not_ok "the campaign finished (state $(campaign_state 1))"
serve_stop
check "every address exactly once" check_sink news 0
finish
