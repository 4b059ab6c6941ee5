#!/bin/bash
# Knowledge-base suggestions on tests/data/kb: 54 FAQ articles (zlib and procps FAQs) and 123
# customer mails, two thirds answerable, the rest near misses and off-topic (064-093 and
# 094-123 held out). Prints top-1,
# top-3 and the share of unanswerable mails that got a suggestion, for `kb suggest` and for
# plain FTS5 BM25 over every word with no threshold, measured in the same run; fails below the
# floors. `kb suggest` stores nothing.
. "$(dirname "$0")/lib.sh"

DATA="$POSTDESK_SRCDIR/tests/data/kb"
pd_setup
check "import the FAQ articles" pd kb import "$DATA/articles"
# what the database holds (a reader may touch the WAL index file, -shm, which holds no data)
content() { sqlite3 "$POSTDESK_HOME/postdesk.db" .dump | sha256sum; }
before=$(content)

measure() { # MODE [FIRST [LAST]] -> prints "top1 top3 answerable unanswerable suggested-unanswerable"
	# (FIRST..LAST: only the mails FIRST.eml to LAST.eml, e.g. the held-out ones)
	local mode=$1 first=${2:-000} last=${3:-999} file slug kind got t1=0 t3=0 na=0 nu=0 su=0 opt=""
	[ "$mode" = plain ] && opt=--plain-bm25
	# one run over every mail: "file<TAB>slug slug slug"
	(cd "$DATA/mails" && pd kb suggest --json $opt ./*.eml) |
		jq -r '"\(.file | sub("^\\./"; ""))\t\([.suggestions[].slug] | join(" "))\t\([.suggestions[].score] | join(" "))"' >"$TEST_TMP/got-$mode"
	while IFS=$'\t' read -r file slug kind; do
		case "$file" in '#'* | '') continue ;; esac
		[[ "$file" < "$first.eml" ]] && continue
		[[ "$file" > "$last.eml" ]] && continue
		got=$(awk -F'\t' -v f="$file" '$1 == f { print $2 }' "$TEST_TMP/got-$mode")
		echo "$mode $file want=$slug got=$got" >>"$LOG"
		if [ "$slug" = none ]; then
			nu=$((nu + 1))
			[ -n "$got" ] && su=$((su + 1))
		else
			na=$((na + 1))
			[ "${got%% *}" = "$slug" ] && t1=$((t1 + 1))
			case " $got " in *" $slug "*) t3=$((t3 + 1)) ;; esac
		fi
	done <"$DATA/manifest.tsv"
	echo "$t1 $t3 $na $nu $su"
}
pct() { echo $(($1 * 100 / $2)); }

read -r p1 p3 na nu psu <<<"$(measure plain)"
read -r s1 s3 na nu ssu <<<"$(measure suggest)"
echo "# $na answerable, $nu unanswerable mails"
echo "# plain FTS5 BM25, no threshold: top-1 $(pct "$p1" "$na")%  top-3 $(pct "$p3" "$na")%  unanswerable with a suggestion $(pct "$psu" "$nu")%"
echo "# kb suggest:                     top-1 $(pct "$s1" "$na")%  top-3 $(pct "$s3" "$na")%  unanswerable with a suggestion $(pct "$ssu" "$nu")%"

# held out: 064-093 were written after the constants of src/kb/suggest.c were tuned on 001-063,
# 094-123 later still, before the changes of kb2 (stop words after stemming, candidates from
# titles): the honest measures (no floor: the aims are checked on all mails below)
for range in "064 093" "094 123"; do
	read -r h1 h3 hna hnu hsu <<<"$(measure suggest $range)"
	read -r hp1 hp3 hna hnu hpsu <<<"$(measure plain $range)"
	echo "# held out (${range/ /-}: $hna answerable, $hnu unanswerable):"
	echo "#   plain FTS5 BM25, no threshold: top-1 $(pct "$hp1" "$hna")%  top-3 $(pct "$hp3" "$hna")%  unanswerable with a suggestion $(pct "$hpsu" "$hnu")%"
	echo "#   kb suggest:                     top-1 $(pct "$h1" "$hna")%  top-3 $(pct "$h3" "$hna")%  unanswerable with a suggestion $(pct "$hsu" "$hnu")%"
done

# plain BM25 with the score threshold that keeps suggestions for unanswerable mails at <= 5%
best=$(awk -F'\t' '
	NR == FNR { want[$1] = $2; next }
	{ n = split($2, sl, " "); split($3, sc, " "); for (i = 1; i <= n; i++) { s[$1, i] = sl[i]; v[$1, i] = sc[i]; th[sc[i]] = 1 } cnt[$1] = n }
	END {
		for (f in want) if (f !~ /^#/) { if (want[f] == "none") nu++; else na++ }
		bt3 = -1
		for (t in th) {
			t3 = 0; t1 = 0; su = 0
			for (f in cnt) {
				if (!(f in want)) continue
				if (want[f] == "none") { if (cnt[f] > 0 && v[f, 1] + 0 >= t + 0) su++; continue }
				if (cnt[f] > 0 && s[f, 1] == want[f] && v[f, 1] + 0 >= t + 0) t1++
				for (i = 1; i <= cnt[f]; i++) if (s[f, i] == want[f] && v[f, i] + 0 >= t + 0) t3++
			}
			if (su * 100 <= 5 * nu && t3 > bt3) { bt3 = t3; bt1 = t1; bsu = su }
		}
		printf "top-1 %d%%  top-3 %d%%  unanswerable with a suggestion %d%%", bt1 * 100 / na, bt3 * 100 / na, bsu * 100 / nu
	}' "$DATA/manifest.tsv" "$TEST_TMP/got-plain")
echo "# plain FTS5 BM25, best threshold: $best"

# floors (the issue's aims: top-3 >= 80%, top-1 >= 65%, <= 5% of unanswerable)
check "top-3 >= 80% of answerable mails" test "$((s3 * 100))" -ge "$((80 * na))"
check "top-1 >= 65% of answerable mails" test "$((s1 * 100))" -ge "$((65 * na))"
check "a suggestion for <= 5% of unanswerable mails" test "$((ssu * 100))" -le "$((5 * nu))"
check "fewer unanswerable mails get a suggestion than with plain BM25" test "$ssu" -lt "$psu"
after=$(content)
is "kb suggest stores nothing" "$after" "$before"
check "kb suggest prints JSON Lines" sh -c "\"$POSTDESK\" kb suggest --json '$DATA/mails/003.eml' '$DATA/mails/055.eml' | jq -se 'length == 2 and (.[0].suggestions[0] | .slug == \"zlib-thread-safety\" and has(\"title\") and .score > 0 and .score <= 1) and .[1].suggestions == []'"
finish
