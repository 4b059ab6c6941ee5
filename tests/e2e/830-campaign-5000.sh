#!/bin/bash
# A campaign to 5,000 subscribers over 8 domains, sent by `postdesk serve` over 4 relay
# connections to a capturing sink: every address exactly once, no message naming another
# subscriber, To: the recipient alone, the list headers (List-Id, List-Unsubscribe mailto and
# https, List-Unsubscribe-Post, Precedence, Auto-Submitted), a VERP return path per delivery;
# the ledger says sent for each row with the relay's reply; status and list in JSON. Then a
# second campaign to the same list through Postfix's smtp-sink -d, checked the same way, with
# [dkim] on: every one of those 5,000 copies verifies with python3-dkim (lists4: the issue
# asks for the 5,000 campaign to be DKIM-verified, not only the 12 copies of 836).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"
. "$(dirname "$0")/lib-campaign.sh"

sink_start
campaign_setup 'rate = 0' 'connections = 4'
make_list news 5000 8

id=$(pd announce create --list news --subject 'News for {{name}}' --template default)
is "create prints the id alone" "$id" 1
is "a new campaign is a draft" "$(campaign_state 1)" draft
is "its ledger has a row per active subscriber" "$(campaign_json 1 total)" 5000
is "seq runs 1..5000" "$(db "SELECT count(DISTINCT seq) || ' ' || min(seq) || ' ' || max(seq) FROM deliveries")" "5000 1 5000"
is "each row knows its domain" "$(db "SELECT count(DISTINCT domain) FROM deliveries")" 8
# the release order is scrambled: the first 500 span every domain
is "the first 10% of seq covers all domains" "$(db "SELECT count(DISTINCT domain) FROM deliveries WHERE seq <= 500")" 8
check "start" pd announce start 1
is "started: running" "$(campaign_state 1)" running

serve_start
wait_for 240 campaign_is 1 done || not_ok "the campaign finished (state $(campaign_state 1))"
serve_stop
status=$(pd announce status 1 --json)
echo "$status" >>"$LOG"
is "status: 5000 sent" "$(echo "$status" | jq -c '[.total, .sent, .deferred, .bounced, .failed]')" "[5000,5000,0,0,0]"
is "done" "$(echo "$status" | jq -r .state)" done
is "each ledger row has the relay's 250 and a sent time" \
	"$(db "SELECT count(*) FROM deliveries WHERE state = 'sent' AND last_reply LIKE '250 %' AND sent_at > 0 AND lease_owner IS NULL")" 5000
check "every address exactly once, nobody else named, the headers right" check_sink news 0
is "5000 messages captured" "$(grep -c '"n":' "$SINK_OUT")" 5000
is "announce list --json" "$(pd announce list --json | jq -c '[.[] | {id, state, sent}]')" '[{"id":1,"state":"done","sent":5000}]'
check "a done campaign cannot be started again" sh -c "! $POSTDESK announce start 1"
check "nor paused" sh -c "! $POSTDESK announce pause 1"

# the same to Postfix's smtp-sink, each message dumped to a file (-d)
DUMP="$TEST_TMP/smtp-sink"
mkdir -p "$DUMP"
chmod 777 "$DUMP"
chmod o+x "$TEST_TMP" # smtp-sink writes as nobody when run by root
PSINK_PORT=$(free_port)
user=()
[ "$(id -u)" = 0 ] && user=(-u nobody)
/usr/sbin/smtp-sink "${user[@]}" -4 -d "$DUMP/%M." "127.0.0.1:$PSINK_PORT" 64 >>"$LOG" 2>&1 &
pd_track $!
wait_for 20 port_open "$PSINK_PORT" || bail "smtp-sink did not start"
sed -i "s|^relay = .*|relay = smtp://127.0.0.1:$PSINK_PORT|" "$POSTDESK_HOME/postdesk.conf"
openssl genrsa -out "$TEST_TMP/dkim.key" 2048 2>>"$LOG" || bail "openssl genrsa failed"
openssl rsa -in "$TEST_TMP/dkim.key" -pubout -out "$TEST_TMP/dkim.pub" 2>>"$LOG" || bail "openssl rsa failed"
printf '\n[dkim]\ndomain = example.com\nselector = s2026\nkey_file = %s\n' "$TEST_TMP/dkim.key" \
	>>"$POSTDESK_HOME/postdesk.conf"
is "a second campaign to the list" "$(pd announce create --list news --subject 'More news' --body /dev/null)" 2
check "start it" pd announce start 2
serve_start
wait_for 240 campaign_is 2 done || not_ok "the second campaign finished (state $(campaign_state 2))"
serve_stop
is "smtp-sink dumped 5000 messages" "$(find "$DUMP" -type f | wc -l)" 5000
SINK_OUT=$DUMP
check "smtp-sink: every address exactly once, nobody else named, the headers right" check_sink news 0
v=$($PY "$POSTDESK_SRCDIR/tests/lib/dkim-verify-many.py" "$TEST_TMP/dkim.pub" s2026 example.com \
	"$DUMP" 2>>"$LOG")
is "smtp-sink: all 5000 copies DKIM-verified by python3-dkim, List-* signed" "$v" \
	"files 5000 verified 5000 lists 5000"
finish
