#!/bin/bash
# Cross-message pipelining (RFC 2920) against a strict relay that misbehaves: it refuses some
# RCPTs (550), tempfails some MAILs (451), hangs up without answering some messages' ".",
# hangs up right after some 250s (before the next message's envelope is answered), and answers
# 421 to some MAILs. In the end every accepted address has the announcement exactly once (no
# kill: the duplicate window is empty), every refused one is 'bounced' and never got it, the
# client pipelined across messages (the next MAIL came with the "."), never sent content
# before its 354, and always said RSET before a new MAIL after a failed envelope.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"
. "$(dirname "$0")/lib-campaign.sh"
. "$(dirname "$0")/lib-pipeline.sh"

psink_start --reject-local reject --tempfail-mail-every 23 --drop-at-dot-every 97 \
	--drop-after-dot-every 131 --421-at-mail-every 157
campaign_setup 'rate = 0' 'connections = 4' 'batch = 16' 'backoff = 1s' 'backoff_max = 2s'
make_list news 1200 5
make_rejects news 17
rejects=$(db "SELECT count(*) FROM subscribers WHERE address LIKE 'reject%'")
check "create" pd announce create --list news --subject 'Pipelined news' --body /dev/null
check "start" pd announce start 1
serve_start
wait_for 240 campaign_is 1 done || not_ok "the campaign finished (state $(campaign_state 1))"
serve_stop
is "serve exits 0" "$SERVE_RC" 0
echo "# events: cross $(events cross) mail451 $(events mail451) 550 $(events 550) drop-at-dot $(events drop-at-dot) drop-after-dot $(events drop-after-dot) 421 $(events 421)" | tee -a "$LOG"
check "the client pipelined across messages (MAIL with the previous \".\")" test "$(events cross)" -gt 100
is "never content before its 354, never ahead without PIPELINING" "$(events violation)" 0
is "always RSET before a new MAIL after a failed envelope" "$(events nested)" 0
check "MAILs were tempfailed" test "$(events mail451)" -gt 0
check "RCPTs were refused" test "$(events 550)" -ge "$rejects"
check "connections dropped at a \".\"" test "$(events drop-at-dot)" -gt 0
check "connections dropped after a 250" test "$(events drop-after-dot)" -gt 0
check "421s were answered" test "$(events 421)" -gt 0
is "ledger: the refused are bounced" "$(campaign_json 1 bounced)" "$rejects"
is "ledger: the others sent" "$(campaign_json 1 sent)" $((1200 - rejects))
is "ledger: nothing deferred, failed or open" \
	"$(db "SELECT count(*) FROM deliveries WHERE state NOT IN ('sent', 'bounced')")" 0
is "the bounced rows carry the 550" \
	"$(db "SELECT count(*) FROM deliveries WHERE state = 'bounced' AND last_reply LIKE '550 %'")" "$rejects"
is "no refused address was ever accepted" "$(jq -r 'select(.n) | .rcpt[]' "$SINK_OUT" | grep -c '^reject')" 0
# a message dropped at its "." was not accepted and went again: once in the end
first=$(jq -r 'select(.event == "drop-at-dot") | .rcpt[0]' "$SINK_OUT" | head -1)
is "a message whose \".\" was never answered arrived once, later ($first)" "$(accepted "$first")" 1
first=$(jq -r 'select(.event == "drop-after-dot") | .rcpt[0]' "$SINK_OUT" | head -1)
is "a message answered 250 just before a hang-up arrived once ($first)" "$(accepted "$first")" 1
rejects_leave
summary=$(check_sink news 0)
rc=$?
echo "# $summary" >>"$LOG"
is "every other address exactly once, headers right" "$rc" 0
check "a 451 to MAIL slowed the recipient's domain" \
	grep -q 'answered "451 4.3.0 try again later (scripted MAIL)": slowed' "$SERVE_LOG"
is "a 421 slowed no domain (the relay's trouble, not the domain's)" "$(grep -c 'answered "421' "$SERVE_LOG")" 0
is "no domain left slowed" "$(db "SELECT count(*) FROM domain_pace WHERE next_at > strftime('%s')")" 0
finish
