#!/bin/bash
# The knowledge base over HTTP ([serve] http in `postdesk serve`), driven with curl: status
# codes, the headers every answer carries (a CSP that allows no script), 404 alike for
# internal, draft, missing and customer-level articles without a valid link (forged, for
# another article or customer, expired), 200 with the link; the answered link: GET changes
# nothing, POST resolves the ticket once; an XSS article rendered inert; documents; the style
# from `kb style`.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"

DATA="$POSTDESK_SRCDIR/tests/data/kb"
HTTP_PORT=$(free_port)
start_capture
serve_setup "http = 127.0.0.1:$HTTP_PORT"
URL="http://127.0.0.1:$HTTP_PORT"
check "import the FAQ articles" pd kb import "$DATA/articles"
check "customer-level article" pd kb add frob-warranty --title "Frobnicator warranty extension" \
	--body "Customers may extend the frobnicator warranty by two years." --topics frobnicator \
	--visibility customer --status published
check "internal article" pd kb add frob-internal --title "Internal notes" --body "secret internal" \
	--visibility internal --status published
check "draft article" pd kb add frob-draft --title "Draft notes" --body "not yet" --status draft
cat >"$TEST_TMP/xss.md" <<'EOF2'
# Heading

Hello <script>alert(1)</script> and <img src=x onerror=alert(2)>.

