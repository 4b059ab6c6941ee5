#!/bin/bash
# `postdesk serve` processes pending intake rows in batches (one transaction, a savepoint per
# mail): a mail whose processing fails in the middle of a batch is rolled back alone and
# quarantined, the mails before and after it become tickets, and nothing of the failed one
# (ticket, message row) is left behind.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"

serve_setup
db_home="$POSTDESK_HOME/postdesk.db"
printf 'the attached file\n' >"$TEST_TMP/att.txt"
att_sha=$(sha256sum "$TEST_TMP/att.txt" | cut -c1-64)

# pending rows as an LMTP listener leaves them: stored, not yet processed
pending_row() {
	local f=$1 from=$2 sha size
	sha=$(sha256sum "$f" | cut -c1-64)
	size=$(stat -c %s "$f")
	sqlite3 "$db_home" "INSERT INTO bodies (sha256, size, raw) VALUES ('$sha', $size, readfile('$f'));
		INSERT INTO intake (dedup_key, received_at, source, envelope_from, envelope_rcpt, size, sha256, body_id)
		VALUES ('$sha support@example.com', strftime('%s'), 'lmtp', '$from', 'support@example.com', $size, '$sha', last_insert_rowid());"
}
for i in 1 2 3; do
	mail "$TEST_TMP/good$i.eml" "good$i@customer.example" support@example.com "Good $i" <<<"body $i"
	pending_row "$TEST_TMP/good$i.eml" "good$i@customer.example"
done
mail "$TEST_TMP/bad.eml" 'Bad <bad@customer.example>' support@example.com "With a file" \
	'MIME-Version: 1.0' 'Content-Type: multipart/mixed; boundary="b1"' <<EOF2
--b1
Content-Type: text/plain

See the file.
--b1
Content-Type: text/plain; name="att.txt"
Content-Disposition: attachment; filename="att.txt"
Content-Transfer-Encoding: base64

$(base64 <"$TEST_TMP/att.txt")
--b1--
EOF2
pending_row "$TEST_TMP/bad.eml" bad@customer.example
for i in 4 5; do
	mail "$TEST_TMP/good$i.eml" "good$i@customer.example" support@example.com "Good $i" <<<"body $i"
	pending_row "$TEST_TMP/good$i.eml" "good$i@customer.example"
done
is "six rows pending" "$(db "select count(*) from intake where state = 'pending'")" 6
# a file where the attachment's directory should be: the bad mail fails after its ticket
# and message rows were written (a processing fault, not a parse error)
shard="$POSTDESK_HOME/attachments/${att_sha:0:2}"
rm -rf "$shard"
: >"$shard"

serve_start
check "nothing left pending" wait_for 60 db_is 0 "select count(*) from intake where state = 'pending'"
serve_stop
is "serve exits 0" "$SERVE_RC" 0
is "the bad mail alone is quarantined" "$(db "select id from intake where state = 'quarantined'")" 4
check "with the processing fault as reason" sh -c "\"$POSTDESK\" quarantine show 4 --json | jq -e '.reason | test(\"processing failed\")'"
is "the five others are done" "$(db "select group_concat(id) from intake where state = 'done'")" "1,2,3,5,6"
is "five tickets" "$(pd ticket list --json | json length)" 5
is "no ticket for the bad mail" "$(pd ticket list --json | jq '[.[] | select(.customer == "bad@customer.example")] | length')" 0
is "no message row of the bad mail" "$(db "select count(*) from messages m join tickets t on t.id = m.ticket_id where t.customer = 'bad@customer.example'")" 0
is "five acknowledgements queued" "$(pd outbox list --json | jq '[.[] | select(.kind == "ack")] | length')" 5

# the fault fixed, the quarantined mail goes through on its own
rm -f "$shard"
check "quarantine retry processes it" pd quarantine retry 4
is "six tickets" "$(pd ticket list --json | json length)" 6
finish
