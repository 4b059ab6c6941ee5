#!/bin/bash
# Queues and routing (issue 13): a queue with several addresses and a default priority;
# [route NAME] rules (recipient, sender domain, subject words, body words) choose queue and
# priority, the first match in file order; one mail sent to several queue addresses is one
# ticket (by LMTP in one transaction, and by two pipe calls), the other queue noted as an
# event, every per-recipient intake row kept; `queue list|show --json`.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"

serve_setup '[queue sales]' 'addresses = orders@example.com, Shop@Example.com' 'priority = high' \
	'' '[queue billing]' 'address = billing@example.com' 'tag = BILL' 'priority = low' \
	'escalation = boss@example.com' \
	'' '[route vip]' 'sender_domain = bigcorp.example' 'priority = urgent' \
	'' '[route invoices]' 'subject = invoice, credit note' 'queue = billing' \
	'' '[route refunds]' 'body = refund please' 'queue = billing' 'priority = high' \
	'' '[route late]' 'recipient = @example.com' 'subject = invoice' 'queue = sales'

# queue NAME SUBJECT: the queue and priority of the ticket with SUBJECT
qp() { pd ticket list --json | json "[.[] | select(.subject == \"$1\") | \"\(.queue)/\(.priority)\"] | join(\" \")"; }

send_one() { # FROM TO SUBJECT BODY [RCPT]
	mail "$TEST_TMP/r.eml" "$1" "$2" "$3" <<<"$4"
	deliver "$TEST_TMP/r.eml" --recipient "${5:-$2}" >/dev/null
}

send_one 'Al <al@home.example>' support@example.com 'Plain question' 'Hello.'
is "no rule: the queue by address, its default priority" "$(qp 'Plain question')" "support/normal"
send_one 'Bo <bo@home.example>' orders@example.com 'Order 12' 'Where is it?'
is "a queue's second address routes to it, with its priority" "$(qp 'Order 12')" "sales/high"
send_one 'Cy <cy@home.example>' shop+x@example.com 'Shop question' 'Hi.'
is "a +extension of a second address (any case) routes to it" "$(qp 'Shop question')" "sales/high"
send_one 'Di <di@mail.bigcorp.example>' support@example.com 'Invoice missing' 'Hi.'
is "first match wins: the sender domain rule (a subdomain) sets the priority, queue by address" \
	"$(qp 'Invoice missing')" "support/urgent"
send_one 'Ed <ed@home.example>' support@example.com 'Your INVOICE, please' 'Hi.'
is "subject words, any case: the invoices rule, the queue's priority" "$(qp 'Your INVOICE, please')" "billing/low"
send_one 'Fa <fa@home.example>' support@example.com 'Invoiced twice' 'Hi.'
is "subject words are whole words: invoiced is not invoice" "$(qp 'Invoiced twice')" "support/normal"
send_one 'Gu <gu@home.example>' support@example.com 'Money' $'Hello,\nI want a refund.\nPlease!\n'
is "body words: the phrase, not its words apart" "$(qp 'Money')" "support/normal"
send_one 'Ha <ha@home.example>' support@example.com 'Money back' $'Hello,\nRefund\n  please!\n'
is "body words: the phrase across a line break, any case; the rule's queue and priority" "$(qp 'Money back')" "billing/high"
send_one 'Io <io@home.example>' support@example.com 'A credit note' 'Hi.'
is "a subject phrase of the list" "$(qp 'A credit note')" "billing/low"

# one mail to two queue addresses, two pipe calls: one ticket
mail "$TEST_TMP/two.eml" 'Jo <jo@home.example>' 'support@example.com, sales@example.com' 'For both' <<<"Hi both."
is "pipe call for support exits 0" "$(deliver "$TEST_TMP/two.eml" --recipient support@example.com)" 0
is "pipe call for sales exits 0" "$(deliver "$TEST_TMP/two.eml" --recipient sales@example.com)" 0
is "one ticket, in the queue of the first copy" "$(qp 'For both')" "support/normal"
is "both intake rows kept, both done" \
	"$(db "select group_concat(envelope_rcpt || ':' || state, ' ') from (select * from intake where envelope_rcpt in ('support@example.com','sales@example.com') and id > (select max(id) - 2 from intake) order by id)")" \
	"support@example.com:done sales@example.com:done"
t=$(pd ticket list --json | json '.[] | select(.subject == "For both") | .id')
is "one message on it" "$(db "select count(*) from messages where ticket_id = $t and direction = 'in'")" 1
is "the other queue is noted as an event" "$(db "select count(*) from events where ticket_id = $t and kind = 'also-to' and detail like 'queue sales (sales@example.com)%'")" 1
is "one acknowledgement" "$(pd outbox list --json | json '[.[] | select(.rcpt == "jo@home.example")] | length')" 1

# two pipe calls at the same instant, one per queue: still one ticket (the chain runs under
# the write lock, so the second copy sees the first), ten times over
for i in 1 2 3 4 5 6 7 8 9 10; do
	mail "$TEST_TMP/c$i.eml" "Pa <pa$i@home.example>" 'support@example.com, sales@example.com' "Race $i" <<<"Hi."
	"$POSTDESK" deliver --sender "pa$i@home.example" --recipient support@example.com <"$TEST_TMP/c$i.eml" 2>>"$LOG" &
	"$POSTDESK" deliver --sender "pa$i@home.example" --recipient sales@example.com <"$TEST_TMP/c$i.eml" 2>>"$LOG" &
