#!/bin/bash
# What serve's group commit asks of the disk (issue 10, sync), read from strace, in order, by
# counts and not by times: for each mail taken over LMTP, and for each handed over by
# postdesk-deliver, the commit writes the WAL, releases SQLite's write lock (the unlock of
# byte 120 of -shm), and only then is the WAL fdatasync'ed; the 250 (the hand-over's `ok`) is
# written after that sync has returned. Before, the sync came inside COMMIT, under the lock,
# so the next group could not be inserted while the disk flushed (syncer.c).
# A sync delayed by a test hook shows that the write lock is free during the sync (by
# default the writer syncs inline, after COMMIT); with the syncer thread (POSTDESK_SYNC_THREAD)
# a second session's mail is committed while the first one's sync is still waiting, and
# neither is answered before its sync; and the worker's quiet spell counts from the 250s, not
# from the COMMIT.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"

command -v strace >/dev/null || bail "strace is needed (.ci/deps)"
FAST="${POSTDESK%/*}/postdesk-deliver"
[ -x "$FAST" ] || bail "no $FAST"
# the worker stays out of the way (no turn for 60 s of quiet): only the writer's commits
serve_setup
export POSTDESK_TEST_QUIET_MS=60000
# LeakSanitizer cannot run under ptrace (the sanitizer build): leaks are the other parts' business
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" serve_start

# trace serve's threads
strace -f -y -p "$SERVE_PID" -o "$TEST_TMP/trace" -e trace=pwrite64,fdatasync,fcntl,sendto,sendmsg \
	2>"$TEST_TMP/strace.err" &
STRACE=$!
wait_for 30 grep -q attached "$TEST_TMP/strace.err" || bail "strace did not attach"
sleep 0.5

lmtp_mail() {
	printf 'LHLO client.example\nMAIL FROM:<%s@customer.example>\nRCPT TO:<support@example.com>\nDATA\nFrom: %s@customer.example\nTo: support@example.com\nSubject: %s\n\nbody of %s\n.\nQUIT\n' \
		"$1" "$1" "$1" "$1" | $PY "$CHAT_PY" "$LMTP_PORT"
}
for i in 1 2 3 4 5; do
	lmtp_mail "lm$i" >"$TEST_TMP/chat$i"
done
is "five LMTP mails answered 250" "$(cat "$TEST_TMP"/chat? | grep -c '^250 2.0.0 Ok: stored')" 5
for i in 1 2 3; do
	printf 'From: ho%s@customer.example\nTo: support@example.com\nSubject: handed over %s\n\nbody\n' "$i" "$i" |
		POSTDESK_DEBUG=1 "$FAST" -f "ho$i@customer.example" -r support@example.com 2>>"$TEST_TMP/fast.err"
	echo "rc=$?" >>"$TEST_TMP/fast.rc"
done
is "three hand-overs exit 0" "$(grep -c 'rc=0' "$TEST_TMP/fast.rc")" 3
is "... all through serve's group commit" "$(grep -c "committed by serve's group commit" "$TEST_TMP/fast.err")" 3
serve_stop
wait "$STRACE" 2>/dev/null
is "serve exits 0" "$SERVE_RC" 0

# order TRACE: for each reply that says a mail is stored (LMTP "250 2.0.0 Ok: stored", the
# hand-over's "ok "), one word: ok when, after the last write of the WAL before it, the write
# lock was released, then the WAL synced (begun after that release, returned before the reply);
# else what is missing
$PY - "$TEST_TMP/trace" >"$TEST_TMP/order" <<'EOF'
import re, sys
events = []  # (kind, what) in trace order; kind: write, unlock, sync-start, sync-end, reply
pending = {}
for line in open(sys.argv[1], errors="replace"):
    m = re.match(r"(\d+)\s+(.*)", line)
    if not m:
        continue
    pid, rest = m.groups()
    r = re.match(r"<\.\.\. (\w+) resumed>", rest)
    if r:
        call = r.group(1)
        if call == "fdatasync" and pending.pop(pid, None):
            events.append(("sync-end", ""))
        continue
    c = re.match(r"(\w+)\((.*)", rest)
    if not c:
        continue
    call, args = c.groups()
    unfinished = "<unfinished ...>" in rest
    if call == "pwrite64" and re.match(r"\d+<[^>]*-wal>", args):
        events.append(("write", ""))
    elif call == "fcntl" and "-shm>" in args and "F_UNLCK" in args and "l_start=120," in args:
        events.append(("unlock", ""))
    elif call == "fdatasync" and re.match(r"\d+<[^>]*-wal>", args):
        events.append(("sync-start", ""))
        if unfinished:
            pending[pid] = True
        else:
            events.append(("sync-end", ""))
    elif call in ("sendto", "sendmsg"):
        if '"250 2.0.0 Ok: stored' in args:
            events.append(("reply", "lmtp"))
        elif re.search(r'"ok \d', args):
            events.append(("reply", "handover"))
