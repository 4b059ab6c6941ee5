#!/bin/bash
# serve parses each pending row before its processing batch, outside the transaction (issue
# 10): a mail that does not parse (over [limits] mime_parts) in the middle of a batch is
# quarantined alone with the parser's reason, the mails around it become tickets in the same
# batches, and a row already finished by someone else meanwhile is left as it is.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"

serve_setup '[limits]' 'mime_parts = 3'
db_home="$POSTDESK_HOME/postdesk.db"

# pending rows as an LMTP listener leaves them: stored, not yet processed
pending_row() {
	local f=$1 from=$2 sha size
	sha=$(sha256sum "$f" | cut -c1-64)
	size=$(stat -c %s "$f")
	sqlite3 "$db_home" "INSERT INTO bodies (sha256, size, raw) VALUES ('$sha', $size, readfile('$f'));
		INSERT INTO intake (dedup_key, received_at, source, envelope_from, envelope_rcpt, size, sha256, body_id)
		VALUES ('$sha support@example.com', strftime('%s'), 'lmtp', '$from', 'support@example.com', $size, '$sha', last_insert_rowid());"
}
good() {
	mail "$TEST_TMP/good$1.eml" "good$1@customer.example" support@example.com "Good $1" <<<"body $1"
	pending_row "$TEST_TMP/good$1.eml" "good$1@customer.example"
}
for i in 1 2 3; do good $i; done
# five parts where three are allowed: the parser refuses it
mail "$TEST_TMP/bad.eml" 'Bad <bad@customer.example>' support@example.com "Many parts" \
	'MIME-Version: 1.0' 'Content-Type: multipart/mixed; boundary="b1"' <<EOF2
--b1
Content-Type: text/plain

one
--b1
Content-Type: text/plain

two
--b1
Content-Type: text/plain

three
--b1
Content-Type: text/plain

four
--b1--
EOF2
pending_row "$TEST_TMP/bad.eml" bad@customer.example
for i in 5 6 7; do good $i; done
# a row someone else settled already: stays as it is
good 8
db "UPDATE intake SET state = 'done', reason = 'settled elsewhere' WHERE id = 8" >/dev/null
is "seven rows pending" "$(db "select count(*) from intake where state = 'pending'")" 7

serve_start
check "nothing left pending" wait_for 60 db_is 0 "select count(*) from intake where state = 'pending'"
serve_stop
is "serve exits 0" "$SERVE_RC" 0
is "the unparsable mail alone is quarantined" "$(db "select id from intake where state = 'quarantined'")" 4
check "with the parser's reason" sh -c "\"$POSTDESK\" quarantine show 4 --json | jq -e '.reason | test(\"part\"; \"i\")'"
is "the six others are done" "$(db "select group_concat(id) from intake where state = 'done' and id <> 8")" "1,2,3,5,6,7"
is "six tickets" "$(pd ticket list --json | json length)" 6
is "the row settled elsewhere kept its reason" "$(db "select reason from intake where id = 8")" "settled elsewhere"
is "six acknowledgements queued" "$(pd outbox list --json | jq '[.[] | select(.kind == "ack")] | length')" 6
finish
