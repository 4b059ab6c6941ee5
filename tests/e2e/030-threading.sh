#!/bin/bash
# Replies thread by signed reply address, In-Reply-To and References, and by the subject tag
# only from a participant; a stranger's tag opens a new ticket.
. "$(dirname "$0")/lib.sh"

start_capture
pd_setup
mail "$TEST_TMP/first.eml" 'Ann <ann@customer.example>' support@example.com "Login broken" <<<"I cannot log in."
deliver "$TEST_TMP/first.eml" >/dev/null
pd send >/dev/null
ack="$CAPTURE_DIR/0001.eml"
ack_id=$(header Message-ID "$ack")
reply_to=$(header Reply-To "$ack")

# 1. In-Reply-To the acknowledgement
mail "$TEST_TMP/r1.eml" 'Ann <ann@customer.example>' support@example.com "Re: [SUPPORT #1] Login broken" \
	"In-Reply-To: $ack_id" <<<"Still broken."
deliver "$TEST_TMP/r1.eml" >/dev/null
# 2. only References (a client that drops In-Reply-To), no tag in the subject
mail "$TEST_TMP/r2.eml" 'Ann <ann@customer.example>' support@example.com "more info" \
	"References: <unknown@elsewhere.example> $ack_id" <<<"Here is a screenshot."
deliver "$TEST_TMP/r2.eml" >/dev/null
# 3. to the signed reply address, no ids, no tag, from a colleague
mail "$TEST_TMP/r3.eml" 'Bob <bob@customer.example>' "$reply_to" "from my colleague" <<<"Same here."
deliver "$TEST_TMP/r3.eml" >/dev/null
# 4. subject tag only, from the customer (a participant)
mail "$TEST_TMP/r4.eml" 'Ann <ann@customer.example>' support@example.com "[SUPPORT #1] anything new?" <<<"?"
deliver "$TEST_TMP/r4.eml" >/dev/null
# 5. the same tag from a stranger: a new ticket
mail "$TEST_TMP/r5.eml" 'Eve <eve@attacker.example>' support@example.com "[SUPPORT #1] let me in" <<<"!"
deliver "$TEST_TMP/r5.eml" >/dev/null
# 6. a forged token (wrong signature) to a stranger's ticket: a new ticket
forged=$(echo "$reply_to" | sed -E 's/-[0-9a-f]{12}@/-000000000000@/')
mail "$TEST_TMP/r6.eml" 'Eve <eve@attacker.example>' "$forged" "guess" <<<"!"
deliver "$TEST_TMP/r6.eml" >/dev/null
# 7. mail to the sales queue: a ticket there
mail "$TEST_TMP/r7.eml" 'Carl <carl@customer.example>' sales@example.com "Price list" <<<"Prices?"
deliver "$TEST_TMP/r7.eml" --recipient sales@example.com >/dev/null

# 8. a stranger who knows a Message-ID threads in, but does not become a participant: his
#    later tag-only mail is no follow-up (participants get the agents' replies)
mail "$TEST_TMP/r8.eml" 'Eve <eve2@attacker.example>' support@example.com "Re: Login broken" \
	"In-Reply-To: $ack_id" <<<"me too"
deliver "$TEST_TMP/r8.eml" >/dev/null
mail "$TEST_TMP/r9.eml" 'Eve <eve2@attacker.example>' support@example.com "[SUPPORT #1] again" <<<"let me in"
deliver "$TEST_TMP/r9.eml" >/dev/null

show=$(pd ticket show 1 --json)
is "ticket 1 threading signals" \
	"$(echo "$show" | json '[.messages[] | select(.direction == "in") | .threaded_by] | join(",")')" \
	"new,in-reply-to,references,token,subject-tag,in-reply-to"
is "five tickets in all" "$(pd ticket list --json | json length)" 5
is "threading by Message-ID grants no participation" "$(pd ticket show 5 --json | json '.customer + " " + .messages[0].threaded_by')" \
	"eve2@attacker.example new"
is "the stranger's tag opened ticket 2" "$(pd ticket show 2 --json | json '.customer + " " + .messages[0].threaded_by')" \
	"eve@attacker.example new"
is "a forged token opened ticket 3" "$(pd ticket show 3 --json | json '.messages[0].threaded_by')" new
is "sales mail in the sales queue" "$(pd ticket show 4 --json | json .queue)" sales
check "sales ack tagged SALES" sh -c "pd() { \"$POSTDESK\" \"\$@\"; }; pd send >/dev/null && grep -l '^Subject: \[SALES #4\] Price list' '$CAPTURE_DIR'/*.eml"
is "follow-ups are not acknowledged" "$(pd outbox list --json | json '[.[] | select(.ticket == 1)] | length')" 1
finish
