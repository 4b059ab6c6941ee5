#!/bin/bash
# serve's worker, working through a backlog, leaves the write lock free now and then: another
# process (here `deliver`; the CLI, serve's scheduler and its HTTP pages wait the same way, in
# SQLite's busy handler, which looks again after up to 100 ms) gets its turn long before the
# backlog drains. Before (issue 10) the worker's batches followed each other with a few µs
# between them and such a process waited for the whole backlog, or until busy_timeout.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"

serve_setup
db_home="$POSTDESK_HOME/postdesk.db"
for i in $(seq 1 40); do
	mail "$TEST_TMP/old$i.eml" "old$i@customer.example" support@example.com "Old $i" <<<"body $i"
	sha=$(sha256sum "$TEST_TMP/old$i.eml" | cut -c1-64)
	size=$(stat -c %s "$TEST_TMP/old$i.eml")
	echo "INSERT INTO bodies (sha256, size, raw) VALUES ('$sha', $size, readfile('$TEST_TMP/old$i.eml'));
		INSERT INTO intake (dedup_key, received_at, source, envelope_from, envelope_rcpt, size, sha256, body_id)
		VALUES ('$sha support@example.com', strftime('%s'), 'lmtp', 'old$i@customer.example', 'support@example.com', $size, '$sha', last_insert_rowid());"
done | sqlite3 "$db_home"
is "forty rows pending" "$(db "select count(*) from intake where state = 'pending'")" 40

old_pending() { db "select count(*) from intake where state = 'pending' and envelope_from like 'old%'"; }
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
