#!/bin/bash
# A connection dropped in the middle of fetching a big message (12 MB, fetched in pieces of
# 1 MB): nothing of it is stored, it stays in the mailbox untouched, and once the server can
# be reached again the fetcher takes it in once, byte-identical, and moves it. The drop is made
# by a TCP relay between serve and Dovecot that cuts the first connection after 5 MB from the
# server, then turns connections away until the test has looked at the mailbox
# (tests/lib/imap-relay.py).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-imap.sh"

[ -x /usr/sbin/dovecot ] || bail "dovecot-imapd is not installed"

start_dovecot
printf 'secret\n' >"$TEST_TMP/imap.pass"

GATE="$TEST_TMP/gate"
CUT="$TEST_TMP/cut"
start_relay --cut-after $((5 * 1024 * 1024)) --gate "$GATE" --mark "$CUT"

pd_setup "[imap drop]" "url = imap://127.0.0.1:$RELAY_PORT/INBOX" "user = support" \
	"password_file = $TEST_TMP/imap.pass" "ca_file = $DOVE_DIR/ca.pem" "after = move:Done" \
	"idle_timeout = 600"

M="$TEST_TMP/mails"
mkdir -p "$M"
make_big "$M/big.eml" 12 dropped
size=$(stat -c %s "$M/big.eml")
sha=$(sha256sum <"$M/big.eml" | cut -d' ' -f1)
imap_append support "$M/big.eml" || bail "could not append the big message"

SERVE_LOG="$TEST_TMP/serve.log"
"$POSTDESK" serve >>"$SERVE_LOG" 2>&1 &
SERVE_PID=$!
pd_track "$SERVE_PID"

check "the relay cut the connection in the middle of the fetch" wait_for 120 test -s "$CUT"
check "the lost connection is logged, on the fetch" \
	wait_for 60 grep -q "imap drop: UID FETCH (BODY.PEEK\[\]<offset.length>): .*reconnecting in" "$SERVE_LOG"
is "nothing of it is stored" "$(intake_count drop)" 0
is "it is still in INBOX, not moved" "$(imap_count support) $(imap_count support Done)" "1 0"
is "it is not flagged \\Seen" "$(imap_unseen support)" 1
is "no UID is recorded past it" "$(db "SELECT coalesce(max(last_uid), 0) FROM imap_state WHERE account = 'drop'")" 0
is "no spool file is left open" "$(ls -l "/proc/$SERVE_PID/fd" | grep -c '\.spool-')" 0

# the server can be reached again: the next session takes it in
touch "$GATE"
count_is() { [ "$(intake_count drop)" = "$1" ]; }
check "once the server is back the message is taken in" wait_for 180 count_is 1
done_is() { [ "$(imap_count support Done) $(imap_count support)" = "$1" ]; }
check "and moved to Done" wait_for 60 done_is "1 0"
is "it is stored whole" \
	"$(db "SELECT size || ' ' || sha256 FROM intake WHERE source = 'imap:drop'")" "$size $sha"
is "the stored bytes are the bytes appended" \
	"$(db "SELECT writefile('$TEST_TMP/stored.eml', b.raw) FROM bodies b JOIN intake i ON i.body_id = b.id WHERE i.source = 'imap:drop'" >/dev/null
	   sha256sum <"$TEST_TMP/stored.eml" | cut -d' ' -f1)" "$sha"
check "it is processed into a ticket" \
	wait_for 120 sh -c "[ \"\$(sqlite3 -cmd '.timeout 10000' '$POSTDESK_HOME/postdesk.db' \"SELECT state FROM intake WHERE source = 'imap:drop'\")\" = done ]"

# later mail comes in; the big one is not taken again
make_mails "$M" 1 after
imap_append support "$M/after-1.eml"
check "later mail is taken in" wait_for 60 count_is 2
is "the big message is in intake once" "$(db "SELECT count(*) FROM intake WHERE sha256 = '$sha'")" 1
check "it was fetched to the end once: never recognised as already stored" \
	test "$(grep -c "imap drop: uid 1 -> intake" "$SERVE_LOG")" = 1
is "no duplicate was logged" "$(grep -c 'already stored' "$SERVE_LOG")" 0
is "the last UID is remembered" "$(db "SELECT last_uid FROM imap_state WHERE account = 'drop'")" 2
is "one ticket for each" "$(pd ticket list --json | jq 'length')" 2

kill "$SERVE_PID"
wait "$SERVE_PID"
is "serve exits 0 on SIGTERM" "$?" 0
sed 's/^/serve: /' "$SERVE_LOG" >>"$LOG"
finish
