#!/bin/bash
# SIGHUP moves the HTTP listener of `postdesk serve` as it moves the LMTP/SMTP ones: after
# `[serve] http` changes, serve answers on the new address and no longer on the old; a
# section without `http` stops it, one that adds it starts it; an address it cannot listen
# on leaves the running listener as it was.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"

command -v curl >/dev/null || bail "curl is not installed"
P1=$(free_port)
P2=$(free_port)
while [ "$P2" = "$P1" ]; do P2=$(free_port); done
serve_setup "http = 127.0.0.1:$P1"
CONF="$POSTDESK_HOME/postdesk.conf"

# http_code PORT: the status of GET /kb/ on 127.0.0.1:PORT ("000" when nothing answers)
http_code() { curl -s -o /dev/null -m 10 -w '%{http_code}' "http://127.0.0.1:$1/kb/"; }
hup_and_wait() { # N: the Nth "configuration reloaded"
	kill -HUP "$SERVE_PID"
	wait_for 30 sh -c "[ \$(grep -c 'configuration reloaded' '$SERVE_LOG') -ge $1 ]"
}
port_closed() { ! port_open "$1"; }
set_http() { # ADDRESS or "": rewrite the http line of [serve]
	grep -v '^http = ' "$CONF" >"$CONF.tmp"
	[ -n "$1" ] && sed -i "s/^\[serve\]\$/[serve]\nhttp = $1/" "$CONF.tmp"
	mv "$CONF.tmp" "$CONF"
}

serve_start
check "HTTP answers on the first address" wait_for 30 port_open "$P1"
is "GET /kb/ on the first address" "$(http_code "$P1")" 200

set_http "127.0.0.1:$P2"
check "SIGHUP after [serve] http changed" hup_and_wait 1
check "HTTP answers on the new address" wait_for 30 port_open "$P2"
is "GET /kb/ on the new address" "$(http_code "$P2")" 200
check "the old address no longer accepts connections" wait_for 30 port_closed "$P1"
is "GET /kb/ on the old address fails" "$(http_code "$P1")" 000
check "the move is logged" grep -q "http: knowledge base on http://127.0.0.1:$P2/kb/" "$SERVE_LOG"

# an address it cannot listen on (taken by someone else) keeps the running listener
$PY -c 'import socket,sys,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1); open(sys.argv[2], "w").close(); time.sleep(120)' \
	"$P1" "$TEST_TMP/taken" &
TAKER=$!
pd_track "$TAKER"
wait_for 20 test -e "$TEST_TMP/taken" || bail "could not take port $P1"
set_http "127.0.0.1:$P1"
check "SIGHUP with an address in use" hup_and_wait 2
check "the failure is logged" grep -q "reload: .*the HTTP listener stays as it was" "$SERVE_LOG"
is "the running listener still answers" "$(http_code "$P2")" 200
kill "$TAKER"; wait "$TAKER" 2>/dev/null

# no http: the listener stops; http again: it starts
set_http ""
check "SIGHUP without [serve] http" hup_and_wait 3
check "HTTP stops when [serve] http is removed" wait_for 30 port_closed "$P2"
set_http "127.0.0.1:$P1"
check "SIGHUP with [serve] http back" hup_and_wait 4
is "GET /kb/ after [serve] http was added back" "$(http_code "$P1")" 200

# the other listeners were not disturbed
is "LMTP still answers" "$(printf 'LHLO x\nQUIT\n' | chat "$LMTP_PORT" | codes)" "220 250 221"
serve_stop
is "serve exits 0 on SIGTERM" "$SERVE_RC" 0
finish
