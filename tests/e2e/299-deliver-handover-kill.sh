#!/bin/bash
# serve killed with SIGKILL while postdesk-deliver hands mail over (issue 10, share): no mail
# is lost nor stored twice. A mail whose handover got no committed reply is committed by
# postdesk-deliver itself (a row serve did commit is recognised as the same message), and with
# serve gone the full program processes it; exit 75 only asks the MTA to retry. First 4 mails
# waiting for a stopped serve's reply when it is killed, then 8 processes x 10 mails with serve
# killed in the middle; every mail is then stored once and processed, and the next serve
# replaces the stale socket and takes handovers again.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"
FAST="${POSTDESK%/*}/postdesk-deliver"
[ -x "$FAST" ] || bail "no $FAST"

serve_setup 'send_interval = 60' '[postdesk]' 'busy_timeout = 3000'
serve_start

# ---- 4 mails waiting for the reply of a stopped serve, which is then killed ----
kill -STOP "$SERVE_PID"
pids=
for i in 1 2 3 4; do
	mail "$TEST_TMP/w$i.eml" "W$i <w$i@customer.example>" support@example.com "Waiting $i" <<<"wait $i"
	( POSTDESK_DEBUG=1 "$FAST" -f "w$i@customer.example" -r support@example.com <"$TEST_TMP/w$i.eml" \
		2>"$TEST_TMP/w$i.err"; echo $? >"$TEST_TMP/w$i.rc" ) &
	pids="$pids $!"
done
# each holds its wake socket and its handover connection
handing() { [ "$(ss -xp 2>/dev/null | grep -c '"postdesk-delive"')" -ge 8 ]; }
wait_for 20 handing || echo "# the 4 were not all seen connected" >>"$LOG"
kill -9 "$SERVE_PID"
wait "$SERVE_PID" 2>/dev/null
wait $pids
cat "$TEST_TMP"/w*.err >>"$LOG"
is "all 4 exit 0" "$(cat "$TEST_TMP"/w*.rc | tr '\n' ' ')" "0 0 0 0 "
is "each stored once" "$(db "SELECT count(*), count(DISTINCT sha256) FROM intake")" "4|4"
is "none handed over (no reply came)" "$(cat "$TEST_TMP"/w*.err | grep -c "committed by serve's group commit")" 0

# ---- 8 processes x 10 mails, serve killed while they run ----
serve_start
P=8 N=10 loops=
for p in $(seq 1 $P); do
	for i in $(seq 1 $N); do
		mail "$TEST_TMP/m$p-$i.eml" "P$p <p$p@customer.example>" support@example.com "Mail $p-$i" <<<"body $p $i"
	done
	(
		for i in $(seq 1 $N); do
			POSTDESK_DEBUG=1 "$FAST" -f "p$p@customer.example" -r support@example.com \
				<"$TEST_TMP/m$p-$i.eml" 2>>"$TEST_TMP/err$p"
			echo "$i $?" >>"$TEST_TMP/rc$p"
		done
	) &
	loops="$loops $!"
done
wait_for 60 db_is 1 "SELECT count(*) >= 4 + 24 FROM intake" || echo "# killed before 24 were stored" >>"$LOG"
kill -9 "$SERVE_PID"
wait "$SERVE_PID" 2>/dev/null
wait $loops
cat "$TEST_TMP"/err* >>"$LOG"
is "every mail exits 0 or 75" "$(cat "$TEST_TMP"/rc* | awk '$2 != 0 && $2 != 75' | wc -l)" 0
# the MTA's retries
for p in $(seq 1 $P); do
	awk '$2 == 75 { print $1 }' "$TEST_TMP/rc$p" | while read -r i; do
		"$FAST" -f "p$p@customer.example" -r support@example.com <"$TEST_TMP/m$p-$i.eml" 2>>"$LOG" ||
			echo "retry $p-$i failed" >>"$TEST_TMP/retry"
	done
done
check "every retry exits 0" test ! -e "$TEST_TMP/retry"
is "every mail stored exactly once" "$(db "SELECT count(*), count(DISTINCT sha256) FROM intake")" \
	"$((4 + P * N))|$((4 + P * N))"
is "one body each" "$(db "SELECT count(*) FROM bodies")" $((4 + P * N))
is "some were handed over before the kill" \
	"$(cat "$TEST_TMP"/err* | grep -c "committed by serve's group commit" | awk '{ print ($1 > 0) }')" 1

# ---- the next serve replaces the stale socket, processes what waits, takes handovers ----
check "the killed serve left its socket" test -S "$POSTDESK_HOME/deliver.sock"
serve_start
wait_for 60 db_is 0 "SELECT count(*) FROM intake WHERE state = 'pending'" &&
	ok "every row processed" || not_ok "every row processed"
wait_for 20 tickets_are $((4 + P * N)) && ok "a ticket for each mail" || not_ok "a ticket for each mail"
mail "$TEST_TMP/again.eml" 'Al <al@customer.example>' support@example.com "Again" <<<"again"
POSTDESK_DEBUG=1 "$FAST" -f al@customer.example -r support@example.com <"$TEST_TMP/again.eml" 2>"$TEST_TMP/again.err"
is "after the restart: exit 0" $? 0
cat "$TEST_TMP/again.err" >>"$LOG"
check "... handed to the new serve" grep -q "committed by serve's group commit" "$TEST_TMP/again.err"
# which way the mails went (diagnostics only)
echo "# handed over: $(cat "$TEST_TMP"/err* | grep -c "committed by serve's group commit"), committed" \
	"itself: $(cat "$TEST_TMP"/err* | grep -c "committing the rows itself"), to postdesk deliver:" \
	"$(cat "$TEST_TMP"/err* | grep -c "postdesk deliver takes"), exit 75: $(cat "$TEST_TMP"/rc* | grep -c ' 75$')"
serve_stop
is "serve exits 0" "$SERVE_RC" 0
finish
