#!/bin/bash
# serve stopped (SIGTERM) or killed (kill -9) in the middle of fetching a big message (12 MB,
# fetched in pieces of 1 MB): nothing of it is stored, it stays in the mailbox untouched, and
# the next start takes it in once, byte-identical. SIGTERM ends the fetch at the next piece
# rather than fetching the rest (a big message must not hold up a stop). The fetch is held at
# 5 MB by a relay between serve and Dovecot (tests/lib/imap-relay.py) until the test lets it go
# on, so the signal always comes mid-fetch; no check rests on a time margin.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-imap.sh"

[ -x /usr/sbin/dovecot ] || bail "dovecot-imapd is not installed"

start_dovecot
printf 'secret\n' >"$TEST_TMP/imap.pass"
STALLED="$TEST_TMP/stalled"
RESUME="$TEST_TMP/resume"
start_relay --stall-after $((5 * 1024 * 1024)) --mark "$STALLED" --resume "$RESUME"
pd_setup "[imap stop]" "url = imap://127.0.0.1:$RELAY_PORT/INBOX" "user = support" \
	"password_file = $TEST_TMP/imap.pass" "ca_file = $DOVE_DIR/ca.pem" "after = move:Done" \
	"idle_timeout = 600"

M="$TEST_TMP/mails"
mkdir -p "$M"
make_big "$M/big.eml" 12 stopped
size=$(stat -c %s "$M/big.eml")
sha=$(sha256sum <"$M/big.eml" | cut -d' ' -f1)
imap_append support "$M/big.eml" || bail "could not append the big message"

SERVE_LOG="$TEST_TMP/serve.log"
start_serve() {
	"$POSTDESK" serve >>"$SERVE_LOG" 2>&1 &
	SERVE_PID=$!
	pd_track "$SERVE_PID"
}
untouched() { # WHAT
	is "$1: nothing of it is stored" "$(intake_count stop)" 0
	is "$1: it is still in INBOX, not moved" "$(imap_count support) $(imap_count support Done)" "1 0"
	is "$1: it is not flagged \\Seen" "$(imap_unseen support)" 1
	is "$1: no UID is recorded past it" \
		"$(db "SELECT coalesce(max(last_uid), 0) FROM imap_state WHERE account = 'stop'")" 0
}

# SIGTERM while the fetch is held at 5 MB; then the piece in flight arrives
start_serve
check "connection 1: the fetch is held at 5 MB" wait_for 120 test -s "$STALLED.1"
kill -TERM "$SERVE_PID"
touch "$RESUME.1"
wait "$SERVE_PID"
is "serve exits 0 on SIGTERM in the middle of a fetch" "$?" 0
check "the fetcher says it stopped mid-fetch" \
	grep -q "imap stop: uid 1: stopping after [0-9]* of $size bytes; it stays in the mailbox" "$SERVE_LOG"
untouched "stopped mid-fetch"

# kill -9 while the fetch is held (the spool file goes with the process)
start_serve
check "connection 2: the fetch is held at 5 MB" wait_for 120 test -s "$STALLED.2"
kill -9 "$SERVE_PID"
wait "$SERVE_PID" 2>/dev/null
touch "$RESUME.2"
untouched "killed mid-fetch"
is "no spool file is left in the home" "$(ls -A "$POSTDESK_HOME" | grep -c '^\.spool-')" 0

# the next start takes it in, once
touch "$RESUME.3"
start_serve
count_is() { [ "$(intake_count stop)" = "$1" ]; }
check "the next start takes the message in" wait_for 180 count_is 1
done_is() { [ "$(imap_count support Done) $(imap_count support)" = "$1" ]; }
check "and moves it to Done" wait_for 60 done_is "1 0"
is "it is stored whole" "$(db "SELECT size || ' ' || sha256 FROM intake WHERE source = 'imap:stop'")" "$size $sha"
is "the stored bytes are the bytes appended" \
	"$(db "SELECT writefile('$TEST_TMP/stored.eml', b.raw) FROM bodies b JOIN intake i ON i.body_id = b.id WHERE i.source = 'imap:stop'" >/dev/null
	   sha256sum <"$TEST_TMP/stored.eml" | cut -d' ' -f1)" "$sha"
check "it is processed into one ticket" \
	wait_for 120 sh -c "[ \"\$(sqlite3 -cmd '.timeout 10000' '$POSTDESK_HOME/postdesk.db' \"SELECT state FROM intake WHERE source = 'imap:stop'\")\" = done ]"
is "one ticket" "$(pd ticket list --json | jq 'length')" 1
is "the last UID is remembered" "$(db "SELECT last_uid FROM imap_state WHERE account = 'stop'")" 1

kill "$SERVE_PID"
wait "$SERVE_PID"
is "serve exits 0 on SIGTERM" "$?" 0
sed 's/^/serve: /' "$SERVE_LOG" >>"$LOG"
finish
