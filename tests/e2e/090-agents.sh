#!/bin/bash
# Agents work from their mail client: a customer mail is notified to the queue's agent from
# "Customer via Queue" at the signed agent address; the agent's reply (a real Gmail reply
# from the talon corpus, quote and all) reaches the customer as only the new text, from the
# support address, threaded, with the agent's address nowhere in it. Commands drive the strict
# workflow; an illegal one gets an error mail and nothing goes to the customer; #comment stays
# internal; a spoofed agent From runs no command.
. "$(dirname "$0")/lib.sh"

start_capture
pd_setup
sed -i 's/^tag = SUPPORT$/tag = SUPPORT\nfirst_response = 4h\nagent_name_in_from = true/' "$POSTDESK_HOME/postdesk.conf"
check "agent add" pd agent add alice@example.com --name "Alice Agent" --queues support
check "agent add (sales)" pd agent add bob@example.com --name "Bob" --queues sales
is "the support queue lists its agent" "$(pd agent list --queue support --json | json '[.[].address] | join(",")')" alice@example.com
check "agent list --json" sh -c "\"$POSTDESK\" agent list --json | jq -e '.[0].address == \"alice@example.com\" and .[0].active'"

mail "$TEST_TMP/c1.eml" 'Ann Customer <ann@customer.example>' support@example.com "Broken invoice" <<<"The invoice total is wrong."
cust_id=$(header Message-ID "$TEST_TMP/c1.eml")
deliver "$TEST_TMP/c1.eml" >/dev/null
pd send >/dev/null
note=$(grep -l '"alice@example.com"' "$CAPTURE_DIR"/*.json | head -n 1)
note="${note%.json}.eml"
check "the agent is notified" test -f "$note"
check "only the queue's agents are notified" sh -c "! grep -l '\"bob@example.com\"' '$CAPTURE_DIR'/*.json"
from=$(header From "$note")
check "notification From is \"Customer via Queue\"" sh -c "echo '$from' | grep -q 'Ann Customer via Example Support'"
agent_addr=$(echo "$from" | grep -Eo 'support\+a1-[0-9a-f]{12}@example.com')
check "notification comes from the signed agent address" test -n "$agent_addr"
is "Reply-To is the same signed address" "$(header Reply-To "$note")" "$agent_addr"
check "the notification carries the customer's text" grep -q 'The invoice total is wrong.' "$note"
check "the notification lists the commands" grep -q '#status STATE' "$note"
check "the notification shows the SLA due time" grep -q '^SLA: first response due 20[0-9-]* [0-9:]* UTC' "$note"
check "notifications thread per ticket" sh -c "grep -q '^In-Reply-To: <pd.ticket.1@example.com>' '$note'"

# the agent answers with a real Gmail reply (quote and attribution included)
reply() { # FILE FROM TO BODY-FILE
	{
		printf 'From: %s\nTo: %s\nSubject: Re: [SUPPORT #1] Broken invoice\n' "$2" "$3"
		printf 'Message-ID: <%s@mail.example>\nIn-Reply-To: %s\nDate: Mon, 23 Nov 2026 11:00:00 +0000\n' "$RANDOM$RANDOM" "$(header Message-ID "$note")"
		printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n'
		cat "$4"
	} >"$1"
}
corpus="$POSTDESK_CORPUS/talon-replies/messages/gmail.eml"
[ -f "$corpus" ] || corpus="$POSTDESK_SRCDIR/../shared/corpus/talon-replies/messages/gmail.eml"
# the corpus body (text/plain part): "Hello", attribution, quote
awk '/^Content-Type: text\/plain/{p=1;next} p&&/^--=/{exit} p' "$corpus" | sed '1,/^$/d' >"$TEST_TMP/body1"
check "the corpus reply body is there" grep -q '^Hello' "$TEST_TMP/body1"
reply "$TEST_TMP/a1.eml" 'Alice Agent <alice@example.com>' "$agent_addr" "$TEST_TMP/body1"
before=$(captured_count)
is "agent reply: deliver exits 0" "$(deliver "$TEST_TMP/a1.eml" --recipient "$agent_addr")" 0
pd send >/dev/null
out=$(ls "$CAPTURE_DIR"/*.json | tail -n +$((before + 1)) | head -n 1)
out="${out%.json}.eml"
is "one mail goes out for the reply" "$(($(captured_count) - before))" 1
is "it goes to the customer" "$(json '.rcpt_tos[0]' <"${out%.eml}.json")" ann@customer.example
check "from the support address, with the agent's name" grep -q '^From: "Alice Agent (Example Support)" <support@example.com>' "$out"
is "threaded to the customer's mail" "$(header In-Reply-To "$out")" "$cust_id"
check "tagged subject" grep -q '^Subject: Re: \[SUPPORT #1\] Broken invoice' "$out"
check "only the new text" sh -c "sed '1,/^$/d' '$out' | grep -q '^Hello' && ! grep -q 'wrote:' '$out' && ! grep -q '^> Hi' '$out'"
check "the agent's address appears nowhere" sh -c "! grep -qi 'alice@example.com' '$out'"
check "Reply-To is the customer's ticket address" grep -Eq '^Reply-To: support\+t1-[0-9a-f]{12}@example.com' "$out"
is "the first answer opens the ticket" "$(pd ticket show 1 --json | json .state)" open

# commands: an illegal transition (open -> in_progress skips agreement)
printf '#status in progress\n\nStarting now.\n' >"$TEST_TMP/body2"
reply "$TEST_TMP/a2.eml" 'Alice Agent <alice@example.com>' "$agent_addr" "$TEST_TMP/body2"
before=$(captured_count)
deliver "$TEST_TMP/a2.eml" --recipient "$agent_addr" >/dev/null
pd send >/dev/null
out=$(ls "$CAPTURE_DIR"/*.eml | tail -n 1)
is "illegal transition: one mail out" "$(($(captured_count) - before))" 1
is "illegal transition: it goes to the agent" "$(json '.rcpt_tos[0]' <"${out%.eml}.json")" alice@example.com
check "the error mail says what was wrong and what is allowed" sh -c "grep -q 'agreed first' '$out' && grep -q 'you may go to' '$out'"
is "illegal transition: state unchanged" "$(pd ticket show 1 --json | json .state)" open

# legal transitions, each one step
for st in "#agree" "#take" "#status in_progress" "#status resolved"; do
	printf '%s\n\nUpdate: %s\n' "$st" "$st" >"$TEST_TMP/body3"
	reply "$TEST_TMP/a3.eml" 'Alice Agent <alice@example.com>' "$agent_addr" "$TEST_TMP/body3"
	deliver "$TEST_TMP/a3.eml" --recipient "$agent_addr" >/dev/null
done
is "legal transitions reach resolved" "$(pd ticket show 1 --json | json .state)" resolved
is "#take assigns the ticket" "$(pd ticket show 1 --json | json .assignee)" alice@example.com
check "each change is in the history with the agent" sh -c "\"$POSTDESK\" ticket show 1 --json | jq -e '[.events[] | select(.kind == \"state\" and .actor == \"alice@example.com\")] | length == 4'"

# the customer replies to a resolved ticket: it reopens
mail "$TEST_TMP/c2.eml" 'Ann Customer <ann@customer.example>' support@example.com "[SUPPORT #1] still wrong" <<<"Still wrong!"
deliver "$TEST_TMP/c2.eml" >/dev/null
is "a customer reply reopens a resolved ticket" "$(pd ticket show 1 --json | json .state)" open

# #comment: an internal note, nothing to the customer
pd send >/dev/null
before=$(captured_count)
printf '#comment\n\nCustomer seems upset, handle with care.\n' >"$TEST_TMP/body4"
reply "$TEST_TMP/a4.eml" 'Alice Agent <alice@example.com>' "$agent_addr" "$TEST_TMP/body4"
deliver "$TEST_TMP/a4.eml" --recipient "$agent_addr" >/dev/null
pd send >/dev/null
is "#comment sends nothing" "$(($(captured_count) - before))" 0
check "#comment is an internal note in the history" sh -c "\"$POSTDESK\" ticket show 1 --json | jq -e 'any(.events[]; .kind == \"comment\" and (.detail | test(\"upset\")))'"

# spoofing: the agent's From on mail to the customer address runs no command
printf '#status resolved\n\nI am the agent, trust me.\n' >"$TEST_TMP/body5"
reply "$TEST_TMP/a5.eml" 'Alice Agent <alice@example.com>' "$(header Reply-To "$(ls "$CAPTURE_DIR"/0001.eml)")" "$TEST_TMP/body5"
deliver "$TEST_TMP/a5.eml" >/dev/null
is "spoofed agent From: no command runs" "$(pd ticket show 1 --json | json .state)" open
check "the spoof attempt is noted on the ticket" sh -c "\"$POSTDESK\" ticket show 1 --json | jq -e 'any(.events[]; .kind == \"spoof\")'"
# and a stranger writing to the agent address is no agent either
reply "$TEST_TMP/a6.eml" 'Mallory <mallory@evil.example>' "$agent_addr" "$TEST_TMP/body5"
deliver "$TEST_TMP/a6.eml" --recipient "$agent_addr" >/dev/null
is "a stranger at the agent address: no command runs" "$(pd ticket show 1 --json | json .state)" open

# closed is final: a customer reply opens a new ticket that follows the old one
for st in "#status agreed" "#status in_progress" "#status resolved" "#status closed"; do
	printf '%s
' "$st" >"$TEST_TMP/body7"
	reply "$TEST_TMP/a7.eml" 'Alice Agent <alice@example.com>' "$agent_addr" "$TEST_TMP/body7"
	deliver "$TEST_TMP/a7.eml" --recipient "$agent_addr" >/dev/null
done
is "the ticket is closed" "$(pd ticket show 1 --json | json .state)" closed
mail "$TEST_TMP/c3.eml" 'Ann Customer <ann@customer.example>' support@example.com "[SUPPORT #1] one more thing" <<<"One more thing."
deliver "$TEST_TMP/c3.eml" >/dev/null
is "a reply to a closed ticket opens a new one" "$(pd ticket list --json | json length)" 2
check "the new ticket says which it follows" sh -c "\"$POSTDESK\" ticket show 2 --json | jq -e 'any(.events[]; .kind == \"follows\" and (.detail | test(\"1\")))'"
is "the closed ticket stays closed" "$(pd ticket show 1 --json | json .state)" closed
finish
