#!/bin/bash
# Listener limits and bad clients: message size (552, also announced by SIZE=), overlong
# command and text lines (500), garbage commands (500/502), unknown recipients (550 5.1.1),
# too many recipients (452), idle timeout and too many connections (421), a database held
# busy (451 4.3.0, nothing lost: the retry is stored). The daemon keeps answering throughout.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"

serve_setup 'max_line = 600' 'max_recipients = 3' 'idle_timeout = 3' 'max_connections = 4' \
	'[limits]' 'message_size = 20000' '[postdesk]' 'busy_timeout = 300'
serve_start

alive() { printf 'EHLO x\nNOOP\nQUIT\n' | chat "$SMTP_PORT" | codes | grep -qx '220 250 250 221'; }

out=$(printf 'EHLO x\nQUIT\n' | chat "$SMTP_PORT")
check "SIZE announces the limit" grep -q '^250-SIZE 20000$' <<<"$out"
is "MAIL SIZE= over the limit is 552" \
	"$(printf 'EHLO x\nMAIL FROM:<a@b.example> SIZE=20001\nQUIT\n' | chat "$SMTP_PORT" | codes)" "220 250 552 221"

# a message over the limit: 552 after the final dot, the session goes on
{
	printf 'EHLO x\nMAIL FROM:<big@customer.example>\nRCPT TO:<support@example.com>\nDATA\nSubject: big\n\n'
	for i in $(seq 1 400); do printf '%s\n' "line $i of a message that is far too big for the configured limit ......"; done
	printf '.\nNOOP\nQUIT\n'
} >"$TEST_TMP/big"
out=$(chat "$SMTP_PORT" <"$TEST_TMP/big")
is "oversized message is 552, then NOOP works" "$(codes <<<"$out")" "220 250 250 250 354 552 250 221"
check "552 carries 5.3.4" grep -q '^552 5.3.4' <<<"$out"
is "nothing stored for it" "$(db "select count(*) from intake where envelope_from = 'big@customer.example'")" 0

# an overlong command line: 500, the session goes on
long=$(head -c 2000 /dev/zero | tr '\0' 'a')
is "overlong command line is 500, then NOOP works" \
	"$(printf 'EHLO x\nNOOP %s\nNOOP\nQUIT\n' "$long" | chat "$SMTP_PORT" | codes)" "220 250 500 250 221"
# an overlong text line inside DATA
is "overlong DATA line is 500" \
	"$(printf 'EHLO x\nMAIL FROM:<long@customer.example>\nRCPT TO:<support@example.com>\nDATA\nSubject: long\n\n%s\n.\nQUIT\n' "$long" | chat "$SMTP_PORT" | codes)" \
	"220 250 250 250 354 500 221"
is "nothing stored for it" "$(db "select count(*) from intake where envelope_from = 'long@customer.example'")" 0

# garbage
is "unknown and unimplemented commands: 500 / 502" \
	"$(printf 'EHLO x\nFROBNICATE\n\nEXPN staff\nAUTH PLAIN xyz\nMAIL\nNOOP\nQUIT\n' | chat "$SMTP_PORT" | codes)" \
	"220 250 500 500 502 502 501 250 221"
printf 'EHLO x\n' >"$TEST_TMP/garbage"
for i in $(seq 1 20); do printf 'GARBAGE %s\n' "$i" >>"$TEST_TMP/garbage"; done
out=$(chat "$SMTP_PORT" <"$TEST_TMP/garbage")
check "too many errors: 421 and the connection is closed" grep -q '^421 4.7.0' <<<"$out"
head -c 100000 /dev/urandom >"$TEST_TMP/noise"
$PY -c 'import socket,sys; s=socket.create_connection(("127.0.0.1",int(sys.argv[1]))); s.sendall(open(sys.argv[2],"rb").read()); s.close()' \
	"$SMTP_PORT" "$TEST_TMP/noise" >>"$LOG" 2>&1
check "binary noise, then the daemon still answers" alive

# recipients
is "unknown recipient is 550, known ones 250" \
	"$(printf 'EHLO x\nMAIL FROM:<a@b.example>\nRCPT TO:<nobody@example.com>\nRCPT TO:<support@example.com>\nRCPT TO:<support@other.example>\nQUIT\n' | chat "$SMTP_PORT" | codes)" \
	"220 250 250 550 250 550 221"
is "recipients over max_recipients get 452" \
	"$(printf 'EHLO x\nMAIL FROM:<a@b.example>\nRCPT TO:<support@example.com>\nRCPT TO:<sales@example.com>\nRCPT TO:<support+a@example.com>\nRCPT TO:<sales+b@example.com>\nQUIT\n' | chat "$SMTP_PORT" | codes)" \
	"220 250 250 250 250 250 452 221"

# idle timeout (3 s): the server says 421 and closes
start=$(date +%s)
out=$($PY -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=60)
f = s.makefile("rb")
print(f.readline().decode().strip())
print(f.readline().decode().strip())
print("EOF" if f.readline() == b"" else "open")' "$SMTP_PORT")
took=$(($(date +%s) - start))
echo "$out" >>"$LOG"
check "idle client gets 421 4.4.2 and is closed" grep -q '^421 4.4.2' <<<"$out"
check "not before the timeout" test "$took" -ge 2

# max_connections (4): hold 4 sessions open, the fifth gets 421
$PY - "$SMTP_PORT" >"$TEST_TMP/conns" 2>&1 <<'PYEOF' &
import socket, sys, time
port = int(sys.argv[1])
held = []
for i in range(4):
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    print("held", s.makefile("rb").readline().decode().strip(), flush=True)
    held.append(s)
s = socket.create_connection(("127.0.0.1", port), timeout=30)
print("fifth", s.makefile("rb").readline().decode().strip(), flush=True)
PYEOF
conns=$!
wait "$conns"
cat "$TEST_TMP/conns" >>"$LOG"
is "four sessions greeted" "$(grep -c '^held 220' "$TEST_TMP/conns")" 4
check "the fifth gets 421" grep -q '^fifth 421 4.3.2' "$TEST_TMP/conns"
check "once they are gone, a new session is served" wait_for 30 alive

# a database held busy past busy_timeout: 451 4.3.0, and the retry is stored
conv='EHLO x\nMAIL FROM:<busy@customer.example>\nRCPT TO:<support@example.com>\nDATA\nSubject: busy\nMessage-ID: <busy-1@customer.example>\n\nbusy?\n.\nQUIT\n'
(printf "BEGIN IMMEDIATE;\nSELECT 'locked';\n"; sleep 5; printf 'COMMIT;\n') | db >"$TEST_TMP/locker" 2>&1 &
locker=$!
wait_for 30 grep -q locked "$TEST_TMP/locker" || bail "could not lock the database"
out=$(printf "$conv" | chat "$SMTP_PORT")
echo "$out" >>"$LOG"
is "a busy database is 451" "$(codes <<<"$out")" "220 250 250 250 354 451 221"
check "with 4.3.0" grep -q '^451 4.3.0' <<<"$out"
wait "$locker"
is "the retry is 250" "$(printf "$conv" | chat "$SMTP_PORT" | codes)" "220 250 250 250 354 250 221"
is "and stored once" "$(db "select count(*) from intake where envelope_from = 'busy@customer.example'")" 1

check "the daemon is still running" kill -0 "$SERVE_PID"
serve_stop TERM
is "SIGTERM: exit 0" "$SERVE_RC" 0
cat "$SERVE_LOG" >>"$LOG"
finish
