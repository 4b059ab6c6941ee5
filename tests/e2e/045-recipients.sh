#!/bin/bash
# Several recipients: the same bytes for two queues are an intake row each and, since issue 13,
# one ticket (in the queue of the copy processed first; the other queue noted as an event)
# (two pipe calls, one call with two --recipient, trailing addresses, one LMTP transaction
# with two RCPTs, each answered on its own); the same bytes to the same recipient again are one ticket and a log
# line; a queue address and its +extension address in one delivery are one processing.
# The null sender as Postfix's pipe passes it (MAILER-DAEMON) gets no acknowledgement.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"

serve_setup

queues_of() { pd ticket list --json | json "[.[] | select(.subject == \"$1\") | .queue] | sort | join(\" \")"; }
acks_to() { pd outbox list --json | json "[.[] | select(.kind == \"ack\" and .rcpt == \"$1\")] | length"; }

# two pipe calls, one per queue
mail "$TEST_TMP/m1.eml" 'Ann <ann@customer.example>' 'support@example.com, sales@example.com' \
	"Two pipe calls" <<<"For both of you."
is "pipe call for support exits 0" "$(deliver "$TEST_TMP/m1.eml" --recipient support@example.com)" 0
is "pipe call for sales exits 0" "$(deliver "$TEST_TMP/m1.eml" --recipient Sales@Example.com)" 0
is "one ticket, in the first copy's queue" "$(queues_of "Two pipe calls")" "support"
is "two intake rows" "$(db "select count(*) from intake")" 2
is "the bytes are stored once" "$(db "select count(*) from bodies")" 1

# the same bytes to the same recipient again: one ticket, and the skipped duplicate is logged
"$POSTDESK" deliver --recipient support@example.com <"$TEST_TMP/m1.eml" 2>"$TEST_TMP/dup.err"
is "a re-delivery exits 0" "$?" 0
cat "$TEST_TMP/dup.err" >>"$LOG"
is "still one ticket" "$(queues_of "Two pipe calls")" "support"
is "still two intake rows" "$(db "select count(*) from intake")" 2
check "the skipped duplicate is logged with intake id and recipient" \
	grep -Eq 'intake=1 .*rcpt=support@example.com.*duplicate' "$TEST_TMP/dup.err"

# one pipe call, two --recipient options
mail "$TEST_TMP/m2.eml" 'Bo <bo@customer.example>' 'support@example.com' "Two options" <<<"Hi."
is "deliver --recipient A --recipient B exits 0" \
	"$(deliver "$TEST_TMP/m2.eml" --recipient support@example.com --recipient sales@example.com)" 0
is "one ticket" "$(queues_of "Two options")" "support"
is "one acknowledgement" "$(acks_to bo@customer.example)" 1
is "the other queue is noted" "$(db "select count(*) from events where kind = 'also-to' and detail like 'queue sales%' and ticket_id = (select id from tickets where subject = 'Two options')")" 1

# one pipe call, several addresses after --recipient (as Postfix's pipe passes ${recipient})
mail "$TEST_TMP/m3.eml" 'Cy <cy@customer.example>' 'support@example.com' "Trailing" <<<"Hi."
is "deliver --recipient A B exits 0" \
	"$(deliver "$TEST_TMP/m3.eml" --recipient support@example.com sales@example.com)" 0
is "one ticket" "$(queues_of "Trailing")" "support"

# a queue address and a +extension of it in one delivery: one processing, no extra ticket
mail "$TEST_TMP/m4.eml" 'Di <di@customer.example>' 'support+urgent@example.com' "Plus" <<<"Hi."
is "deliver to support and support+urgent exits 0" \
	"$(deliver "$TEST_TMP/m4.eml" --recipient support@example.com --recipient support+urgent@example.com)" 0
is "one ticket for one queue" "$(queues_of "Plus")" "support"
is "one acknowledgement" "$(acks_to di@customer.example)" 1

# the null sender through Postfix's pipe: MAILER-DAEMON, in any case, is <>
n=0
for s in MAILER-DAEMON mailer-daemon; do
	n=$((n + 1))
	mail "$TEST_TMP/nul-$s.eml" "Eve <eve-$n@customer.example>" support@example.com "Null $s" \
		<<<"I look like a human but came with a null return path."
	is "deliver --sender $s exits 0" \
		"$(deliver "$TEST_TMP/nul-$s.eml" --recipient support@example.com --sender "$s")" 0
	is "stored as the null sender" \
		"$(db "select quote(envelope_from) from intake where id = (select max(id) from intake)")" "''"
	is "no acknowledgement to $s" "$(acks_to "eve-$n@customer.example")" 0
done

# LMTP: two RCPTs to two queues, each with its own reply
serve_start
{
	printf 'LHLO client.example\nMAIL FROM:<fay@customer.example>\n'
	printf 'RCPT TO:<support@example.com>\nRCPT TO:<sales@example.com>\nDATA\n'
	printf 'From: Fay <fay@customer.example>\nTo: support@example.com, sales@example.com\n'
	printf 'Subject: Over LMTP\nMessage-ID: <lmtp-two@customer.example>\n\nBoth, please.\n.\nQUIT\n'
} >"$TEST_TMP/lmtp"
out=$(chat "$LMTP_PORT" <"$TEST_TMP/lmtp")
echo "$out" >>"$LOG"
is "a reply per recipient" "$(codes <<<"$out")" "220 250 250 250 250 354 250 250 221"
is "each reply names its own intake row" \
	"$(grep -E '^250 2.0.0 Ok: stored as intake' <<<"$out" | sort -u | wc -l)" 2
check "both are processed" wait_for 60 db_is 0 "select count(*) from intake where state = 'pending'"
is "one ticket for the two queues" "$(queues_of "Over LMTP" | wc -w)" 1
out=$(chat "$LMTP_PORT" <"$TEST_TMP/lmtp")
echo "$out" >>"$LOG"
is "a re-delivery: each recipient already stored" \
	"$(grep -c '^250 2.0.0 Ok: already stored as intake' <<<"$out")" 2
is "still one ticket" "$(queues_of "Over LMTP" | wc -w)" 1
check "the skipped duplicates are logged" grep -Eq 'rcpt=sales@example.com.*duplicate' "$SERVE_LOG"

# SMTP: two RCPTs, one reply, a row per recipient
{
	printf 'EHLO client.example\nMAIL FROM:<gus@customer.example>\n'
	printf 'RCPT TO:<support@example.com>\nRCPT TO:<sales@example.com>\nDATA\n'
	printf 'From: Gus <gus@customer.example>\nTo: support@example.com\n'
	printf 'Subject: Over SMTP\nMessage-ID: <smtp-two@customer.example>\n\nBoth.\n.\nQUIT\n'
} >"$TEST_TMP/smtp"
out=$(chat "$SMTP_PORT" <"$TEST_TMP/smtp")
echo "$out" >>"$LOG"
is "SMTP: one reply after DATA" "$(codes <<<"$out")" "220 250 250 250 250 354 250 221"
check "SMTP: both rows processed" wait_for 60 db_is 0 "select count(*) from intake where state = 'pending'"
is "SMTP: one ticket" "$(queues_of "Over SMTP" | wc -w)" 1

serve_stop TERM
is "serve exits 0" "$SERVE_RC" 0
cat "$SERVE_LOG" >>"$LOG"
finish
