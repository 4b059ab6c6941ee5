#!/bin/bash
# Suggestion quality per set of tests/data: the tuning set (tests/data/kb, 001-123: the
# constants of src/kb/suggest.c were set on it), the first held-out set (tests/data/kb-heldout,
# 124-168, written before the ranking changes of issue 11's kbq work and never tuned on) and
# the second held-out set (tests/data/kb-heldout2, 169-218, written before kbq2's changes; its
# per-mail results were not looked at while tuning, by kbq2, kbq3 nor kbgen; the gate is fitted
# on 001-168 and the development set 219-293 by tests/kb-gate-fit.py).
# Prints top-1, top-3 and the share of unanswerable mails that got a suggestion, for
# `kb suggest` and for plain FTS5 BM25 over every word with no threshold, measured in the same
# run. The floors sit below the measured figures: they catch a regression, they are not the aims.
. "$(dirname "$0")/lib.sh"

DATA="$POSTDESK_SRCDIR/tests/data"
pd_setup
check "import the FAQ articles" pd kb import "$DATA/kb/articles"

run() { # MODE SET -> "file<TAB>slugs" lines
	local opt=""
	[ "$1" = plain ] && opt=--plain-bm25
	(cd "$DATA/$2/mails" && pd kb suggest --json $opt ./*.eml) |
		jq -r '"\(.file | sub("^\\./"; ""))\t\([.suggestions[].slug] | join(" "))"'
}
measure() { # MODE SET -> "top1 top3 answerable unanswerable suggested-unanswerable"
	run "$1" "$2" >"$TEST_TMP/got-$1-$2"
	awk -F'\t' -v mode="$1" -v set="$2" -v logf="$LOG" '
		NR == FNR { if ($1 !~ /^#/) want[$1] = $2; next }
		($1 in want) {
			n = split($2, s, " "); w = want[$1]
			print mode, set, $1, "want=" w, "got=" $2 >>logf
			if (w == "none") { nu++; if (n > 0) su++; next }
			na++
			if (s[1] == w) t1++
			for (i = 1; i <= n; i++) if (s[i] == w) t3++
		}
		END { printf "%d %d %d %d %d\n", t1, t3, na, nu, su }' "$DATA/$2/manifest.tsv" "$TEST_TMP/got-$1-$2"
}
pct() { echo $(($1 * 100 / $2)); }
line() { # LABEL T1 T3 NA NU SU
	printf '#   %-30s top-1 %2d/%d = %3d%%  top-3 %2d/%d = %3d%%  unanswerable with a suggestion %d/%d = %d%%\n' \
		"$1" "$2" "$4" "$(pct "$2" "$4")" "$3" "$4" "$(pct "$3" "$4")" "$6" "$5" "$(pct "$6" "$5")"
}

for set in kb kb-heldout kb-heldout2; do
	read -r p1 p3 na nu psu <<<"$(measure plain $set)"
	read -r s1 s3 na nu ssu <<<"$(measure suggest $set)"
	echo "# tests/data/$set ($na answerable, $nu unanswerable):"
	line "plain FTS5 BM25, no threshold" "$p1" "$p3" "$na" "$nu" "$psu"
	line "kb suggest" "$s1" "$s3" "$na" "$nu" "$ssu"
	eval "${set//-/_}_s1=$s1 ${set//-/_}_s3=$s3 ${set//-/_}_su=$ssu ${set//-/_}_na=$na ${set//-/_}_nu=$nu ${set//-/_}_psu=$psu"
done

# floors, at or below the figures measured (kbgen's scale and gate, fitted on 001-168 with the
# curl/SQLite development set 219-293: tuning 001-123 top-1 69/83, top-3 72/83, unanswerable
# 0/40; 124-168: 20/30, 21/30, 1/15; the second held-out set 169-218, its totals looked at once
# by kbgen, after the last change, never mail by mail: 18/30, 18/30, 1/20 - before kbgen 18/30,
# 20/30, 1/20; before kbq3 18/30, 19/30, 2/20; before kbq2 17/30, 18/30, 2/20)
# kbq4 (article keywords, db/039, and `kb learn`) changes no suggestion for these sets, which
# have no keywords: the same figures, measured again with this branch's binary.
floor() { # LABEL GOT OF MIN-PERCENT
	check "$1: $2/$3 >= $4%" test "$(($2 * 100))" -ge "$(($4 * $3))"
}
ceiling() { # LABEL GOT OF MAX-PERCENT
	check "$1: $2/$3 <= $4%" test "$(($2 * 100))" -le "$(($4 * $3))"
}
floor "tuning set, top-1" "$kb_s1" "$kb_na" 83
floor "tuning set, top-3" "$kb_s3" "$kb_na" 86
ceiling "tuning set, unanswerable with a suggestion" "$kb_su" "$kb_nu" 5
floor "first held-out set (tuned on since kbq2), top-1" "$kb_heldout_s1" "$kb_heldout_na" 66
floor "first held-out set (tuned on since kbq2), top-3" "$kb_heldout_s3" "$kb_heldout_na" 70
ceiling "first held-out set (tuned on since kbq2), unanswerable with a suggestion" "$kb_heldout_su" "$kb_heldout_nu" 7
floor "second held-out set, top-1" "$kb_heldout2_s1" "$kb_heldout2_na" 60
floor "second held-out set, top-3" "$kb_heldout2_s3" "$kb_heldout2_na" 60
ceiling "second held-out set, unanswerable with a suggestion" "$kb_heldout2_su" "$kb_heldout2_nu" 5
check "held out: fewer unanswerable mails get a suggestion than with plain BM25" \
	test "$kb_heldout_su" -lt "$kb_heldout_psu"
check "second held-out set: fewer unanswerable mails get a suggestion than with plain BM25" \
	test "$kb_heldout2_su" -lt "$kb_heldout2_psu"
finish
