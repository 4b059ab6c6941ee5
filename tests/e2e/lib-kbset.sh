# lib-kbset.sh - suggestion quality on one of the independent kb sets (tests/data/kb-heldout3,
# kb-heldout4), for the e2e tests that measure them (547, 550): sourced after lib.sh and
# pd_setup, with the set's articles imported.
#
#   kbset_measure SET PER_MAIL: sets p1 p3 (plain FTS5 BM25's top-1 and top-3), s1 s3 (kb
#     suggest's), na (answerable), nn ns (near misses, those with a suggestion), no os
#     (off-topic, those with a suggestion), nu su psu (unanswerable; with a suggestion from kb
#     suggest and from plain BM25), seen pseen (mails answered by each mode), and writes one
#     line per mail and mode to the file PER_MAIL
#   kbset_print LABEL: the two modes' figures and issue 11's aims, as TAP comments
#   kbset_floor LABEL GOT OF MIN-PERCENT / kbset_ceiling LABEL GOT OF MAX-PERCENT: checks

kbset_run() { # SET MODE -> "file<TAB>slugs" lines
	local opt=""
	[ "$2" = plain ] && opt=--plain-bm25
	(cd "$1/mails" && pd kb suggest --json $opt ./*.eml) |
		jq -r '"\(.file | sub("^\\./"; ""))\t\([.suggestions[].slug] | join(" "))"'
}

# SET MODE PER_MAIL -> "top1 top3 answerable near near-suggested offtopic offtopic-suggested seen"
kbset_count() {
	kbset_run "$1" "$2" >"$TEST_TMP/got-$2"
	awk -F'\t' -v mode="$2" -v logf="$3" '
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
		"$1/manifest.tsv" "$TEST_TMP/got-$2"
}

kbset_measure() { # SET PER_MAIL
	local pnn pns pno pos
	read -r p1 p3 na pnn pns pno pos pseen <<<"$(kbset_count "$1" plain "$2")"
	read -r s1 s3 na nn ns no os seen <<<"$(kbset_count "$1" suggest "$2")"
	nu=$((nn + no)) psu=$((pns + pos)) su=$((ns + os))
}

kbset_pct() { echo $(($1 * 100 / $2)); }
kbset_line() { # LABEL T1 T3 NA NU SU
	printf '#   %-30s top-1 %2d/%d = %3d%%  top-3 %2d/%d = %3d%%  unanswerable with a suggestion %2d/%d = %3d%%\n' \
		"$1" "$2" "$4" "$(kbset_pct "$2" "$4")" "$3" "$4" "$(kbset_pct "$3" "$4")" "$6" "$5" \
		"$(kbset_pct "$6" "$5")"
}

kbset_print() { # LABEL
	echo "# $1 ($na answerable, $nu unanswerable: $nn near misses, $no off-topic):"
	kbset_line "plain FTS5 BM25, no threshold" "$p1" "$p3" "$na" "$nu" "$psu"
	kbset_line "kb suggest" "$s1" "$s3" "$na" "$nu" "$su"
	echo "#   kb suggest, unanswerable: near misses $ns/$nn, off-topic $os/$no with a suggestion"
	echo "#   issue 11's aims (information, not checked): top-1 >= 65%, top-3 >= 80%, unanswerable with a suggestion <= 5%"
}

kbset_floor() { # LABEL GOT OF MIN-PERCENT
	check "$1: $2/$3 >= $4%" test "$(($2 * 100))" -ge "$(($4 * $3))"
}
kbset_ceiling() { # LABEL GOT OF MAX-PERCENT
	check "$1: $2/$3 <= $4%" test "$(($2 * 100))" -le "$(($4 * $3))"
}
