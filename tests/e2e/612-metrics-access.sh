#!/bin/bash
# GET /metrics names queues and counts them, so by default ([serve] metrics = loopback) only a
# peer on the loopback answers; anyone else reaching the HTTP listener gets 404, as for an
# unknown page. metrics = on answers everybody, off nobody. (issue 13, sla2)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"

# this machine's own non-loopback address (the test never leaves the host)
OWN=$(ip -o -4 addr show scope global 2>/dev/null | awk '{print $4}' | cut -d/ -f1 | head -n 1)

code() { curl -s -o /dev/null -w '%{http_code}' "$1"; }
run() { # ADDR [metrics = ...]: serve with its HTTP listener on ADDR; sets URL
	HTTP_PORT=$(free_port)
	rm -rf "$POSTDESK_HOME"
	serve_setup "http = $1:$HTTP_PORT" 'tick_interval = 3600' ${2:+"metrics = $2"}
	serve_start
	wait_for 30 port_open_at "$1" "$HTTP_PORT" || bail "no HTTP listener on $1"
	URL="http://$1:$HTTP_PORT"
}
port_open_at() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

run 127.0.0.1
is "default: a loopback peer gets the metrics" "$(code "$URL/metrics")" 200
check "default: the body is the metrics" sh -c "curl -s '$URL/metrics' | grep -q '^postdesk_queue_open_tickets{queue=\"support\"}'"
serve_stop

run 127.0.0.1 off
is "off: a loopback peer gets 404" "$(code "$URL/metrics")" 404
check "off: no queue name in the answer" sh -c "! curl -s '$URL/metrics' | grep -q postdesk_queue"
serve_stop

if [ -n "$OWN" ]; then
	run "$OWN"
	is "default: a peer at $OWN (not loopback) gets 404" "$(code "$URL/metrics")" 404
	check "default: no queue name in that answer" sh -c "! curl -s '$URL/metrics' | grep -q support"
	is "default: the rest of the listener still answers that peer" "$(code "$URL/kb/")" 200
	serve_stop

	run "$OWN" on
	is "on: a non-loopback peer gets the metrics" "$(code "$URL/metrics")" 200
	serve_stop
else
	for n in 1 2 3 4; do ok "no non-loopback address on this machine # SKIP"; done
fi

sed -i -e '/^metrics = /d' -e 's/^\[serve\]$/[serve]\nmetrics = sometimes/' "$POSTDESK_HOME/postdesk.conf"
check "a bad metrics value is a config error naming the key" \
	bash -c "'$POSTDESK' queue list 2>&1 | grep -q 'metrics'"
finish
