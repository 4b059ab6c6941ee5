#!/bin/bash
# The suggestion step made faster changes no suggestion: `kb suggest --json` over every mail of
# tests/data/kb and tests/data/kb-heldout gives, byte for byte, what main's binary gave before
# the speed work (tests/data/kb-golden, see its README): slugs, order, titles and scores. Both
# in one process (every cache warm: the words' weights, the articles' stems, the ranking data)
# and one process per mail (nothing cached), and again after the articles change (the caches
# of the old knowledge base must not be used). And the candidates are checked against FTS5's
# own bm25 () ranking for every mail (PD_KB_RANK_CHECK).
. "$(dirname "$0")/lib.sh"

DATA="$POSTDESK_SRCDIR/tests/data"
GOLD="$DATA/kb-golden"
pd_setup
check "import the FAQ articles" pd kb import "$DATA/kb/articles"

one_process() { (cd "$DATA/$1/mails" && pd kb suggest --json ./*.eml); }
per_mail() {
	local f
	(cd "$DATA/$1/mails" && for f in ./*.eml; do pd kb suggest --json "$f"; done)
}
same() { # DESC GOT-FILE WANT-FILE
	if cmp -s "$2" "$3"; then
		ok "$1"
	else
		not_ok "$1"
		diff "$3" "$2" | head -n 20 | sed 's/^/# /'
	fi
}

for set in kb kb-heldout; do
	one_process "$set" >"$TEST_TMP/$set.one"
	is "$set: a line per mail" "$(wc -l <"$TEST_TMP/$set.one")" "$(ls "$DATA/$set/mails" | wc -l)"
	same "$set: one process, the same output as before the speed work" "$TEST_TMP/$set.one" "$GOLD/$set.jsonl"
	per_mail "$set" >"$TEST_TMP/$set.each"
	same "$set: one process per mail, the same output" "$TEST_TMP/$set.each" "$GOLD/$set.jsonl"
done
# the candidates ranked from one scan of the index (store/kb-rank.c) are those FTS5's bm25 ()
# ranks first: PD_KB_RANK_CHECK=1 runs FTS5's own query next to it for every mail and fails on
# any difference (in one process: past the first mails the articles' sizes are read once)
for set in kb kb-heldout; do
	check "$set: the candidates are bm25 ()'s, for every mail" \
		env PD_KB_RANK_CHECK=1 sh -c 'cd "$1" && "$POSTDESK" kb suggest --json ./*.eml >/dev/null' sh "$DATA/$set/mails"
done
# equal ranks: 30 articles FTS5 ranks the same for a question, of which 20 are candidates; the
# same 20 as bm25 ()'s ORDER BY ... LIMIT keeps (the ones scanned first)
mkdir -p "$TEST_TMP/same"
for i in $(seq 10 39); do
	printf '# Gearbox %d lubrication schedule\n\nGrease it monthly.\n' "$i" >"$TEST_TMP/same/gearbox-$i.md"
done
check "import 30 articles that rank the same" pd kb import "$TEST_TMP/same"
printf 'From: a@example.org\nSubject: gearbox lubrication\n\nHow often does the gearbox need lubrication?\n' >"$TEST_TMP/gear.eml"
check "equal ranks: the candidates are bm25 ()'s" env PD_KB_RANK_CHECK=1 "$POSTDESK" kb suggest --json "$TEST_TMP/gear.eml"
# a question of common words only (each in more than 500 articles): the candidates have all of
# them (an AND, whose words' documents are counted apart), again as bm25 () ranks them
mkdir -p "$TEST_TMP/common"
for i in $(seq 1 600); do
	printf '# Pump %d valve manual\n\nThe pump valve %d opens at %d kPa.\n' "$i" "$i" "$i" >"$TEST_TMP/common/pump-$i.md"
done
check "import 600 articles about pump valves" pd kb import "$TEST_TMP/common"
printf 'From: a@example.org\nSubject: pump valve\n\nMy pump valve is stuck, what now with the valve?\n' >"$TEST_TMP/pump.eml"
check "common words: the candidates are bm25 ()'s" env PD_KB_RANK_CHECK=1 "$POSTDESK" kb suggest --json "$TEST_TMP/pump.eml"
# and they are scored (since kbgen the title's share has a prior of one word a single article
# has, so "Pump 7 valve manual", whose words are in 600 of 684 articles, no longer opens the
# gate for "my pump valve is stuck": scored, not suggested)
check "and they are scored" sh -c 'PD_KB_FEATURES=1 "$POSTDESK" kb suggest --json "$1" 2>&1 >/dev/null | grep -q "^F	cand	pump-"' sh "$TEST_TMP/pump.eml"
# the comparison can fail: a changed score shows
sed 's/"score":0\.5/"score":0.6/' "$GOLD/kb.jsonl" >"$TEST_TMP/kb.altered"
check "a changed score is seen" test "$(cmp -s "$TEST_TMP/kb.one" "$TEST_TMP/kb.altered"; echo $?)" = 1

# a new generation (an article added, then removed from suggestion): the caches follow it
check "add an article about inflate" pd kb add zz-inflate-notes --title "Inflate crashes in worker threads" \
	--body "Each worker thread needs its own inflate stream; a crash means a shared one." --status published
one_process kb >"$TEST_TMP/kb.added"
per_mail kb >"$TEST_TMP/kb.added.each"
same "with the article added: the same in one process as one process per mail" "$TEST_TMP/kb.added" "$TEST_TMP/kb.added.each"
check "the added article is suggested somewhere" grep -q zz-inflate-notes "$TEST_TMP/kb.added"
check "unpublish it" pd kb unpublish zz-inflate-notes
one_process kb >"$TEST_TMP/kb.removed"
check "no longer suggested" test "$(grep -c zz-inflate-notes "$TEST_TMP/kb.removed")" = 0
finish
