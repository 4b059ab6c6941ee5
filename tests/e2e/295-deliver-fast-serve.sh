#!/bin/bash
# postdesk-deliver with serve running (issue 10, lean): serve binds HOME/wake.sock; the mail's
# ticket appears without another command, long before serve's own scan ([serve] send_interval
# is 60 s here), one at a time and 8 at once. serve gone between postdesk-deliver's look and
# its commit: the full program, given the same bytes, processes the stored rows. A socket
# left by a killed serve means no serve (the full program takes the mail), and the next serve
# replaces it; a clean stop removes it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"
FAST="${POSTDESK%/*}/postdesk-deliver"
SOCK="$POSTDESK_HOME/wake.sock"

serve_setup 'send_interval = 60'
serve_start
check "serve binds HOME/wake.sock" test -S "$SOCK"
wait_for 10 tickets_are 0 # serve's first scan is done
fast() { local f=$1; shift; POSTDESK_DEBUG=1 "$FAST" "$@" <"$f" 2>"$TEST_TMP/err"; echo $?; cat "$TEST_TMP/err" >>"$LOG"; }
handed() { grep -q "postdesk deliver takes this mail: .*$1" "$TEST_TMP/err"; }

mail "$TEST_TMP/1.eml" 'Ann <ann@customer.example>' support@example.com "Woken" <<<"hello"
is "a mail exits 0" "$(fast "$TEST_TMP/1.eml" -f ann@customer.example -r support@example.com)" 0
grep -q "takes this mail" "$TEST_TMP/err" && not_ok "... taken by postdesk-deliver itself" || ok "... taken by postdesk-deliver itself"
wait_for 10 tickets_are 1 && ok "its ticket appears without another command" || not_ok "its ticket appears without another command"
is "... with its acknowledgement queued" "$(db "SELECT count(*) FROM outbox WHERE kind = 'ack'")" 1

# eight at once
for i in $(seq 1 16); do
	mail "$TEST_TMP/m$i.eml" "C$i <c$i@customer.example>" support@example.com "Eight at once $i" <<<"mail $i"
done
seq 1 16 | xargs -P 8 -I{} sh -c '"$0" -f c{}@customer.example -r support@example.com <"$1/m{}.eml" 2>>"$2" || echo FAIL' \
	"$FAST" "$TEST_TMP" "$LOG" >"$TEST_TMP/par.out"
is "16 mails, 8 at a time: every one exits 0" "$(grep -c FAIL "$TEST_TMP/par.out")" 0
wait_for 15 tickets_are 17 && ok "17 tickets, without another command" || not_ok "17 tickets, without another command"
is "nothing left pending" "$(db "SELECT count(*) FROM intake WHERE state = 'pending'")" 0

# ---- serve gone between the look and the commit ----
# a stand-in listener on the socket: postdesk-deliver connects to it, then it goes away while
# the message is still being read from a pipe
serve_stop
check "a clean stop removes the socket" test ! -e "$SOCK"
$PY -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1]); time.sleep(60)' "$SOCK" &
standin=$!
pd_track "$standin"
wait_for 10 test -S "$SOCK"
mkfifo "$TEST_TMP/fifo"
exec 7<>"$TEST_TMP/fifo"
mail "$TEST_TMP/gone.eml" 'Gus <gus@customer.example>' support@example.com "Serve gone" <<<"still processed"
POSTDESK_DEBUG=1 "$FAST" -f gus@customer.example -r support@example.com <"$TEST_TMP/fifo" 2>"$TEST_TMP/err" 7>&- &
fastpid=$!
# it has looked (connected) once it waits for the message
wait_for 10 sh -c "ls -l /proc/$fastpid/fd 2>/dev/null | grep -q socket"
kill "$standin"
wait "$standin" 2>/dev/null
cat "$TEST_TMP/gone.eml" >&7
exec 7>&-
wait "$fastpid"
is "serve gone meanwhile: exit 0" "$?" 0
cat "$TEST_TMP/err" >>"$LOG"
check "... handed over: serve stopped" handed "serve stopped"
is "... the full program processed the stored row" "$(db "SELECT count(*), min(state) FROM intake WHERE envelope_from = 'gus@customer.example'")" "1|done"
is "... one ticket more" "$(pd ticket list --json | jq length)" 18
rm -f "$SOCK"

# ---- a socket left by a serve killed with SIGKILL ----
serve_start
serve_stop KILL
check "a killed serve leaves its socket" test -S "$SOCK"
mail "$TEST_TMP/stale.eml" 'Hal <hal@customer.example>' support@example.com "Stale socket" <<<"x"
is "a stale socket: exit 0" "$(fast "$TEST_TMP/stale.eml" -r support@example.com)" 0
check "... handed over: no serve running" handed "no serve running"
is "... processed by the full program" "$(pd ticket list --json | jq length)" 19
serve_start
mail "$TEST_TMP/again.eml" 'Ida <ida@customer.example>' support@example.com "Again woken" <<<"x"
is "the next serve replaces the socket: exit 0" "$(fast "$TEST_TMP/again.eml" -r support@example.com)" 0
grep -q "takes this mail" "$TEST_TMP/err" && not_ok "... taken by postdesk-deliver itself" || ok "... taken by postdesk-deliver itself"
wait_for 10 tickets_are 20 && ok "... and serve makes the ticket" || not_ok "... and serve makes the ticket"
serve_stop
is "serve exits 0" "$SERVE_RC" 0
finish
