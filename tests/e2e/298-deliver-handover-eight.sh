#!/bin/bash
# postdesk-deliver 8 at a time through serve's group commit (issue 10, share): 8 processes
# each delivering 12 mails, all at once; every one exits 0 after serve committed its row,
# every mail is stored once (one row, one body) and processed, and none was committed by
# postdesk-deliver itself.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"
FAST="${POSTDESK%/*}/postdesk-deliver"
[ -x "$FAST" ] || bail "no $FAST"

serve_setup 'send_interval = 60'
serve_start
P=8 N=12 loops=
for p in $(seq 1 $P); do
	for i in $(seq 1 $N); do
		mail "$TEST_TMP/m$p-$i.eml" "P$p <p$p@customer.example>" support@example.com "Mail $p-$i" <<<"body $p $i"
	done
done
for p in $(seq 1 $P); do
	(
		for i in $(seq 1 $N); do
			POSTDESK_DEBUG=1 "$FAST" -f "p$p@customer.example" -r support@example.com \
				<"$TEST_TMP/m$p-$i.eml" 2>>"$TEST_TMP/err$p"
			echo $? >>"$TEST_TMP/rc$p"
		done
	) &
	loops="$loops $!"
done
wait $loops
cat "$TEST_TMP"/err* >>"$LOG"
is "all $((P * N)) exit 0" "$(cat "$TEST_TMP"/rc* | sort | uniq -c | sed 's/^ *//')" "$((P * N)) 0"
is "all handed to serve's group commit" "$(cat "$TEST_TMP"/err* | grep -c "committed by serve's group commit")" $((P * N))
is "none committed by postdesk-deliver itself" "$(cat "$TEST_TMP"/err* | grep -c "committing the rows itself\|postdesk deliver takes")" 0
is "one row per mail" "$(db "SELECT count(*), count(DISTINCT sha256) FROM intake")" "$((P * N))|$((P * N))"
is "one body per mail" "$(db "SELECT count(*) FROM bodies")" $((P * N))
is "every row from deliver" "$(db "SELECT DISTINCT source FROM intake")" deliver
wait_for 60 db_is 0 "SELECT count(*) FROM intake WHERE state = 'pending'" &&
	ok "every row processed" || not_ok "every row processed"
wait_for 20 tickets_are $((P * N)) && ok "a ticket for each" || not_ok "a ticket for each"
serve_stop
is "serve exits 0" "$SERVE_RC" 0
finish
