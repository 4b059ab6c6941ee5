#!/bin/bash
# The mails an agent gets back, and what an admin can read in the outbox: an error mail is
# threaded (In-Reply-To and References), has a short subject, explains everything in the
# body and gives the agent's text back; a reply with commands only gets a short
# confirmation (per agent: agent add/set --confirm yes|no); `outbox show N` prints a mail
# exactly as it goes to the relay; outgoing mail is composed when the incoming mail is
# processed, so a config change shows from the next mail on; a store error while notifying
# agents is not swallowed.
. "$(dirname "$0")/lib.sh"

start_capture
pd_setup
check "agent add (confirmations by default)" pd agent add alice@example.com --name "Alice Agent" --queues support
is "confirm defaults to yes" "$(pd agent list --json | json '.[0].confirm')" true

mail "$TEST_TMP/c1.eml" 'Ann Customer <ann@customer.example>' support@example.com "Broken invoice" <<<"The invoice total is wrong."
is "customer mail: deliver exits 0" "$(deliver "$TEST_TMP/c1.eml")" 0

# outbox show: the acknowledgement as it will be sent, byte for byte
pd outbox show 1 >"$TEST_TMP/show1.eml"
check "outbox show prints the acknowledgement" grep -q '^Subject: \[SUPPORT #1\] Broken invoice' "$TEST_TMP/show1.eml"
check "outbox show prints the body" grep -q 'it is now' "$TEST_TMP/show1.eml"
check "outbox show --envelope names the VERP return path and the recipient" sh -c \
	"\"$POSTDESK\" outbox show 1 --envelope | head -n 2 | tr -d '\r' | grep -Eq '^RCPT TO:<ann@customer.example>' &&
	 \"$POSTDESK\" outbox show 1 --envelope | head -n 1 | grep -Eq '^MAIL FROM:<bounces\+o1-[0-9a-f]+@example.com>'"
