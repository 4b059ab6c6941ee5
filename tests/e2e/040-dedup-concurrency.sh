#!/bin/bash
# The same message twice is one ticket; 20 concurrent deliver processes give 20 tickets and
# no failure; a database held busy past busy_timeout gives exit 75 and loses nothing.
. "$(dirname "$0")/lib.sh"

pd_setup '[postdesk]' 'busy_timeout = 60000'
mail "$TEST_TMP/m.eml" 'Ann <ann@customer.example>' support@example.com "Twice" <<<"Once or twice?"
is "first delivery exits 0" "$(deliver "$TEST_TMP/m.eml")" 0
is "the same bytes again exit 0" "$(deliver "$TEST_TMP/m.eml")" 0
is "one ticket" "$(pd ticket list --json | json length)" 1
is "one acknowledgement" "$(pd outbox list --json | json length)" 1

for i in $(seq 1 20); do
	mail "$TEST_TMP/c$i.eml" "User $i <user$i@customer.example>" support@example.com "Concurrent $i" <<<"Mail number $i"
done
for i in $(seq 1 20); do
	( "$POSTDESK" deliver <"$TEST_TMP/c$i.eml" 2>>"$LOG"; echo $? >"$TEST_TMP/rc$i" ) &
done
wait
fails=0
for i in $(seq 1 20); do [ "$(cat "$TEST_TMP/rc$i")" = 0 ] || fails=$((fails + 1)); done
is "20 concurrent deliveries all exit 0" "$fails" 0
is "21 tickets" "$(pd ticket list --json | json length)" 21
is "21 distinct subjects" "$(pd ticket list --json | json '[.[].subject] | unique | length')" 21

# hold the write lock longer than busy_timeout: deliver must say "try again" (75)
sed -i 's/^busy_timeout = .*/busy_timeout = 300/' "$POSTDESK_HOME/postdesk.conf"
mail "$TEST_TMP/busy.eml" 'Bo <bo@customer.example>' support@example.com "Busy" <<<"busy?"
(printf 'BEGIN IMMEDIATE;\nSELECT 1;\n'; sleep 4; printf 'COMMIT;\n') |
	sqlite3 "$POSTDESK_HOME/postdesk.db" >/dev/null 2>&1 &
locker=$!
sleep 1
is "a busy database exits 75" "$(deliver "$TEST_TMP/busy.eml")" 75
wait "$locker"
is "the retry after the lock exits 0" "$(deliver "$TEST_TMP/busy.eml")" 0
is "and makes the ticket" "$(pd ticket list --json | json '[.[] | select(.subject == "Busy")] | length')" 1
finish
