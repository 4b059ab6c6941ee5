#!/bin/bash
# Retention (issue 13): mail planted with POSTDESK_NOW in the past, then `purge` at a later
# POSTDESK_NOW removes exactly what each [retention] policy says (closed tickets with their
# messages, events and outbox rows; bounces; autoreplies; quarantine; raw bytes of processed
# mail; sent mail; list bounces) and nothing else; an attachment file goes only when nothing
# references it any more; --dry-run changes nothing; each purge is an event with counts and no
# content; the scheduler (`tick`) applies the policies too.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"

pd_setup '' '[retention]' 'closed_tickets = 365d' 'bounces = 90d' 'autoreplies = 30d' \
	'quarantine = 30d' 'intake_raw = 60d' 'outbox = 180d' 'list_bounces = 90d'

OLD=2024-01-01T10:00:00Z
RECENT=2025-05-20T10:00:00Z
NOW=2025-06-01T10:00:00Z

# with_attachments FILE FROM SUBJECT ID CONTENT...: a mail with one attachment per CONTENT
with_attachments() {
	local f=$1 from=$2 subject=$3 id=$4 n=0 c
	shift 4
	{
		printf 'From: %s\nTo: support@example.com\nSubject: %s\nDate: Mon, 01 Jan 2024 10:00:00 +0000\n' "$from" "$subject"
		printf 'Message-ID: <%s@customer.example>\nMIME-Version: 1.0\n' "$id"
		printf 'Content-Type: multipart/mixed; boundary="XX"\n\n--XX\nContent-Type: text/plain\n\nSee attached.\n'
		for c in "$@"; do
			n=$((n + 1))
			printf -- '--XX\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename="f%s.bin"\nContent-Transfer-Encoding: base64\n\n' "$n"
			printf '%s' "$c" | base64
		done
		printf -- '--XX--\n'
	} >"$f"
}
sha() { printf '%s' "$1" | sha256sum | cut -c1-64; }
blob() { local s; s=$(sha "$1"); echo "$POSTDESK_HOME/attachments/${s:0:2}/$s"; }
at() { POSTDESK_NOW=$1 "$POSTDESK" deliver --recipient support@example.com <"$2" 2>>"$LOG"; }
tid() { db "select id from tickets where subject = '$1'"; }

# ticket A: old, closed; attachments "only-A" and "shared"
with_attachments "$TEST_TMP/a.eml" 'Ann <ann@customer.example>' 'Old closed' a1 'ONLY-IN-A' 'SHARED-CONTENT'
at $OLD "$TEST_TMP/a.eml"
# ticket B: old, open; attachment "shared"
with_attachments "$TEST_TMP/b.eml" 'Bob <bob@customer.example>' 'Old open' b1 'SHARED-CONTENT'
at $OLD "$TEST_TMP/b.eml"
# ticket C: closed recently
mail "$TEST_TMP/c.eml" 'Cy <cy@customer.example>' support@example.com 'Recently closed' <<<"Hi."
at $RECENT "$TEST_TMP/c.eml"
db "update tickets set state = 'closed', closed_at = strftime('%s', '$OLD') where subject = 'Old closed';
    update tickets set state = 'closed', closed_at = strftime('%s', '$RECENT') where subject = 'Recently closed'"
# autoreplies, old and recent
for w in OLD RECENT; do
	mail "$TEST_TMP/auto-$w.eml" "Away <away-$w@customer.example>" support@example.com "Out of office $w" \
		'Auto-Submitted: auto-replied' <<<"I am away."
	at "${!w}" "$TEST_TMP/auto-$w.eml"
done
# bounces, old and recent
for w in OLD RECENT; do
	sed "s/bounce1@/bounce-$w@/" "$POSTDESK_SRCDIR/tests/data/retention/bounce.eml" >"$TEST_TMP/bounce-$w.eml"
	POSTDESK_NOW=${!w} "$POSTDESK" deliver --recipient support@example.com --sender '' <"$TEST_TMP/bounce-$w.eml" 2>>"$LOG"
