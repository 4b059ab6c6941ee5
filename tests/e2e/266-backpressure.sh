#!/bin/bash
# Back-pressure: with [serve] max_pending messages received and not yet processed, the
# listeners answer MAIL with 451 4.3.2 (the client keeps the mail and retries); once the
# backlog drains they take mail again. `deliver` takes mail past the threshold but logs it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"

serve_setup 'max_pending = 2' '[postdesk]' 'busy_timeout = 30000'
serve_start

msg_conv() {
	printf 'LHLO client.example\nMAIL FROM:<%s@customer.example>\nRCPT TO:<support@example.com>\n' "$1"
	printf 'DATA\nFrom: %s@customer.example\nTo: support@example.com\nSubject: %s\nMessage-ID: <%s@customer.example>\n\nbody\n.\nQUIT\n' "$1" "$1" "$1"
}
is "below the threshold: 250" "$(msg_conv first | chat "$LMTP_PORT" | codes)" "220 250 250 250 354 250 221"
check "processed" wait_for 60 tickets_are 1

# hold the write lock: what the listeners accept now waits to be committed and processed
cat >"$TEST_TMP/lock.py" <<'PYEOF'
import os, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)
db.execute("BEGIN IMMEDIATE")
open(sys.argv[2], "w").close()
while not os.path.exists(sys.argv[3]):
    time.sleep(0.05)
db.execute("COMMIT")
PYEOF
$PY "$TEST_TMP/lock.py" "$POSTDESK_HOME/postdesk.db" "$TEST_TMP/locked" "$TEST_TMP/release" &
locker=$!
pd_track "$locker"
check "the lock is held" wait_for 30 test -e "$TEST_TMP/locked"
msg_conv second | chat "$LMTP_PORT" >"$TEST_TMP/second.out" &
c2=$!
msg_conv third | chat "$LMTP_PORT" >"$TEST_TMP/third.out" &
c3=$!
pd_track "$c2"
pd_track "$c3"
refused() { printf 'LHLO x\nMAIL FROM:<fourth@customer.example>\nQUIT\n' | chat "$LMTP_PORT" >"$TEST_TMP/fourth.out"; grep -q '^451 4.3.2' "$TEST_TMP/fourth.out"; }
check "two messages waiting: MAIL is answered 451 4.3.2" wait_for 30 refused
cat "$TEST_TMP/fourth.out" >>"$LOG"
is "the refusal is the whole answer to MAIL" "$(codes <"$TEST_TMP/fourth.out")" "220 250 451 221"

touch "$TEST_TMP/release"
wait "$c2" "$c3" "$locker"
is "the waiting messages got their 250" "$(codes <"$TEST_TMP/second.out") / $(codes <"$TEST_TMP/third.out")" \
	"220 250 250 250 354 250 221 / 220 250 250 250 354 250 221"
check "the backlog drains" wait_for 60 tickets_are 3
is "then mail is taken again" "$(msg_conv fifth | chat "$LMTP_PORT" | codes)" "220 250 250 250 354 250 221"
check "and processed" wait_for 60 tickets_are 4
serve_stop
is "no row of the refused message" "$(db "select count(*) from intake where envelope_from = 'fourth@customer.example'")" 0

# deliver past the threshold: taken, and said so
mail "$TEST_TMP/d1.eml" d1@customer.example support@example.com "Deliver one" <<<"x"
"$POSTDESK" deliver -r support@example.com <"$TEST_TMP/d1.eml" 2>"$TEST_TMP/d1.err"
is "deliver with no backlog exits 0" "$?" 0
check "and says nothing about a backlog" sh -c "! grep -q 'processing is behind' '$TEST_TMP/d1.err'"
for i in 1 2; do
	mail "$TEST_TMP/p$i.eml" "p$i@customer.example" support@example.com "Pending $i" <<<"x"
	sha=$(sha256sum "$TEST_TMP/p$i.eml" | cut -c1-64)
	size=$(stat -c %s "$TEST_TMP/p$i.eml")
	db "INSERT INTO bodies (sha256, size, raw) VALUES ('$sha', $size, readfile('$TEST_TMP/p$i.eml'));
		INSERT INTO intake (dedup_key, received_at, source, envelope_from, envelope_rcpt, size, sha256, body_id)
		VALUES ('$sha support@example.com', strftime('%s'), 'lmtp', 'p$i@customer.example', 'support@example.com', $size, '$sha', last_insert_rowid());"
done
mail "$TEST_TMP/d2.eml" d2@customer.example support@example.com "Deliver two" <<<"x"
"$POSTDESK" deliver -r support@example.com <"$TEST_TMP/d2.eml" 2>"$TEST_TMP/d2.err"
is "deliver past max_pending exits 0" "$?" 0
cat "$TEST_TMP/d2.err" >>"$LOG"
check "and logs that processing is behind" grep -q 'taken although 2 or more messages wait to be processed' "$TEST_TMP/d2.err"
is "its ticket exists" "$(pd ticket list --json | jq '[.[] | select(.subject == "Deliver two")] | length')" 1
finish
