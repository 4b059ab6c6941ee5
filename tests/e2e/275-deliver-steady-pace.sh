#!/bin/bash
# Mail handed over one at a time at a steady pace (issue 10, quiet): serve's worker takes no
# turn at the write lock between two mails, so no hand-over's commit waits for a mail being
# processed; once the mails stop it processes them all, without another command.
# Before, the worker's quiet spell was a fixed 2 ms: postdesk-deliver one at a time hands a
# mail over every 2-3 ms, so the worker took its turn just before the next one came, nearly
# every time. The spell now adapts to the gap between commits (up to a gap of 10 ms).
# The test hook: a gap of up to 1 s counts as a steady pace, so that a pace of one mail every
# 0.2 s or so is steady whatever the machine's load; the old worker, waiting 2 ms, took a
# turn after every one of them.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"
FAST="${POSTDESK%/*}/postdesk-deliver"
[ -x "$FAST" ] || bail "no $FAST"

N=24
serve_setup 'send_interval = 60'
POSTDESK_DEBUG=1 POSTDESK_TEST_STEADY_MS=1000 serve_start
for i in $(seq 1 $N); do
	mail "$TEST_TMP/m$i.eml" "Customer $i <c$i@customer.example>" support@example.com "Steady $i" <<<"body $i"
done
fails=0
for i in $(seq 1 $N); do
	POSTDESK_DEBUG=1 "$FAST" -r support@example.com <"$TEST_TMP/m$i.eml" 2>>"$TEST_TMP/err" ||
		fails=$((fails + 1))
	sleep 0.2
done
cat "$TEST_TMP/err" >>"$LOG"
is "all $N exit 0" "$fails" 0
is "all handed to serve's group commit" "$(grep -c "committed by serve's group commit" "$TEST_TMP/err")" $N

# the worker's turns between the first hand-over's commit and the last one's, in serve's log
# (both threads write it, in the order things happen)
check "every row is processed once the mails stop" wait_for 60 db_is 0 \
	"SELECT count(*) FROM intake WHERE state = 'pending'"
first=$(grep -n 'committed (batch of' "$SERVE_LOG" | head -1 | cut -d: -f1)
last=$(grep -n 'committed (batch of' "$SERVE_LOG" | tail -1 | cut -d: -f1)
turns=$(awk -v f="${first:-0}" -v l="${last:-0}" 'NR > f && NR < l && /processing batch of/' "$SERVE_LOG" | wc -l)
after=$(awk -v l="${last:-0}" 'NR > l && /processing batch of/ { sub(/.*processing batch of /, ""); n += $1 } END { print n + 0 }' "$SERVE_LOG")
echo "# turns while the mails came: $turns; mails processed after the last: $after" >>"$LOG"
# the first two gaps teach the worker the pace (it starts from "no steady pace"), and a
# stall of the machine may end a spell once: at most 3 turns, where the old worker took 23
check "the worker took (almost) no turn while the mails came at a steady pace ($turns)" \
	test "$turns" -le 3
check "it processed them after the last one ($after of $N)" test "$after" -ge $((N - 4))
wait_for 30 tickets_are $N && ok "a ticket for each" || not_ok "a ticket for each"
serve_stop
is "serve exits 0" "$SERVE_RC" 0
finish