for i, (kind, what) in enumerate(events):
    if kind != "reply":
        continue
    w = max((j for j in range(i) if events[j][0] == "write"), default=None)
    if w is None:
        print(what + ":no-write")
        continue
    u = next((j for j in range(w, i) if events[j][0] == "unlock"), None)
    if u is None:
        print(what + ":no-unlock")
        continue
    s = next((j for j in range(u, i) if events[j][0] == "sync-start"), None)
    if s is None:
        print(what + ":no-sync-after-unlock")
        continue
    e = next((j for j in range(s, i) if events[j][0] == "sync-end"), None)
    print(what + (":ok" if e is not None else ":sync-not-returned"))
EOF
cat "$TEST_TMP/order" >>"$LOG"
is "each LMTP 250: WAL written, lock released, WAL synced, then the 250" \
	"$(grep '^lmtp' "$TEST_TMP/order" | tr '\n' ' ')" "lmtp:ok lmtp:ok lmtp:ok lmtp:ok lmtp:ok "
is "each hand-over's ok: the same order" \
	"$(grep '^handover' "$TEST_TMP/order" | tr '\n' ' ')" "handover:ok handover:ok handover:ok "

# by default the writer syncs the WAL itself after releasing the write lock: while a mail's
# sync waits (1.5 s), another connection takes the write lock at once, and the mail has no
# 250 until its sync is over
export POSTDESK_TEST_SYNC_DELAY_MS=1500
serve_start
final_of() { sed -n '/^354/{n;p;q}'; }
printf 'LHLO c.example\nMAIL FROM:<in1@customer.example>\nRCPT TO:<support@example.com>\nDATA\nFrom: in1@customer.example\nSubject: in1\n\nbody\n.\nQUIT\n' |
	$PY "$CHAT_PY" "$LMTP_PORT" | final_of >"$TEST_TMP/in1" &
CLIENT=$!
wait_for 10 db_is 1 "select count(*) from intake where envelope_from = 'in1@customer.example'" || true
check "while its sync waits, the write lock is free (BEGIN IMMEDIATE without waiting)" \
	sqlite3 "$POSTDESK_HOME/postdesk.db" "BEGIN IMMEDIATE; COMMIT;"
is "... and the mail has no 250 yet" "$(cat "$TEST_TMP/in1")" ""
wait "$CLIENT"
is "then it is answered 250" "$(cut -c1-20 "$TEST_TMP/in1")" "250 2.0.0 Ok: stored"
serve_stop
is "serve exits 0" "$SERVE_RC" 0

# pipelining (POSTDESK_SYNC_THREAD: the syncer thread): each sync waits 1.5 s; session A's
# mail, then B's 0.5 s later. B's row is committed while A's sync still waits, and neither
# has its 250 yet
POSTDESK_SYNC_THREAD=1 serve_start
$PY - "$LMTP_PORT" "$TEST_TMP/pipe" <<'EOF' &
import socket, sys, threading, time
port, out = int(sys.argv[1]), sys.argv[2]
def reply(f):
    while True:
        line = f.readline()
        if line[3:4] != b"-":
            return line
