#!/bin/bash
# Processing never holds intake up: while the worker works through a backlog of pending
# mail (each mail made slow, under the write lock, by a test hook), a message given over LMTP
# is committed and answered 250 after at most the mail being processed, long before the
# backlog drains. Before (issue 10) the worker, having ended its batch for the waiting
# writer, took its turn again before the writer could, batch after batch, and the 250 waited
# for the whole backlog.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"

serve_setup
make_backlog 40 # stored as a listener leaves it, not yet processed
is "forty rows pending" "$(db "select count(*) from intake where state = 'pending'")" 40

# each mail takes 250 ms more to process, inside the worker's turn: 10 s for the backlog
POSTDESK_TEST_PROCESS_DELAY_MS=250 serve_start
check "the worker is at the backlog" wait_for 30 db_is 1 \
	"select count(*) > 0 from intake where state = 'done' and envelope_from like 'old%'"

msg_conv() {
	printf 'LHLO client.example\nMAIL FROM:<%s@customer.example>\nRCPT TO:<support@example.com>\n' "$1"
	printf 'DATA\nFrom: %s@customer.example\nTo: support@example.com\nSubject: %s\nMessage-ID: <%s@customer.example>\n\nbody\n.\nQUIT\n' "$1" "$1" "$1"
}
for n in new1 new2 new3; do
	is "$n: answered 250 while processing is busy" "$(msg_conv "$n" | chat "$LMTP_PORT" | codes)" \
		"220 250 250 250 354 250 221"
	left=$(old_pending)
	echo "# $left old rows still pending after the 250 of $n" >>"$LOG"
	check "$n: the backlog had not drained ($left left)" test "$left" -gt 5
	is "$n: its row is committed" "$(db "select count(*) from intake where envelope_from = '$n@customer.example'")" 1
done

check "the backlog drains, the new mails too" wait_for 60 tickets_are 43
serve_stop
is "serve exits 0" "$SERVE_RC" 0
finish
