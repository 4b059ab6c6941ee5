#!/bin/bash
# Bad input gets a clear reason and loses nothing: random bytes, over-limit and deeply nested
# mail are quarantined (exit 0) with the bytes kept; retry works once the limit is raised;
# broken charsets and mail without From are handled; empty input is a usage error.
. "$(dirname "$0")/lib.sh"

pd_setup '[limits]' 'message_size = 20000' 'mime_containers = 30'

# random binary input, several seeds
crashes=0
for seed in 1 2 3 4 5; do
	head -c $((seed * 3000)) /dev/urandom >"$TEST_TMP/rand$seed.bin"
	rc=$(deliver "$TEST_TMP/rand$seed.bin")
	[ "$rc" = 0 ] || { crashes=$((crashes + 1)); echo "# seed $seed: exit $rc"; }
done
is "random bytes: every deliver exits 0" "$crashes" 0
is "random bytes: all quarantined" "$(pd quarantine list --json | json length)" 5
check "quarantine names the reason" sh -c "\"$POSTDESK\" quarantine list --json | jq -e 'all(.[]; .reason | test(\"not a mail message\"))'"
"$POSTDESK" quarantine show 1 --raw >"$TEST_TMP/back.bin" 2>>"$LOG"
check "quarantined bytes are kept exactly" cmp "$TEST_TMP/rand1.bin" "$TEST_TMP/back.bin"
is "no ticket from garbage" "$(pd ticket list --json | json length)" 0

# over the size limit
{
	printf 'From: big@customer.example\nTo: support@example.com\nSubject: Big\n\n'
	for i in $(seq 1 600); do echo "line $i of a long message that is longer than allowed"; done
} >"$TEST_TMP/big.eml"
is "oversized mail exits 0" "$(deliver "$TEST_TMP/big.eml")" 0
big_id=$(pd quarantine list --json | json '.[] | select(.reason | test("too large")) | .id')
check "oversized mail is quarantined as too large" test -n "$big_id"

# MIME nested deeper than the limit
{
	printf 'From: deep@customer.example\nTo: support@example.com\nSubject: Deep\nMIME-Version: 1.0\n'
	for i in $(seq 1 60); do printf 'Content-Type: multipart/mixed; boundary="b%d"\n\n--b%d\n' "$i" "$i"; done
	printf 'Content-Type: text/plain\n\ndeep down\n'
	for i in $(seq 60 -1 1); do printf -- '--b%d--\n' "$i"; done
} >"$TEST_TMP/deep.eml"
is "deeply nested mail exits 0" "$(deliver "$TEST_TMP/deep.eml")" 0
check "deeply nested mail is quarantined with the reason" sh -c "\"$POSTDESK\" quarantine list --json | jq -e 'any(.[]; .reason | test(\"nested MIME\"))'"

# raise the limit and retry the big one
sed -i 's/^message_size = .*/message_size = 10000000/' "$POSTDESK_HOME/postdesk.conf"
check "quarantine retry after raising the limit" pd quarantine retry "$big_id"
is "the retried mail became a ticket" "$(pd ticket list --json | json '.[0].subject')" Big
"$POSTDESK" quarantine retry "$big_id" >/dev/null 2>&1
is "retrying a processed mail is a usage error" $? 64

# a broken charset and 8-bit junk in headers
printf 'From: =?x-unknown?b?AAAA?= <junk@customer.example>\nTo: support@example.com\nSubject: \xff\xfe caf\xe9\nContent-Type: text/plain; charset=x-no-such-charset\n\nd\xe9j\xe0 vu \xff\n' >"$TEST_TMP/charset.eml"
is "broken charset exits 0" "$(deliver "$TEST_TMP/charset.eml")" 0
check "broken charset makes a ticket with valid UTF-8" sh -c "\"$POSTDESK\" ticket list --json | jq -e 'any(.[]; .customer == \"junk@customer.example\")'"

# no From at all: kept, not answered
printf 'To: support@example.com\nSubject: who am I\nMessage-ID: <nofrom@x.example>\n\nanonymous\n' >"$TEST_TMP/nofrom.eml"
is "mail without From exits 0" "$(deliver "$TEST_TMP/nofrom.eml")" 0
check "mail without From is quarantined" sh -c "\"$POSTDESK\" quarantine list --json | jq -e 'any(.[]; .reason | test(\"no From\"))'"

: >"$TEST_TMP/empty"
is "empty input exits 65" "$(deliver "$TEST_TMP/empty")" 65
finish
