#!/bin/bash
# A subscriber's web pages (issue 12), with curl against serve's HTTP listener: double opt-in
# by web (a GET of the confirm link changes nothing, the POST confirms, with "web" and the
# client's address as evidence), the preference page (topics from the list's, saved by POST
# as consent "change"), the unsubscribe page (GET shows a button; RFC 8058's one-click POST
# unsubscribes with 200, no page needed), forged and deleted-list tokens as 404, escaping,
# lang and labels, the no-script CSP, and HEAD never changing anything.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"

HTTP_PORT=$(free_port)
serve_setup "http = 127.0.0.1:$HTTP_PORT"
URL="http://127.0.0.1:$HTTP_PORT"
check "a list whose title needs escaping" pd list create news --address news@example.com \
	--title 'News <script>alert(1)</script> & more' --topics releases,security,events
status_of() { pd list members news --json | jq -r --arg a "$1" '.[] | select(.address==$a) | .status'; }
ledger_n() { pd list ledger news "$1" --json | jq length; }
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }

mail "$TEST_TMP/sub.eml" 'Bob <bob@y.org>' news-request@example.com "subscribe" <<<""
is "the request is taken" "$(deliver "$TEST_TMP/sub.eml" --recipient news-request@example.com)" 0
is "bob is pending" "$(status_of bob@y.org)" pending
confirm=$(pd outbox show 1 | grep -o "$URL/list/confirm/[^ ]*" | tr -d '\r' | head -1)
check "the confirmation carries the confirm link (public_url from [serve] http)" test -n "$confirm"
serve_start
wait_for 30 port_open "$HTTP_PORT" || bail "no HTTP listener"

# --- GET changes nothing; POST confirms ---
page=$(curl -s "$confirm")
is "GET confirm: 200" "$(code "$confirm")" 200
check "the page has a confirm button in a POST form" grep -q '<form method="post" action="/list/confirm/' <<<"$page"
check "the page shows no address" test -z "$(grep -o 'bob@y.org' <<<"$page")"
check "the title is escaped" grep -q 'News &lt;script&gt;alert(1)&lt;/script&gt; &amp; more' <<<"$page"
check "no script tag anywhere" test -z "$(grep -i '<script' <<<"$page")"
check "html lang" grep -q '<html lang="en">' <<<"$page"
csp=$(curl -s -D - -o /dev/null "$confirm" | tr -d '\r' | grep -i '^Content-Security-Policy:')
check "the CSP allows no script" grep -q "default-src 'none'" <<<"$csp"
code -I "$confirm" >/dev/null
is "GET and HEAD change nothing" "$(status_of bob@y.org)/$(ledger_n bob@y.org)" pending/1
is "POST confirm: 200" "$(code -X POST "$confirm")" 200
is "bob is active" "$(status_of bob@y.org)" active
is "the ledger: confirm via web, evidence the client's address" \
	"$(pd list ledger news bob@y.org --json | jq -c '.[-1] | [.action, .via, .evidence]')" '["confirm","web","web 127.0.0.1"]'
is "a second POST changes nothing" "$(code -X POST "$confirm"; echo; ledger_n bob@y.org)" "200
2"

