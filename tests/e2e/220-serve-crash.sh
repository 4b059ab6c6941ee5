#!/bin/bash
# kill -9 of `postdesk serve` under load: every message a client saw answered 250 is in the
# store after the restart (exactly once), rows left pending are processed by the restarted
# daemon, and the restarted daemon accepts mail again. SIGTERM during a transaction: the
# transaction is finished (250), the next one refused (421), exit 0.
# Nothing here waits a fixed time: each step waits for its condition, with room for a loaded
# 2-core machine and the sanitizer build (processing the rows left pending may take minutes
# there: the wait lasts as long as it makes progress).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"

serve_setup
serve_start

# a client of our own: THREADS sessions sending unique messages until the server goes away,
# appending the Message-ID of each message answered 250 to a file (flushed per line)
cat >"$TEST_TMP/load.py" <<'PYEOF'
import smtplib, sys, threading, uuid

port, threads, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
lock = threading.Lock()
log = open(out, "a")

def run(n):
    try:
        s = smtplib.SMTP("127.0.0.1", port, timeout=30)
        s.ehlo("load.example")
        for i in range(100000):
            mid = "<%s.%d.%d@load.example>" % (uuid.uuid4().hex, n, i)
            body = ("From: load%d@customer.example\r\nTo: support@example.com\r\n"
                    "Subject: crash load %d/%d\r\nMessage-ID: %s\r\n\r\n" % (n, n, i, mid)
                    + "line of text\r\n" * 200)
            s.sendmail("load%d@customer.example" % n, ["support@example.com"], body)
            with lock:
                log.write(mid + "\n")
                log.flush()
    except Exception as e:
        print("session %d ended: %r" % (n, e), flush=True)

ts = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
for t in ts: t.start()
for t in ts: t.join()
PYEOF

ACCEPTED="$TEST_TMP/accepted"
: >"$ACCEPTED"
$PY "$TEST_TMP/load.py" "$SMTP_PORT" 4 "$ACCEPTED" >>"$LOG" 2>&1 &
client=$!
pd_track "$client"
timeout 100 /usr/sbin/smtp-source -d -s 4 -m 100000 -l 8000 -f source@customer.example \
	-t support@example.com "127.0.0.1:$SMTP_PORT" >>"$LOG" 2>&1 &
source_pid=$!
pd_track "$source_pid"

accepted_at_least() { [ "$(wc -l <"$ACCEPTED")" -ge "$1" ]; }
check "the load is being accepted" wait_for 120 accepted_at_least 300
kill -9 "$SERVE_PID"
wait "$SERVE_PID" 2>/dev/null
check "client sessions end when the server dies" wait_for 60 bash -c "! kill -0 $client 2>/dev/null"
kill "$source_pid" 2>/dev/null
wait "$source_pid" 2>/dev/null
n_accepted=$(wc -l <"$ACCEPTED")
echo "# $n_accepted messages answered 250 before kill -9" | tee -a "$LOG"
pending_before=$(db "select count(*) from intake where state = 'pending'")
echo "# $pending_before rows pending at the kill" | tee -a "$LOG"

# every accepted Message-ID is stored exactly once
cat >"$TEST_TMP/verify.py" <<'PYEOF'
import re, sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=60)  # the crashed WAL is recovered under a lock
counts = {}
for (raw,) in db.execute("select b.raw from intake i join bodies b on b.id = i.body_id"):
    m = re.search(rb"^Message-ID: (<[^>]*>)", raw, re.M | re.I)
    if m:
        counts[m.group(1).decode()] = counts.get(m.group(1).decode(), 0) + 1
want = [l.strip() for l in open(sys.argv[2]) if l.strip()]
missing = [w for w in want if counts.get(w, 0) == 0]
twice = [w for w in want if counts.get(w, 0) > 1]
print("accepted %d, missing %d, stored twice %d" % (len(want), len(missing), len(twice)))
sys.exit(1 if missing or twice or not want else 0)
PYEOF
check "every message answered 250 is stored, once" $PY "$TEST_TMP/verify.py" "$POSTDESK_HOME/postdesk.db" "$ACCEPTED"

# pending_done: wait until no row is pending, for as long as the count keeps falling (up to
# 60 s without progress)
pending_done() {
	local last now since
	last=$(db "select count(*) from intake where state = 'pending'") || last=""
	since=$(date +%s)
	while :; do
		now=$(db "select count(*) from intake where state = 'pending'") || now=$last
		[ "$now" = 0 ] && return 0
		if [ "$now" != "$last" ]; then
			last=$now
			since=$(date +%s)
		elif [ $(($(date +%s) - since)) -ge 60 ]; then
			echo "still $now pending, none processed in 60 s"
			return 1
		fi
		sleep 0.5
	done
}
serve_start
check "the restarted daemon processes the rows left pending" pending_done
is "one ticket per stored message" "$(db "select count(*) from intake where state = 'done'")" \
	"$(db 'select count(*) from intake')"
is "and accepts mail again" "$(printf 'EHLO x\nMAIL FROM:<a@b.example>\nRCPT TO:<support@example.com>\nDATA\nSubject: after\n\nx\n.\nQUIT\n' | chat "$SMTP_PORT" | codes)" \
	"220 250 250 250 354 250 221"
# SIGTERM in the middle of a transaction: the listener stops accepting, the message being
# sent is still stored and answered 250, the next MAIL gets 421, then the daemon exits 0
cat >"$TEST_TMP/inflight.py" <<'PYEOF'
import os, socket, sys, time
port, tmp = int(sys.argv[1]), sys.argv[2]
s = socket.create_connection(("127.0.0.1", port), timeout=60)
f = s.makefile("rb")
def reply():
    while True:
        l = f.readline().decode().rstrip()
        if not l or l[3:4] != "-":
            return l
reply()
for c in ("EHLO x", "MAIL FROM:<late@customer.example>", "RCPT TO:<support@example.com>", "DATA"):
    s.sendall(c.encode() + b"\r\n"); reply()
s.sendall(b"Subject: in flight\r\nMessage-ID: <inflight@customer.example>\r\n\r\nfirst half\r\n")
open(tmp + "/ready", "w").close()
while not os.path.exists(tmp + "/go"):
    time.sleep(0.05)
s.sendall(b"second half\r\n.\r\n")
print("data", reply())
s.sendall(b"MAIL FROM:<late@customer.example>\r\n")
print("next", reply())
PYEOF
$PY "$TEST_TMP/inflight.py" "$SMTP_PORT" "$TEST_TMP" >"$TEST_TMP/inflight.out" 2>>"$LOG" &
inflight=$!
wait_for 60 test -e "$TEST_TMP/ready" || bail "the in-flight client did not start"
kill -TERM "$SERVE_PID"
check "SIGTERM: the listener stops accepting" wait_for 60 bash -c "! (exec 3<>/dev/tcp/127.0.0.1/$SMTP_PORT) 2>/dev/null"
check "while the session in flight is still served" kill -0 "$SERVE_PID"
touch "$TEST_TMP/go"
wait "$inflight"
cat "$TEST_TMP/inflight.out" >>"$LOG"
check "the message in flight is answered 250" grep -q '^data 250 ' "$TEST_TMP/inflight.out"
check "the next MAIL gets 421" grep -q '^next 421 ' "$TEST_TMP/inflight.out"
serve_stop 0 # already signalled: just wait
is "SIGTERM: exit 0" "$SERVE_RC" 0
# (read after the exit: the daemon's last checkpoint on close would make sqlite3 say "locked")
is "and it is stored" "$(db "select count(*) from intake where envelope_from = 'late@customer.example'")" 1
finish