done
# quarantine, old and recent (not a mail at all)
printf 'garbage OLD\n' >"$TEST_TMP/q-old"
printf 'garbage RECENT\n' >"$TEST_TMP/q-recent"
at $OLD "$TEST_TMP/q-old"
at $RECENT "$TEST_TMP/q-recent"
# the acknowledgements: the old ones were sent, the recent one too
db "update outbox set state = 'sent', sent_at = created_at"
# list bounces, old and recent
db "insert into lists (id, name, address, created_at) values (1, 'news', 'news@example.com', 0);
    insert into subscribers (id, list_id, address, created_at, updated_at) values (1, 1, 'sub@customer.example', 0, 0);
    insert into list_bounces (subscriber_id, at, kind) values (1, strftime('%s', '$OLD'), 'hard'), (1, strftime('%s', '$RECENT'), 'soft')"

is "planted: tickets" "$(db "select count(*) from tickets")" 3
is "planted: messages by class" "$(db "select group_concat(class || '=' || n, ' ') from (select class, count(*) n from messages where direction = 'in' group by class order by class)")" \
	"bounce=2 human=3 vacation=2"
is "planted: quarantined rows" "$(db "select count(*) from intake where state = 'quarantined'")" 2
check "planted: the attachment files" test -f "$(blob ONLY-IN-A)" -a -f "$(blob SHARED-CONTENT)"
A=$(tid 'Old closed')
B=$(tid 'Old open')
C=$(tid 'Recently closed')
is "planted: outbox rows of A" "$(db "select count(*) from outbox where ticket_id = $A")" 1

# a dry run counts and changes nothing
db .dump >"$TEST_TMP/before.sql"
out=$(POSTDESK_NOW=$NOW pd purge --dry-run --json)
echo "$out" >>"$LOG"
is "dry run: one closed ticket would go" "$(json '.kinds.closed_tickets.tickets' <<<"$out")" 1
is "dry run: one attachment file would go" "$(json '.files' <<<"$out")" 1
is "dry run: the raw bytes of one processed mail would go (the others go with their kind)" \
	"$(json '.kinds.intake_raw.raw_dropped' <<<"$out")" 1
db .dump >"$TEST_TMP/after-dry.sql"
check "dry run: the database is unchanged" cmp -s "$TEST_TMP/before.sql" "$TEST_TMP/after-dry.sql"
check "dry run: the files stay" test -f "$(blob ONLY-IN-A)"

out=$(POSTDESK_NOW=$NOW pd purge --json)
echo "$out" >>"$LOG"
is "closed ticket purged" "$(db "select group_concat(subject, ',') from (select subject from tickets order by id)")" "Old open,Recently closed"
is "its messages, events, participants, outbox rows gone" \
	"$(db "select (select count(*) from messages where ticket_id = $A) + (select count(*) from events where ticket_id = $A) + (select count(*) from participants where ticket_id = $A) + (select count(*) from outbox where ticket_id = $A)")" 0
is "its intake row gone" "$(db "select count(*) from intake where envelope_from is null and id not in (select intake_id from messages where intake_id is not null) and state = 'done'")" 0
check "the file only A referenced is removed" test ! -e "$(blob ONLY-IN-A)"
check "the file B still references stays" test -f "$(blob SHARED-CONTENT)"
is "B's attachment row stays" "$(db "select count(*) from attachments a join messages m on m.id = a.message_id where m.ticket_id = $B")" 1
is "the old autoreply goes, the recent stays" "$(db "select group_concat(subject) from messages where class in ('autoreply', 'vacation')")" "Out of office RECENT"
is "the old bounce goes, the recent stays" "$(db "select group_concat(message_id) from messages where class = 'bounce'")" "bounce-RECENT@mx.example.net"
is "the old quarantine goes, the recent stays" "$(db "select count(*) from intake where state = 'quarantined'")" 1
is "B's raw bytes let go, its row kept" "$(db "select count(*) from intake i join messages m on m.intake_id = i.id where m.ticket_id = $B and i.body_id is null")" 1
is "C's raw bytes kept (processed recently)" "$(db "select count(*) from intake i join messages m on m.intake_id = i.id where m.ticket_id = $C and i.body_id is not null")" 1
is "no body without an intake row" "$(db "select count(*) from bodies where id not in (select body_id from intake where body_id is not null)")" 0
is "old sent mail purged, recent kept" "$(db "select count(*) from outbox where ticket_id = $B") $(db "select count(*) from outbox where ticket_id = $C")" "0 1"
is "the old list bounce goes" "$(db "select group_concat(kind) from list_bounces")" "soft"
is "tickets B and C keep their messages and events" \
	"$(db "select count(*) from messages where ticket_id in ($B, $C) and direction = 'in'") $(db "select count(*) > 0 from events where ticket_id = $C")" "2 1"
