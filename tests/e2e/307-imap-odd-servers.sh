#!/bin/bash
# The piecewise fetch against servers that do what Dovecot does not do on request, scripted
# by tests/lib/imap-fake.py: a big message is asked for in pieces of at most 1 MB; a server
# that ignores the range and sends the whole message at once is taken at its word; a message
# larger than the server announced stops being fetched at four times the size limit and stays
# in the mailbox; a message expunged by another client between two pieces is logged as gone,
# with nothing stored. Each account's mailbox holds one message.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-imap.sh"

FAKE="$TEST_TMP/fake"
mkdir -p "$FAKE"
$PY "$POSTDESK_SRCDIR/tests/lib/imap-fake.py" --dir "$FAKE" --port-file "$TEST_TMP/fake.port" >>"$LOG" 2>&1 &
pd_track $!
wait_for 20 test -s "$TEST_TMP/fake.port" || bail "the fake IMAP server did not start"
FAKE_PORT=$(cat "$TEST_TMP/fake.port")
printf 'secret\n' >"$TEST_TMP/imap.pass"

make_big "$FAKE/pieces.eml" 4 pieces
make_big "$FAKE/whole.eml" 3 whole
make_big "$FAKE/lie.eml" 6 lie
make_big "$FAKE/vanish.eml" 3 vanish

account() { # USER
	printf '[imap %s]\nurl = imap://127.0.0.1:%s/INBOX\nuser = %s\npassword_file = %s\n' \
		"$1" "$FAKE_PORT" "$1" "$TEST_TMP/imap.pass"
	printf 'after = seen\nallow_plaintext = true\npoll_interval = 1\n\n'
}
# 1 MB: over it a message is quarantined at once; over 4 MB (4194304 bytes) it is not
# fetched at all
pd_setup "[limits]" "message_size = 1048576" "" "$(account pieces)" "$(account whole)" \
	"$(account lie)" "$(account vanish)"

SERVE_LOG="$TEST_TMP/serve.log"
"$POSTDESK" serve >>"$SERVE_LOG" 2>&1 &
SERVE_PID=$!
pd_track "$SERVE_PID"
moved_on() { [ "$(db "SELECT last_uid FROM imap_state WHERE account = '$1'")" = 1 ]; }
stored() { db "SELECT size || ' ' || sha256 FROM intake WHERE source = 'imap:$1'"; }
sent() { echo "$(stat -c %s "$FAKE/$1.eml") $(sha256sum <"$FAKE/$1.eml" | cut -d' ' -f1)"; }

# a server that answers ranges: pieces of 1 MB, the last one short
check "[pieces]: taken in" wait_for 60 moved_on pieces
is "[pieces]: stored byte-identical" "$(stored pieces)" "$(sent pieces)"
is "[pieces]: asked for in pieces of 1 MB" "$(tr '\n' ' ' <"$FAKE/pieces.requests")" \
	"0.1048576 1048576.1048576 2097152.1048576 3145728.1048576 "
check "[pieces]: flagged \\Seen once stored" test -s "$FAKE/pieces.seen"

# a server that ignores the range: the whole message in one answer, not asked again
check "[whole]: taken in" wait_for 60 moved_on whole
is "[whole]: stored byte-identical" "$(stored whole)" "$(sent whole)"
is "[whole]: one request" "$(wc -l <"$FAKE/whole.requests")" 1
check "[whole]: flagged \\Seen" test -s "$FAKE/whole.seen"

# RFC822.SIZE 1000 for a 6 MB message: the fetch stops past 4 MB, nothing stored
check "[lie]: the UID is passed over" wait_for 60 moved_on lie
check "[lie]: the fetcher says why" \
	grep -q "imap lie: uid 1 is larger than 4194304 bytes (the server announced 1000), far over the message size limit: left in the mailbox" "$SERVE_LOG"
is "[lie]: nothing stored" "$(intake_count lie)" 0
is "[lie]: not flagged \\Seen" "$(cat "$FAKE/lie.seen" 2>/dev/null)" ""
is "[lie]: no more than 4 MB and a piece asked for" "$(wc -l <"$FAKE/lie.requests")" 5

# expunged between the first and the second piece
check "[vanish]: the UID is passed over" wait_for 60 moved_on vanish
check "[vanish]: logged as gone" grep -q "imap vanish: uid 1 vanished before it was fetched" "$SERVE_LOG"
is "[vanish]: nothing stored" "$(intake_count vanish)" 0
is "[vanish]: two requests" "$(wc -l <"$FAKE/vanish.requests")" 2

check "no spool file is left open" test "$(ls -l "/proc/$SERVE_PID/fd" | grep -c '\.spool-')" = 0
kill "$SERVE_PID"
wait "$SERVE_PID"
is "serve exits 0 on SIGTERM" "$?" 0
sed 's/^/serve: /' "$SERVE_LOG" >>"$LOG"
finish