def session(name, wait):
    time.sleep(wait)
    s = socket.create_connection(("127.0.0.1", port), timeout=60)
    f = s.makefile("rb")
    reply(f)
    for cmd in (b"LHLO c.example", b"MAIL FROM:<%s@customer.example>" % name, b"RCPT TO:<support@example.com>", b"DATA"):
        s.sendall(cmd + b"\r\n"); reply(f)
    s.sendall(b"Subject: %s\r\n\r\nbody\r\n.\r\n" % name)
    r = reply(f)
    with open(out + "." + name.decode(), "w") as o:
        o.write("%.3f %s\n" % (time.time(), r.decode().strip()))
t = [threading.Thread(target=session, args=(b"pa", 0)), threading.Thread(target=session, args=(b"pb", 0.5))]
for x in t: x.start()
for x in t: x.join()
EOF
CLIENT=$!
wait_for 10 db_is 1 "select count(*) from intake where envelope_from = 'pb@customer.example'" || true
seen=$(date +%s.%N)
is "B's mail is committed while A's sync waits" \
	"$(db "select count(*) from intake where envelope_from in ('pa@customer.example', 'pb@customer.example')")" 2
check "... and neither has its 250 yet" test ! -e "$TEST_TMP/pipe.pa" -a ! -e "$TEST_TMP/pipe.pb"
wait "$CLIENT"
is "then both are answered 250" "$(cat "$TEST_TMP"/pipe.p? | grep -c ' 250 2.0.0 Ok: stored')" 2
check "... after their rows were committed" \
	$PY -c "import sys; sys.exit(not all(float(open(f).read().split()[0]) > $seen for f in sys.argv[1:]))" \
	"$TEST_TMP/pipe.pa" "$TEST_TMP/pipe.pb"
serve_stop
is "serve exits 0" "$SERVE_RC" 0

# the worker's quiet spell (here 1.3 s) counts from when a group is answered, not from its
# COMMIT: syncs of 1 s and a client that sends its next mail 0.6 s after each 250 are one
# burst (1.6 s from commit to commit, 0.6 s from 250 to the next commit): nothing is
# processed until it ends
export POSTDESK_TEST_SYNC_DELAY_MS=1000 POSTDESK_TEST_QUIET_MS=1300
serve_start
$PY - "$LMTP_PORT" "$POSTDESK_HOME/postdesk.db" >"$TEST_TMP/slow" <<'EOF'
import socket, sqlite3, sys, time
port, dbpath = int(sys.argv[1]), sys.argv[2]
def reply(f):
    while True:
        line = f.readline()
        if line[3:4] != b"-":
            return line
s = socket.create_connection(("127.0.0.1", port), timeout=60)
f = s.makefile("rb")
reply(f)
s.sendall(b"LHLO c.example\r\n"); reply(f)
for i in range(4):
    for cmd in (b"MAIL FROM:<sl%d@customer.example>" % i, b"RCPT TO:<support@example.com>", b"DATA"):
        s.sendall(cmd + b"\r\n"); reply(f)
    s.sendall(b"From: sl%d@customer.example\r\nSubject: slow %d\r\n\r\nbody\r\n.\r\n" % (i, i))
    r = reply(f)
    print(r.decode().strip())
    if i < 3:
        time.sleep(0.6)
db = sqlite3.connect(dbpath, timeout=10)
print("pending", db.execute("select count(*) from intake where envelope_from like 'sl%' and state = 'pending'").fetchone()[0])
EOF
is "four mails, each answered 250" "$(grep -c '^250 2.0.0 Ok: stored' "$TEST_TMP/slow")" 4
is "none was processed while they came" "$(grep pending "$TEST_TMP/slow")" "pending 4"
serve_stop
is "serve exits 0" "$SERVE_RC" 0
unset POSTDESK_TEST_SYNC_DELAY_MS POSTDESK_TEST_QUIET_MS
serve_start
wait_for 60 db_is 0 "select count(*) from intake where state = 'pending'"
is "all ten mails stored once, and processed by a serve without the hooks" \
	"$(db "select count(*), count(distinct sha256), sum(state != 'pending') from intake")" "15|15|15"
serve_stop
is "serve exits 0" "$SERVE_RC" 0

finish
