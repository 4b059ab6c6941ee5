#!/bin/bash
# serve's worker, working through a backlog, leaves the write lock free now and then: another
# process (here `deliver`; the CLI, serve's scheduler and its HTTP pages wait the same way, in
# SQLite's busy handler, which looks again after up to 100 ms) gets its turn long before the
# backlog drains. Before (issue 10) the worker's batches followed each other with a few µs
# between them and such a process waited for the whole backlog, or until busy_timeout.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"

serve_setup
make_backlog 40 # stored as a listener leaves it, not yet processed
is "forty rows pending" "$(db "select count(*) from intake where state = 'pending'")" 40

# each mail takes 250 ms more to process, inside the worker's turn: 10 s for the backlog
POSTDESK_TEST_PROCESS_DELAY_MS=250 serve_start
check "the worker is at the backlog" wait_for 30 db_is 1 \
	"select count(*) > 0 from intake where state = 'done' and envelope_from like 'old%'"

for n in 1 2; do
	mail "$TEST_TMP/d$n.eml" "d$n@customer.example" support@example.com "Deliver $n" <<<"x"
	"$POSTDESK" deliver -r support@example.com <"$TEST_TMP/d$n.eml" 2>>"$LOG"
	is "deliver $n exits 0 while serve works through its backlog" "$?" 0
	left=$(old_pending)
	echo "# $left old rows still pending after deliver $n" >>"$LOG"
	check "deliver $n: the backlog had not drained ($left left)" test "$left" -gt 5
	is "deliver $n: its row is stored" "$(db "select count(*) from intake where source = 'deliver'")" "$n"
done
check "the backlog drains" wait_for 60 db_is 0 "select count(*) from intake where state = 'pending'"
serve_stop
is "serve exits 0" "$SERVE_RC" 0
finish
