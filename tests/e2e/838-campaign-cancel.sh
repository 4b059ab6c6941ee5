#!/bin/bash
# A cancelled campaign leaves no row to send (issue 12, lists3): cancel marks every unsent
# ledger row 'skipped' (last_reply 'cancelled') in its own transaction, and a row a sender
# still held at the cancel (given back or deferred afterwards) becomes 'skipped' too, so
# total = sent + deferred + bounced + failed + skipped + pending with nothing pending, and a
# later `postdesk send` sends nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"
. "$(dirname "$0")/lib-campaign.sh"

sink_start
campaign_setup 'rate = 0' 'connections = 2'
make_list news 400 4
counts() { pd announce status "$1" --json | jq -c '[.total, .sent, .deferred, .bounced, .failed, .skipped, .pending, .sending]'; }
adds_up() { pd announce status "$1" --json | jq -e '.total == .sent + .deferred + .bounced + .failed + .skipped + .pending + .sending' >/dev/null; }

# a draft cancelled before it ever ran
check "create a draft" pd announce create --list news --subject 'Never' --body /dev/null
check "cancel the draft" pd announce cancel 1
is "cancelled" "$(campaign_state 1)" cancelled
is "the draft's rows: all skipped" "$(counts 1)" "[400,0,0,0,0,400,0,0]"
is "marked as cancelled" "$(db "SELECT count(*) FROM deliveries WHERE campaign_id = 1 AND last_reply = 'cancelled'")" 400

# a running campaign cancelled by hand, while serve sends it
check "create the second, slow" pd announce create --list news --subject 'Slow' --body /dev/null --rate 40/s
check "start it" pd announce start 2
serve_start
some() { [ "$(campaign_json 2 sent)" -ge 20 ]; }
check "it sends" wait_for 30 some
db "UPDATE deliveries SET state = 'deferred', next_attempt_at = strftime('%s') + 3600, attempts = 1
    WHERE id = (SELECT id FROM deliveries WHERE campaign_id = 2 AND state = 'pending' ORDER BY seq DESC LIMIT 1)"
check "cancel" pd announce cancel 2
is "cancelled" "$(campaign_state 2)" cancelled
settled() { db_is 0 "SELECT count(*) FROM deliveries WHERE campaign_id = 2 AND state = 'sending'"; }
check "the sender lets go of its rows" wait_for 20 settled
sleep 1.5
is "nothing pending or deferred after the cancel" \
	"$(db "SELECT count(*) FROM deliveries WHERE campaign_id = 2 AND state IN ('pending', 'deferred', 'sending')")" 0
check "the counts add up" adds_up 2
n=$(campaign_json 2 sent)
is "sent + skipped = total" "$(pd announce status 2 --json | jq '.sent + .bounced + .skipped')" 400
check "some of it never went" test "$n" -lt 400
serve_stop

# nothing can send them later
check "send after the cancel" pd send
is "send sent nothing more" "$(campaign_json 2 sent)" "$n"
is "the sink got only what went before" "$(jq -s '[.[] | select(.n)] | length' "$SINK_OUT")" "$n"
# a row given back by a sender that held it at the cancel is skipped, not pending
id=$(db "SELECT id FROM deliveries WHERE campaign_id = 2 AND state = 'skipped' LIMIT 1")
db "UPDATE deliveries SET state = 'pending' WHERE id = $id"
is "a row given back after the cancel becomes skipped" "$(db "SELECT state FROM deliveries WHERE id = $id")" skipped
db "UPDATE deliveries SET state = 'deferred', next_attempt_at = 1 WHERE id = $id"
is "a row deferred after the cancel becomes skipped" "$(db "SELECT state FROM deliveries WHERE id = $id")" skipped
# a running campaign's rows are untouched by this
check "create a third" pd announce create --list news --subject 'Third' --body /dev/null
id3=$(db "SELECT id FROM deliveries WHERE campaign_id = 3 LIMIT 1")
db "UPDATE deliveries SET state = 'deferred', next_attempt_at = 1 WHERE id = $id3"
is "another campaign's deferred row stays deferred" "$(db "SELECT state FROM deliveries WHERE id = $id3")" deferred
# a row a sender killed with -9 still held (nobody would give it back): skipped at the cancel
check "create a fourth" pd announce create --list news --subject 'Fourth' --body /dev/null
check "start it" pd announce start 4
sleep 60 & dead=$!; kill -9 $dead; wait $dead 2>/dev/null
# (a lease names its holder's pid namespace: only there does a pid that is gone say it is gone)
ns=$(readlink /proc/self/ns/pid | tr -dc 0-9)
db "UPDATE deliveries SET state = 'sending', lease_owner = '$(hostname):$dead:0000beef:$ns', lease_until = strftime('%s') + 3600
    WHERE campaign_id = 4 AND seq <= 5"
db "UPDATE deliveries SET state = 'sending', lease_owner = 'elsewhere:1:0000beef', lease_until = strftime('%s') - 10
    WHERE campaign_id = 4 AND seq BETWEEN 6 AND 7"
db "UPDATE deliveries SET state = 'sending', lease_owner = '$(hostname):$$:0000beef:$ns', lease_until = strftime('%s') + 3600
    WHERE campaign_id = 4 AND seq = 8"
check "cancel the fourth" pd announce cancel 4
is "the dead sender's and the run-out leases are skipped; a live sender's row stays with it" \
	"$(db "SELECT state, count(*) FROM deliveries WHERE campaign_id = 4 GROUP BY state ORDER BY state" | tr '\n' ' ')" "sending|1 skipped|399 "
# a sender killed after the cancel: its rows' leases run out, and the clock skips them
db "UPDATE deliveries SET lease_until = strftime('%s') - 5 WHERE campaign_id = 4 AND state = 'sending'"
check "tick" pd tick
is "the run-out lease of the cancelled campaign is skipped by the clock" \
	"$(db "SELECT count(*) FROM deliveries WHERE campaign_id = 4 AND state = 'skipped' AND last_reply = 'cancelled'")" 400
finish
