#!/bin/bash
# A relay that does not offer PIPELINING: the client falls back to lock-step (one command,
# one reply: the strict sink records anything sent ahead of a reply as a violation), and the
# faults of 840 (550 RCPTs, 451 MAILs, hang-ups at and after a ".", 421) end the same way:
# every accepted address exactly once, every refused one bounced.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"
. "$(dirname "$0")/lib-campaign.sh"
. "$(dirname "$0")/lib-pipeline.sh"

psink_start --no-pipelining --reject-local reject --tempfail-mail-every 23 \
	--drop-at-dot-every 97 --drop-after-dot-every 131 --421-at-mail-every 157
campaign_setup 'rate = 0' 'connections = 3' 'batch = 16' 'backoff = 1s' 'backoff_max = 2s'
make_list news 600 4
make_rejects news 13
rejects=$(db "SELECT count(*) FROM subscribers WHERE address LIKE 'reject%'")
check "create" pd announce create --list news --subject 'Lock-step news' --body /dev/null
check "start" pd announce start 1
serve_start
wait_for 240 campaign_is 1 done || not_ok "the campaign finished (state $(campaign_state 1))"
serve_stop
is "serve exits 0" "$SERVE_RC" 0
echo "# events: cross $(events cross) mail451 $(events mail451) 550 $(events 550) drop-at-dot $(events drop-at-dot) drop-after-dot $(events drop-after-dot) 421 $(events 421)" | tee -a "$LOG"
is "nothing sent ahead of a reply" "$(events violation)" 0
is "no MAIL came with the previous \".\"" "$(events cross)" 0
is "always RSET before a new MAIL after a failed envelope" "$(events nested)" 0
check "MAILs were tempfailed" test "$(events mail451)" -gt 0
check "connections dropped at a \".\"" test "$(events drop-at-dot)" -gt 0
check "connections dropped after a 250" test "$(events drop-after-dot)" -gt 0
check "421s were answered" test "$(events 421)" -gt 0
is "ledger: the refused are bounced" "$(campaign_json 1 bounced)" "$rejects"
is "ledger: the others sent" "$(campaign_json 1 sent)" $((600 - rejects))
is "no refused address was ever accepted" "$(jq -r 'select(.n) | .rcpt[]' "$SINK_OUT" | grep -c '^reject')" 0
rejects_leave
summary=$(check_sink news 0)
rc=$?
echo "# $summary" >>"$LOG"
is "every other address exactly once, headers right" "$rc" 0
finish