done
wait
is "ten mails to two queues at once: ten tickets" \
	"$(pd ticket list --json | json '[.[] | select(.subject | startswith("Race "))] | length')" 10
is "and twenty intake rows, all done" \
	"$(db "select count(*) from intake where envelope_from like 'pa%' and state = 'done'")" 20

# the open case of issue 8: a reply to the ticket address with the queue in Cc, as two pipe
# calls, the plain queue address processed first: still one message on the ticket
mail "$TEST_TMP/q.eml" 'Mo <mo@home.example>' support@example.com 'Question' <<<"Hi."
deliver "$TEST_TMP/q.eml" --recipient support@example.com >/dev/null
tq=$(pd ticket list --json | json '.[] | select(.subject == "Question") | .id')
ackid=$(pd outbox list --json | json ".[] | select(.rcpt == \"mo@home.example\") | .message_id")
token=$(pd outbox show "$(pd outbox list --json | json ".[] | select(.rcpt == \"mo@home.example\") | .id")" |
	sed -n 's/^Reply-To: .*<\?\(support+t[^>]*@example.com\)>\?.*/\1/p')
check "the acknowledgement has a signed reply address" test -n "$token"
mail "$TEST_TMP/re.eml" 'Mo <mo@home.example>' "$token" 'Re: Question' "Cc: support@example.com" \
	"In-Reply-To: <$ackid>" <<<"More."
deliver "$TEST_TMP/re.eml" --recipient support@example.com >/dev/null
deliver "$TEST_TMP/re.eml" --recipient "$token" >/dev/null
is "the reply is one message on the ticket" "$(db "select count(*) from messages where ticket_id = $tq and direction = 'in'")" 2
is "and no second ticket" "$(pd ticket list --json | json '[.[] | select(.customer == "mo@home.example")] | length')" 1

# the same, as one LMTP transaction with two recipients
serve_start
{
	printf 'LHLO client.example\nMAIL FROM:<ki@home.example>\n'
	printf 'RCPT TO:<sales@example.com>\nRCPT TO:<billing@example.com>\nDATA\n'
	printf 'From: Ki <ki@home.example>\nTo: sales@example.com, billing@example.com\nSubject: Both by LMTP\n'
	printf 'Message-ID: <lmtp-both@home.example>\n\nHi.\n.\nQUIT\n'
} >"$TEST_TMP/lm.conv"
chat "$LMTP_PORT" <"$TEST_TMP/lm.conv" >>"$LOG" 2>&1
check "the LMTP mail is processed" wait_for 20 db_is 0 "select count(*) from intake where state = 'pending'"
serve_stop
is "LMTP with two queue recipients: one ticket" "$(qp 'Both by LMTP')" "sales/high"
is "two intake rows for it" "$(db "select count(*) from intake where envelope_from = 'ki@home.example'")" 2

# a re-send of the same Message-ID later (outside the burst) is a new mail, as before
mail "$TEST_TMP/again.eml" 'Lu <lu@home.example>' 'support@example.com' 'Again' <<<"Hi."
POSTDESK_NOW=2026-11-20T10:00:00Z deliver "$TEST_TMP/again.eml" --recipient support@example.com >/dev/null
sed 's/^Subject: Again/Subject: Again!/' "$TEST_TMP/again.eml" >"$TEST_TMP/again2.eml"
POSTDESK_NOW=2026-11-21T10:00:00Z deliver "$TEST_TMP/again2.eml" --recipient sales@example.com >/dev/null
is "the same Message-ID a day later opens its own ticket" "$(qp 'Again!')" "sales/high"

# queue list / show
pd queue list --json >"$TEST_TMP/ql.json"
is "queue list: three queues" "$(json '.queues | map(.name) | join(",")' <"$TEST_TMP/ql.json")" "support,sales,billing"
is "queue list: every address of sales" "$(json '.queues[1].addresses | join(",")' <"$TEST_TMP/ql.json")" \
	"sales@example.com,orders@example.com,shop@example.com"
is "queue list: the rules in file order" "$(json '.routes | map(.name) | join(",")' <"$TEST_TMP/ql.json")" \
	"vip,invoices,refunds,late"
is "queue show billing: escalation, priority, tickets" \
	"$(pd queue show billing --json | json '"\(.escalation) \(.priority) \(.tickets.new)"')" "boss@example.com low 3"
check "queue show of an unknown queue fails" bash -c "! '$POSTDESK' queue show nope"
check "queue list prints text" bash -c "'$POSTDESK' queue list | grep -q 'addresses: sales@example.com, orders@example.com'"

# a broken route is a config error naming it
cp "$POSTDESK_HOME/postdesk.conf" "$TEST_TMP/good.conf"
printf '\n[route bad]\nsubject = x\nqueue = nowhere\n' >>"$POSTDESK_HOME/postdesk.conf"
check "a route to an unknown queue is refused" bash -c "'$POSTDESK' queue list 2>&1 | grep -q 'route bad.*nowhere'"
cp "$TEST_TMP/good.conf" "$POSTDESK_HOME/postdesk.conf"
printf '\n[queue dup]\naddresses = orders@example.com\n' >>"$POSTDESK_HOME/postdesk.conf"
check "an address in two queues is refused" bash -c "'$POSTDESK' queue list 2>&1 | grep -q 'orders@example.com is an address of'"
cp "$TEST_TMP/good.conf" "$POSTDESK_HOME/postdesk.conf"

finish
