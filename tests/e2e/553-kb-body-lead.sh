#!/bin/bash
# The body's lead (issue 11, kbq5): a question word an article's title lacks counts more when
# its body says it among its first 30 distinct words (0.68 of its weight) than further on
# (0.55): an answer says early what it is about, a long one names many things in passing.
# Through the real binary and `kb import` (the stored stems keep the body's words in order):
# two articles with the same title, both bodies with the mail's word, the one whose body opens
# with it comes first, and swapping the bodies swaps the order.
. "$(dirname "$0")/lib.sh"

pd_setup
article() { # DIR SLUG TITLE BODY
	printf -- '---\nslug: %s\ntitle: %s\n---\n\n%s\n' "$2" "$3" "$4" >"$1/$2.md"
}
filler="Alpine brochure cabinet dolphin emerald falcon glacier harbour island jasmine kettle lantern
meadow nutmeg orchard pebble quarry ribbon saddle tulip umbrella velvet walnut yarrow zephyr anchor
biscuit candle dagger ember fossil gravel hazel ivory juniper kayak lemon marble."
early="The fuser is the hot roller: let it cool, then lift it out. $filler"
late="$filler Last of all, the fuser."
mkdir -p "$TEST_TMP/a"
i=0
for t in "Acme crashes on start" "Acme license terms" "Installing Acme on Linux" \
	"Acme proxy settings" "Where Acme writes its log files" "Upgrading Acme to a new release" \
	"Acme keyboard shortcuts" "Printing labels with Acme"; do
	article "$TEST_TMP/a" "acme-$i" "$t" "See the manual's chapter on it."
	i=$((i + 1))
done
article "$TEST_TMP/a" printer-one "Printer troubles on the office floor" "$early"
article "$TEST_TMP/a" printer-two "Printer troubles on the office floor" "$late"
check "import the articles" pd kb import "$TEST_TMP/a"
printf 'Subject: Acme printer fuser\n\nThe printer fuser on the office floor is stuck, what now?\n' >"$TEST_TMP/m.eml"

score() { # FEATURES-FILE SLUG -> its score
	awk -F'\t' -v s="$2" '$1 == "F" && $2 == "cand" && $3 == s { print $5 }' "$1"
}
PD_KB_FEATURES=1 "$POSTDESK" kb suggest "$TEST_TMP/m.eml" 2>"$TEST_TMP/f1" >/dev/null
s1=$(score "$TEST_TMP/f1" printer-one) s2=$(score "$TEST_TMP/f1" printer-two)
check "both printer articles scored ($s1, $s2)" test -n "$s1" -a -n "$s2"
check "the body that opens with the mail's word scores more ($s1 > $s2)" \
	awk -v a="$s1" -v b="$s2" 'BEGIN { exit !(a > b + 0.01) }'
is "its article first, the other listed" \
	"$(pd kb suggest --json "$TEST_TMP/m.eml" | jq -r '[.suggestions[].slug] | join(" ")' | cut -d' ' -f1-2)" \
	"printer-one printer-two"

# the same articles with their bodies swapped: the order follows the body, not the article
article "$TEST_TMP/a" printer-one "Printer troubles on the office floor" "$late"
article "$TEST_TMP/a" printer-two "Printer troubles on the office floor" "$early"
check "import the swapped bodies" pd kb import "$TEST_TMP/a"
PD_KB_FEATURES=1 "$POSTDESK" kb suggest "$TEST_TMP/m.eml" 2>"$TEST_TMP/f2" >/dev/null
is "the scores swap with the bodies" \
	"$(score "$TEST_TMP/f2" printer-two) $(score "$TEST_TMP/f2" printer-one)" "$s1 $s2"
is "now the other article first" \
	"$(pd kb suggest --json "$TEST_TMP/m.eml" | jq -r '.suggestions[0].slug')" printer-two
finish
