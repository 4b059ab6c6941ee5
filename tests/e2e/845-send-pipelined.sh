#!/bin/bash
# The outbox drain (`postdesk send`, and serve's drain) pipelines across messages, as the
# campaign sender does: a row's content and "." go in one write with the next row's MAIL,
# RCPT and DATA. The strict scripted relay (tests/lib/pipeline-sink.py) records each such
# "cross" pipeline, anything sent before a 354, and a MAIL without the RSET it needed.
# - one connection, 30 rows: 29 crosses (every envelope but the first rode with a ".");
# - four connections: crosses, each row once;
# - hang-ups at a "." and after a 250, 451 to MAILs, refused RCPTs: after `send --all`
#   every accepted row reached the relay exactly once, every refused one failed;
# - a relay without PIPELINING: lock-step, no cross;
# - serve's drain of a backlog pipelines too.
# Without cross-message pipelining the drain sends each row's content alone: no cross.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"
. "$(dirname "$0")/lib-pipeline.sh"

# queue_acks N [PREFIX]: N customer mails, each acknowledged to PREFIXi@customer.example
queue_acks() {
	local i
	for i in $(seq 1 "$1"); do
		mail "$TEST_TMP/m$i.eml" "U$i <${2:-u}$i@customer.example>" support@example.com "Question $i" <<<"mail $i"
		deliver "$TEST_TMP/m$i.eml" >/dev/null
	done
}
rows_in() { pd outbox list --json | json "[.[] | select(.state == \"$1\")] | length"; }
# once PREFIX N: how many of PREFIX1..PREFIXN the relay accepted exactly once
once() {
	local i n=0
	for i in $(seq 1 "$2"); do [ "$(accepted "$1$i@customer.example")" = 1 ] && n=$((n + 1)); done
	echo "$n"
}

# 1. one connection: every envelope after the first rides with the previous "."
psink_start
CAPTURE_PORT=$SINK_PORT pd_setup
queue_acks 30
is "one connection: send reports every row sent" "$(pd send --connections 1)" "sent 30, to retry 0, failed 0"
is "one connection: 29 envelopes rode with the previous message's \".\"" "$(events cross)" 29
is "one connection: nothing sent before a 354" "$(events violation)" 0
is "one connection: each row once" "$(once u 30)" 30
is "one connection: all rows sent" "$(rows_in sent)" 30
kill "$SINK_PID"; wait "$SINK_PID" 2>/dev/null

# 2. four connections
rm -rf "$POSTDESK_HOME"
psink_start
CAPTURE_PORT=$SINK_PORT pd_setup
queue_acks 40
is "four connections: send reports every row sent" "$(pd send --connections 4)" "sent 40, to retry 0, failed 0"
check "four connections: the drain pipelined across messages ($(events cross))" test "$(events cross)" -ge 20
is "four connections: nothing sent before a 354" "$(events violation)" 0
is "four connections: each row once" "$(once u 40)" 40
kill "$SINK_PID"; wait "$SINK_PID" 2>/dev/null

# 3. faults while pipelining: refused RCPTs, 451 to MAILs, hang-ups at and after a "."
rm -rf "$POSTDESK_HOME"
psink_start --reject-local reject --tempfail-mail-every 7 --drop-at-dot-every 9 \
	--drop-after-dot-every 11
CAPTURE_PORT=$SINK_PORT pd_setup
queue_acks 40
queue_acks 5 reject
out=$(pd send --connections 2)
echo "# first pass: $out; events: cross $(events cross) mail451 $(events mail451) 550 $(events 550) drop-at-dot $(events drop-at-dot) drop-after-dot $(events drop-after-dot)" | tee -a "$LOG"
for pass in 1 2 3 4 5 6; do
	[ "$(rows_in queued)" = 0 ] && break
	pd send --all --connections 2 >>"$LOG"
done
check "faults: the drain pipelined across messages" test "$(events cross)" -gt 0
check "faults: MAILs were tempfailed" test "$(events mail451)" -gt 0
check "faults: connections dropped at a \".\"" test "$(events drop-at-dot)" -gt 0
check "faults: connections dropped after a 250" test "$(events drop-after-dot)" -gt 0
is "faults: nothing sent before a 354" "$(events violation)" 0
is "faults: always RSET before a new MAIL after a failed envelope" "$(events nested)" 0
is "faults: every accepted row sent, every refused one failed" "$(rows_in sent) $(rows_in failed) $(rows_in queued)" "40 5 0"
is "faults: every accepted row reached the relay exactly once" "$(once u 40)" 40
is "faults: no refused row was accepted" "$(jq -r 'select(.n) | .rcpt[]' "$SINK_OUT" | grep -c '^reject')" 0
kill "$SINK_PID"; wait "$SINK_PID" 2>/dev/null

# 4. a relay without PIPELINING: one command, one reply
rm -rf "$POSTDESK_HOME"
psink_start --no-pipelining
CAPTURE_PORT=$SINK_PORT pd_setup
queue_acks 10
is "no PIPELINING: send reports every row sent" "$(pd send --connections 2)" "sent 10, to retry 0, failed 0"
is "no PIPELINING: nothing sent ahead of a reply" "$(events violation)" 0
is "no PIPELINING: no MAIL came with the previous \".\"" "$(events cross)" 0
is "no PIPELINING: each row once" "$(once u 10)" 10
kill "$SINK_PID"; wait "$SINK_PID" 2>/dev/null

# 5. serve's drain of a backlog
rm -rf "$POSTDESK_HOME"
psink_start
CAPTURE_PORT=$SINK_PORT serve_setup
queue_acks 20
serve_start
check "serve: the backlog is sent" wait_for 60 db_is 20 "SELECT count(*) FROM outbox WHERE state = 'sent'"
serve_stop
is "serve exits 0" "$SERVE_RC" 0
check "serve: its drain pipelined across messages ($(events cross))" test "$(events cross)" -ge 10
is "serve: nothing sent before a 354" "$(events violation)" 0
is "serve: each row once" "$(once u 20)" 20
finish
