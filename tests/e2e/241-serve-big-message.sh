#!/bin/bash
# A 50 MB message over LMTP does not cost serve 50 MB of memory while it is received: past
# 1 MB the DATA goes to an unlinked temporary file in the home, and the writer copies it into
# the database in pieces. Peak RSS (VmHWM) is read from /proc: while receiving (the whole
# message sent but the final dot, once serve has read it all), and after the commit and the
# processing, and for a re-delivery of the same bytes (stored already: no copy of it is read
# back). Figures go to the TAP comments; the bounds are generous; not a timing test.
# A spool that cannot be written (the home's disk full) is a 451, and the retry is stored.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"

FULL="" # the small tmpfs, when mounted
big_cleanup() {
	local p
	for p in $PD_PIDS; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	[ -n "$FULL" ] && umount "$FULL" 2>/dev/null
	pd_cleanup
}
trap big_cleanup EXIT
[ "$(id -u)" = 0 ] || bail "this test needs root (a small tmpfs is mounted for the full disk)"

SIZE_MB=${PD_BIG_MB:-50}
# sanitizer builds carry shadow memory and keep freed memory in quarantine: they get more
# room; the plain build judges the bounds
SLACK_KB=0
if ldd "$POSTDESK" 2>/dev/null | grep -q libasan; then
	SLACK_KB=$((256 * 1024))
fi
serve_setup
serve_start
PID=$SERVE_PID
kb() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$PID/status"; }
reset_peak() { echo 5 >"/proc/$PID/clear_refs"; }

# a small message first, so what every message costs (libraries, caches) is in the baseline
is "a small message" "$(printf 'LHLO t\nMAIL FROM:<a@customer.example>\nRCPT TO:<support@example.com>\nDATA\nFrom: a@customer.example\nTo: support@example.com\nSubject: small\nMessage-ID: <small@customer.example>\n\nhello\n.\nQUIT\n' | chat "$LMTP_PORT" | codes)" "220 250 250 250 354 250 221"
check "the small message is processed" wait_for 60 db_is 0 "SELECT count(*) FROM intake WHERE state = 'pending'"
base=$(kb VmRSS)
reset_peak

cat >"$TEST_TMP/big.py" <<'PY'
# big.py PORT PID MB RCPT: send one MB-megabyte message over LMTP; before the final dot wait until
# serve has read it all (both ends' TCP queues empty in /proc/net/tcp) and print its VmHWM
# then; print the replies
import socket, sys, time
import hashlib
port, pid, mb, rcpt = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
def queued(ports):
    """bytes in the send and receive queues of the connection between PORTS (both ends)"""
    n = 0
    for l in open("/proc/net/tcp").readlines()[1:]:
        f = l.split()
        lp, rp = int(f[1].split(":")[1], 16), int(f[2].split(":")[1], 16)
        if (lp, rp) in (ports, ports[::-1]):
            tx, rx = f[4].split(":")
            n += int(tx, 16) + int(rx, 16)
    return n
def hwm():
    for l in open("/proc/%s/status" % pid):
        if l.startswith("VmHWM:"):
            return int(l.split()[1])
s = socket.create_connection(("127.0.0.1", port), timeout=300)
f = s.makefile("rb")
def reply():
    while True:
        l = f.readline().decode()
        if len(l) < 4 or l[3] != "-":
            return l.strip()
out = [reply()]
for cmd in ("LHLO t", "MAIL FROM:<big@customer.example>", "RCPT TO:<%s>" % rcpt, "DATA"):
    s.sendall(cmd.encode() + b"\r\n")
    out.append(reply())
ends = (s.getsockname()[1], port)
head = (b"From: big@customer.example\r\nTo: support@example.com\r\nSubject: big\r\n"
        b"Message-ID: <big@customer.example>\r\n\r\n")
