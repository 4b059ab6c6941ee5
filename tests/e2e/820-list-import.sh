#!/bin/bash
# `postdesk list import` (issue 12): a CSV with quotes and bad lines (each reported as
# FILE:LINE with why, the rest imported, a summary), an address that unsubscribed is never
# subscribed again by an import (the person's own confirmed request may), a file without an
# address column is refused, and 100,000 generated rows stream in bounded memory (peak RSS
# under 64 MB, measured with /usr/bin/time -v; not a timing test). The 1,000,000-row figure
# is tests/bench/list-import's.
. "$(dirname "$0")/lib.sh"

pd_setup
check "a list" pd list create news --address news@example.com --topics a,b
check "gone@ subscribed" pd list subscribe news gone@x.org
check "and unsubscribed" pd list unsubscribe news gone@x.org
cat >"$TEST_TMP/in.csv" <<'CSV'
address,name,locale,topics
ann@x.org,"Smith, Ann",en,a
"bob@x.org","Bob ""the builder""",,"a,b"
not-an-address,Nobody,,
carl@x.org,"Carl,,
dora@x.org,Dora
GONE@x.org,Gone,,

eve@x.org,Eve,e n,
fred@x.org,Fred,de,zzz
CSV
"$POSTDESK" list import news "$TEST_TMP/in.csv" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
is "import exits 0 with bad lines" "$?" 0
is "bad lines are reported with their numbers" "$(sed "s|$TEST_TMP/||" "$TEST_TMP/err")" \
"in.csv:4: not an address: \"not-an-address\"
in.csv:5: a quoted field is not closed on its line
in.csv:6: 2 fields, the header has 4
in.csv:7: gone@x.org unsubscribed: not subscribed again by an import
in.csv:9: not a locale: \"e n\""
check "a summary" grep -q ": 9 lines: 3 added, 0 pending made active, 0 already subscribed, 1 skipped (unsubscribed), 0 skipped (bouncing or disabled), 4 bad" "$TEST_TMP/out"
members=$(pd list members news --json)
is "the good rows are in, active" "$(jq -c '[.[] | select(.status=="active") | .address]' <<<"$members")" '["ann@x.org","bob@x.org","fred@x.org"]'
is "quotes inside quotes" "$(jq -r '.[] | select(.address=="bob@x.org") | .name' <<<"$members")" 'Bob "the builder"'
is "a comma inside quotes" "$(jq -r '.[] | select(.address=="ann@x.org") | .name' <<<"$members")" 'Smith, Ann'
is "topics outside the list's are dropped" "$(jq -r '.[] | select(.address=="fred@x.org") | .topics' <<<"$members")" ''
is "locale kept" "$(jq -r '.[] | select(.address=="fred@x.org") | .locale' <<<"$members")" de
is "gone@ stays unsubscribed" "$(jq -r '.[] | select(.address=="gone@x.org") | .status' <<<"$members")" unsubscribed
is "the consent rows: import, with FILE:LINE" \
	"$(pd list ledger news bob@x.org --json | jq -c '.[] | [.action, .via, .evidence]' | sed "s|$TEST_TMP/||")" \
	'["subscribe","import","in.csv:3"]'
pd list import news "$TEST_TMP/in.csv" >"$TEST_TMP/out2" 2>/dev/null
check "importing again adds nothing" grep -q ": 0 added, 0 pending made active, 3 already subscribed" "$TEST_TMP/out2"
is "gone@ is still unsubscribed after a second import" \
	"$(pd list members news --json | jq -r '.[] | select(.address=="gone@x.org") | .status')" unsubscribed
printf 'address\nstdin@x.org\n' | "$POSTDESK" list import news - >"$TEST_TMP/stdin.out" 2>>"$LOG"
check "FILE - reads stdin" grep -q "1 added" "$TEST_TMP/stdin.out"
printf 'mail,name\na@x.org,A\n' >"$TEST_TMP/noaddr.csv"
is "a file without an address column is refused (65)" "$(pd list import news "$TEST_TMP/noaddr.csv" >/dev/null 2>&1; echo $?)" 65
is "a missing file (66)" "$(pd list import news "$TEST_TMP/nothere.csv" >/dev/null 2>&1; echo $?)" 66

# --- 100,000 rows in bounded memory ---
N=100000
check "a big list" pd list create big --address big@example.com
awk -v n=$N 'BEGIN { print "address,name,topics"; for (i = 1; i <= n; i++) printf "user%07d@example.net,\"User %d, Jr\",\n", i, i }' >"$TEST_TMP/big.csv"
echo 'this line is bad,"' >>"$TEST_TMP/big.csv"
/usr/bin/time -v "$POSTDESK" list import big "$TEST_TMP/big.csv" >"$TEST_TMP/big.out" 2>"$TEST_TMP/big.err"
is "the big import exits 0" "$?" 0
check "its summary counts $N added, 1 bad" grep -q ": $((N + 1)) lines: $N added, .* 1 bad" "$TEST_TMP/big.out"
check "the bad last line is reported" grep -q "big.csv:$((N + 2)): " "$TEST_TMP/big.err"
rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$TEST_TMP/big.err")
echo "# $N rows: peak RSS $rss KB, $(awk -F': ' '/Elapsed/ { print $2 }' "$TEST_TMP/big.err") elapsed"
if ldd "$POSTDESK" 2>/dev/null | grep -q libasan; then
	LIMIT=$((512 * 1024)) # shadow memory and the quarantine of a sanitizer build
else
	LIMIT=65536
fi
check "peak RSS under $((LIMIT / 1024)) MB ($rss KB)" test "$rss" -lt $LIMIT
is "every row is a member" "$(sqlite3 "$POSTDESK_HOME/postdesk.db" "SELECT count(*) FROM subscribers s JOIN lists l ON l.id = s.list_id WHERE l.name = 'big' AND s.status = 'active'")" $N
is "every row has its consent row" "$(sqlite3 "$POSTDESK_HOME/postdesk.db" "SELECT count(*) FROM consent WHERE via = 'import' AND evidence LIKE '%big.csv:%'")" $N
# members --json streams too
/usr/bin/time -v "$POSTDESK" list members big --json 2>"$TEST_TMP/m.err" | jq length >"$TEST_TMP/m.out"
is "members --json lists them all" "$(cat "$TEST_TMP/m.out")" $N
mrss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$TEST_TMP/m.err")
check "members --json streams: peak RSS under $((LIMIT / 1024)) MB ($mrss KB)" test "$mrss" -lt $LIMIT
finish