is "each kind that removed something is an event" "$(db "select count(*) from events where kind = 'purge'")" 7
check "the events name kinds and counts" bash -c "sqlite3 '$POSTDESK_HOME/postdesk.db' \"select detail from events where kind = 'purge'\" | grep -q '^closed_tickets older than 365 days: 1 tickets'"
check "the events hold no content" bash -c "! sqlite3 '$POSTDESK_HOME/postdesk.db' \"select detail from events where kind = 'purge'\" | grep -Eq 'Old closed|ann@|ONLY|garbage|away-'"

# again: nothing more, no new event
out=$(POSTDESK_NOW=$NOW pd purge --json)
is "a second purge removes nothing" "$(json '[.kinds[] | .tickets + .messages + .intake + .outbox + .list_bounces + .raw_dropped] | add' <<<"$out")" 0
is "and records no event" "$(db "select count(*) from events where kind = 'purge'")" 7

# the scheduler applies the policies too
mail "$TEST_TMP/auto-late.eml" 'Away <late@customer.example>' support@example.com 'Out of office late' \
	'Auto-Submitted: auto-replied' <<<"Away."
at $RECENT "$TEST_TMP/auto-late.eml"
POSTDESK_NOW=2025-07-01T10:00:00Z pd tick >>"$LOG"
is "tick purged the autoreply that came of age" "$(db "select count(*) from messages where subject like 'Out of office%'")" 0

# a large backlog goes in batches of 500, each its own transaction and event
for i in $(seq 1 1100); do
	printf 'From away@customer.example Mon Jan  1 00:00:00 2024\nFrom: Away <away%s@customer.example>\n' "$i"
	printf 'To: support@example.com\nSubject: Out of office %s\nDate: Mon, 01 Jan 2024 10:00:00 +0000\n' "$i"
	printf 'Message-ID: <away-%s@customer.example>\nAuto-Submitted: auto-replied\n\nI am away.\n\n' "$i"
done >"$TEST_TMP/backlog.mbox"
POSTDESK_NOW=$NOW pd import mbox "$TEST_TMP/backlog.mbox" >>"$LOG"
is "planted: a backlog of 1100 old autoreplies" \
	"$(db "select count(*) from messages where subject like 'Out of office %' and created_at < strftime('%s', '$NOW') - 30 * 86400")" 1100
before=$(db "select count(*) from events where kind = 'purge'")
POSTDESK_NOW=$NOW pd purge >>"$LOG"
is "the backlog is purged" "$(db "select count(*) from messages where subject like 'Out of office %'")" 0
is "in three batches, an event each" "$(db "select group_concat(substr(detail, 1, 35), '|') from events where kind = 'purge' and id > (select max(id) from events) - 3 and detail like 'autoreplies%'")" \
	"autoreplies older than 30 days: 500|autoreplies older than 30 days: 500|autoreplies older than 30 days: 100"
is "three new purge events" "$(($(db "select count(*) from events where kind = 'purge'") - before))" 3

# without a [retention] section nothing is ever purged
sed -i '/^\[retention\]/,$d' "$POSTDESK_HOME/postdesk.conf"
n=$(db "select count(*) from messages")
POSTDESK_NOW=2030-01-01T00:00:00Z pd purge >>"$LOG"
POSTDESK_NOW=2030-01-01T00:00:00Z pd tick >>"$LOG"
is "no policy: nothing purged, however old" "$(db "select count(*) from messages")" "$n"
finish
