#!/bin/bash
# The suggester's word counts (db/019 kb_terms) and the number of articles (db/024) follow every change of the articles one
# article at a time (add, edit, publish, attach: the changed article's words only) and stay
# exactly the FTS5 index's own counts (kb_fts_vocab), also after a large import (one copy).
. "$(dirname "$0")/lib.sh"

DATA="$POSTDESK_SRCDIR/tests/data/kb"
pd_setup
db="$POSTDESK_HOME/postdesk.db"
diffcounts() { # prints the rows where kb_terms and the index disagree, and whether kb_terms is current
	sqlite3 "$db" "SELECT term, docs FROM kb_terms EXCEPT SELECT term, doc FROM kb_fts_vocab;
		SELECT term, doc FROM kb_fts_vocab EXCEPT SELECT term, docs FROM kb_terms;
		SELECT 'stale' FROM kb_generation WHERE terms != salt || ':' || n;
		SELECT 'docs ' || docs FROM kb_generation WHERE docs != (SELECT count(*) FROM kb_fts);"
}
check "import the FAQ articles" pd kb import "$DATA/articles"
is "after the import the counts are the index's" "$(diffcounts)" ""
check "add an article" pd kb add quokka-care --title "Quokka feeding guide" --body "Feed the quokka leaves, not bread. Zlib is not food." --status published
is "after kb add" "$(diffcounts)" ""
is "a new word is counted once" "$(sqlite3 "$db" "SELECT docs FROM kb_terms WHERE term = 'quokka'")" 1
check "edit it: other words" pd kb edit quokka-care --title "Wombat feeding guide" --body "Feed the wombat grass."
is "after kb edit" "$(diffcounts)" ""
is "a word no article has any more is gone" "$(sqlite3 "$db" "SELECT count(*) FROM kb_terms WHERE term = 'quokka'")" 0
check "unpublish it" pd kb unpublish quokka-care
check "publish it" pd kb publish quokka-care
is "after unpublish and publish" "$(diffcounts)" ""
printf 'a schematic\n' >"$TEST_TMP/numbat.txt"
check "attach a document" pd kb attach quokka-care "$TEST_TMP/numbat.txt" --description "numbat wiring"
is "after kb attach (document names and descriptions are indexed)" "$(diffcounts)" ""
is "the document's words are counted" "$(sqlite3 "$db" "SELECT docs FROM kb_terms WHERE term = 'numbat'")" 1
# an import of many articles marks the counts out of date and copies them once
mkdir -p "$TEST_TMP/many"
for i in $(seq 1 80); do printf '# Gizmo %d manual\n\nThe gizmo%d needs a reset.\n' "$i" "$i" >"$TEST_TMP/many/gizmo-$i.md"; done
check "import 80 more" pd kb import "$TEST_TMP/many"
is "after a large import" "$(diffcounts)" ""
is "a word of all 80" "$(sqlite3 "$db" "SELECT docs FROM kb_terms WHERE term = 'gizmo'")" 80
check "edit one of them" pd kb edit gizmo-7 --body "Now about sprockets."
is "after editing one" "$(diffcounts)" ""
is "its old word lost one article" "$(sqlite3 "$db" "SELECT docs FROM kb_terms WHERE term = 'reset'")" 79
finish
