#!/bin/bash
# One campaign sender at a time (issue 12, lists3): [campaign] rate is applied by a sender to
# itself, so serve records itself as the campaign sender (db/029 campaign_sender) and a
# `postdesk send` run meanwhile leaves campaigns to it (its outbox pass still runs). Without
# serve, send takes the part for its pass and gives it back; a holder of this host whose
# process is gone counts as nobody (the lease itself: 864).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"
. "$(dirname "$0")/lib-campaign.sh"

sink_start
campaign_setup 'rate = 0' 'connections = 1'
make_list news 60 3
check "create a slow campaign" pd announce create --list news --subject 'Slow' --body /dev/null --rate 10/s
check "start it" pd announce start 1
serve_start
holder() { db "SELECT kind || ' ' || pid FROM campaign_sender"; }
serving() { [ "$(holder)" = "serve $SERVE_PID" ]; }
check "serve holds the campaign sender's part" wait_for 20 serving
some() { [ "$(campaign_json 1 sent)" -ge 3 ]; }
check "serve sends" wait_for 30 some
out=$(pd send 2>>"$LOG")
echo "$out" >>"$LOG"
case $out in *"announcements: left to the running sender (serve, pid $SERVE_PID)"*) ok "send leaves the campaign to serve" ;; *) not_ok "send leaves the campaign to serve: $out" ;; esac
case $out in *"announcements: sent"*) not_ok "send sent none of it" ;; *) ok "send sent none of it" ;; esac
is "serve still holds it" "$(holder)" "serve $SERVE_PID"
check "serve finishes it" wait_for 60 campaign_is 1 done
check_sink news >>"$LOG" && ok "each address once" || not_ok "each address once"
serve_stop
is "serve gives the part back when it stops" "$(db "SELECT count(*) FROM campaign_sender")" 0

# without serve: send sends, and gives the part back
check "create a second" pd announce create --list news --subject 'Second' --body /dev/null
check "start it" pd announce start 2
# a holder of this host whose process is gone (a serve killed with -9): nobody
sleep 60 & dead=$!; kill -9 $dead; wait $dead 2>/dev/null
db "INSERT INTO campaign_sender (id, host, pid, kind, since, expires_at, pidns)
    VALUES (1, '$(hostname)', $dead, 'serve', 0, strftime('%s') + 600, '$(readlink /proc/self/ns/pid)')"
out=$(pd send 2>>"$LOG")
echo "$out" >>"$LOG"
case $out in *"announcements: sent 60,"*) ok "send sends when the holder is gone" ;; *) not_ok "send sends when the holder is gone: $out" ;; esac
is "done" "$(campaign_state 2)" done
is "send gave the part back" "$(db "SELECT count(*) FROM campaign_sender")" 0
# a live holder that is not serve (another send): this send leaves campaigns alone too
sleep 30 & live=$!; pd_track "$live"
check "create a third" pd announce create --list news --subject 'Third' --body /dev/null
check "start it" pd announce start 3
db "INSERT INTO campaign_sender (id, host, pid, kind, since, expires_at, pidns)
    VALUES (1, '$(hostname)', $live, 'send', 0, strftime('%s') + 600, '$(readlink /proc/self/ns/pid)')"
out=$(pd send 2>>"$LOG")
case $out in *"left to the running sender (send, pid $live)"*) ok "a live send holds it" ;; *) not_ok "a live send holds it: $out" ;; esac
is "nothing of the third sent" "$(campaign_json 3 sent)" 0
is "the holder's row stays" "$(holder)" "send $live"
kill $live
finish