[click me](javascript:alert(3)) and [ok](https://example.com/).
EOF2
check "XSS article" pd kb add xss-test --title '<script>alert(4)</script> title' \
	--body-file "$TEST_TMP/xss.md" --topics '<b>topic</b>' --status published
printf 'manual bytes\n' >"$TEST_TMP/manual.txt"
check "a document" pd kb attach zlib-thread-safety "$TEST_TMP/manual.txt" --type text/html \
	--description "the manual"

# body FILE: the decoded text body of a message
body() { "$PY" -c 'import email,sys; m=email.message_from_binary_file(open(sys.argv[1],"rb")); print(m.get_payload(decode=True).decode())' "$1"; }
mail "$TEST_TMP/ann.eml" 'Ann <Ann@Customer.example>' support@example.com "frobnicator warranty" <<'EOF2'
Hello,

can I extend the warranty of my frobnicator?

Ann
EOF2
is "Ann's question" "$(deliver "$TEST_TMP/ann.eml" --recipient support@example.com)" 0
sed -e 's/Ann@Customer.example/bob@other.example/' -e 's/^Message-ID: <\(.*\)>/Message-ID: <b.\1>/' \
	"$TEST_TMP/ann.eml" >"$TEST_TMP/bob.eml"
is "Bob's question" "$(deliver "$TEST_TMP/bob.eml" --recipient support@example.com)" 0
check "send the acks" pd send
body "$CAPTURE_DIR/0001.eml" >"$TEST_TMP/ack1.txt"
body "$CAPTURE_DIR/0002.eml" >"$TEST_TMP/ack2.txt"
link=$(grep -o "$URL/kb/frob-warranty?t=[^ ]*" "$TEST_TMP/ack1.txt" | head -1)
answered=$(grep -o "$URL/kb/frob-warranty/answered?t=[^ ]*" "$TEST_TMP/ack1.txt" | head -1)
bob_link=$(grep -o "$URL/kb/frob-warranty?t=[^ ]*" "$TEST_TMP/ack2.txt" | head -1)
check "Ann's ack has the customer link" test -n "$link"
check "Ann's ack has the answered link" test -n "$answered"
token=${answered##*t=}

serve_start
wait_for 30 port_open "$HTTP_PORT" || bail "no HTTP listener"

# get URL [curl options]: prints the status code; headers in $TEST_TMP/h, body in $TEST_TMP/b
get() { curl -s -o "$TEST_TMP/b" -D "$TEST_TMP/h" -w '%{http_code}' "$@"; }
hdr() { grep -i "^$1:" "$TEST_TMP/h" | head -1 | cut -d' ' -f2- | tr -d '\r'; }

is "home: 200" "$(get "$URL/kb/")" 200
check "home: CSP forbids scripts (default-src 'none', no script-src)" \
	sh -c "grep -i '^content-security-policy:' '$TEST_TMP/h' | grep -q \"default-src 'none'\" && ! grep -i '^content-security-policy:' '$TEST_TMP/h' | grep -qi 'script-src'"
is "home: HTML, UTF-8" "$(hdr Content-Type)" "text/html; charset=utf-8"
is "home: nosniff" "$(hdr X-Content-Type-Options)" nosniff
is "home: no referrer (tokens stay private)" "$(hdr Referrer-Policy)" no-referrer
check "home: lang" grep -q '<html lang="en">' "$TEST_TMP/b"
check "home: a labelled search field" grep -q '<label for="q">' "$TEST_TMP/b"
check "home: no script element" sh -c "! grep -qi '<script' '$TEST_TMP/b'"
is "/: redirect to /kb/" "$(get "$URL/")" 302
check "/: Location ends in /kb/" sh -c "grep -i '^location:' '$TEST_TMP/h' | tr -d '\r' | grep -q '/kb/\$'"

is "search: 200" "$(get "$URL/kb/search?q=thread+safe")" 200
check "search: finds the article" grep -q 'href="/kb/zlib-thread-safety"' "$TEST_TMP/b"
check "search: matched words marked" grep -q '<mark>' "$TEST_TMP/b"
check "search: several hits" test "$(grep -c '<li><a href="/kb/' "$TEST_TMP/b")" -gt 1
is "search: one result list around them" "$(grep -c '<ul class="results">' "$TEST_TMP/b")" 1
is "search customer-level words: 200" "$(get "$URL/kb/search?q=frobnicator")" 200
check "search: customer-level, internal, draft not listed" \
	sh -c "! grep -q -e frob-warranty -e frob-internal -e frob-draft '$TEST_TMP/b'"
is "search for markup: 200" "$(get "$URL/kb/search?q=%3Cscript%3Ealert(9)%3C/script%3E")" 200
check "search: the words are escaped" sh -c "grep -q '&lt;script&gt;alert(9)' '$TEST_TMP/b' && ! grep -q '<script>alert(9)' '$TEST_TMP/b'"

is "topics: 200" "$(get "$URL/kb/topics")" 200
check "topics: the zlib topic" grep -q '<h2>zlib</h2>' "$TEST_TMP/b"
check "topics: only public published" sh -c "! grep -q -e frob-warranty -e frob-internal -e frob-draft '$TEST_TMP/b'"

is "public article: 200" "$(get "$URL/kb/zlib-thread-safety")" 200
check "public article: its title" grep -q '<h1>Is zlib thread-safe?</h1>' "$TEST_TMP/b"
check "public article: no answered form without a link" sh -c "! grep -q '<form method=\"post\"' '$TEST_TMP/b'"
check "public article: its document" grep -q 'href="/kb/zlib-thread-safety/doc/manual.txt"' "$TEST_TMP/b"
is "public article: one document list" "$(grep -c '<ul class="documents">' "$TEST_TMP/b")" 1
is "document: 200" "$(get "$URL/kb/zlib-thread-safety/doc/manual.txt")" 200
check "document: the bytes" cmp -s "$TEST_TMP/b" "$TEST_TMP/manual.txt"
check "document: always a download" sh -c "grep -i '^content-disposition:' '$TEST_TMP/h' | grep -q attachment"
is "missing document: 404" "$(get "$URL/kb/zlib-thread-safety/doc/nothing.pdf")" 404

is "missing article: 404" "$(get "$URL/kb/no-such-article")" 404
cp "$TEST_TMP/b" "$TEST_TMP/missing.html"
is "internal article: 404" "$(get "$URL/kb/frob-internal")" 404
check "internal: the same page as a missing one" cmp -s "$TEST_TMP/b" "$TEST_TMP/missing.html"
is "draft article: 404" "$(get "$URL/kb/frob-draft")" 404
check "draft: the same page as a missing one" cmp -s "$TEST_TMP/b" "$TEST_TMP/missing.html"
is "customer-level without a link: 404" "$(get "$URL/kb/frob-warranty")" 404
check "customer-level: the same page as a missing one" cmp -s "$TEST_TMP/b" "$TEST_TMP/missing.html"
is "customer-level with the link: 200" "$(get "$link")" 200
check "customer-level: its text" grep -q 'extend the frobnicator warranty' "$TEST_TMP/b"
is "Bob's own link works for Bob's ticket" "$(get "$bob_link")" 200
forged="${token%?}$(printf '%s' "${token: -1}" | tr '0-9a-f' '1-9a-f0')"
is "customer-level with a forged signature: 404" "$(get "$URL/kb/frob-warranty?t=$forged")" 404
is "a link for another article opens no answered form: 404" "$(get "$URL/kb/zlib-thread-safety/answered?t=$token")" 404
# a token made with the secret for another customer, and an expired one
sign() { # TICKET ARTICLE EXPIRES CUSTOMER
	"$PY" - "$POSTDESK_HOME/secret.key" "$@" <<'EOF2'
import hmac, hashlib, sys
key = open(sys.argv[1]).read().strip().encode()
t, a, e, c = sys.argv[2:6]
msg = "postdesk:kb:%s:%s:%s:%s" % (t, a, e, c.lower())
print("%s-%s-%s-%s" % (t, a, e, hmac.new(key, msg.encode(), hashlib.sha256).hexdigest()[:16]))
EOF2
}
art=$(echo "$token" | cut -d- -f2)
exp=$(echo "$token" | cut -d- -f3)
is "the test signs like postdesk" "$(sign 1 "$art" "$exp" ann@customer.example)" "$token"
is "a link bound to another customer: 404" "$(get "$URL/kb/frob-warranty?t=$(sign 1 "$art" "$exp" mallory@evil.example)")" 404
is "Bob's link on Ann's ticket: 404" "$(get "$URL/kb/frob-warranty?t=$(sign 1 "$art" "$exp" bob@other.example)")" 404
is "an expired link: 404" "$(get "$URL/kb/frob-warranty?t=$(sign 1 "$art" $(($(date +%s) - 10)) ann@customer.example)")" 404
is "a public article's token on the customer-level one: 404" "$(get "$URL/kb/frob-warranty?t=$(sign 1 "$art" "$exp" '')")" 404

state() { pd ticket show 1 --json | jq -r .state; }
events() { pd ticket show 1 --json | jq -r '[.events[] | select(.kind == "kb-answered")] | length'; }
is "ticket 1 is new" "$(state)" new
is "answered link, GET: 200" "$(get "$answered")" 200
check "GET shows the article" grep -q 'extend the frobnicator warranty' "$TEST_TMP/b"
check "GET shows a POST form with the token" \
	sh -c "grep -q '<form method=\"post\" action=\"/kb/frob-warranty/answered\"' '$TEST_TMP/b' && grep -q 'name=\"t\" value=\"$token\"' '$TEST_TMP/b'"
check "GET shows a button" grep -q '<button type="submit">' "$TEST_TMP/b"
is "GET again, HEAD: 200" "$(get -I "$answered")" 200
is "GET changed nothing: still new" "$(state)" new
is "GET changed nothing: no kb-answered event" "$(events)" 0
is "POST with a forged token: 404" "$(get -X POST --data-urlencode "t=$forged" "$URL/kb/frob-warranty/answered")" 404
is "POST without a token: 404" "$(get -X POST -d 'x=1' "$URL/kb/frob-warranty/answered")" 404
is "still new" "$(state)" new
is "POST: 200" "$(get --data-urlencode "t=$token" "$URL/kb/frob-warranty/answered")" 200
check "POST: thanks, resolved" grep -q 'is now resolved' "$TEST_TMP/b"
is "POST resolved the ticket" "$(state)" resolved
is "one kb-answered event" "$(events)" 1
check "the state event says why" sh -c "\"$POSTDESK\" ticket show 1 --json | jq -e '.events[] | select(.kind == \"state\" and (.detail | test(\"new -> resolved .answered by the knowledge base: frob-warranty\")))' >/dev/null"
is "POST again: 200" "$(get --data-urlencode "t=$token" "$URL/kb/frob-warranty/answered")" 200
check "POST again: already resolved, nothing changed" grep -q 'already resolved' "$TEST_TMP/b"
is "still one kb-answered event" "$(events)" 1
is "Bob's ticket untouched" "$(pd ticket show 2 --json | jq -r .state)" new
is "DELETE: 405" "$(get -X DELETE "$URL/kb/")" 405
is "POST to an article page: 405" "$(get -d 't=1' "$link")" 405

is "XSS article: 200" "$(get "$URL/kb/xss-test")" 200
check "XSS: no script element" sh -c "! grep -qi '<script' '$TEST_TMP/b'"
check "XSS: no event handler attribute" sh -c "! grep -qiE '<[^>]* on[a-z]+=' '$TEST_TMP/b'"
check "XSS: no javascript: link" sh -c "! grep -qi 'href=\"javascript:' '$TEST_TMP/b'"
check "XSS: the markup shown as text" grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$TEST_TMP/b"
check "XSS: the title escaped" grep -q '<h1>&lt;script&gt;alert(4)&lt;/script&gt; title</h1>' "$TEST_TMP/b"
check "XSS: the https link kept" grep -q 'href="https://example.com/"' "$TEST_TMP/b"
is "topics with markup: 200" "$(get "$URL/kb/topics")" 200
check "topics: the topic name escaped" grep -q '<h2>&lt;b&gt;topic&lt;/b&gt;</h2>' "$TEST_TMP/b"

is "style.css: 200" "$(get "$URL/kb/style.css")" 200
is "style.css: CSS" "$(hdr Content-Type)" "text/css; charset=utf-8"
check "kb style color_link" pd kb style color_link '#aa0000'
check "kb style site_title" pd kb style site_title 'Frob <Help> & Co'
pd kb style color_link 'red;} body{display:none' 2>/dev/null
is "kb style: a value that leaves CSS is refused (64)" "$?" 64
pd kb style no_such_key x 2>/dev/null
is "kb style: an unknown key is refused (64)" "$?" 64
is "kb style: list" "$(pd kb style --json | jq -r .color_link)" '#aa0000'
get "$URL/kb/style.css" >/dev/null
check "style.css: the colour from the database" grep -q -- '--link: #aa0000' "$TEST_TMP/b"
get "$URL/kb/" >/dev/null
check "site title escaped in the page" grep -q 'Frob &lt;Help&gt; &amp; Co' "$TEST_TMP/b"
check "kb style --unset" pd kb style --unset color_link
get "$URL/kb/style.css" >/dev/null
check "style.css: back to the default" grep -q -- '--link: #0b4f9c' "$TEST_TMP/b"

serve_stop
is "serve exits 0" "$SERVE_RC" 0
finish
