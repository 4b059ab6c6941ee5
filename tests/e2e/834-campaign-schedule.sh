#!/bin/bash
# A campaign with --at: start makes it scheduled, the scheduler (`postdesk tick`, as serve's
# scheduler thread runs it) starts it when its time has come, and `postdesk send` sends it
# without serve. A subscriber who unsubscribed after the campaign was made is skipped.
# status --follow draws a progress bar on a terminal and prints JSON lines elsewhere.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"
. "$(dirname "$0")/lib-campaign.sh"

sink_start
campaign_setup 'rate = 0' 'connections = 2'
make_list news 300 3
# a bouncing subscriber (a soft bounce, below the threshold) still gets announcements
db "UPDATE subscribers SET status = 'bouncing' WHERE id = (SELECT id FROM subscribers ORDER BY id LIMIT 1 OFFSET 20)"
check "create with --at +3s" pd announce create --list news --subject 'Later' --body /dev/null --at +3s
check "a bad --at is refused" sh -c "! $POSTDESK announce create --list news --subject x --at tomorrowish"
check "stages must end at 100%" sh -c "! $POSTDESK announce create --list news --subject x --stages 10%,50%"
check "no such list" sh -c "! $POSTDESK announce create --list nope --subject x"
check "no such template" sh -c "! $POSTDESK announce create --list news --subject x --template nope"
is "the refused creations left no campaign" "$(db "SELECT count(*) FROM campaigns")" 1
is "the bouncing subscriber is in the ledger" "$(pd announce status 1 --json | jq -r .total)" 300
db "UPDATE subscribers SET status = 'bouncing' WHERE id = (SELECT id FROM subscribers ORDER BY id LIMIT 1 OFFSET 40)"
check "start" pd announce start 1
is "scheduled, its time not come" "$(campaign_state 1)" scheduled
check "tick before the time" pd tick
is "still scheduled" "$(campaign_state 1)" scheduled
db "UPDATE subscribers SET status = 'unsubscribed' WHERE address = 'user7@d1.example'"
sleep 3.2
check "tick after the time" pd tick
is "running" "$(campaign_state 1)" running
check "send" pd send
is "send sent it, less the unsubscribed" "$(pd announce status 1 --json | jq -c '[.sent, .skipped]')" "[299,1]"
is "the skipped row is the unsubscribed one" "$(db "SELECT s.address FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id WHERE d.state = 'skipped'")" user7@d1.example
check "send again: done" pd send
is "done" "$(campaign_state 1)" done
follow=$(timeout 20 "$POSTDESK" announce status 1 --follow 2>>"$LOG")
is "--follow off a terminal: JSON" "$(echo "$follow" | tail -1 | jq -r .state)" done
bar=$(timeout 20 script -qec "$POSTDESK announce status 1 --follow" /dev/null 2>>"$LOG")
echo "$bar" >>"$LOG"
case $bar in *"[##############################] done sent 299/300"*"remaining 0"*) ok "--follow on a terminal: a progress bar" ;; *) not_ok "--follow on a terminal: a progress bar" ;; esac
finish
