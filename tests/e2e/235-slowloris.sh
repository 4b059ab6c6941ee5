#!/bin/bash
# Slow clients cannot hold the listener: connections per client address are limited (421
# 4.7.0 beyond), a line must arrive whole within command_timeout, the idle timer counts
# whole lines (bytes dripped slowly do not keep a session alive), and a session ends after
# session_timeout whatever it does. Meanwhile a normal client is served within seconds.
# Clients use several loopback source addresses (127.0.0.1-4) to act as different hosts.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"

serve_setup 'max_connections = 8' 'max_connections_per_address = 3' 'command_timeout = 2' \
	'idle_timeout = 4' 'session_timeout = 9'
serve_start

cat >"$TEST_TMP/slow.py" <<'PYEOF'
# slow.py PORT: the attack and the normal client at once; prints "LABEL RESULT" lines.
import socket, sys, threading, time

port = int(sys.argv[1])
out_lock = threading.Lock()

def say(*words):
    with out_lock:
        print(*words, flush=True)

def connect(src):
    s = socket.create_connection(("127.0.0.1", port), timeout=30, source_address=(src, 0))
    return s, s.makefile("rb")

def line(f):
    l = f.readline()
    return l.decode("utf-8", "replace").strip() if l else "EOF"

# 10 connections from 127.0.0.1 that send a whole NOOP every second (so neither the command
# deadline nor the idle timer ends them): 3 get a session, the rest 421 4.7.0; the session
# deadline ends the held ones.
def holder(i, ready):
    try:
        s, f = connect("127.0.0.1")
        greeting = line(f)
        say("holder", greeting[:9])
        ready.release()
        if not greeting.startswith("220"):
            return
        start = time.monotonic()
        while True:
            try:
                s.sendall(b"NOOP\r\n")
            except OSError:
                say("holder-end", "reset", int(time.monotonic() - start))
                return
            r = line(f)
            if not r.startswith("250"):
                say("holder-end", r[:9], int(time.monotonic() - start))
                return
            time.sleep(1)
    except OSError as e:
        say("holder", "error", e)
        ready.release()

# the first reply within WAIT seconds, read from the socket itself (recv, not readline:
# a file object is unusable after a timeout)
def reply_within(s, wait):
    s.settimeout(wait)
    try:
        r = s.recv(1000)
    except socket.timeout:
        return None
    except OSError:
        return "reset"
    return r.decode("utf-8", "replace").strip() if r else "EOF"

# one client from 127.0.0.2 dripping a command one byte a second, without end
def dripper():
    s, f = connect("127.0.0.2")
    greeting = line(f)
    start = time.monotonic()
    if not greeting.startswith("220"):
        say("dripper", "refused", greeting[:9], 0)
        return
    for b in b"EHLO " + b"x" * 60:
        try:
            s.sendall(bytes([b]))
        except OSError:
            say("dripper", "reset", int(time.monotonic() - start))
            return
        r = reply_within(s, 1)
        if r is not None:
            say("dripper", r[:9], int(time.monotonic() - start))
            return
    say("dripper", "not-cut", int(time.monotonic() - start))

# one client from 127.0.0.4 that is silent for 3 s, then sends NOOP a byte each 0.4 s:
# no whole line within idle_timeout (4 s), though bytes keep coming
def trickler():
    s, f = connect("127.0.0.4")
    greeting = line(f)
    start = time.monotonic()
    if not greeting.startswith("220"):
        say("trickler", "refused", greeting[:9], 0)
        return
    r = reply_within(s, 3)
    for b in b"NOOP\r\n":
        if r is not None:
            break
        try:
            s.sendall(bytes([b]))
        except OSError:
            r = "reset"
            break
        r = reply_within(s, 0.4)
    if r is None:
        r = reply_within(s, 10)
    say("trickler", (r or "nothing")[:9], int(time.monotonic() - start))

