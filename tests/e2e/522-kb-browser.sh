#!/bin/bash
# A real browser on the knowledge base: headless Chromium (chromium, chromium-driver,
# python3-selenium) searches, opens an article, follows the customer-level link from an
# acknowledgement, and presses "This answered my question"; the ticket is then resolved.
# tests/lib/kb-browser.py drives it and prints one line per step.
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
mail "$TEST_TMP/ann.eml" 'Ann <ann@customer.example>' support@example.com "frobnicator warranty" <<'EOF2'
Hello,

can I extend the warranty of my frobnicator?

Ann
EOF2
is "the question" "$(deliver "$TEST_TMP/ann.eml" --recipient support@example.com)" 0
check "send the ack" pd send
link=$("$PY" -c 'import email,sys; m=email.message_from_binary_file(open(sys.argv[1],"rb")); print(m.get_payload(decode=True).decode())' "$CAPTURE_DIR/0001.eml" |
	grep -o "$URL/kb/frob-warranty?t=[^ ]*" | head -1)
check "the ack carries the customer link" test -n "$link"
serve_start
wait_for 30 port_open "$HTTP_PORT" || bail "no HTTP listener"

"$PY" "$POSTDESK_SRCDIR/tests/lib/kb-browser.py" "$URL" "$link" "$TEST_TMP/chromium-profile" \
	>"$TEST_TMP/browser.out" 2>>"$LOG"
rc=$?
while IFS= read -r line; do
	case "$line" in
	"ok "*) ok "browser: ${line#ok }" ;;
	"not ok "*) not_ok "browser: ${line#not ok }" ;;
	esac
done <"$TEST_TMP/browser.out"
is "the browser run ends well" "$rc" 0
check "the browser ran every step" test "$(grep -c '^ok ' "$TEST_TMP/browser.out")" -ge 13
is "the ticket is resolved" "$(pd ticket show 1 --json | jq -r .state)" resolved
serve_stop
is "serve exits 0" "$SERVE_RC" 0
finish
