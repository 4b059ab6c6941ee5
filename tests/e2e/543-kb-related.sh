#!/bin/bash
# Synonyms learned from the knowledge base itself (db/030 kb_related, src/kb/related.c): two
# stems are related when they name the same articles. Built by `kb import`, rebuilt by
# `kb add`, `edit`, `publish` and `unpublish`; read by `kb suggest` (proved by emptying the
# table: a score drops). And words no article has, met by their spelling (src/kb/spelling.c).
. "$(dirname "$0")/lib.sh"

DATA="$POSTDESK_SRCDIR/tests/data/kb"
pd_setup
db="$POSTDESK_HOME/postdesk.db"
q() { sqlite3 "$db" "$1"; }
score() { (cd "$DATA/mails" && pd kb suggest --json "$1") | jq -r --arg s "$2" '[.suggestions[] | select(.slug == $s) | .score][0] // "none"'; }

check "import the FAQ articles" pd kb import "$DATA/articles"
rows=$(q "SELECT count(*) FROM kb_related")
check "the import learned related words ($rows rows)" test "$rows" -gt 50
# (a word keeps its 8 strongest: the other direction may be one of those it dropped)
is "both directions, the same strength" "$(q "SELECT count(*) FROM kb_related a LEFT JOIN kb_related b ON b.term = a.related AND b.related = a.term AND b.strength = a.strength WHERE b.term IS NULL AND (SELECT count(*) FROM kb_related c WHERE c.term = a.related) < 8")" 0
is "strengths between 0.5 and 1" "$(q "SELECT count(*) FROM kb_related WHERE strength < 0.5 OR strength > 1")" 0
is "at most 8 per word" "$(q "SELECT count(*) FROM (SELECT term FROM kb_related GROUP BY term HAVING count(*) > 8)")" 0
is "words in one article only are never related" \
	"$(q "SELECT count(*) FROM kb_related r WHERE (SELECT count(*) FROM kb_stems s WHERE ' ' || s.head || ' ' || s.body || ' ' LIKE '% ' || r.term || ' %') < 2")" 0
before=$(q "SELECT term, related, strength FROM kb_related ORDER BY 1, 2" | sha256sum)
check "import the same articles again" pd kb import "$DATA/articles"
is "the same words learned again" "$(q "SELECT term, related, strength FROM kb_related ORDER BY 1, 2" | sha256sum)" "$before"
# an import that changes nothing leaves the table alone (a row planted here survives it)...
q "INSERT INTO kb_related VALUES ('plant', 'seed', 0.75)"
check "import the same articles once more" pd kb import "$DATA/articles"
is "nothing changed: not learned again" "$(q "SELECT count(*) FROM kb_related WHERE term = 'plant'")" 1
# ... one that changes an article learns again
mkdir -p "$TEST_TMP/changed"
cp "$DATA/articles/zlib-y2k.md" "$TEST_TMP/changed/"
printf '\nDates are no concern of zlib.\n' >>"$TEST_TMP/changed/zlib-y2k.md"
check "import a changed article" pd kb import "$TEST_TMP/changed"
is "an article changed: learned again" "$(q "SELECT count(*) FROM kb_related WHERE term = 'plant'")" 0

# read by the suggester: without the table, the second article of 024 scores less
with=$(score 024.eml zlib-install-shared-library)
q "DELETE FROM kb_related"
without=$(score 024.eml zlib-install-shared-library)
check "a related word raises a score ($without -> $with)" awk -v a="$with" -v b="$without" 'BEGIN { exit !(b == "none" || a + 0 > b + 0) }'

# rebuilt after one article's change: two new articles share "wombat" and "burrow"
check "add an article" pd kb add wombat-care --title "Wombat care" --body "Wombats dig a burrow." --status published
is "no pair yet, and the table is whole again" "$(q "SELECT count(*) FROM kb_related WHERE term = 'wombat'")|$(q "SELECT count(*) >= $rows FROM kb_related")" "0|1"
check "add another" pd kb add wombat-home --title "Where wombats live" --body "In a burrow under the bush." --status published
is "kb add learns: wombat ~ burrow" "$(q "SELECT related || ' ' || strength FROM kb_related WHERE term = 'wombat' AND related = 'burrow'")" "burrow 1.0"
check "unpublish one" pd kb unpublish wombat-home
is "kb unpublish forgets it" "$(q "SELECT count(*) FROM kb_related WHERE term = 'wombat'")" 0
check "publish it again" pd kb publish wombat-home
is "kb publish learns it again" "$(q "SELECT count(*) FROM kb_related WHERE term = 'wombat' AND related = 'burrow'")" 1

# spelling: a typo and two words run together meet the article's words
cat >"$TEST_TMP/typo.eml" <<'MAIL'
From: Ann <ann@example.net>
To: support@example.com
Subject: wombat question

Hello,

how deep does a wombatt dig its burow?

Ann
MAIL
got=$(pd kb suggest --json "$TEST_TMP/typo.eml" | jq -r '[.suggestions[].slug] | join(" ")')
case " $got " in *" wombat-care "*) ok "a typo still finds the article (got: $got)" ;; *) not_ok "a typo still finds the article (got: ${got:-nothing})" ;; esac
finish
