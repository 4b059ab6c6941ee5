#!/bin/bash
# The suggester's stems stored per article (db/027 kb_stems): written by import, add, edit,
# publish and unpublish for the article's current version; read by `kb suggest` instead of
# tokenising the article (proved by altering a stored row: the suggestion changes); ignored
# when made for another version or other word rules (the article is tokenised: the same
# suggestions as with no row); a missing row is filled by importing the same file again.
. "$(dirname "$0")/lib.sh"

DATA="$POSTDESK_SRCDIR/tests/data/kb"
pd_setup
db="$POSTDESK_HOME/postdesk.db"
q() { sqlite3 "$db" "$1"; }
current() { q "SELECT count(*) FROM kb_articles a JOIN kb_stems s ON s.article_id = a.id AND s.version = a.version"; }
top() { (cd "$DATA/mails" && pd kb suggest --json "$1") | jq -r '[.suggestions[].slug] | join(" ")'; }
all() { (cd "$DATA/mails" && pd kb suggest --json ./*.eml) | sha256sum; }

check "import the FAQ articles" pd kb import "$DATA/articles"
is "a row per article, for its version" "$(current)" 54
is "the title's and topics' stems, in order" "$(q "SELECT s.head FROM kb_stems s JOIN kb_articles a ON a.id = s.article_id WHERE a.slug = 'procps-bug-reports'")" "send bug report"
is "the body's stems (Markdown as text, stop words out)" \
	"$(q "SELECT substr (s.body, 1, 30) FROM kb_stems s JOIN kb_articles a ON a.id = s.article_id WHERE a.slug = 'procps-cpu-underreported-threads'")" \
	"upgrad kernel least older prov"
with_rows=$(all)
want=$(top 003.eml)
is "003 is answered by the thread-safety article" "${want%% *}" zlib-thread-safety

# the stored row is what is read: empty it and the article no longer matches
id=$(q "SELECT id FROM kb_articles WHERE slug = 'zlib-thread-safety'")
q "UPDATE kb_stems SET head = '', body = '' WHERE article_id = $id"
got=$(top 003.eml)
case " $got " in *" zlib-thread-safety "*) not_ok "an emptied row is read (got: $got)" ;; *) ok "an emptied row is read (got: ${got:-nothing})" ;; esac
# made with other word rules: not used, the article is tokenised
q "UPDATE kb_stems SET stemmer = stemmer + 1000 WHERE article_id = $id"
is "a row of other word rules is ignored" "$(top 003.eml)" "$want"
# made for an older version: not used
q "UPDATE kb_stems SET stemmer = stemmer - 1000, version = version - 1 WHERE article_id = $id"
is "a row of an older version is ignored" "$(top 003.eml)" "$want"
# no rows at all: every article tokenised, the same suggestions and scores
q "DELETE FROM kb_stems"
is "without stored stems: the same suggestions and scores for all 123 mails" "$(all)" "$with_rows"
check "import the same articles again" pd kb import "$DATA/articles"
is "the import fills the missing rows" "$(current)" 54
is "the same suggestions and scores from the stored rows" "$(all)" "$with_rows"

check "add an article" pd kb add wombat-care --title "Wombat feeding guide" --body "Feed the **wombats** grass, not bread." --status published
is "kb add stores its stems" "$(q "SELECT s.head || '|' || s.body FROM kb_stems s JOIN kb_articles a ON a.id = s.article_id WHERE a.slug = 'wombat-care'")" "wombat feed guid|feed wombat grass bread"
check "edit it" pd kb edit wombat-care --body "Numbats eat termites."
is "kb edit stores the new version's" "$(q "SELECT s.body FROM kb_stems s JOIN kb_articles a ON a.id = s.article_id AND s.version = a.version WHERE a.slug = 'wombat-care'")" "numbat eat termit"
check "unpublish it" pd kb unpublish wombat-care
check "publish it" pd kb publish wombat-care
is "every article's row is current after unpublish and publish" "$(current)" 55
# a large import (64 or more changed) also merges the FTS5 index: still sound, still found
mkdir -p "$TEST_TMP/many"
for i in $(seq 1 70); do printf '# Sprocket %d manual\n\nThe sprocket%d needs oiling.\n' "$i" "$i" >"$TEST_TMP/many/sprocket-$i.md"; done
check "import 70 more" pd kb import "$TEST_TMP/many"
is "rows for them too" "$(current)" 125
check "the merged index passes FTS5's integrity check" sqlite3 "$db" "INSERT INTO kb_fts (kb_fts) VALUES ('integrity-check')"
is "and finds the new words" "$(pd kb search --json sprocket7 | jq -r '.[0].slug' 2>/dev/null)" sprocket-7
finish
