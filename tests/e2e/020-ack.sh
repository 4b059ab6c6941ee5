#!/bin/bash
# A customer's mail becomes one ticket; `postdesk send` delivers the acknowledgement to a real
# SMTP server on 127.0.0.1 with the tag, threading ids, signed Reply-To, automatic-mail
# headers and a VERP return path.
. "$(dirname "$0")/lib.sh"

start_capture
pd_setup
mail "$TEST_TMP/in.eml" '"Jürgen Kunde" <Juergen@Customer.example>' support@example.com \
	"Printer on fire" "Cc: Boss <boss@customer.example>" <<'EOF2'
Hello,

my printer is on fire. What now?

Jürgen
EOF2
cid=$(header Message-ID "$TEST_TMP/in.eml" | tr -d '<>')

is "deliver exits 0" "$(deliver "$TEST_TMP/in.eml" --recipient support@example.com)" 0
tickets=$(pd ticket list --json)
is "one ticket" "$(echo "$tickets" | json length)" 1
is "ticket subject" "$(echo "$tickets" | json '.[0].subject')" "Printer on fire"
is "ticket state new" "$(echo "$tickets" | json '.[0].state')" new
is "ticket queue" "$(echo "$tickets" | json '.[0].queue')" support
is "ticket customer" "$(echo "$tickets" | json '.[0].customer')" juergen@customer.example
is "ack queued" "$(pd outbox list --json | json '.[0].state + " " + .[0].kind')" "queued ack"
is "nothing sent before send" "$(captured_count)" 0

check "send exits 0" pd send
is "ack captured" "$(captured_count)" 1
ack="$CAPTURE_DIR/0001.eml"
env="$CAPTURE_DIR/0001.json"
is "outbox row sent" "$(pd outbox list --json | json '.[0].state')" sent
is "envelope recipient is the customer" "$(json '.rcpt_tos[0]' <"$env")" juergen@customer.example
check "envelope sender is a VERP address" grep -Eq '"mail_from": "bounces\+o1-[0-9a-f]{12}@example.com"' "$env"
check "subject carries the tag" sh -c "grep -q '^Subject: \[SUPPORT #1\] Printer on fire' '$ack'"
check "from the queue address" grep -q '^From: Example Support <support@example.com>' "$ack"
check "to the customer" grep -qi 'juergen@customer.example' "$ack"
check "Message-ID in our domain" grep -Eq '^Message-I[dD]: <pd\.[0-9]+\.[0-9a-f]+@example.com>' "$ack"
is "In-Reply-To the customer's mail" "$(header In-Reply-To "$ack")" "<$cid>"
is "References the customer's mail" "$(header References "$ack")" "<$cid>"
check "Reply-To the signed ticket address" grep -Eq '^Reply-To: support\+t1-[0-9a-f]{12}@example.com' "$ack"
is "Auto-Submitted" "$(header Auto-Submitted "$ack")" auto-replied
is "X-Loop" "$(header X-Loop "$ack")" support@example.com
is "X-Auto-Response-Suppress" "$(header X-Auto-Response-Suppress "$ack")" All
is "Precedence" "$(header Precedence "$ack")" bulk
check "body names the ticket" grep -q 'ticket #1' "$ack"
check "the Cc is not answered" test "$(json '.rcpt_tos | length' <"$env")" = 1

show=$(pd ticket show 1 --json)
is "ticket holds the mail and the ack" "$(echo "$show" | json '[.messages[].direction] | join(",")')" "in,out"
is "first message threaded as new" "$(echo "$show" | json '.messages[0].threaded_by')" new
check "history has created and ack" sh -c "echo '$show' | jq -e '[.events[].kind] == [\"created\",\"ack\"]'"

check "a second send sends nothing more" pd send
is "still one captured" "$(captured_count)" 1
finish
