#!/bin/bash
# The one campaign sender is judged by a lease (issue 12, lists4): the holder of
# campaign_sender (db/029, db/035) records its host and renews `expires_at` while it sends.
# - serve starting during a `postdesk send` pass waits for that pass: it does not send
#   beside it, and takes the part when send lets go;
# - a holder killed with -9 on another host (a row naming another host) is taken over once
#   its lease has expired: not before, and not never; on this host a holder whose process is
#   gone (same pid namespace) is taken over at once;
# - serve waits behind another host's live holder, and takes over when that lease expires;
# - serve whose part was taken (its lease ran out) stops sending until it has it again.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"
. "$(dirname "$0")/lib-campaign.sh"

sink_start
campaign_setup 'rate = 0' 'connections = 1' 'sender_lease = 3s'
make_list news 150 3
holder() { db "SELECT kind || ' ' || pid FROM campaign_sender"; }
expires() { db "SELECT coalesce(expires_at, 0) FROM campaign_sender"; }
now() { date +%s; }
pidns=$(readlink /proc/self/ns/pid)

# 1. serve starts while a send pass runs: it waits for that pass
check "create campaign 1 (150 at 15/s: a 10 s pass)" pd announce create --list news --subject 'One' --body /dev/null --rate 15/s
check "start it" pd announce start 1
"$POSTDESK" send >"$TEST_TMP/send1.out" 2>>"$LOG" &
send_pid=$!
pd_track "$send_pid"
sending() { [ "$(holder)" = "send $send_pid" ]; }
check "send holds the part for its pass" wait_for 20 sending
is "the holder's host is recorded" "$(db "SELECT host FROM campaign_sender")" "$(hostname)"
is "announce status --json names the sender" \
	"$(pd announce status 1 --json | jq -r '[.sender.kind, .sender.pid, .sender.host, .sender.expires_at > 0] | join(" ")')" \
	"send $send_pid $(hostname) true"
e1=$(expires)
[ "$e1" -gt "$(now)" ] && ok "the lease runs into the future" || not_ok "the lease runs into the future ($e1)"
serve_start
waits() { grep -q "waiting for send, pid $send_pid to finish" "$SERVE_LOG"; }
check "serve sees the send pass and waits for it" wait_for 20 waits
sleep 1.5
is "serve leaves the part to the running send pass" "$(holder)" "send $send_pid"
e2=$(expires)
[ "$e2" -gt "$e1" ] && ok "send renews its lease while sending ($e1 -> $e2)" || not_ok "send renews its lease while sending ($e1 -> $e2)"
wait "$send_pid"
is "the send pass ends well" "$?" 0
cat "$TEST_TMP/send1.out" >>"$LOG"
case $(cat "$TEST_TMP/send1.out") in
*"announcements: sent 150,"*) ok "the send pass sent all of it: serve sent nothing beside it" ;;
*) not_ok "the send pass sent all of it: serve sent nothing beside it: $(cat "$TEST_TMP/send1.out")" ;;
esac
serving() { [ "$(holder)" = "serve $SERVE_PID" ]; }
check "serve takes the part once send let go" wait_for 15 serving
check_sink news >>"$LOG" && ok "each address once" || not_ok "each address once"

# 2. serve loses its part (its lease ran out and another host took it): it stops sending
check "create campaign 2" pd announce create --list news --subject 'Two' --body /dev/null --rate 25/s
check "start it" pd announce start 2
some() { [ "$(campaign_json 2 sent)" -ge 20 ]; }
check "serve sends campaign 2" wait_for 30 some
db "UPDATE campaign_sender SET host = 'elsewhere.example', pid = 4242, kind = 'send',
    expires_at = strftime('%s') + 600"
