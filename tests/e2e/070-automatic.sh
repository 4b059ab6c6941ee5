#!/bin/bash
# Automatic mail never gets an automatic answer: an out-of-office reply to an ack is stored on
# the ticket without an answer or a state change; an autoreply with no ticket opens none; a
# VERP bounce fails its outbox row and is noted on the ticket; our own ack coming back is a
# loop; acknowledgements to one address are rate-limited with the refusal in the history.
. "$(dirname "$0")/lib.sh"

start_capture
pd_setup
mail "$TEST_TMP/q.eml" 'Ann <ann@customer.example>' support@example.com "Invoice missing" <<<"Where is my invoice?"
deliver "$TEST_TMP/q.eml" >/dev/null
pd send >/dev/null
ack="$CAPTURE_DIR/0001.eml"
ack_id=$(header Message-ID "$ack")
verp=$(json .mail_from <"$CAPTURE_DIR/0001.json")

# out-of-office reply to the ack
mail "$TEST_TMP/oof.eml" 'Ann <ann@customer.example>' "$(header Reply-To "$ack")" \
	"Automatic reply: [SUPPORT #1] Invoice missing" "In-Reply-To: $ack_id" "Auto-Submitted: auto-replied" \
	"X-Auto-Response-Suppress: All" "X-MS-Exchange-Inbox-Rules-Loop: ann@customer.example" <<<"I am out of the office until Monday."
is "OOF: deliver exits 0" "$(deliver "$TEST_TMP/oof.eml")" 0
show=$(pd ticket show 1 --json)
is "OOF stored on the ticket as vacation" "$(echo "$show" | json '.messages[-1].class')" vacation
check "OOF has a reason naming the rule" sh -c "echo '$show' | jq -e '.messages[-1].reason | length > 0'"
is "OOF does not change the state" "$(echo "$show" | json .state)" new
is "OOF is not answered" "$(pd outbox list --json | json length)" 1

# an autoreply that threads to nothing opens no ticket
mail "$TEST_TMP/auto.eml" 'Robot <robot@vendor.example>' support@example.com "Your subscription" \
	"Auto-Submitted: auto-generated" <<<"This is an automatic message."
is "autoreply: deliver exits 0" "$(deliver "$TEST_TMP/auto.eml")" 0
is "autoreply opens no ticket" "$(pd ticket list --json | json length)" 1
is "autoreply is not answered" "$(pd outbox list --json | json length)" 1

# a DSN to the VERP address of the ack
cat >"$TEST_TMP/dsn.eml" <<EOF2
From: MAILER-DAEMON@mx.customer.example (Mail Delivery System)
To: $verp
Subject: Undelivered Mail Returned to Sender
Date: Mon, 23 Nov 2026 10:05:00 +0000
Message-ID: <dsn.1@mx.customer.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

I'm sorry to have to inform you that your message could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.customer.example

Final-Recipient: rfc822; ann@customer.example
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <ann@customer.example>: Recipient address rejected: User unknown

--B
Content-Type: text/rfc822-headers

Message-ID: $ack_id
Subject: [SUPPORT #1] Invoice missing

--B--
EOF2
is "bounce: deliver exits 0" "$(deliver "$TEST_TMP/dsn.eml" --sender '' --recipient "$verp")" 0
out=$(pd outbox list --json)
is "bounce fails the ack's outbox row" "$(echo "$out" | json '.[0].state')" failed
check "bounce reply recorded on the row" sh -c "echo '$out' | jq -e '.[0].last_reply | test(\"5.1.1\")'"
show=$(pd ticket show 1 --json)
is "bounce stored on the ticket" "$(echo "$show" | json '.messages[-1].class')" bounce
check "bounce noted in the history" sh -c "echo '$show' | jq -e 'any(.events[]; .kind == \"bounce\")'"
is "bounce opens no ticket" "$(pd ticket list --json | json length)" 1
is "bounce is not answered" "$(pd outbox list --json | json length)" 1

# the hard bounce suppresses automatic mail to that address; a new request is still a ticket
mail "$TEST_TMP/q2.eml" 'Ann <ann@customer.example>' support@example.com "Another question" <<<"Hello?"
deliver "$TEST_TMP/q2.eml" >/dev/null
is "after a hard bounce a new mail is still a ticket" "$(pd ticket list --json | json length)" 2
is "but gets no acknowledgement" "$(pd outbox list --json | json length)" 1
check "the suppression is in its history" sh -c "\"$POSTDESK\" ticket show 2 --json | jq -e 'any(.events[]; .kind == \"ack-refused\" and (.detail | test(\"bounced\")))'"

# someone writes to a return path: kept, no ticket, no answer
mail "$TEST_TMP/tobounce.eml" 'Ann <ann@customer.example>' "$verp" "hello bounce address" <<<"Is anybody there?"
is "mail to the bounce address exits 0" "$(deliver "$TEST_TMP/tobounce.eml" --recipient "$verp")" 0
is "mail to the bounce address opens no ticket" "$(pd ticket list --json | json length)" 2

# a null envelope sender is never answered (RFC 3834), even when the mail looks human
mail "$TEST_TMP/null.eml" 'Nora <nora@customer.example>' support@example.com "Plain question" <<<"Hi there"
deliver "$TEST_TMP/null.eml" --sender '' >/dev/null
is "null sender: still a ticket" "$(pd ticket list --json | json length)" 3
is "null sender: no acknowledgement" "$(pd outbox list --json | json length)" 1

# our own acknowledgement coming back
is "loop: deliver exits 0" "$(deliver "$ack")" 0
is "loop opens no ticket" "$(pd ticket list --json | json length)" 3
is "loop is not answered" "$(pd outbox list --json | json length)" 1

# rate limit: at most 3 acknowledgements an hour to one address
for i in 1 2 3 4; do
	mail "$TEST_TMP/rl$i.eml" 'Zed <zed@customer.example>' support@example.com "Question $i" <<<"q $i"
	deliver "$TEST_TMP/rl$i.eml" >/dev/null
done
is "four tickets for zed" "$(pd ticket list --json | json '[.[] | select(.customer == "zed@customer.example")] | length')" 4
is "three acks for zed" "$(pd outbox list --json | json '[.[] | select(.rcpt == "zed@customer.example")] | length')" 3
check "the refusal is in the 4th ticket's history" sh -c "\"$POSTDESK\" ticket show 7 --json | jq -e 'any(.events[]; .kind == \"ack-refused\")'"
finish
