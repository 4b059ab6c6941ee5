#!/bin/bash
# kb import of XML (validated against kb.xsd), CSV and Markdown: good files import, a broken
# one applies nothing and names the file and line; importing again changes nothing, a changed
# article gets a new version; export then import into an empty home gives the same knowledge
# base (XML with documents, CSV, Markdown); search folds diacritics, weights titles and marks
# matches; an article body with <script> or javascript: renders inert.
. "$(dirname "$0")/lib.sh"

pd_setup
D="$TEST_TMP/in"
mkdir -p "$D"
cat >"$D/good.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<kb version="1">
  <article slug="reset-password" visibility="public" status="published">
    <title>Reset your password</title>
    <topics>account, login</topics>
    <body>Open **Settings** and choose *Reset*.

- one
- two</body>
    <document name="steps.txt" type="text/plain" description="printable checklist">c3RlcCBvbmUK</document>
  </article>
  <article slug="café-hours" status="draft">
    <title>Opening hours</title>
    <body>x</body>
  </article>
</kb>
XML
check "an XML file with a bad slug is refused" sh -c "! \"$POSTDESK\" kb import '$D/good.xml' 2>'$TEST_TMP/err'"
check "the error names the file and line" grep -q "good.xml:12: does not match kb.xsd" "$TEST_TMP/err"
is "nothing was applied" "$(pd kb export - | grep -c '<article')" 0
sed -i 's/café-hours/cafe-hours/' "$D/good.xml"
is "the XML imports" "$(pd kb import --json "$D/good.xml" | jq -c .)" '{"articles":2,"created":2,"updated":0,"unchanged":0,"documents":1}'
is "importing it again changes nothing" "$(pd kb import --json "$D/good.xml" | jq -c .)" '{"articles":2,"created":0,"updated":0,"unchanged":2,"documents":0}'
is "one version" "$(pd kb history --json reset-password | jq length)" 1
sed -i 's/choose \*Reset\*/choose *Reset password*/' "$D/good.xml"
is "a changed article gets a new version" "$(pd kb import --json "$D/good.xml" | jq -c '[.updated, .unchanged]')" '[1,1]'
is "two versions" "$(pd kb history --json reset-password | jq -c '[.[].version]')" '[1,2]'
is "the document is catalogued" "$(pd kb show --json reset-password | jq -c '.documents[0] | [.name, .type, .size, .description]')" '["steps.txt","text/plain",9,"printable checklist"]'
sha=$(pd kb show --json reset-password | jq -r '.documents[0].sha256')
check "the document is stored content-addressed" cmp -s "$POSTDESK_HOME/attachments/${sha:0:2}/$sha" <(printf 'step one\n')

# broken XML: not well-formed, and not matching the schema
printf '<kb version="1">\n  <article slug="a">\n    <title>A</title>\n' >"$D/cut.xml"
check "truncated XML is refused" sh -c "! \"$POSTDESK\" kb import '$D/cut.xml' 2>'$TEST_TMP/err'"
check "... naming the file and a line" grep -Eq "cut.xml:[0-9]+: not well-formed" "$TEST_TMP/err"
printf '<kb version="1">\n  <article slug="b" visibility="secret">\n    <title>B</title>\n    <body>b</body>\n  </article>\n</kb>\n' >"$D/bad.xml"
check "XML against the schema is refused" sh -c "! \"$POSTDESK\" kb import '$D/bad.xml' 2>'$TEST_TMP/err'"
check "... naming the file and line" grep -q "bad.xml:2: does not match kb.xsd" "$TEST_TMP/err"
printf '<kb version="1">\n  <article slug="c"><title>C</title><body>c</body></article>\n  <article slug="c"><title>C2</title><body>c</body></article>\n</kb>\n' >"$D/dup.xml"
check "two articles with one slug are refused" sh -c "! \"$POSTDESK\" kb import '$D/dup.xml'"
check "the schema ships in the tree" test -f "$POSTDESK_SRCDIR/templates/kb.xsd"

# CSV: quotes, commas and line breaks in fields; a broken row names its line
cat >"$D/good.csv" <<'CSV'
slug,title,body,topics,visibility,status
refund,Refunds,"Refunds take ""5 days"", at most.
Second line.",billing,public,published
vat,"VAT, invoices",Ask us.,billing,customer,published
CSV
is "the CSV imports" "$(pd kb import --json "$D/good.csv" | jq -c '[.created]')" '[2]'
is "quoted fields survive" "$(pd kb show --json refund | jq -r .body)" 'Refunds take "5 days", at most.
Second line.'
before=$(pd kb export -)
printf 'slug,title,body\nok-one,One,1\nok-two,Two,"2\n' >"$D/broken.csv"
check "a CSV with an open quote is refused" sh -c "! \"$POSTDESK\" kb import '$D/broken.csv' 2>'$TEST_TMP/err'"
check "... naming the file and line" grep -q "broken.csv:3: a quoted field is not closed" "$TEST_TMP/err"
printf 'slug,title,body,status\nok-three,Three,3,published\nok-four,Four,4,maybe\n' >"$D/status.csv"
check "a CSV with a bad status is refused" sh -c "! \"$POSTDESK\" kb import '$D/status.csv' 2>'$TEST_TMP/err'"
check "... naming the file and line" grep -q "status.csv:3: bad status" "$TEST_TMP/err"
is "nothing of the broken files was applied" "$(pd kb export -)" "$before"

