#!/bin/bash
# A confirmation link (or `confirm TOKEN`) confirms the request it was sent for, not every
# later one: bob subscribes and confirms, leaves, then someone asks again in his name (a
# forged From); the old link, kept by whoever saw it, must not make him a subscriber again.
# Only the links of requests made since his last status change confirm. GET still changes
# nothing, and two requests in one pending period both have working links. (And RFC 8058's
# one-click POST as multipart/form-data is recorded as one-click.)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"

HTTP_PORT=$(free_port)
serve_setup "http = 127.0.0.1:$HTTP_PORT"
URL="http://127.0.0.1:$HTTP_PORT"
check "a list" pd list create news --address news@example.com
status_of() { pd list members news --json | jq -r --arg a "$1" '.[] | select(.address==$a) | .status'; }
actions() { pd list ledger news "$1" --json | jq -r '[.[] | .action + "/" + .via] | join(" ")'; }
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
# the confirm link in the newest queued mail that has one
last_confirm() {
	local id
	for id in $(pd outbox list --json | jq -r '.[].id' | sort -rn); do
		pd outbox show "$id" | grep -o "$URL/list/confirm/[^ ]*" | tr -d '\r' | head -1 | grep . && return
	done
}
T0=$(date -u -d 2026-12-01T10:00:00Z +%s)
n=0
ask() { # FROM SUBJECT: a mail to news-request, an hour after the last (no rate limit met)
	n=$((n + 1))
	mail "$TEST_TMP/m$n.eml" "$1" news-request@example.com "$2" <<<""
	POSTDESK_NOW=$((T0 + n * 3600)) deliver "$TEST_TMP/m$n.eml" --recipient news-request@example.com
}

is "bob asks" "$(ask 'Bob <bob@y.org>' subscribe)" 0
confirm1=$(last_confirm)
check "a confirmation link" test -n "$confirm1"
ask 'Bob <bob@y.org>' "Re: confirm ${confirm1##*/}" >/dev/null
is "bob confirms by mail" "$(status_of bob@y.org)" active
ask 'Bob <bob@y.org>' unsubscribe >/dev/null
is "bob leaves" "$(status_of bob@y.org)" unsubscribed
# a request in his name, from someone else
ask 'Bob <bob@y.org>' subscribe >/dev/null
is "a new request: pending" "$(status_of bob@y.org)" pending
confirm2=$(last_confirm)
check "the new confirmation has its own link" test -n "$confirm2" -a "$confirm2" != "$confirm1"
# the old token by mail
ask 'Bob <bob@y.org>' "confirm ${confirm1##*/}" >/dev/null
is "the first request's token does not confirm the second by mail" "$(status_of bob@y.org)" pending

serve_start
wait_for 30 port_open "$HTTP_PORT" || bail "no HTTP listener"
page=$(curl -s "$confirm1")
check "the old link's page offers no button" test -z "$(grep -o '<form method="post"' <<<"$page")"
code -X POST "$confirm1" >/dev/null
is "nor by a POST on the web" "$(status_of bob@y.org)" pending
is "the ledger has no confirm for it" "$(actions bob@y.org)" \
	"request/mail confirm/mail unsubscribe/mail request/mail"
page=$(curl -s "$confirm2")
check "the new link's page has the button" grep -q '<form method="post" action="/list/confirm/' <<<"$page"
is "POST of the new link: 200" "$(code -X POST "$confirm2")" 200
is "the new link confirms" "$(status_of bob@y.org)" active
is "ledger" "$(actions bob@y.org)" "request/mail confirm/mail unsubscribe/mail request/mail confirm/web"
is "list links gives no confirm link once confirmed" "$(pd list links news bob@y.org --json | jq -r .confirm)" null

# carol asks twice before confirming: both links are good (one pending period)
ask 'Carol <carol@y.org>' subscribe >/dev/null
c1=$(last_confirm)
ask 'Carol <carol@y.org>' subscribe >/dev/null
c2=$(last_confirm)
check "two requests, two links" test -n "$c1" -a -n "$c2" -a "$c1" != "$c2"
is "list links gives the newest" "$(pd list links news carol@y.org --json | jq -r .confirm)" "$c2"
is "the first link of the pending period confirms" "$(code -X POST "$c1"; echo; status_of carol@y.org)" "200
active"
# kinds: a confirm token is no manage token and the reverse (still 404)
prefs=$(pd list links news carol@y.org --json | jq -r .prefs)
is "a manage token on the confirm page: 404" "$(code "$URL/list/confirm/${prefs##*/}")" 404
is "a confirm token on the unsubscribe page: 404" "$(code -X POST "$URL/list/unsubscribe/${c1##*/}")" 404
is "carol is still active" "$(status_of carol@y.org)" active
# RFC 8058 allows the one-click POST as multipart/form-data: it unsubscribes, and the ledger
# says one-click
unsub=$(pd list links news carol@y.org --json | jq -r .unsubscribe)
is "a multipart one-click POST: 200" "$(code -F List-Unsubscribe=One-Click "$unsub")" 200
is "carol has left, one-click" "$(status_of carol@y.org)/$(pd list ledger news carol@y.org --json | jq -r '.[-1].detail')" "unsubscribed/one-click"
finish