# --- tokens that are not good: the same 404 as a missing page ---
tok=${confirm##*/}
is "a forged signature: 404" "$(code "$URL/list/confirm/${tok%-*}-000000000000")" 404
is "a forged POST: 404" "$(code -X POST "$URL/list/confirm/${tok%-*}-000000000000")" 404
is "a confirm token on the prefs page: 404" "$(code "$URL/list/prefs/$tok")" 404
is "garbage: 404" "$(code "$URL/list/prefs/xyz")" 404
is "an unknown page: 404" "$(code "$URL/list/other/$tok")" 404
is "no token: 404" "$(code "$URL/list/prefs/")" 404

# --- preferences ---
prefs=$(pd list links news bob@y.org --json | jq -r .prefs)
unsub=$(pd list links news bob@y.org --json | jq -r .unsubscribe)
page=$(curl -s "$prefs")
is "three topic checkboxes, all ticked (no choice yet = everything)" \
	"$(grep -c 'type="checkbox" id="topic-[0-9]" name="topic" value="[a-z]*" checked' <<<"$page")" 3
is "each checkbox has its label" "$(grep -c '<label for="topic-[0-9]">' <<<"$page")" 3
check "the language select has its label" grep -q '<label for="locale">' <<<"$page"
is "GET prefs changes nothing" "$(ledger_n bob@y.org)" 2
is "POST prefs: 200" "$(code --data 'topic=security&topic=events&locale=en' "$prefs")" 200
is "topics saved" "$(pd list members news --json | jq -r '.[0].topics')" security,events
is "the ledger: change via web" "$(pd list ledger news bob@y.org --json | jq -c '.[-1] | [.action, .via, .detail]')" \
	'["change","web","topics: security,events; locale: (list'"'"'s)"]'
page=$(curl -s "$prefs")
is "the page shows the choice" "$(grep -c ' checked' <<<"$page")" 2
curl -s --data 'topic=nonsense' "$prefs" >/dev/null
is "no valid topic ticked: none (announcements only)" "$(pd list members news --json | jq -r '.[0].topics')" "-"
curl -s --data 'topic=releases&topic=security&topic=events' "$prefs" >/dev/null
is "all ticked: everything, also topics added later" "$(pd list members news --json | jq -r '.[0].topics')" ""
curl -s --data 'locale=../../etc' "$prefs" >/dev/null
is "an unknown language is not stored" "$(pd list members news --json | jq -r '.[0].locale')" null

# --- unsubscribe ---
page=$(curl -s "$unsub")
check "GET unsubscribe shows a button" grep -q '<button type="submit" name="List-Unsubscribe" value="One-Click">' <<<"$page"
is "GET unsubscribe changes nothing" "$(status_of bob@y.org)" active
is "RFC 8058 one-click POST: 200" "$(code -X POST -H 'Content-Type: application/x-www-form-urlencoded' \
	--data 'List-Unsubscribe=One-Click' "$unsub")" 200
is "bob is unsubscribed" "$(status_of bob@y.org)" unsubscribed
is "the ledger: unsubscribe via web, one-click" \
	"$(pd list ledger news bob@y.org --json | jq -c '.[-1] | [.action, .via, .evidence, .detail]')" \
	'["unsubscribe","web","web 127.0.0.1","one-click"]'
is "the old confirm link cannot bring him back" "$(code -X POST "$confirm"; echo " $(status_of bob@y.org)")" "200 unsubscribed"
check "the prefs page now says so" grep -q "You are not subscribed" <(curl -s "$prefs")

# --- a language without texts: the English pages say lang="en", not the subscriber's ---
printf 'address,locale\ncarl@y.org,de\n' >"$TEST_TMP/carl.csv"
check "carl imported with locale de" pd list import news "$TEST_TMP/carl.csv"
check "his page is English and says so" grep -q '<html lang="en">' <(curl -s "$(pd list links news carl@y.org --json | jq -r .prefs)")
mkdir -p "$POSTDESK_HOME/templates/de/web"
sed 's/Leave the list/Die Liste verlassen/' "$POSTDESK_SRCDIR/templates/en/web/list-unsubscribe.html" \
	>"$POSTDESK_HOME/templates/de/web/list-unsubscribe.html"
page=$(curl -s "$(pd list links news carl@y.org --json | jq -r .unsubscribe)")
check "with German texts in the home, lang=de" grep -q '<html lang="de">' <<<"$page"
check "and the German text" grep -q 'Die Liste verlassen' <<<"$page"

# --- a deleted list's links are gone ---
check "ann subscribed" pd list subscribe news ann@y.org
aunsub=$(pd list links news ann@y.org --json | jq -r .unsubscribe)
is "ann's page is there" "$(code "$aunsub")" 200
check "delete the list" pd list delete news
is "after delete: 404" "$(code "$aunsub")" 404
serve_stop
is "serve exits 0" "$SERVE_RC" 0
finish
