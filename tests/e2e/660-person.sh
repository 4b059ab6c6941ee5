#!/bin/bash
# Personal data (issue 13): `person export ADDRESS` finds everything planted for an address
# in every table (tickets and messages, participants, attachments' names, intake rows, outbox
# rows, addresses, agents, subscriptions, consent ledger, list bounces); `person erase`
# leaves none of it behind (a grep of the whole database dump, the database file and the
# attachments for the address and a string only its mail carried), keeps what must stay (a
# hashed suppression entry; the subscriber rows pseudonymised and unsubscribed, the
# append-only ledger intact), leaves other people's data, and is recorded without content.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"

pd_setup
ANN=ann@customer.example
SECRET=ZEBRA-7731
# long bodies: the store keeps text over 256 bytes deflated, which erasure must see through
PAD="Lorem ipsum dolor sit amet, the paper tray jams and the fuser smells of smoke again. Lorem ipsum dolor sit amet, the paper tray jams and the fuser smells of smoke again. Lorem ipsum dolor sit amet, the paper tray jams and the fuser smells of smoke again. Lorem ipsum dolor sit amet, the paper tray jams and the fuser smells of smoke again. "
export POSTDESK_NOW=2026-11-02T10:00:00Z
pd agent add agent@example.com --name Agent >>"$LOG"
pd agent add "$ANN" --name 'Ann As Agent' --queues sales >>"$LOG"