is "outbox show --json" "$(pd outbox show 1 --json | json '[.id, .kind, .rcpt, (.message | test("Broken invoice"))] | join(" ")')" "1 ack ann@customer.example true"
"$POSTDESK" outbox show 999 >/dev/null 2>&1
is "outbox show of a row that does not exist: exit 66" "$?" 66
"$POSTDESK" outbox show >/dev/null 2>&1
is "outbox show without N: exit 64" "$?" 64
pd send >/dev/null
first=$(ls "$CAPTURE_DIR"/*.json | head -n 1)
is "the relay got the acknowledgement first" "$(json '.rcpt_tos[0]' <"$first")" ann@customer.example
check "what outbox show printed is what the relay got" sh -c "tr -d '\r' <'$TEST_TMP/show1.eml' | cmp -s - '${first%.json}.eml'"

note=$(grep -l '"alice@example.com"' "$CAPTURE_DIR"/*.json | head -n 1)
note="${note%.json}.eml"
agent_addr=$(header From "$note" | grep -Eo 'support\+a1-[0-9a-f]{12}@example.com')
check "the agent was notified at the signed address" test -n "$agent_addr"
note_id=$(header Message-ID "$note" | tr -d '<>')

# reply FILE BODY-FILE: Alice answers the notification from her mail client
reply() {
	local mid="$RANDOM$RANDOM@mail.example"
	{
		printf 'From: Alice Agent <alice@example.com>\nTo: %s\nSubject: Re: [SUPPORT #1] Broken invoice\n' "$agent_addr"
		printf 'Message-ID: <%s>\nIn-Reply-To: <%s>\nReferences: <pd.ticket.1@example.com> <%s>\n' "$mid" "$note_id" "$note_id"
		printf 'Date: Mon, 23 Nov 2026 11:00:00 +0000\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n'
		cat "$2"
	} >"$1"
	echo "$mid"
}
last_out() { ls "$CAPTURE_DIR"/*.eml | tail -n 1; }

# an error mail: threaded, short subject, full explanation, the agent's text returned
printf '#status bogus\n#priority sky-high\n\nDear Ann, I spent an hour on this answer and\nwould hate to type it again.\n' >"$TEST_TMP/b1"
mid=$(reply "$TEST_TMP/a1.eml" "$TEST_TMP/b1")
before=$(captured_count)
deliver "$TEST_TMP/a1.eml" --recipient "$agent_addr" >/dev/null
pd send >/dev/null
out=$(last_out)
is "error: one mail, to the agent" "$(($(captured_count) - before)) $(json '.rcpt_tos[0]' <"${out%.eml}.json")" "1 alice@example.com"
is "error mail: In-Reply-To is the agent's mail" "$(header In-Reply-To "$out")" "<$mid>"
is "error mail: References keep the agent's References and add its Message-ID" \
	"$(header References "$out" | tr -s ' \t' ' ')" "<pd.ticket.1@example.com> <$note_id> <$mid>"
subject=$(header Subject "$out")
check "error mail: a short subject with the ticket tag" sh -c "echo '$subject' | grep -q '^\[SUPPORT #1\]' && [ ${#subject} -le 78 ] && ! echo '$subject' | grep -q 'line 1'"
check "error mail: every error in the body" sh -c "grep -q 'line 1: .*bogus' '$out' && grep -q 'line 2: .*sky-high' '$out'"
check "error mail: what is allowed" grep -q 'you may go to' "$out"
check "error mail: the agent's text comes back in full" sh -c \
	"grep -q '^Dear Ann, I spent an hour on this answer and' '$out' && grep -q '^would hate to type it again.' '$out' && grep -q '^#status bogus' '$out'"
is "error: the ticket did not change" "$(pd ticket show 1 --json | json '.state + " " + .priority')" "new normal"

# commands only: a short confirmation
printf '#priority high\n' >"$TEST_TMP/b2"
mid=$(reply "$TEST_TMP/a2.eml" "$TEST_TMP/b2")
before=$(captured_count)
deliver "$TEST_TMP/a2.eml" --recipient "$agent_addr" >/dev/null
pd send >/dev/null
out=$(last_out)
is "commands only: one confirmation, to the agent" "$(($(captured_count) - before)) $(json '.rcpt_tos[0]' <"${out%.eml}.json")" "1 alice@example.com"
is "commands only: the priority changed" "$(pd ticket show 1 --json | json .priority)" high
check "confirmation: a short subject saying what was done" sh -c "grep -q '^Subject: \[SUPPORT #1\] Done: normal -> high' '$out'"
check "confirmation: the change in the body, nothing to the customer" sh -c "grep -q '^  - normal -> high' '$out' && grep -q 'nothing was sent' '$out'"
is "confirmation: threaded to the agent's mail" "$(header In-Reply-To "$out")" "<$mid>"
check "confirmation: from the signed agent address" sh -c "grep -q '^From: .*$agent_addr' '$out'"
check "confirmation: Auto-Submitted" grep -q '^Auto-Submitted: auto-replied' "$out"
check "the confirmation is recorded on the ticket" sh -c "\"$POSTDESK\" ticket show 1 --json | jq -e 'any(.events[]; .kind == \"confirm\")'"

# per agent: --confirm no
check "agent set --confirm no" pd agent set alice@example.com --confirm no
is "agent list shows confirm false" "$(pd agent list --json | json '.[0].confirm')" false
is "agent set keeps the rest" "$(pd agent list --json | json '.[0] | .name + " " + (.queues | join(",")) + " " + (.active | tostring)')" "Alice Agent support true"
printf '#priority urgent\n' >"$TEST_TMP/b3"
reply "$TEST_TMP/a3.eml" "$TEST_TMP/b3" >/dev/null
before=$(captured_count)
deliver "$TEST_TMP/a3.eml" --recipient "$agent_addr" >/dev/null
pd send >/dev/null
is "--confirm no: the command works, no mail" "$(pd ticket show 1 --json | json .priority) $(($(captured_count) - before))" "urgent 0"
check "agent set --confirm yes" pd agent set alice@example.com --confirm yes
is "confirm is yes again" "$(pd agent list --json | json '.[0].confirm')" true
printf '#take\n#priority low\n' >"$TEST_TMP/b4"
reply "$TEST_TMP/a4.eml" "$TEST_TMP/b4" >/dev/null
before=$(captured_count)
deliver "$TEST_TMP/a4.eml" --recipient "$agent_addr" >/dev/null
pd send >/dev/null
out=$(last_out)
is "two commands: one confirmation" "$(($(captured_count) - before))" 1
check "two commands: the subject stays short" grep -q '^Subject: \[SUPPORT #1\] Done: 2 changes$' "$out"
check "two commands: both changes in the body" sh -c "grep -q '^  - taken by alice@example.com' '$out' && grep -q '^  - urgent -> low' '$out'"
check "agent add --confirm no" pd agent add bob@example.com --name Bob --queues sales --confirm no
is "agent add --confirm no is stored" "$(pd agent list --json | json '.[] | select(.address == "bob@example.com") | .confirm')" false
"$POSTDESK" agent set alice@example.com --confirm maybe >/dev/null 2>&1
is "agent set --confirm maybe: exit 64" "$?" 64
"$POSTDESK" agent set nobody@example.com --confirm no >/dev/null 2>&1
is "agent set of an unknown agent: exit 66" "$?" 66
pd agent disable bob@example.com
pd agent set bob@example.com --name "Bob B"
is "agent set does not re-enable a disabled agent" "$(pd agent list --json | json '.[] | select(.address == "bob@example.com") | .name + " " + (.active | tostring)')" "Bob B false"

# outgoing mail is composed when the incoming mail is processed: an acknowledgement already
# queued keeps the old queue name; the next one, after the change, has the new name
mail "$TEST_TMP/c2.eml" 'Carl Customer <carl@customer.example>' support@example.com "Question one" <<<"First."
deliver "$TEST_TMP/c2.eml" >/dev/null
ack2=$(pd outbox list --json | json '[.[] | select(.kind == "ack" and .rcpt == "carl@customer.example")][0].id')
sed -i 's/^name = Example Support$/name = Example Helpdesk/' "$POSTDESK_HOME/postdesk.conf"
mail "$TEST_TMP/c3.eml" 'Dora Customer <dora@customer.example>' support@example.com "Question two" <<<"Second."
deliver "$TEST_TMP/c3.eml" >/dev/null
ack3=$(pd outbox list --json | json '[.[] | select(.kind == "ack" and .rcpt == "dora@customer.example")][0].id')
check "the first acknowledgement after the change has the new queue name" sh -c "\"$POSTDESK\" outbox show $ack3 | grep -q '^From: Example Helpdesk <support@example.com>'"
check "one queued before the change keeps the old name (composed at processing time)" sh -c "\"$POSTDESK\" outbox show $ack2 | grep -q '^From: Example Support <support@example.com>'"

# a store error while notifying agents is not swallowed: no ticket without its notification
sqlite3 "$POSTDESK_HOME/postdesk.db" 'ALTER TABLE tickets RENAME COLUMN first_response_at TO first_response_gone' >>"$LOG" 2>&1
tickets=$(pd ticket list --json | json length)
mail "$TEST_TMP/c4.eml" 'Eve Customer <eve@customer.example>' support@example.com "Third" <<<"Third."
deliver "$TEST_TMP/c4.eml" >/dev/null
is "store error while notifying: no ticket is made" "$(pd ticket list --json | json length)" "$tickets"
check "store error while notifying: the mail is kept with the reason" sh -c "\"$POSTDESK\" quarantine list --json | jq -e 'any(.[]; .reason | test(\"first_response_at\"))'"
finish
