#!/bin/bash
# Search synonyms the team manages (db/038, `kb synonym add|remove|list`, issue 11 kbq2): a
# shipped default list of common support vocabulary; a group added by the admin changes what
# is suggested, removing it changes it back; a change moves the knowledge base's generation on
# (a running suggester reads the list again) without making the word counts stale; bad input
# is refused.
. "$(dirname "$0")/lib.sh"

DATA="$POSTDESK_SRCDIR/tests/data/kb"
pd_setup
db="$POSTDESK_HOME/postdesk.db"
q() { sqlite3 "$db" "$1"; }
# fails CMD...: the command exits non-zero with a usage (64) or a data error (65, 66)
fails() { "$POSTDESK" "$@" 2>>"$LOG"; local rc=$?; [ "$rc" -ge 64 ] && [ "$rc" -le 66 ]; }
first() { pd kb suggest --json "$1" | jq -r '.suggestions[0].slug // "none"'; }

# the shipped list
n=$(pd kb synonym list --json | jq 'length')
check "a default list is shipped ($n groups)" test "$n" -ge 20
is "every default is marked shipped" "$(pd kb synonym list --json | jq '[.[] | select(.shipped | not)] | length')" 0
pd kb synonym list >"$TEST_TMP/list"
check "the defaults hold 'money back' for refunds" grep -q '^[0-9]*: refund, money back, .*(shipped)$' "$TEST_TMP/list"

# a shipped default at work: "money back" finds the article about refunds
check "add an article about refunds" pd kb add refund-time --title "How long does a refund take?" \
	--body "Refunds are paid within 14 days of the returned goods arriving at our warehouse." --status published
check "add an article about passwords" pd kb add reset-password --title "Resetting your password" \
	--body "Use the Forgot password link on the sign-in page." --status published
printf 'Subject: returned the blender\n\nHello,\n\nI sent the blender back two weeks ago. When do I get my money back?\n\nBest, Ann\n' >"$TEST_TMP/money.eml"
is "'money back' finds the refund article through the shipped synonyms" "$(first "$TEST_TMP/money.eml")" refund-time
refund_id=$(pd kb synonym list --json | jq '.[] | select(.phrases | index("money back")) | .id')
check "remove the shipped refund group" pd kb synonym remove "$refund_id"
is "without it, nothing is suggested" "$(first "$TEST_TMP/money.eml")" none
is "it is gone from the list" "$(pd kb synonym list --json | jq "[.[] | select(.id == $refund_id)] | length")" 0

# an admin's group: "byte order" for the endianness article of the FAQ
check "import the FAQ articles" pd kb import "$DATA/articles"
printf 'Subject: byte order of the compressed data\n\nHi, the sender and the receiver have a different byte order. Does zlib handle that?\n\nLi\n' >"$TEST_TMP/order.eml"
before=$(first "$TEST_TMP/order.eml")
check "before: not the endianness article for 'byte order' (got $before)" test "$before" != zlib-endianness
gen_before=$(q "SELECT n FROM kb_generation")
out=$(pd kb synonym add "Byte  Order" endianness endian)
is "add prints the id and the phrases, normalised" "$(echo "$out" | sed 's/^[0-9]*: //')" "byte order, endianness, endian"
id=${out%%:*}
is "after: the endianness article for 'byte order'" "$(first "$TEST_TMP/order.eml")" zlib-endianness
is "listed as not shipped" "$(pd kb synonym list --json | jq -c ".[] | select(.id == $id) | [.phrases, .shipped]")" \
	'[["byte order","endianness","endian"],false]'
check "the generation moved on" test "$(q "SELECT n FROM kb_generation")" -gt "$gen_before"
is "the word counts stay current" "$(q "SELECT terms = salt || ':' || n FROM kb_generation")" 1
is "the learned synonyms stay current" "$(q "SELECT related LIKE salt || ':' || n || ':%' FROM kb_generation")" 1
check "remove it" pd kb synonym remove "$id"
is "removed: as before" "$(first "$TEST_TMP/order.eml")" "$before"

# refused
check "one phrase is refused" fails kb synonym add endian
check "a phrase of stop words only is refused" fails kb synonym add "the" "it"
check "a comma in a phrase is refused" fails kb synonym add "a,b" endian
check "the same phrase twice is one phrase: refused" fails kb synonym add endian Endian
check "add a group" pd kb synonym add crc checksum
check "the same group again is refused" fails kb synonym add crc checksum
check "removing a missing group fails" fails kb synonym remove 99999
check "--help" pd kb synonym add --help
finish
