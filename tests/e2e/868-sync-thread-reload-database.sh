#!/bin/bash
# The syncer thread (POSTDESK_SYNC_THREAD) syncs every WAL its groups were committed to, not
# only the last group's: a reload that moves [postdesk] database to another file between two
# groups that one sync covers must not let the first group's 250 go out with its WAL unsynced
# (syncer.c sync_all). Read from strace: the syncer's own descriptors (opened without
# O_NOFOLLOW, unlike SQLite's) and the order of its fdatasyncs.
# Timeline, each sync held 4 s by the test hook: mail m0 (db1) is committed and its sync
# begins; mail x (db1) is committed meanwhile; SIGHUP moves the writer to db2; mail y (db2) is
# committed; the syncer then takes x and y together. Before the fix it synced db2's WAL only.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"

command -v strace >/dev/null || bail "strace is needed (.ci/deps)"
serve_setup
# a second database, a copy of the fresh one (nothing has it open: init checkpointed it)
cp "$POSTDESK_HOME/postdesk.db" "$POSTDESK_HOME/other.db"
export POSTDESK_SYNC_THREAD=1 POSTDESK_TEST_SYNC_DELAY_MS=4000
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" serve_start
strace -f -y -p "$SERVE_PID" -o "$TEST_TMP/trace" -e trace=openat,fdatasync 2>"$TEST_TMP/strace.err" &
STRACE=$!
wait_for 30 grep -q attached "$TEST_TMP/strace.err" || bail "strace did not attach"
sleep 0.5

send() { # NAME: one LMTP mail; its final reply in $TEST_TMP/reply.NAME
	printf 'LHLO c.example\nMAIL FROM:<%s@customer.example>\nRCPT TO:<support@example.com>\nDATA\nFrom: %s@customer.example\nSubject: %s\n\nbody\n.\nQUIT\n' \
		"$1" "$1" "$1" | $PY "$CHAT_PY" "$LMTP_PORT" | sed -n '/^354/{n;p}' >"$TEST_TMP/reply.$1"
}
send m0 & M0=$!
wait_for 10 db_is 1 "select count(*) from intake where envelope_from = 'm0@customer.example'" || true
send x & X=$!
wait_for 10 db_is 1 "select count(*) from intake where envelope_from = 'x@customer.example'" || true
sed -i "s|^domain = example.com|&\ndatabase = $POSTDESK_HOME/other.db|" "$POSTDESK_HOME/postdesk.conf"
kill -HUP "$SERVE_PID"
wait_for 10 grep -q "configuration reloaded" "$SERVE_LOG" || bail "no reload"
send y & Y=$!
y_in_other() { [ "$(sqlite3 "$POSTDESK_HOME/other.db" "select count(*) from intake where envelope_from = 'y@customer.example'" 2>/dev/null)" = 1 ]; }
wait_for 10 y_in_other || true
# the precondition of the case: x and y wait for the same sync (m0's is still held)
is "y is committed in the second database while m0's sync is still held" \
	"$(sqlite3 "$POSTDESK_HOME/other.db" "select count(*) from intake where envelope_from = 'y@customer.example'"):$(cat "$TEST_TMP/reply.m0")" "1:"
wait "$M0" "$X" "$Y"
serve_stop
wait "$STRACE" 2>/dev/null
is "serve exits 0" "$SERVE_RC" 0
is "m0, x and y answered 250" "$(cut -c1-20 "$TEST_TMP"/reply.m0 "$TEST_TMP"/reply.x "$TEST_TMP"/reply.y | tr '\n' ' ')" \
	"250 2.0.0 Ok: stored 250 2.0.0 Ok: stored 250 2.0.0 Ok: stored "
is "x in the first database" "$(sqlite3 "$POSTDESK_HOME/postdesk.db" "select count(*) from intake where envelope_from = 'x@customer.example'")" 1
is "y in the second" "$(sqlite3 "$POSTDESK_HOME/other.db" "select count(*) from intake where envelope_from = 'y@customer.example'")" 1
# the syncer's fdatasyncs, in order, by file: m0's (db1), then for x and y one of each WAL
$PY - "$TEST_TMP/trace" >"$TEST_TMP/syncs" <<'EOF'
import re, sys
ours = set()  # (tid, fd) the syncer opened
out = []
for line in open(sys.argv[1], errors="replace"):
    m = re.match(r"(\d+)\s+openat\(.*\"[^\"]*-wal\", O_RDWR\|O_CLOEXEC\) = (\d+)<", line)
    if m:
        ours.add(m.groups())
        continue
    m = re.match(r"(\d+)\s+fdatasync\((\d+)<([^>]*)>", line)
    if m and (m.group(1), m.group(2)) in ours:
        out.append("db2" if m.group(3).endswith("other.db-wal") else "db1")
print(" ".join(out))
EOF
cat "$TEST_TMP/syncs" >>"$LOG"
is "the syncer synced m0's WAL, then x's (db1) and y's (db2)" "$(cat "$TEST_TMP/syncs")" "db1 db1 db2"
finish
