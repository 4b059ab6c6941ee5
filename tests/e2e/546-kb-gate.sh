#!/bin/bash
# The suggestion gate (issue 11, kbq3): PD_KB_FEATURES, which scores every candidate and
# prints its figures for tests/kb-gate-fit.py, lists exactly what the pruned scoring lists
# (the bound-ordered scoring loses nothing with the gate), and the fit script, run over the
# mails 001-168 and, since kbgen, the development set 219-293 (tests/data/kb-heldout3, with its
# own articles), picks the constants src/kb/suggest.c has (they are the fit's, not hand-set).
. "$(dirname "$0")/lib.sh"

DATA="$POSTDESK_SRCDIR/tests/data"
pd_setup
check "import the FAQ articles" pd kb import "$DATA/kb/articles"

# the curl/SQLite development set, in a home of its own
mkdir -p "$TEST_TMP/home3" && cp "$POSTDESK_HOME/postdesk.conf" "$TEST_TMP/home3/"
POSTDESK_HOME="$TEST_TMP/home3" pd init >>"$LOG"
check "import the curl and SQLite FAQ articles" env POSTDESK_HOME="$TEST_TMP/home3" \
	"$POSTDESK" kb import "$DATA/kb-heldout3/articles"

for set in kb kb-heldout kb-heldout3; do
	[ "$set" = kb-heldout3 ] && export POSTDESK_HOME="$TEST_TMP/home3"
	(cd "$DATA/$set/mails" && pd kb suggest --json ./*.eml) >"$TEST_TMP/$set.plain"
	(cd "$DATA/$set/mails" && PD_KB_FEATURES=1 "$POSTDESK" kb suggest --json ./*.eml 2>"$TEST_TMP/$set.features") >"$TEST_TMP/$set.all"
	check "$set: scoring every candidate lists the same articles, scores and order" \
		cmp "$TEST_TMP/$set.plain" "$TEST_TMP/$set.all"
	is "$set: a figures line per mail" "$(grep -c '^F	mail	' "$TEST_TMP/$set.features")" \
		"$(ls "$DATA/$set/mails" | wc -l)"
done
check "a candidate's figures: slug, bm25 position, score, shares, matches" \
	grep -Eq '^F	cand	[a-z0-9-]+	[0-9]+	[0-9.]+	[0-9.]+	[0-9.]+	[0-9]+	[0-9]+	[0-9]+	[0-9.]+	[0-9.]+	[0-9.]+	[0-9]+$' "$TEST_TMP/kb.features"
check "some mail has a second and third article listed" \
	sh -c "jq -e 'select(.suggestions | length == 3)' '$TEST_TMP/kb.plain' | grep -q slug"

# the fit, over 001-168 and 219-293
"$PY" "$POSTDESK_SRCDIR/tests/kb-gate-fit.py" "$POSTDESK" "$POSTDESK_SRCDIR" >"$TEST_TMP/fit.out" 2>>"$LOG"
sed -n '$p' "$TEST_TMP/fit.out" | sed 's/^/# /'
gate=$(sed -n 's/^#define GATE \([0-9.]*\).*/\1/p' "$POSTDESK_SRCDIR/src/kb/suggest.c")
margin=$(sed -n 's/^#define GATE_MARGIN \([0-9.]*\).*/\1/p' "$POSTDESK_SRCDIR/src/kb/suggest.c")
check "the fit picks suggest.c's constants (k = $margin, T = $gate)" \
	grep -q "^chosen: k = $margin, T = $gate:" "$TEST_TMP/fit.out"
check "the fit reads 001-168 and 219-293 only (never the second or the fifth held-out set)" \
	grep -q '^SETS = {"kb": "kb", "kb-heldout": "kb", "kb-heldout3": "kb-heldout3"}$' "$POSTDESK_SRCDIR/tests/kb-gate-fit.py"
check "the fit measured the union: 163 answerable, 80 unanswerable mails" \
	grep -q '^243 mails: 163 answerable, 80 unanswerable' "$TEST_TMP/fit.out"
finish
