#!/bin/bash
# [campaign] sender_lease follows serve's SIGHUP like the other settings (lists4 left it read
# once, when serve started): the part's keeper writes the new length to campaign_sender at
# once, a longer lease so that the row does not run out at the old expiry, a shorter one so
# that it stops promising the old length; and it renews every third of the new length.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"
. "$(dirname "$0")/lib-campaign.sh"

sink_start
campaign_setup 'rate = 0' 'connections = 1' 'sender_lease = 30s'
holder() { db "SELECT kind || ' ' || pid FROM campaign_sender"; }
# left: seconds the holder's lease has to run
left() { echo $(($(db "SELECT coalesce(expires_at, 0) FROM campaign_sender") - $(date +%s))); }
set_lease() {
	sed -i "s/^sender_lease = .*/sender_lease = $1/" "$POSTDESK_HOME/postdesk.conf"
	kill -HUP "$SERVE_PID"
}
left_over() { [ "$(left)" -gt "$1" ]; }
left_under() { [ "$(left)" -le "$1" ]; }

serve_start
serving() { [ "$(holder)" = "serve $SERVE_PID" ]; }
check "serve takes the part" wait_for 20 serving
l=$(left)
[ "$l" -gt 20 ] && [ "$l" -le 30 ] && ok "the lease is the configured 30 s ($l left)" ||
	not_ok "the lease is the configured 30 s ($l left)"

# longer: without the reload the row keeps its 30 s (renewed every 10 s, still 30 s)
set_lease 600s
check "after SIGHUP with sender_lease = 600s the row's lease is 600 s" \
	wait_for 10 left_over 300
sleep 2
check "and it stays so ($(left) left)" left_over 300
grep -q 'campaign sender: lease now 600 s (was 30 s)' "$SERVE_LOG" && ok "serve says so" ||
	not_ok "serve says so"

# shorter: the row must not go on promising 600 s
set_lease 3s
check "after SIGHUP with sender_lease = 3s the row's lease is at most 3 s" \
	wait_for 10 left_under 3
# renewed every second now (a third of 3 s): it never runs out while serve holds the part
ran_out=0
for i in $(seq 1 8); do
	[ "$(left)" -ge 0 ] || ran_out=$((ran_out + 1))
	sleep 0.5
done
is "renewed every third of the new lease: it never ran out" "$ran_out" 0
is "serve still holds the part" "$(holder)" "serve $SERVE_PID"

# a reload with the same value writes nothing new
n=$(grep -c 'campaign sender: lease now' "$SERVE_LOG")
kill -HUP "$SERVE_PID"
check "the reload is done" wait_for 10 sh -c "[ \$(grep -c 'configuration reloaded' '$SERVE_LOG') -ge 3 ]"
sleep 1.5
is "the same value again: no change to say" "$(grep -c 'campaign sender: lease now' "$SERVE_LOG")" "$n"

serve_stop
is "serve exits 0" "$SERVE_RC" 0
is "serve gave the part back" "$(holder)" ""
finish
