#!/bin/bash
# `postdesk serve` runs as postdesk-net, and its command line says so: argv[0] is the
# postdesk-net path, so ps shows it and `pkill -f postdesk-net` (here narrowed to this test's
# own config path, never every postdesk-net on the machine) finds and stops it. The options
# and the command are passed on unchanged.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"

serve_setup
CONF="$POSTDESK_HOME/postdesk.conf"
NET="$(dirname "$POSTDESK")/postdesk-net"
"$POSTDESK" --config "$CONF" serve >>"$SERVE_LOG" 2>&1 &
SERVE_PID=$!
pd_track "$SERVE_PID"
wait_for 60 port_open "$LMTP_PORT" || bail "postdesk serve did not start listening"

args=$(tr '\0' ' ' <"/proc/$SERVE_PID/cmdline")
echo "# command line: $args"
is "the command line is postdesk-net's path and the same arguments" "$args" "$NET --config $CONF serve "
is "the process name is postdesk-net" "$(cat "/proc/$SERVE_PID/comm")" postdesk-net
is "pgrep -f postdesk-net finds serve" "$(pgrep -f "postdesk-net --config $CONF serve")" "$SERVE_PID"
is "postdesk serve still answers" "$(printf 'LHLO x\nQUIT\n' | chat "$LMTP_PORT" | codes)" "220 250 221"
pkill -TERM -f "postdesk-net --config $CONF serve"
gone() { ! kill -0 "$SERVE_PID" 2>/dev/null; }
check "pkill -f postdesk-net stops it" wait_for 60 gone
serve_stop # whatever happened: TERM, and its exit status
is "and it exits 0" "$SERVE_RC" 0
check "it said it stopped" grep -q "info: stopped" "$SERVE_LOG"
finish
