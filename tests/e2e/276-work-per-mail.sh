#!/bin/bash
# What one mail costs serve, counted, not timed (issue 10, cpu): the intake row is read once
# on its way (its bytes by the row's own body id, then only its state under the lock; main
# read the whole row three times), no statement is compiled again once the worker has run the
# same kind of mail, and an LMTP session's replies are written at once when the socket takes
# them (no asynchronous write per reply). The bytes kept and the tickets are checked too.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"

serve_setup

# 1. `deliver`: one process, one mail; its cached statements and their runs
mail "$TEST_TMP/one.eml" "Ann <ann@customer.example>" support@example.com "Printer broken" \
	<<<"The printer in room 4 prints blank pages since Monday."
POSTDESK_SQL_STATS=1 "$POSTDESK" deliver --recipient support@example.com \
	--sender ann@customer.example <"$TEST_TMP/one.eml" 2>"$TEST_TMP/stats.log"
is "deliver took the mail" "$?" 0
runs() { grep -F "$1" "$TEST_TMP/stats.log" | sed -n 's/^sql-stats runs=\([0-9]*\) .*/\1/p' | head -n 1; }
is "the intake row is read whole once" "$(runs 'FROM intake i WHERE i.id = ?')" 1
is "...and its state once more, under the lock" "$(runs "SELECT state = 'pending' FROM intake WHERE id = ?")" 1
is "the mail opened its ticket" "$(db 'select count(*) from tickets')" 1
is "the stored bytes are the mail's" "$(db "select hex(raw) from bodies")" \
	"$(od -An -tx1 -v "$TEST_TMP/one.eml" | tr -d ' \n' | tr a-f A-F)"

# 2. serve: 12 mails over one LMTP session, lockstep like an MTA
export POSTDESK_DEBUG=1
serve_start
{
	printf 'LHLO client.example\n'
	for i in $(seq 1 12); do
		printf 'MAIL FROM:<c%s@customer.example>\nRCPT TO:<support@example.com>\nDATA\n' "$i"
		printf 'From: C%s <c%s@customer.example>\nTo: support@example.com\n' "$i" "$i"
		printf 'Subject: Question %s\nMessage-ID: <w%s@customer.example>\n\n' "$i" "$i"
		printf 'Line one of mail %s.\n..a line that starts with a dot\nLast line.\n.\n' "$i"
	done
	printf 'QUIT\n'
} >"$TEST_TMP/conv"
out=$(chat "$LMTP_PORT" <"$TEST_TMP/conv")
echo "$out" >>"$LOG"
is "every mail answered 250" "$(grep -c '^250 2.0.0' <<<"$out")" 12
check "every ticket exists" wait_for 60 tickets_are 13
check "nothing pending" wait_for 60 db_is 0 "select count(*) from intake where state = 'pending'"
is "a dot-stuffed line is stored unstuffed" \
	"$(db "select count(*) from bodies where instr(raw, x'0d0a2e61206c696e65') > 0")" 12
serve_stop
unset POSTDESK_DEBUG
is "serve stopped cleanly" "$SERVE_RC" 0

# the session's line at close: replies written at once, writes that had to wait, reads
line=$(grep -E 'session 127\.0\.0\.1:[0-9]+ closed: ' "$SERVE_LOG" | tail -n 1)
echo "close line: $line" >>"$LOG"
now=$(sed -n 's/.* closed: \([0-9]*\) replies written at once, \([0-9]*\) waited.*/\1/p' <<<"$line")
waited=$(sed -n 's/.* closed: \([0-9]*\) replies written at once, \([0-9]*\) waited.*/\2/p' <<<"$line")
# greeting, LHLO, 12 x (MAIL, RCPT, DATA, final 250), QUIT: 51 replies, one write each
is "the replies were written at once" "$now" 51
is "...none waited for an asynchronous write" "$waited" 0

# prepared statements: the worker's mails after the first two compile nothing new
prep=$(sed -n 's/.* work: statements=[0-9]* .* prepared=\([0-9]*\)$/\1/p' "$SERVE_LOG")
echo "prepared per mail: $(tr '\n' ' ' <<<"$prep")" >>"$LOG"
is "a work line per mail processed by serve" "$(wc -l <<<"$prep")" 12
is "...and from the third on, no statement compiled again" \
	"$(tail -n +3 <<<"$prep" | sort -u | tr -d '\n')" 0

finish
