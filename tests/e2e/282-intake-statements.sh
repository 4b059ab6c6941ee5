#!/bin/bash
# What a group commit runs per intake row, counted (issue 10, writer): new bytes go into
# bodies with one INSERT (ON CONFLICT DO NOTHING) and no look-up first; the look-up runs only
# when the bytes are there already (a second recipient of the same mail). Main ran the look-up
# for every mail: 24 statements for these 7 recipients, 20 now. Rows, bytes and the
# duplicate check are unchanged.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"

serve_setup
export POSTDESK_SQL_STATS=1
serve_start
body() { printf 'From: C%s <c%s@customer.example>\nTo: support@example.com\nSubject: Question %s\nMessage-ID: <s%s@customer.example>\n\nLine one of mail %s.\n..a dotted line\n' "$1" "$1" "$1" "$1" "$1"; }
{
	printf 'LHLO client.example\n'
	for i in 1 2 3 4; do
		printf 'MAIL FROM:<c%s@customer.example>\nRCPT TO:<support@example.com>\nDATA\n' "$i"
		body "$i"; printf '.\n'
	done
	# the same bytes for two recipients: one body, two rows
	printf 'MAIL FROM:<c5@customer.example>\nRCPT TO:<support@example.com>\nRCPT TO:<sales@example.com>\nDATA\n'
	body 5; printf '.\n'
	# mail 1 again: a duplicate, no new row
	printf 'MAIL FROM:<c1@customer.example>\nRCPT TO:<support@example.com>\nDATA\n'
	body 1; printf '.\n'
	printf 'QUIT\n'
} >"$TEST_TMP/conv"
out=$(chat "$LMTP_PORT" <"$TEST_TMP/conv")
echo "$out" >>"$LOG"
is "every recipient answered 250" "$(grep -c '^250 2.0.0' <<<"$out")" 7
is "the duplicate was recognised" "$(grep -c 'already stored' <<<"$out")" 1
check "every row processed" wait_for 60 db_is 0 "select count(*) from intake where state = 'pending'"
serve_stop
is "serve exits 0" "$SERVE_RC" 0
is "6 intake rows" "$(db 'select count(*) from intake')" 6
is "5 bodies" "$(db 'select count(*) from bodies')" 5
is "mail 5's two rows share one body" "$(db "select count(distinct body_id) from intake where envelope_from = 'c5@customer.example'")" 1
body 3 | sed 's/$/\r/; s/^\.\./\./' >"$TEST_TMP/three.eml"
is "mail 3's bytes as sent" "$(db "select hex(b.raw) from bodies b join intake i on i.body_id = b.id where i.envelope_from = 'c3@customer.example'")" \
	"$(od -An -tx1 -v "$TEST_TMP/three.eml" | tr -d ' \n' | tr a-f A-F)"

# the statements' runs, summed over serve's connections
runs() { grep -F "$1" "$SERVE_LOG" | sed -n 's/^sql-stats runs=\([0-9]*\) .*/\1/p' | awk '{s += $1} END {print s + 0}'; }
is "the dedup look-up: once per recipient" "$(runs 'SELECT id, state FROM intake WHERE dedup_key = ?')" 7
is "the body INSERT: once per new row, no look-up first" "$(runs 'INSERT INTO bodies (sha256, size, raw) VALUES (?, ?, ?) ON CONFLICT (sha256) DO NOTHING')" 6
is "the body look-up: only for the second recipient" "$(runs 'SELECT id FROM bodies WHERE sha256 = ?')" 1
is "the row INSERT: once per row" "$(runs 'INSERT INTO intake (dedup_key, sha256, body_id')" 6
finish
