#!/bin/bash
# The relay itself down: `postdesk send` defers the rows it tried without counting the try
# (a relay that is away for an hour must not make a list's rows fail), holds off for a few
# seconds instead of trying every row, and sends everything once the relay is back.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"
. "$(dirname "$0")/lib-campaign.sh"

SINK_PORT=$(free_port) # nothing listens there yet
campaign_setup 'rate = 0' 'connections = 2'
make_list news 200 4
check "create" pd announce create --list news --subject 'Relay away' --body /dev/null
check "start" pd announce start 1
check "send with the relay down exits 0" pd send
tried=$(db "SELECT count(*) FROM deliveries WHERE state = 'deferred'")
echo "# $tried rows deferred" >>"$LOG"
check "some rows were tried and deferred" test "$tried" -gt 0
check "but far from all: the sender held off" test "$tried" -lt 200
is "no row failed" "$(db "SELECT count(*) FROM deliveries WHERE state IN ('failed', 'bounced')")" 0
is "no try counted" "$(db "SELECT max(attempts) FROM deliveries")" 0
is "no domain was slowed for the relay's fault" "$(db "SELECT count(*) FROM domain_pace")" 0
sink_start --port "$SINK_PORT"
sleep 5 # the deferred rows' time
check "send with the relay back" pd send
is "all sent" "$(campaign_json 1 sent)" 200
check "every address exactly once" check_sink news 0
finish