lost() { grep -q 'lost the part (its lease ran out) and stopped sending' "$SERVE_LOG"; }
check "serve finds at its next renewal that it lost the part" wait_for 20 lost
s1=$(campaign_json 2 sent)
sleep 2
s2=$(campaign_json 2 sent)
is "serve sends nothing while another host holds the part" "$s2" "$s1"
[ "$s1" -lt 150 ] && ok "campaign 2 was not finished ($s1)" || not_ok "campaign 2 was not finished ($s1)"
is "serve has not taken it back" "$(holder)" "send 4242"
db "UPDATE campaign_sender SET expires_at = strftime('%s')"
check "serve takes the part back once that lease expired" wait_for 20 serving
check "and finishes campaign 2" wait_for 60 campaign_is 2 done

# 3. a holder killed with -9: on another host, taken over after its lease expired
serve_stop KILL
is "serve killed with -9 leaves its row" "$(holder)" "serve $SERVE_PID"
check "create campaign 3" pd announce create --list news --subject 'Three' --body /dev/null
check "start it" pd announce start 3
db "UPDATE campaign_sender SET host = 'elsewhere.example', expires_at = strftime('%s') + 8"
out=$(pd send)
echo "$out" >>"$LOG"
case $out in
*"left to the running sender (serve, pid $SERVE_PID on elsewhere.example)"*) ok "another host's unexpired lease is believed" ;;
*) not_ok "another host's unexpired lease is believed: $out" ;;
esac
is "nothing of campaign 3 sent" "$(campaign_json 3 sent)" 0
expired() { [ "$(now)" -ge "$(expires)" ]; }
check "that lease runs out (no renewal: its holder is dead)" wait_for 30 expired
out=$(pd send)
echo "$out" >>"$LOG"
case $out in *"announcements: sent 150,"*) ok "send takes over an expired lease" ;; *) not_ok "send takes over an expired lease: $out" ;; esac
is "send gave the part back" "$(db "SELECT count(*) FROM campaign_sender")" 0

# 4. on this host a holder whose process is gone is taken over at once (same pid namespace)
check "create campaign 4" pd announce create --list news --subject 'Four' --body /dev/null
check "start it" pd announce start 4
sleep 60 & dead=$!; kill -9 $dead; wait $dead 2>/dev/null
db "INSERT INTO campaign_sender (id, host, pid, kind, since, expires_at, pidns)
    VALUES (1, '$(hostname)', $dead, 'serve', strftime('%s'), strftime('%s') + 600, '$pidns')"
out=$(pd send)
echo "$out" >>"$LOG"
case $out in *"announcements: sent 150,"*) ok "a dead holder of this host is taken over at once" ;; *) not_ok "a dead holder of this host is taken over at once: $out" ;; esac
# but a live one is believed however long ago it started
sleep 30 & live=$!; pd_track "$live"
check "create campaign 5" pd announce create --list news --subject 'Five' --body /dev/null
check "start it" pd announce start 5
db "INSERT INTO campaign_sender (id, host, pid, kind, since, expires_at, pidns)
    VALUES (1, '$(hostname)', $live, 'send', 0, strftime('%s') + 600, '$pidns')"
out=$(pd send)
case $out in *"left to the running sender (send, pid $live)"*) ok "a live holder of this host is believed" ;; *) not_ok "a live holder of this host is believed: $out" ;; esac
kill $live

# 5. serve waits behind another host's live holder and takes over when its lease expires
db "UPDATE campaign_sender SET host = 'elsewhere.example', pid = 4242, expires_at = strftime('%s') + 600"
serve_start
waiting() { grep -q 'waiting for send, pid 4242 on elsewhere.example' "$SERVE_LOG"; }
check "serve says whom it waits for" wait_for 20 waiting
sleep 1
is "serve waits behind another host's lease" "$(holder)" "send 4242"
is "nothing of campaign 5 sent meanwhile" "$(campaign_json 5 sent)" 0
db "UPDATE campaign_sender SET expires_at = strftime('%s')"
check "serve takes the part when it expires" wait_for 20 serving
check "and sends campaign 5" wait_for 60 campaign_is 5 done
serve_stop
is "serve gives the part back when it stops" "$(db "SELECT count(*) FROM campaign_sender")" 0
is "announce status --json: no sender" "$(pd announce status 5 --json | jq -c .sender)" null
finish
