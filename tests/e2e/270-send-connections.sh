#!/bin/bash
# The drain over several relay connections at once (issue 10): every row reaches the relay
# exactly once over 8 connections, to a relay without PIPELINING (aiosmtpd) and to one with
# it (tests/lib/pipelining-relay.py), where each envelope goes in one write; a refused
# recipient fails its row alone and the connection goes on after RSET; a relay that hangs up
# in the middle of a pipelined group, or after a message but before its 250, loses nothing.
# The drain pipelines across messages too (845 shows it), which section 4 expects.
. "$(dirname "$0")/lib.sh"

N=40
queue_mails() {
	local i
	for i in $(seq 1 "$1"); do
		mail "$TEST_TMP/m$i.eml" "U$i <u$i@customer.example>" support@example.com "Question $i" <<<"mail $i"
		deliver "$TEST_TMP/m$i.eml" >/dev/null
	done
}
rows_in() { pd outbox list --json | json "[.[] | select(.state == \"$1\")] | length"; }
leases() { sqlite3 "$POSTDESK_HOME/postdesk.db" 'SELECT count(*) FROM outbox WHERE lease_owner IS NOT NULL'; }
# Message-IDs the relay got: all of them, and how many distinct
mids() { grep -h -i '^Message-ID:' "$1"/*.eml | tr -d '\r' | sort; }

# start_relay [pipelining-relay.py options]: sets RELAY_PORT and RELAY_DIR
start_relay() {
	RELAY_DIR="$TEST_TMP/relay.$RANDOM"
	mkdir -p "$RELAY_DIR"
	rm -f "$TEST_TMP/relay.port"
	$PY "$POSTDESK_SRCDIR/tests/lib/pipelining-relay.py" --dir "$RELAY_DIR" \
		--port-file "$TEST_TMP/relay.port" "$@" >>"$LOG" 2>&1 &
	RELAY_PID=$!
	pd_track "$RELAY_PID"
	wait_for 20 test -s "$TEST_TMP/relay.port" || bail "relay did not start"
	RELAY_PORT=$(cat "$TEST_TMP/relay.port")
}
stat_of() { json ".$1" <"$RELAY_DIR/stats.json"; }

# 1. a relay without PIPELINING, 8 connections ([smtp] connections)
start_capture
pd_setup
sed -i 's/^\[smtp\]$/[smtp]\nconnections = 8/' "$POSTDESK_HOME/postdesk.conf"
queue_mails $N
is "8 connections: send reports every row sent" "$(pd send)" "sent $N, to retry 0, failed 0"
is "8 connections: the relay got $N messages" "$(captured_count)" $N
is "8 connections: each row once" "$(mids "$CAPTURE_DIR" | uniq | wc -l)" $N
sessions=$(cat "$CAPTURE_DIR"/*.json | jq -s '[.[].session] | unique | length')
check "8 connections: more than one session, at most 8 ($sessions)" test "$sessions" -gt 1 -a "$sessions" -le 8
is "8 connections: all rows sent" "$(rows_in sent)" $N
is "8 connections: no lease left" "$(leases)" 0
stop_capture

# 2. a relay with PIPELINING, 8 connections
rm -rf "$POSTDESK_HOME"
start_relay
CAPTURE_PORT=$RELAY_PORT pd_setup
queue_mails $N
is "pipelining: send reports every row sent" "$(pd send --connections 8)" "sent $N, to retry 0, failed 0"
is "pipelining: each row once" "$(mids "$RELAY_DIR" | uniq | wc -l) $(mids "$RELAY_DIR" | wc -l)" "$N $N"
is "pipelining: every envelope came as one group (MAIL, RCPT, DATA in one read)" "$(stat_of pipelined)" $N
check "pipelining: at most 8 sessions" test "$(stat_of sessions)" -le 8
is "pipelining: all rows sent" "$(rows_in sent)" $N
is "pipelining: the envelope sender is the row's VERP address" \
	"$(pd outbox show 1 --envelope | head -n 1 | grep -Ec '^MAIL FROM:<bounces\+o1-[0-9a-f]+@example.com>')" 1
kill "$RELAY_PID"; wait "$RELAY_PID" 2>/dev/null

# 3. a refused recipient in a pipelined group: that row fails alone, the connection goes on
rm -rf "$POSTDESK_HOME"
start_relay --reject-rcpt 3
CAPTURE_PORT=$RELAY_PORT pd_setup
queue_mails 6
is "refused recipient: one failed, five sent" "$(pd send --connections 1)" "sent 5, to retry 0, failed 1"
is "refused recipient: the failed row is the third" "$(pd outbox list --json | json '[.[] | select(.state == "failed") | .id] | join(",")')" 3
check "refused recipient: the 550 is recorded" sh -c "pd() { \"$POSTDESK\" \"\$@\"; }; pd outbox list --json | jq -e '.[] | select(.id == 3) | .last_reply | test(\"550\")'"
is "refused recipient: RSET before the next message, on the same connection" "$(stat_of rsets) $(stat_of sessions)" "1 1"
kill "$RELAY_PID"; wait "$RELAY_PID" 2>/dev/null

# 4. the relay hangs up mid-pipeline (envelope 5, before any reply) and after a message's
#    end but before its 250 (envelope 10): both rows stay queued, nothing is lost; the
#    second one may arrive twice (at least once), the first arrives once.
#    The drain pipelines across messages (outbound/drain.c): message 10's "." went in one
#    write with the next row's MAIL, RCPT and DATA, so the hang-up also takes that next
#    row's envelope, whose content never went out. It is retried too: three rows, not two,
#    and still only message 10 arrives twice (the third was not delivered before).
rm -rf "$POSTDESK_HOME"
start_relay --drop-group 5 --drop-body 10
CAPTURE_PORT=$RELAY_PORT pd_setup
queue_mails 20
out=$(pd send --connections 2)
is "hang-ups: three rows to retry (10, and the one whose envelope rode with its \".\")" "$out" "sent 17, to retry 3, failed 0"
is "hang-ups: three rows queued after one attempt" "$(pd outbox list --json | json '[.[] | select(.state == "queued" and .attempts == 1)] | length')" 3
is "hang-ups: no lease left" "$(leases)" 0
is "hang-ups: send --all sends the three" "$(pd send --all)" "sent 3, to retry 0, failed 0"
is "hang-ups: all rows sent" "$(rows_in sent)" 20
is "hang-ups: every row reached the relay" "$(mids "$RELAY_DIR" | uniq | wc -l)" 20
is "hang-ups: only the message whose 250 was lost came twice" "$(mids "$RELAY_DIR" | uniq -d | wc -l) $(mids "$RELAY_DIR" | wc -l)" "1 21"
finish
