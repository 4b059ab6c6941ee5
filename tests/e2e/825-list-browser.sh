#!/bin/bash
# A real browser on a subscriber's pages (issue 12): headless Chromium (chromium,
# chromium-driver, python3-selenium) with JavaScript off, on the preference page (labelled
# checkboxes, save) and the unsubscribe page (the button). tests/lib/list-browser.py drives
# it and prints one line per step; the store must then agree.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"

HTTP_PORT=$(free_port)
serve_setup "http = 127.0.0.1:$HTTP_PORT"
check "a list with topics" pd list create news --address news@example.com --title "Example News" \
	--topics releases,security,events
check "bob is subscribed" pd list subscribe news bob@y.org --name Bob
prefs=$(pd list links news bob@y.org --json | jq -r .prefs)
unsub=$(pd list links news bob@y.org --json | jq -r .unsubscribe)
serve_start
wait_for 30 port_open "$HTTP_PORT" || bail "no HTTP listener"

"$PY" "$POSTDESK_SRCDIR/tests/lib/list-browser.py" "$prefs" "$unsub" "$TEST_TMP/chromium-profile" \
	>"$TEST_TMP/browser.out" 2>>"$LOG"
rc=$?
while IFS= read -r line; do
	case "$line" in
	"ok "*) ok "browser: ${line#ok }" ;;
	"not ok "*) not_ok "browser: ${line#not ok }" ;;
	esac
done <"$TEST_TMP/browser.out"
is "the browser run ends well" "$rc" 0
check "the browser ran every step" test "$(grep -c '^ok ' "$TEST_TMP/browser.out")" -ge 17
is "the topics saved by the browser" "$(pd list members news --json | jq -r '.[0].topics')" releases,security
is "bob is unsubscribed" "$(pd list members news --json | jq -r '.[0].status')" unsubscribed
is "the ledger: subscribe, change, unsubscribe (web, from the page)" \
	"$(pd list ledger news bob@y.org --json | jq -c '[.[] | [.action, .via, .detail]]')" \
	'[["subscribe","admin",null],["change","web","topics: releases,security; locale: (list'"'"'s)"],["unsubscribe","web","page"]]'
serve_stop
is "serve exits 0" "$SERVE_RC" 0
finish
