#!/bin/bash
# Suggestion quality on the third held-out set, tests/data/kb-heldout3: 117 articles of the curl
# and SQLite FAQs and 75 mails (50 answerable, 13 near misses, 12 off-topic) written to resemble
# the private review set by someone who had read neither the suggester's code nor the other sets'
# mails, and committed before the suggester was first run on them. A DEVELOPMENT set since
# kbgen (issue 11): its mails were read one by one and the suggester's scale and gate were fitted
# on it with 001-168, so its figures no longer estimate unseen mail (see its README).
# Prints top-1, top-3 and the share of unanswerable mails that got a suggestion, for
# `kb suggest` and for plain FTS5 BM25 over every word with no threshold, measured in the same
# run, with issue 11's aims beside them as information. The floors sit a little below what main
# gave when the set was added: they catch a regression, they are not the aims.
. "$(dirname "$0")/lib.sh"

SET="$POSTDESK_SRCDIR/tests/data/kb-heldout3"
pd_setup
is "import the 117 curl and SQLite FAQ articles" "$(pd kb import "$SET/articles" | sed -n 's/:.*//p')" \
	"117 articles"

run() { # MODE -> "file<TAB>slugs" lines
	local opt=""
	[ "$1" = plain ] && opt=--plain-bm25
	(cd "$SET/mails" && pd kb suggest --json $opt ./*.eml) |
		jq -r '"\(.file | sub("^\\./"; ""))\t\([.suggestions[].slug] | join(" "))"'
}
# MODE -> "top1 top3 answerable near near-suggested offtopic offtopic-suggested mails-seen"
measure() {
	run "$1" >"$TEST_TMP/got-$1"
	awk -F'\t' -v mode="$1" -v logf="$LOG" '
		NR == FNR { if ($1 !~ /^#/) { want[$1] = $2; kind[$1] = $3 } next }
		($1 in want) {
			seen++
			n = split($2, s, " "); w = want[$1]
			print mode, $1, kind[$1], "want=" w, "got=" $2 >>logf
			if (kind[$1] == "near") { nn++; if (n > 0) ns++; next }
			if (kind[$1] == "offtopic") { no++; if (n > 0) os++; next }
			na++
			if (s[1] == w) t1++
			for (i = 1; i <= n; i++) if (s[i] == w) t3++
		}
		END { printf "%d %d %d %d %d %d %d %d\n", t1, t3, na, nn, ns, no, os, seen }' \
		"$SET/manifest.tsv" "$TEST_TMP/got-$1"
}
pct() { echo $(($1 * 100 / $2)); }
line() { # LABEL T1 T3 NA NU SU
	printf '#   %-30s top-1 %2d/%d = %3d%%  top-3 %2d/%d = %3d%%  unanswerable with a suggestion %2d/%d = %3d%%\n' \
		"$1" "$2" "$4" "$(pct "$2" "$4")" "$3" "$4" "$(pct "$3" "$4")" "$6" "$5" "$(pct "$6" "$5")"
}

read -r p1 p3 na pnn pns pno pos pseen <<<"$(measure plain)"
read -r s1 s3 na nn ns no os seen <<<"$(measure suggest)"
nu=$((nn + no)) psu=$((pns + pos)) su=$((ns + os))
is "kb suggest answered for all 75 mails" "$seen" 75
is "plain BM25 answered for all 75 mails" "$pseen" 75
echo "# tests/data/kb-heldout3, a development set since kbgen (fitted on; not held out) ($na answerable, $nu unanswerable: $nn near misses, $no off-topic):"
line "plain FTS5 BM25, no threshold" "$p1" "$p3" "$na" "$nu" "$psu"
line "kb suggest" "$s1" "$s3" "$na" "$nu" "$su"
echo "#   kb suggest, unanswerable: near misses $ns/$nn, off-topic $os/$no with a suggestion"
echo "#   issue 11's aims (information, not checked): top-1 >= 65%, top-3 >= 80%, unanswerable with a suggestion <= 5%"

# floors, at or a mail below kbgen's figures (top-1 16/50, top-3 22/50, unanswerable with a
# suggestion 3/25); main's when the set was added (df41700): top-1 11/50, top-3 15/50,
# unanswerable 11/25 - 8 of the 13 near misses, 3 of the 12 off-topic; plain BM25 22/50, 32/50,
# 25/25)
floor() { # LABEL GOT OF MIN-PERCENT
	check "$1: $2/$3 >= $4%" test "$(($2 * 100))" -ge "$(($4 * $3))"
}
ceiling() { # LABEL GOT OF MAX-PERCENT
	check "$1: $2/$3 <= $4%" test "$(($2 * 100))" -le "$(($4 * $3))"
}
floor "development set heldout3, top-1" "$s1" "$na" 30
floor "development set heldout3, top-3" "$s3" "$na" 42
ceiling "development set heldout3, unanswerable with a suggestion" "$su" "$nu" 12
check "development set heldout3: fewer unanswerable mails get a suggestion than with plain BM25" \
	test "$su" -lt "$psu"
finish
