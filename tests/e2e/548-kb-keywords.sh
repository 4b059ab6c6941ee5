#!/bin/bash
# An article's keywords (db/039, issue 11 kbq4): the words customers use for what it is about
# when its title says it otherwise. Set with `kb add|edit --keywords`, front matter `keywords:`,
# the CSV column and the XML element; shown by `kb show` and exported; searchable (the web
# pages do not render them). The suggester takes each keyword as another way of saying the title: a mail
# in the customer's words gets the article once the keyword is set, and as before once it is
# removed. A file that names no keywords leaves those set by `kb edit` alone.
. "$(dirname "$0")/lib.sh"

DATA="$POSTDESK_SRCDIR/tests/data/kb"
pd_setup
db="$POSTDESK_HOME/postdesk.db"
q() { sqlite3 "$db" "$1"; }
first() { pd kb suggest --json "$1" | jq -r '.suggestions[0].slug // "none"'; }
slugs() { pd kb suggest --json "$1" | jq -r '[.suggestions[].slug] | join(" ")'; }

is "the migration added the column" "$(q "SELECT count(*) FROM pragma_table_info('kb_articles') WHERE name = 'keywords'")" 1
check "import the FAQ articles" pd kb import "$DATA/articles"
stems_before=$(q "SELECT s.head FROM kb_stems s JOIN kb_articles a ON a.id = s.article_id AND s.version = a.version WHERE a.slug = 'zlib-endianness'")

# the customer's words: "byte order", "ARM board", "x86 server" - the article says endian
printf 'Subject: sensor logs\n\nHi all,\n\nwe compress sensor logs on a little ARM board and unpack them on an x86 server. Does the byte order of the machines matter for the compressed files?\n\nThanks a lot\nPriya\n' >"$TEST_TMP/order.eml"
before=$(slugs "$TEST_TMP/order.eml")
check "before: the endianness article is not suggested (got '$before')" \
	sh -c "! echo '$before' | grep -qw zlib-endianness"
check "edit: keywords" pd kb edit zlib-endianness --keywords " byte order ,, ARM to x86 "
is "normalised like topics" "$(pd kb show --json zlib-endianness | jq -r .keywords)" "byte order, ARM to x86"
check "kb show prints them" sh -c "'$POSTDESK' kb show zlib-endianness | grep -qx 'keywords: byte order, ARM to x86'"
is "a new version keeps them" "$(q "SELECT v.keywords FROM kb_versions v JOIN kb_articles a ON a.id = v.article_id WHERE a.slug = 'zlib-endianness' AND v.version = a.version")" \
	"byte order, ARM to x86"
is "the stored stems hold each keyword after a '|'" \
	"$(q "SELECT s.head FROM kb_stems s JOIN kb_articles a ON a.id = s.article_id AND s.version = a.version WHERE a.slug = 'zlib-endianness'")" \
	"$stems_before | byte order | arm x86"
is "after: the endianness article first" "$(first "$TEST_TMP/order.eml")" zlib-endianness
is "kb search finds the article by a keyword" "$(pd kb search --json "byte order" | jq -r '.[0].slug')" zlib-endianness
check "its snippet does not show the keywords" sh -c "! '$POSTDESK' kb search --json 'byte order' | jq -r '.[0].snippet' | grep -qi 'ARM to x86'"

# with the stored stems gone, the article tokenised: the same
q "DELETE FROM kb_stems"
is "without stored stems: the same" "$(first "$TEST_TMP/order.eml")" zlib-endianness
check "import again (refills the stems)" pd kb import "$DATA/articles"
is "a Markdown file naming no keywords leaves them alone" "$(pd kb show --json zlib-endianness | jq -r .keywords)" "byte order, ARM to x86"
is "so the suggestion stays" "$(first "$TEST_TMP/order.eml")" zlib-endianness

# export and import round trip, three formats
for fmt in xml csv md; do
	out="$TEST_TMP/export-$fmt"
	[ $fmt = md ] && mkdir -p "$out" || out="$out.$fmt"
	check "export $fmt" pd kb export --format $fmt "$out"
	home2="$TEST_TMP/home-$fmt"
	mkdir -p "$home2" && cp "$POSTDESK_HOME/postdesk.conf" "$home2/"
	POSTDESK_HOME="$home2" "$POSTDESK" init >/dev/null 2>>"$LOG"
	check "import the $fmt export into an empty home" env POSTDESK_HOME="$home2" "$POSTDESK" kb import "$out"
	is "$fmt: the keywords came along" \
		"$(POSTDESK_HOME="$home2" "$POSTDESK" kb show --json zlib-endianness | jq -r .keywords)" "byte order, ARM to x86"
	is "$fmt: an article without keywords has none" \
		"$(POSTDESK_HOME="$home2" "$POSTDESK" kb show --json zlib-64-bit | jq -r .keywords)" ""
done
check "the XML export has the element" grep -q '<keywords>byte order, ARM to x86</keywords>' "$TEST_TMP/export-xml.xml"
check "the Markdown export has the key" grep -qx 'keywords: byte order, ARM to x86' "$TEST_TMP/export-md/zlib-endianness.md"

# a file may set and clear them (the new keyword shares no word with the mail: "network order"
# did, and since kbgen's gate a half-said keyword may be enough)
mkdir -p "$TEST_TMP/md"
printf -- '---\nslug: zlib-endianness\ntitle: Will zlib work on a big-endian or little-endian architecture, and can I exchange compressed data between them?\ntopics: zlib\nkeywords: host endian swap\n---\n\nYes and yes.\n' >"$TEST_TMP/md/zlib-endianness.md"
check "front matter keywords: set them" pd kb import "$TEST_TMP/md"
is "replaced" "$(pd kb show --json zlib-endianness | jq -r .keywords)" "host endian swap"
is "the old keyword no longer helps: as before" "$(slugs "$TEST_TMP/order.eml")" "$before"
printf 'slug,title,body,topics,keywords\nzlib-endianness,"Will zlib work on a big-endian or little-endian architecture, and can I exchange compressed data between them?",Yes and yes.,zlib,\n' >"$TEST_TMP/clear.csv"
check "an empty CSV keywords field clears them" pd kb import "$TEST_TMP/clear.csv"
is "cleared" "$(pd kb show --json zlib-endianness | jq -r .keywords)" ""

# kb edit sets and clears them
check "kb edit --keywords \"\" clears too" pd kb edit zlib-64-bit --keywords "secret word"
check "then cleared" pd kb edit zlib-64-bit --keywords ""
is "kb show --json: empty" "$(pd kb show --json zlib-64-bit | jq -r .keywords)" ""
check "kb edit --help names --keywords" sh -c "'$POSTDESK' kb edit --help | grep -q -- --keywords"
finish