# a normal client from 127.0.0.3, while all that is going on
def normal():
    start = time.monotonic()
    try:
        s, f = connect("127.0.0.3")
        codes = [line(f)[:3]]
        for cmd in (b"EHLO normal.example", b"MAIL FROM:<normal@customer.example>",
                    b"RCPT TO:<support@example.com>", b"DATA",
                    b"Subject: served\r\nMessage-ID: <normal-1@customer.example>\r\n\r\nhello\r\n.",
                    b"QUIT"):
            s.sendall(cmd + b"\r\n")
            r = line(f)
            while r[3:4] == "-":
                r = line(f)
            codes.append(r[:3])
        say("normal", " ".join(codes), int(time.monotonic() - start))
    except OSError as e:
        say("normal", "error", e, int(time.monotonic() - start))

ready = threading.Semaphore(0)
threads = [threading.Thread(target=holder, args=(i, ready)) for i in range(10)]
for t in threads:
    t.start()
for t in threads:
    ready.acquire()
others = [threading.Thread(target=f) for f in (dripper, trickler, normal)]
for t in others:
    t.start()
for t in threads + others:
    t.join(40)
say("done")
PYEOF

start=$(date +%s)
timeout 60 $PY "$TEST_TMP/slow.py" "$SMTP_PORT" >"$TEST_TMP/slow.out" 2>>"$LOG"
took=$(($(date +%s) - start))
cat "$TEST_TMP/slow.out" >>"$LOG"
out=$(cat "$TEST_TMP/slow.out")
count() { grep -c "$1" <<<"$out"; }

is "three sessions from one address" "$(count '^holder 220')" 3
is "the other seven get 421 4.7.0" "$(count '^holder 421 4.7.0')" 7
normal=$(grep '^normal ' <<<"$out")
is "a normal client is served meanwhile" "$(cut -d' ' -f2-8 <<<"$normal")" "220 250 250 250 354 250 221"
check "within a few seconds" test "$(cut -d' ' -f2 <<<"$normal")" = 220 -a "$(awk '{print $NF}' <<<"$normal")" -le 3
drip=$(grep '^dripper ' <<<"$out")
is "a command dripped a byte a second is cut" "$(cut -d' ' -f2-3 <<<"$drip")" "421 4.4.2"
check "by the command deadline (2 s after its first byte)" test "$(cut -d' ' -f2 <<<"$drip")" = 421 -a "$(awk '{print $NF}' <<<"$drip")" -le 4
trickle=$(grep '^trickler ' <<<"$out")
is "bytes without a whole line do not reset the idle timer" "$(cut -d' ' -f2-3 <<<"$trickle")" "421 4.4.2"
check "cut at the idle timeout (4 s), not before" test "$(cut -d' ' -f2 <<<"$trickle")" = 421 -a "$(awk '{print $NF}' <<<"$trickle")" -le 5 -a "$(awk '{print $NF}' <<<"$trickle")" -ge 3
is "sessions sending whole commands end at session_timeout" "$(count '^holder-end 421 4.4.2')" 3
check "not before it" test "$(grep '^holder-end ' <<<"$out" | awk '{print $NF}' | sort -n | head -1)" -ge 7 2>/dev/null
check "the attack took bounded time" test "$took" -le 20
is "the normal message is stored" "$(db "select count(*) from intake where envelope_from = 'normal@customer.example'")" 1
check "the log names the timeouts" grep -q 'command timeout' "$SERVE_LOG"
check "and the refused address" grep -q 'refusing a connection from 127.0.0.1: ' "$SERVE_LOG"

printf 'EHLO x\nNOOP\nQUIT\n' | chat "$SMTP_PORT" >"$TEST_TMP/after" 2>&1
is "afterwards a client from 127.0.0.1 is served again" "$(codes <"$TEST_TMP/after")" "220 250 250 221"

serve_stop TERM
is "SIGTERM: exit 0" "$SERVE_RC" 0
cat "$SERVE_LOG" >>"$LOG"
finish
