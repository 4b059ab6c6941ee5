#!/bin/bash
# Staged release and pausing. A list where a third of the addresses do not exist (the sink
# answers 550), released in stages 10%,100%: the first stage goes out, the campaign waits
# stage_wait for its bounces, finds the bounce rate over max_bounce_rate and pauses itself,
# and the list's owner gets a mail; nothing of the second stage goes out until a resume.
# A second campaign pauses on a complaint recorded in list_bounces during its wait. A third
# is paused, resumed and cancelled by hand, and its pace changed while it runs.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"
. "$(dirname "$0")/lib-campaign.sh"

sink_start --reject-local bad
campaign_setup 'rate = 0' 'connections = 2' 'stage_wait = 3s' 'max_bounce_rate = 5%'
make_list news 200 2 boss@example.com
db "UPDATE subscribers SET address = 'bad' || address WHERE id % 3 = 0"
bad=$(db "SELECT count(*) FROM subscribers WHERE address LIKE 'bad%'")
check "create a staged campaign" pd announce create --list news --subject 'Staged' --body /dev/null --stages 10%,100%
check "start" pd announce start 1
serve_start

check "it pauses itself" wait_for 60 campaign_is 1 paused
reason=$(campaign_json 1 paused_reason)
echo "# paused: $reason" >>"$LOG"
case $reason in "bounce rate "*) ok "paused for its bounce rate" ;; *) not_ok "paused for its bounce rate: $reason" ;; esac
is "only the first stage went out" "$(db "SELECT count(*) FROM deliveries WHERE campaign_id = 1 AND state NOT IN ('pending')")" 20
is "the first stage is the first 20 by seq" "$(db "SELECT max(seq) FROM deliveries WHERE campaign_id = 1 AND state <> 'pending'")" 20
owner_mail() { jq -e 'select(.n) | select(.rcpt == ["boss@example.com"]) | select(.data | test("Subject: Campaign 1 to news paused"))' "$SINK_OUT"; }
check "the owner got a mail" wait_for 30 owner_mail
sleep 2
is "still paused: nothing more went out" "$(db "SELECT count(*) FROM deliveries WHERE campaign_id = 1 AND state <> 'pending'")" 20
check "resume" pd announce resume 1
check "then it finishes" wait_for 60 campaign_is 1 done
is "the good addresses sent, the bad bounced" "$(pd announce status 1 --json | jq -c '[.sent, .bounced]')" "[$((200 - bad)),$bad]"
is "the 550 is the bounced rows' reply" "$(db "SELECT count(*) FROM deliveries WHERE state = 'bounced' AND last_reply LIKE '550%'")" "$bad"

# a complaint during the wait
make_list second 100 2 boss@example.com
check "create the second" pd announce create --list second --subject 'Second' --body /dev/null --stages 10%,100%
check "start it" pd announce start 2
waiting() { db_is 1 "SELECT stage_done_at IS NOT NULL FROM campaigns WHERE id = 2"; }
check "its first stage is out and waiting" wait_for 30 waiting
db "INSERT INTO list_bounces (subscriber_id, delivery_id, at, kind, detail)
    SELECT subscriber_id, id, strftime('%s'), 'complaint', 'test' FROM deliveries WHERE campaign_id = 2 AND seq = 1"
check "it pauses on the complaint" wait_for 30 campaign_is 2 paused
case $(campaign_json 2 paused_reason) in "complaint rate "*) ok "paused for its complaint rate" ;; *) not_ok "paused for its complaint rate: $(campaign_json 2 paused_reason)" ;; esac

# by hand: pause, resume, set, cancel
make_list third 400 4
check "create the third, slow" pd announce create --list third --subject 'Third' --body /dev/null --rate 40/s
check "start it" pd announce start 3
some() { [ "$(campaign_json 3 sent)" -ge 20 ]; }
check "it sends" wait_for 30 some
check "pause" pd announce pause 3
is "paused" "$(campaign_state 3)" paused
sleep 1.5
n1=$(campaign_json 3 sent)
sleep 2
is "nothing more while paused" "$(campaign_json 3 sent)" "$n1"
is "no row left leased while paused" "$(db "SELECT count(*) FROM deliveries WHERE campaign_id = 3 AND state = 'sending'")" 0
check "pause again is refused" sh -c "! $POSTDESK announce pause 3"
check "resume" pd announce resume 3
check "set the pace while it runs" pd announce set 3 --rate 20/s --per-domain 600/min
is "the new pace is stored" "$(db "SELECT rate || ' ' || per_domain FROM campaigns WHERE id = 3")" "20.0 600"
more() { [ "$(campaign_json 3 sent)" -gt "$n1" ]; }
check "it sends again" wait_for 30 more
check "cancel" pd announce cancel 3
is "cancelled" "$(campaign_state 3)" cancelled
sleep 1.5
n2=$(campaign_json 3 sent)
sleep 2
is "nothing more once cancelled" "$(campaign_json 3 sent)" "$n2"
check "a cancelled campaign cannot resume" sh -c "! $POSTDESK announce resume 3"
check "some of it never went" test "$n2" -lt 400
serve_stop
finish