# msg FILE FROM TO SUBJECT ID [HEADERS] < BODY, with attachments from ATT="name:content ..."
msg() {
	local f=$1 from=$2 to=$3 subject=$4 id=$5 a
	shift 5
	{
		printf 'From: %s\nTo: %s\nSubject: %s\nDate: Mon, 02 Nov 2026 10:00:00 +0000\nMessage-ID: <%s>\n' \
			"$from" "$to" "$subject" "$id"
		[ $# -gt 0 ] && printf '%s\n' "$@"
		printf 'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="XX"\n\n--XX\nContent-Type: text/plain\n\n'
		cat
		for a in ${ATT:-}; do
			printf -- '--XX\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename="%s"\nContent-Transfer-Encoding: base64\n\n' "${a%%:*}"
			printf '%s' "${a#*:}" | base64
		done
		printf -- '--XX--\n'
	} >"$f"
}
sha() { printf '%s' "$1" | sha256sum | cut -c1-64; }
blob() { local s; s=$(sha "$1"); echo "$POSTDESK_HOME/attachments/${s:0:2}/$s"; }

# Ann opens a ticket, with a file only she sent and one Bob sends too
ATT="ann-only.bin:ANN-ONLY-FILE shared.bin:SHARED-ANN-BOB" msg "$TEST_TMP/1.eml" "Ann Example <$ANN>" support@example.com \
	'Printer on fire' ann-1@customer.example <<<"My printer burns. $SECRET $PAD"
deliver "$TEST_TMP/1.eml" --recipient support@example.com --sender "$ANN" >/dev/null
ack=$(pd outbox list --json | json '.[] | select(.kind == "ack") | .message_id')
# she answers the acknowledgement
msg "$TEST_TMP/2.eml" "Ann Example <$ANN>" support@example.com 'Re: Printer on fire' ann-2@customer.example \
	"In-Reply-To: <$ack>" <<<"Still burning. $SECRET again"
deliver "$TEST_TMP/2.eml" --recipient support@example.com --sender "$ANN" >/dev/null
# Bob opens a ticket with Ann in Cc and the shared file; Ann writes on it too
ATT="shared.bin:SHARED-ANN-BOB" msg "$TEST_TMP/3.eml" 'Bob <bob@customer.example>' support@example.com \
	'Bob asks' bob-1@customer.example "Cc: Ann Example <$ANN>" <<<"Bob's own question, BOB-KEEPS-THIS. Ask $ANN too. $PAD"
deliver "$TEST_TMP/3.eml" --recipient support@example.com --sender bob@customer.example >/dev/null
msg "$TEST_TMP/4.eml" "Ann Example <$ANN>" support@example.com 'Re: Bob asks' ann-3@customer.example \
	'In-Reply-To: <bob-1@customer.example>' <<<"Me too. $SECRET on Bob's ticket"
deliver "$TEST_TMP/4.eml" --recipient support@example.com --sender "$ANN" >/dev/null
# what the other parts of postdesk keep about her: bounces, lists, consent, list bounces
db "insert into addresses (address, hard_bounces, last_status, last_bounce_at) values ('$ANN', 1, '5.1.1', 1);
    insert into lists (id, name, address, created_at) values (1, 'news', 'news@example.com', 0), (2, 'tips', 'tips@example.com', 0);
    insert into subscribers (id, list_id, address, name, status, created_at, updated_at) values
      (1, 1, '$ANN', 'Ann Example', 'unsubscribed', 0, 0), (2, 2, '$ANN', 'Ann Example', 'active', 0, 0),
      (3, 1, 'bob@customer.example', 'Bob', 'active', 0, 0);
    insert into consent (subscriber_id, at, action, via, evidence) values (1, 1, 'request', 'web', 'web 127.0.0.1'),
      (1, 2, 'confirm', 'web', 'web 127.0.0.1'), (1, 3, 'unsubscribe', 'mail', '<u1@customer.example>'),
      (2, 4, 'subscribe', 'admin', 'import.csv:3'), (3, 5, 'subscribe', 'admin', 'import.csv:4');
    insert into list_bounces (subscriber_id, at, kind, detail) values (2, 6, 'soft', '4.2.2 mailbox full for $ANN')"

T1=$(db "select id from tickets where subject = 'Printer on fire'")
T2=$(db "select id from tickets where subject = 'Bob asks'")
is "planted: Ann's mails are on their tickets" \
	"$(db "select group_concat(ticket_id) from (select ticket_id from messages where from_addr = '$ANN' order by id)")" "$T1,$T1,$T2"
check "planted: the attachment files" test -f "$(blob ANN-ONLY-FILE)" -a -f "$(blob SHARED-ANN-BOB)"
is "planted: the agent's notifications quote her, on Bob's ticket too" \
	"$(db "select count(*) from outbox where rcpt = 'agent@example.com' and instr(cast(raw as text), '$SECRET') > 0")" 3

# export
pd person export "$ANN" --format json >"$TEST_TMP/export.json"
check "export is JSON" jq -e . "$TEST_TMP/export.json"
x() { json "$1" <"$TEST_TMP/export.json"; }
is "export: both tickets (customer and Cc)" "$(x '[.tickets[].id] | join(",")')" "$T1,$T2"
is "export: participants" "$(x '[.participants[] | "\(.ticket):\(.role)"] | join(",")')" "$T1:customer,$T2:cc"
is "export: her three mails" "$(x "[.messages[] | select(.from_addr == \"$ANN\")] | length")" 3
check "export: her mail's content" bash -c "jq -r '.messages[].body' '$TEST_TMP/export.json' | grep -q '$SECRET'"
is "export: the acknowledgement to her is a message of her ticket" "$(x '[.messages[] | select(.direction == "out" and .reason == "ack")] | length')" 1
is "export: attachments' names" "$(x '[.attachments[].filename] | sort | join(",")')" "ann-only.bin,shared.bin"
is "export: her ticket's history" "$(x "[.events[] | select(.ticket == $T1) | .kind] | index(\"created\") != null")" true
is "export: what she did on Bob's ticket (her address is an agent's, so it is noted as a spoof)" "$(x "[.events[] | select(.ticket == $T2 and .actor == \"$ANN\") | .kind] | join(\",\")")" "message,spoof"
is "export: intake rows from her" "$(x '.intake | length')" 3
is "export: outbox rows to her" "$(x '[.outbox[].kind] | join(",")')" "ack"
is "export: addresses (bounces)" "$(x '.addresses[0].hard_bounces')" 1
is "export: agent entry" "$(x '.agents[0].name')" "Ann As Agent"
is "export: subscriptions" "$(x '[.subscriptions[] | "\(.list):\(.status)"] | join(",")')" "news:unsubscribed,tips:active"
is "export: consent ledger" "$(x '[.consent[].action] | join(",")')" "request,confirm,unsubscribe,subscribe"
is "export: list bounces" "$(x '.list_bounces | length')" 1
is "export: not erased" "$(x '.erased')" false
check "export of an unknown address is empty, not an error" bash -c "'$POSTDESK' person export nobody@nowhere.example | jq -e '.tickets == [] and .messages == []'"

# dry run
db .dump >"$TEST_TMP/before.sql"
out=$(pd person erase "$ANN" --dry-run --json)
echo "$out" >>"$LOG"
is "dry run: counts her ticket" "$(json '.tickets' <<<"$out")" 1
db .dump >"$TEST_TMP/after-dry.sql"
check "dry run: nothing changed" cmp -s "$TEST_TMP/before.sql" "$TEST_TMP/after-dry.sql"
check "dry run: files stay" test -f "$(blob ANN-ONLY-FILE)"

# erase
out=$(pd person erase "$ANN" --json)
is "erase exits 0" "$?" 0
echo "$out" >>"$LOG"
db .dump >"$TEST_TMP/after.sql"
is "the database dump does not hold the address" "$(grep -ci "$ANN" "$TEST_TMP/after.sql")" 0
is "nor the string only her mail had" "$(grep -c "$SECRET" "$TEST_TMP/after.sql")" 0
is "nor her name" "$(grep -c "Ann Example\|Ann As Agent" "$TEST_TMP/after.sql")" 0
is "the database file itself does not either (secure delete, checkpointed)" \
	"$(cat "$POSTDESK_HOME"/postdesk.db* | grep -aci -e "$ANN" -e "$SECRET")" 0
is "nor the attachments directory" "$(grep -rlai -e "$ANN" -e "$SECRET" -e ANN-ONLY-FILE "$POSTDESK_HOME/attachments" | wc -l)" 0
check "the file only she sent is removed" test ! -e "$(blob ANN-ONLY-FILE)"
check "the file Bob sent too stays" test -f "$(blob SHARED-ANN-BOB)"
is "her ticket is gone" "$(db "select count(*) from tickets where id = $T1")" 0
is "Bob's ticket stays, with his mail and without hers" \
	"$(db "select group_concat(from_addr) from messages where ticket_id = $T2 and direction = 'in'")" "bob@customer.example"
check "Bob's content stays" grep -q BOB-KEEPS-THIS "$TEST_TMP/after.sql"
is "what stays: a hashed suppression entry" \
	"$(db "select count(*) from erased_addresses where hash = '$(printf %s "$ANN" | sha256sum | cut -c1-64)'")" 1
is "export now says erased" "$(pd person export "$ANN" | json '.erased')" true
is "the subscriber rows stay pseudonymised and unsubscribed" \
	"$(db "select group_concat(address || ':' || status, ' ') from subscribers where id in (1, 2)")" \
	"erased-1@erased.invalid:unsubscribed erased-2@erased.invalid:unsubscribed"
is "the ledger is intact, with the erasure appended" \
	"$(db "select group_concat(action) from (select action from consent where subscriber_id in (1, 2) order by id)")" \
	"request,confirm,unsubscribe,subscribe,erase,erase"
is "Bob's subscription is untouched" "$(db "select address || ':' || status from subscribers where id = 3")" "bob@customer.example:active"
is "the erasure is one event" "$(db "select count(*) from events where kind = 'erase'")" 1
check "the event holds counts, not the address" bash -c "sqlite3 '$POSTDESK_HOME/postdesk.db' \"select detail from events where kind = 'erase'\" | grep -q '^an address erased on request: 1 tickets'"
pd person export bob@customer.example | jq -r '.messages[].body' >"$TEST_TMP/bob.txt"
check "Bob's mail keeps his text" grep -q BOB-KEEPS-THIS "$TEST_TMP/bob.txt"
check "Bob's mail names her no more (its text is stored deflated)" sh -c "! grep -qi '$ANN' '$TEST_TMP/bob.txt'"
check "erasing again is harmless" pd person erase "$ANN"

# an erased address is never put back on a list by an admin or an import (only her own new
# request and confirmation would subscribe her again)
printf 'address,name\n%s,Ann Again\nnew@customer.example,New\n' "$ANN" >"$TEST_TMP/again.csv"
"$POSTDESK" list import news "$TEST_TMP/again.csv" >"$TEST_TMP/import.out" 2>&1
is "an import after the erasure exits 0" "$?" 0
is "the import did not subscribe the erased address" \
	"$(db "select count(*) from subscribers where address = '$ANN'")" 0
is "the import took the other line" \
	"$(db "select status from subscribers where address = 'new@customer.example'")" active
check "the import names the erased line" grep -q 'again.csv:2: .*erased' "$TEST_TMP/import.out"
pd list subscribe news "$ANN" >>"$LOG" 2>&1
is "list subscribe of an erased address is refused" "$?" 65
is "the admin did not subscribe it" "$(db "select count(*) from subscribers where address = '$ANN'")" 0
finish