line = b"The quick brown fox jumps over the lazy dog, again and again and again.\r\n"
block = line * (1024 * 1024 // len(line))
sent = len(head)
sha = hashlib.sha256(head)
s.sendall(head)
while sent + len(block) <= mb * 1000 * 1000:
    s.sendall(block)
    sha.update(block)
    sent += len(block)
deadline = time.time() + 300
while queued(ends) > 0 and time.time() < deadline:
    time.sleep(0.05)
time.sleep(0.2)
print("receiving_hwm_kb %d" % hwm(), flush=True)
print("sent_bytes %d" % sent, flush=True)
print("sha256 %s" % sha.hexdigest(), flush=True)
s.sendall(b".\r\n")
out.append(reply())
s.sendall(b"QUIT\r\n")
out.append(reply())
print("codes " + " ".join(r[:3] for r in out), flush=True)
PY
# big OUT RCPT: send the message to RCPT, its output in OUT
big() { $PY "$TEST_TMP/big.py" "$LMTP_PORT" "$PID" "$SIZE_MB" "$2" >"$1" 2>>"$LOG"; cat "$1" >>"$LOG"; }
field() { awk -v k="$2" '$1 == k { $1 = ""; print substr($0, 2) }' "$1"; }
big "$TEST_TMP/big.out" support@example.com
recv=$(field "$TEST_TMP/big.out" receiving_hwm_kb)
is "the ${SIZE_MB} MB message is accepted" "$(field "$TEST_TMP/big.out" codes)" "220 250 250 250 354 250 221"
check "it is processed" wait_for 300 db_is 0 "SELECT count(*) FROM intake WHERE state = 'pending'"
is "it is stored whole" "$(db "SELECT size || ' ' || sha256 FROM intake WHERE source = 'lmtp' ORDER BY id DESC LIMIT 1")" \
	"$(field "$TEST_TMP/big.out" sent_bytes) $(field "$TEST_TMP/big.out" sha256)"
is "the stored bytes hash to the SHA-256 sent" \
	"$(sqlite3 -cmd '.timeout 10000' "$POSTDESK_HOME/postdesk.db" "SELECT writefile('$TEST_TMP/stored.eml', raw) FROM bodies ORDER BY id DESC LIMIT 1" >/dev/null; sha256sum <"$TEST_TMP/stored.eml" | cut -d' ' -f1)" \
	"$(field "$TEST_TMP/big.out" sha256)"
all=$(kb VmHWM)
is "no spool file is left in the home" "$(ls -A "$POSTDESK_HOME" | grep -c '^\.spool-')" 0

# the same bytes again for the same recipient: received, recognised, nothing read back
reset_peak
big "$TEST_TMP/again.out" support@example.com
is "the re-delivery is answered 250" "$(field "$TEST_TMP/again.out" codes)" "220 250 250 250 354 250 221"
check "the re-delivery is recognised" wait_for 60 grep -q "action=duplicate" "$SERVE_LOG"
sleep 2 # the worker's turn at the row (already done)
again=$(kb VmHWM)
echo "# serve RSS before: $((base / 1024)) MB; peak while receiving ${SIZE_MB} MB: $((recv / 1024)) MB;" \
	"peak through commit and processing: $((all / 1024)) MB; peak for a re-delivery: $((again / 1024)) MB"
# receiving keeps at most the 1 MB spool buffer and the session's read chunks in memory
check "receiving ${SIZE_MB} MB adds less than 16 MB to serve's RSS (+$(((recv - base) / 1024)) MB)" \
	test $((recv - base)) -lt $((16 * 1024 + SLACK_KB))
# processing reads the message back once (the parser works on that copy)
check "commit and processing add less than twice the size (+$(((all - base) / 1024)) MB)" \
	test $((all - base)) -lt $((2 * SIZE_MB * 1024 + SLACK_KB))
check "a re-delivery adds less than 16 MB (+$(((again - base) / 1024)) MB)" \
	test $((again - base)) -lt $((16 * 1024 + SLACK_KB))
serve_stop
is "serve exits 0 on SIGTERM" "$SERVE_RC" 0

# ---- the home's disk full while a big message is spooled: 451, then the retry is stored ----
FULL="$TEST_TMP/full"
mkdir "$FULL"
mount -t tmpfs -o size=12m pd-e2e-full "$FULL" || bail "could not mount a tmpfs"
POSTDESK_HOME="$FULL/home"
export POSTDESK_HOME
SERVE_LOG="$TEST_TMP/serve-full.log"
serve_setup
serve_start
PID=$SERVE_PID
SIZE_MB=3
dd if=/dev/zero of="$FULL/filler" bs=4k 2>/dev/null
big "$TEST_TMP/full.out" support@example.com
is "a message that cannot be spooled is answered 451" "$(field "$TEST_TMP/full.out" codes)" \
	"220 250 250 250 354 451 221"
check "the failure is logged" grep -qi "spooling the message in .*: No space left" "$SERVE_LOG"
rm -f "$FULL/filler"
big "$TEST_TMP/retry.out" support@example.com
is "the retry is answered 250" "$(field "$TEST_TMP/retry.out" codes)" "220 250 250 250 354 250 221"
check "the retry is processed" wait_for 60 db_is "done" "SELECT state FROM intake WHERE size > 1000000"
serve_stop
is "serve exits 0 on SIGTERM (full disk part)" "$SERVE_RC" 0
finish
