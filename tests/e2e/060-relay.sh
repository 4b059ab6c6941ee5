#!/bin/bash
# The sender against a real SMTP server: 451 then 250 gets the mail on the retry; 550 fails
# the row with the reply recorded; a relay that is down keeps mail queued; several mails go
# over one connection; no relay configured keeps mail queued.
. "$(dirname "$0")/lib.sh"

newmail() { mail "$TEST_TMP/$1.eml" "$1 <$1@customer.example>" support@example.com "Question $1" <<<"body $1"; deliver "$TEST_TMP/$1.eml" >/dev/null; }

# no relay configured
pd_setup
newmail nobody
check "send without a relay exits 0" pd send
is "without a relay the row stays queued" "$(pd outbox list --json | json '.[0].state + " " + (.[0].attempts|tostring)')" "queued 0"

# 451 then 250
rm -rf "$POSTDESK_HOME"
start_capture 0 --reply-codes 451
pd_setup
newmail ann
pd send >/dev/null
row=$(pd outbox list --json)
is "after 451 the row is queued" "$(echo "$row" | json '.[0].state')" queued
is "after 451 one attempt" "$(echo "$row" | json '.[0].attempts')" 1
check "the 451 reply is recorded" sh -c "echo '$row' | jq -e '.[0].last_reply | test(\"451\")'"
is "nothing captured yet" "$(captured_count)" 0
pd send >/dev/null
is "the retry delivers it" "$(pd outbox list --json | json '.[0].state')" sent
is "captured once" "$(captured_count)" 1

# backoff: with a real retry delay the row is not due again at once
stop_capture
rm -rf "$POSTDESK_HOME"
start_capture 0 --reply-codes 451
RETRY_BASE=3600 pd_setup
newmail bob
pd send >/dev/null
pd send >/dev/null
is "backoff: a second send does not retry early" "$(pd outbox list --json | json '.[0].attempts')" 1
pd send --all >/dev/null
is "send --all retries at once" "$(pd outbox list --json | json '.[0].state')" sent

# 550: failed with the reply
stop_capture
rm -rf "$POSTDESK_HOME"
start_capture 0 --reply-codes 550
pd_setup
newmail carl
pd send >/dev/null
row=$(pd outbox list --json)
is "after 550 the row failed" "$(echo "$row" | json '.[0].state')" failed
check "the 550 reply is recorded" sh -c "echo '$row' | jq -e '.[0].last_reply | test(\"550\")'"

# relay down: queued, attempt counted
stop_capture
rm -rf "$POSTDESK_HOME"
port=$(free_port)
CAPTURE_PORT=$port pd_setup
newmail dora
check "send with the relay down exits 0" pd send
is "relay down: still queued" "$(pd outbox list --json | json '.[0].state + " " + (.[0].attempts|tostring)')" "queued 1"
# the relay comes back on that port
start_capture "$port"
pd send >/dev/null
is "relay back: sent" "$(pd outbox list --json | json '.[0].state')" sent

# several messages over one connection
rm -rf "$POSTDESK_HOME"
start_capture
pd_setup
for n in eve fred gina hank; do newmail $n; done
pd send >/dev/null
is "four acks captured" "$(captured_count)" 4
is "over one SMTP session" "$(cat "$CAPTURE_DIR"/*.json | jq -s '[.[].session] | unique | length')" 1

# two senders at once (serve's timer and a cron `postdesk send`) never send a row twice
rm -rf "$POSTDESK_HOME"
start_capture
pd_setup
for n in $(seq 1 12); do newmail "user$n"; done
"$POSTDESK" send >/dev/null 2>>"$LOG" &
p1=$!
"$POSTDESK" send >/dev/null 2>>"$LOG" &
p2=$!
wait $p1 $p2
is "two concurrent senders: each ack captured once" "$(captured_count)" 12
is "two concurrent senders: all rows sent" "$(pd outbox list --json | json '[.[] | select(.state == "sent")] | length')" 12
finish
