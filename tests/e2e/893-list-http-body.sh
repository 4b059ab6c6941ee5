#!/bin/bash
# serve's HTTP listener keeps memory bounded whatever a client sends: the subscriber pages
# (and the knowledge base's) take small forms, so a POST body over 64 KB is refused with 413
# before it is read, and a body of unknown length (chunked) with 411. Before, libsoup read
# any body into memory first: a 200 MB POST to a forged /list/ URL took serve to 400 MB.
# Ordinary form POSTs and RFC 8058's one-click POST go on working.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"

HTTP_PORT=$(free_port)
serve_setup "http = 127.0.0.1:$HTTP_PORT"
URL="http://127.0.0.1:$HTTP_PORT"
check "a list" pd list create news --address news@example.com
check "ann subscribed" pd list subscribe news ann@y.org
unsub=$(pd list links news ann@y.org --json | jq -r .unsubscribe)
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
hwm() { awk '/^VmHWM:/ { print $2 }' "/proc/$SERVE_PID/status"; }
serve_start
wait_for 30 port_open "$HTTP_PORT" || bail "no HTTP listener"
curl -s -o /dev/null "$URL/kb/"
before=$(hwm)

is "a 100 MB POST to a forged link: 413" \
	"$(head -c 100000000 /dev/zero | code -X POST --data-binary @- -H 'Content-Type: application/x-www-form-urlencoded' "$URL/list/unsubscribe/xyz")" 413
after=$(hwm)
echo "# VmHWM before $before kB, after $after kB" >>"$LOG"
check "serve's peak memory grew by less than 32 MB (not the body)" test $((after - before)) -lt 32768
is "a 100 KB POST to the unsubscribe link: 413, nothing changed" \
	"$(head -c 100000 /dev/zero | code -X POST --data-binary @- "$unsub"; echo; pd list members news --json | jq -r '.[0].status')" "413
active"
is "a chunked POST (no length): 411" \
	"$(code -X POST -H 'Transfer-Encoding: chunked' --data-binary 'List-Unsubscribe=One-Click' "$unsub")" 411
is "still subscribed" "$(pd list members news --json | jq -r '.[0].status')" active
is "the kb search form still works (GET)" "$(code "$URL/kb/search?q=x")" 200
is "an RFC 8058 one-click POST: 200" "$(code -X POST --data 'List-Unsubscribe=One-Click' "$unsub")" 200
is "ann has left" "$(pd list members news --json | jq -r '.[0].status')" unsubscribed
check "serve is still running" kill -0 "$SERVE_PID"
finish
