#!/bin/bash
# Leases: a row that one sender has claimed is delivered by that sender alone. `send` and
# `send --all` run at once against a slow relay, while other rows wait in back-off: every
# row reaches the relay exactly once. `--all` overrides the retry back-off, never another
# sender's lease.
. "$(dirname "$0")/lib.sh"

N=4
# 1. N rows in back-off: the relay answers 451 to each, the next try is an hour away
start_capture 0 --reply-codes 451,451,451,451
RETRY_BASE=3600 pd_setup
for i in $(seq 1 $N); do
	mail "$TEST_TMP/m$i.eml" "U$i <u$i@customer.example>" support@example.com "Lease $i" <<<"mail $i"
	deliver "$TEST_TMP/m$i.eml" >/dev/null
done
pd send >/dev/null
is "$N rows wait in back-off" "$(pd outbox list --json | json '[.[] | select(.state == "queued" and .attempts == 1)] | length')" $N
pd send >/dev/null
is "send leaves them alone" "$(pd outbox list --json | json '[.[] | select(.attempts == 1)] | length')" $N

# 2. a slow relay and one fresh row: `send` takes the fresh row; `send --all`, started while
#    that delivery is under way, must leave it to `send` and deliver the rows in back-off
stop_capture
start_capture 0 --data-delay 0.6
sed -i "s/^relay = .*/relay = smtp:\/\/127.0.0.1:$CAPTURE_PORT/" "$POSTDESK_HOME/postdesk.conf"
mail "$TEST_TMP/fresh.eml" 'Fay <fay@customer.example>' support@example.com "Fresh" <<<"fresh"
deliver "$TEST_TMP/fresh.eml" >/dev/null
"$POSTDESK" send >"$TEST_TMP/s1.out" 2>>"$LOG" &
s1=$!
# start the second sender only once the first holds its lease (not after a fixed sleep: a
# loaded machine may take longer than that to start a process)
leased() { [ "$(sqlite3 -cmd '.timeout 5000' "$POSTDESK_HOME/postdesk.db" 'SELECT count(*) FROM outbox WHERE lease_owner IS NOT NULL')" = 1 ]; }
wait_for 20 leased || echo "# the first sender took no lease within 20 s"
"$POSTDESK" send --all >"$TEST_TMP/s2.out" 2>>"$LOG" &
s2=$!
wait $s1; rc1=$?
wait $s2; rc2=$?
is "both senders exit 0" "$rc1 $rc2" "0 0"
is "all rows sent" "$(pd outbox list --json | json '[.[] | select(.state == "sent")] | length')" $((N + 1))
is "the relay got each row once" "$(captured_count)" $((N + 1))
is "no Message-ID twice" "$(grep -h -i '^Message-ID:' "$CAPTURE_DIR"/*.eml | sort | uniq -d | wc -l)" 0
is "send sent the fresh row, send --all the others" "$(cat "$TEST_TMP/s1.out") / $(cat "$TEST_TMP/s2.out")" \
	"sent 1, to retry 0, failed 0 / sent $N, to retry 0, failed 0"
is "no lease is left behind" "$(sqlite3 "$POSTDESK_HOME/postdesk.db" 'SELECT count(*) FROM outbox WHERE lease_owner IS NOT NULL')" 0
finish
