#!/bin/bash
# A domain answering 451 is slowed for itself alone: the sink refuses every RCPT of
# d0.example with 451 for its first 6 seconds; the other domains' messages all go out in
# that time, d0's rows are deferred with a growing back-off (domain_pace), tried again, and
# delivered once the domain takes mail; the back-off ends with the first 250. Far fewer 451s
# than d0 has recipients: the domain is not hammered row by row.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"
. "$(dirname "$0")/lib-campaign.sh"
# e2e 843 runs this test again with PIPELINED=1: the strict relay of the pipelining tests,
# which offers PIPELINING, and three more checks of how the client used it
if [ -n "${PIPELINED:-}" ]; then
	. "$(dirname "$0")/lib-pipeline.sh"
	psink_start --tempfail-domain d0.example:6
else
	sink_start --tempfail-domain d0.example:6
fi
campaign_setup 'rate = 0' 'connections = 4' 'backoff = 1s' 'backoff_max = 2s'
make_list news 600 3
d0=$(db "SELECT count(*) FROM subscribers WHERE address LIKE '%@d0.example'")
check "create" pd announce create --list news --subject 'Slow domain' --body /dev/null
check "start" pd announce start 1
serve_start
others_done() { db_is 0 "SELECT count(*) FROM deliveries WHERE domain <> 'd0.example' AND state <> 'sent'"; }
check "the other domains all went out" wait_for 60 others_done
is "while d0.example is still deferred" \
	"$(db "SELECT count(*) > 0 FROM deliveries WHERE domain = 'd0.example' AND state IN ('deferred', 'pending', 'sending')")" 1
is "d0.example has a back-off" "$(db "SELECT count(*) FROM domain_pace WHERE domain = 'd0.example' AND backoff > 0")" 1
is "no other domain was slowed" "$(db "SELECT count(*) FROM domain_pace WHERE domain <> 'd0.example'")" 0
wait_for 120 campaign_is 1 done || not_ok "the campaign finished (state $(campaign_state 1))"
serve_stop
is "all sent in the end" "$(campaign_json 1 sent)" 600
is "d0's rows were tried more than once" "$(db "SELECT count(*) > 0 FROM deliveries WHERE domain = 'd0.example' AND attempts > 1")" 1
is "the back-off ended with the first 250" "$(db "SELECT count(*) FROM domain_pace")" 0
check "every address exactly once" check_sink news 0
n451=$(grep -c '"event": "451"' "$SINK_OUT")
echo "# $n451 answers 451 for $d0 recipients of d0.example" >>"$LOG"
check "d0.example got 451s" test "$n451" -gt 0
check "but far fewer than one per recipient ($n451 < $d0)" test "$n451" -lt "$d0"
last_other=$(jq -r 'select(.n) | select((.rcpt[0] | endswith("@d0.example")) | not) | .t' "$SINK_OUT" | sort -n | tail -1)
first_d0=$(jq -r 'select(.n) | select(.rcpt[0] | endswith("@d0.example")) | .t' "$SINK_OUT" | sort -n | head -1)
check "the others were all delivered before d0's first" awk "BEGIN { exit !($last_other < $first_d0) }"
if [ -n "${PIPELINED:-}" ]; then
	check "the client pipelined across messages" test "$(events cross)" -gt 300
	is "never content before its 354" "$(events violation)" 0
	is "always RSET after a refused RCPT" "$(events nested)" 0
fi
finish