# Markdown: front matter, and without it (slug from the file name, title from "# ")
mkdir -p "$D/md"
printf -- '---\ntitle: Shipping times\ntopics: delivery\nvisibility: customer\n---\n\nWe ship in **two** days.\n' >"$D/md/shipping.md"
printf '# Returns and exchanges\n\nSend it back within 30 days.\n' >"$D/md/Returns.md"
is "the Markdown folder imports" "$(pd kb import --json "$D/md" | jq -c '[.created]')" '[2]'
is "a file without front matter: slug from the name, title from '# ', public, published" \
	"$(pd kb show --json returns | jq -c '[.title, .visibility, .status, .body]')" '["Returns and exchanges","public","published","Send it back within 30 days."]'
before=$(pd kb export -)
printf -- '---\ntitle: Fine\n---\nok\n' >"$D/md/a-fine.md"
printf -- '---\ntitle: Broken\ncolour: red\n---\nbody\n' >"$D/md/z-broken.md"
check "a Markdown file with a bad header is refused" sh -c "! \"$POSTDESK\" kb import '$D/md' 2>'$TEST_TMP/err'"
check "... naming the file and line" grep -q "z-broken.md:3: front matter: unknown key" "$TEST_TMP/err"
is "nothing of the folder was applied" "$(pd kb export -)" "$before"
rm "$D/md/a-fine.md" "$D/md/z-broken.md"

# search: diacritics folded, title above body, matches marked, drafts hidden
pd kb add cafe-menu --title "Menu du café" --body "Crème brûlée daily." --status published >/dev/null
is "diacritics are folded" "$(pd kb search --json creme brulee | jq -r '.[0].slug')" cafe-menu
is "the snippet marks the match" "$(pd kb search --json creme | jq -r '.[0].snippet')" "[Crème] brûlée daily."
pd kb add shipping-faq --title "Refunds FAQ" --body "About shipping." --status published >/dev/null
pd kb add long --title "Miscellaneous" --body "Refunds refunds and more about refunds in the body." --status published >/dev/null
is "the title weighs above the body" "$(pd kb search --json refunds | jq -r '[.[].slug] | .[2]')" long
is "drafts are not found" "$(pd kb search --json opening hours | jq length)" 0
is "... unless asked for" "$(pd kb search --all --json opening hours | jq -r '.[0].slug')" cafe-hours
is "a document's description is searchable" "$(pd kb search --json checklist | jq -r '.[0].slug')" reset-password

# publish, unpublish, edit keep versions with who and when
check "publish" pd kb publish cafe-hours --author ann
check "unpublish" pd kb unpublish cafe-hours --author bob
is "history says who" "$(pd kb history --json cafe-hours | jq -c '[.[] | [.version, .status, .author]]')" \
	'[[1,"draft","'"$(id -un)"'"],[2,"published","ann"],[3,"draft","bob"]]'

# an XSS attempt renders inert
pd kb add xss --title "X" --body 'Hi <script>alert(1)</script> [a](javascript:alert(2)) <img src=x onerror=alert(3)> [ok](https://example.com/)' >/dev/null
html=$(pd kb show --html xss)
check "no script tag" sh -c "! printf '%s' '$html' | grep -q '<script'"
check "no javascript: link" sh -c "! printf '%s' \"\$1\" | grep -q 'href=\"javascript'" _ "$html"
check "no img element" sh -c "! printf '%s' \"\$1\" | grep -q '<img'" _ "$html"
check "a safe link stays" sh -c "printf '%s' \"\$1\" | grep -q '<a href=\"https://example.com/\">ok</a>'" _ "$html"

# round trip: export each format, import into an empty home, export again: the same
for fmt in xml csv md; do
	out="$TEST_TMP/export.$fmt"
	[ "$fmt" = md ] && out="$TEST_TMP/export-md"
	check "export $fmt" pd kb export --format "$fmt" "$out"
	home2="$TEST_TMP/home-$fmt"
	mkdir -p "$home2"
	cp "$POSTDESK_HOME/postdesk.conf" "$home2/"
	POSTDESK_HOME="$home2" pd init >/dev/null
	check "import $fmt into an empty home" env POSTDESK_HOME="$home2" "$POSTDESK" kb import "$out"
	is "$fmt round trip gives the same knowledge base" \
		"$(POSTDESK_HOME="$home2" pd kb export - | grep -v '<document' )" "$(pd kb export - | grep -v '<document')"
done
is "XML carries the documents" "$(POSTDESK_HOME="$TEST_TMP/home-xml" pd kb export -)" "$(pd kb export -)"
finish
