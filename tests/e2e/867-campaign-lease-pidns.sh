#!/bin/bash
# Delivery leases (deliveries.lease_owner) name the holder's pid namespace, as the one
# sender's part does (db/035): "host:pid:tag:pidns". Two containers may share a host name
# while each has its own pids; kill(pid, 0) in one says nothing of a process in the other.
# A sender (and a cancel) takes a row from a holder at once only when the holder names this
# host AND this pid namespace and its pid is gone; any other holder keeps its rows until its
# lease runs out. Before, a live sender in another container with the same host name, whose
# pid does not exist here, lost its live leases to the first sender that looked.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"
. "$(dirname "$0")/lib-campaign.sh"

sink_start
campaign_setup 'rate = 0' 'connections = 2'
make_list news 60 3
host=$(hostname)
ns=$(readlink /proc/self/ns/pid | tr -dc 0-9)
[ -n "$ns" ] || bail "no pid namespace in /proc"
other=$((ns + 1)) # another container's pid namespace
sleep 60 & dead=$!; kill -9 $dead; wait $dead 2>/dev/null # a pid that is gone here
state_of() { db "SELECT state || ' ' || coalesce(lease_owner, '-') FROM deliveries WHERE campaign_id = $1 AND seq = $2"; }
count_in() { db "SELECT count(*) FROM deliveries WHERE campaign_id = $1 AND state = '$2'"; }

check "create campaign 1" pd announce create --list news --subject 'One' --body /dev/null
check "start it" pd announce start 1
lease() { # lease CAMPAIGN SEQ-FROM SEQ-TO OWNER
	db "UPDATE deliveries SET state = 'sending', lease_owner = '$4', lease_until = strftime('%s') + 3600
	    WHERE campaign_id = $1 AND seq BETWEEN $2 AND $3"
}
lease 1 1 5 "$host:$dead:0000beef:$other"   # alive in another container with our host name
lease 1 6 7 "$host:$dead:0000beef"          # no pid namespace named: only its expiry tells
lease 1 8 10 "$host:$dead:0000beef:$ns"     # this host and namespace, and gone
out=$(pd send)
echo "# $out" >>"$LOG"
is "another container's live leases stay with it" "$(state_of 1 1) / $(state_of 1 5)" \
	"sending $host:$dead:0000beef:$other / sending $host:$dead:0000beef:$other"
is "a lease naming no pid namespace stays until it runs out" "$(state_of 1 6)" "sending $host:$dead:0000beef"
is "the rows of a sender of this namespace that is gone are taken at once and sent" \
	"$(db "SELECT group_concat(state) FROM deliveries WHERE campaign_id = 1 AND seq BETWEEN 8 AND 10")" "sent,sent,sent"
is "everything else is sent, the 7 held rows are not" "$(count_in 1 sent) $(count_in 1 sending)" "53 7"
owner=$(db "SELECT DISTINCT lease_owner FROM deliveries WHERE campaign_id = 1 AND state = 'sending' AND lease_owner LIKE '%:%:%:%' AND lease_owner NOT LIKE '%:$other'")
is "no lease of this run is left" "$owner" ""

# a cancel judges the holders the same way
check "create campaign 2" pd announce create --list news --subject 'Two' --body /dev/null
check "start it" pd announce start 2
lease 2 1 4 "$host:$dead:0000beef:$other"
lease 2 5 6 "$host:$dead:0000beef:$ns"
check "cancel it" pd announce cancel 2
is "a cancel leaves another container's live leases, skips the gone sender's and the rest" \
	"$(db "SELECT state, count(*) FROM deliveries WHERE campaign_id = 2 GROUP BY state ORDER BY state" | tr '\n' ' ')" \
	"sending|4 skipped|56 "

# once the other container's lease runs out, its rows are sent (campaign 1) or skipped (2)
db "UPDATE deliveries SET lease_until = strftime('%s') - 5 WHERE state = 'sending'"
pd send >>"$LOG"
check "tick" pd tick
is "campaign 1: the run-out leases are sent" "$(count_in 1 sent)" 60
is "campaign 2: the run-out leases of the cancelled campaign are skipped" "$(count_in 2 skipped)" 60
check_sink news >>"$LOG" && ok "each address once" || not_ok "each address once"
finish
