#!/bin/bash
# The acknowledgement lists knowledge-base articles that answer the mail (tests/data/kb
# imported): a matching question gets the article's title, its link under [serve] public_url
# (default http:// + [serve] http) and a signed "this answered my question" link; an unrelated
# mail gets none; a customer-level article's link carries a token; drafts and internal
# articles are never listed; no [serve] http nor public_url: no links, no list.
. "$(dirname "$0")/lib.sh"

DATA="$POSTDESK_SRCDIR/tests/data/kb"
HTTP_PORT=$(free_port)
start_capture
pd_setup '[serve]' "http = 127.0.0.1:$HTTP_PORT"
check "import the FAQ articles" pd kb import "$DATA/articles"
check "a customer-level article" pd kb add frob-warranty --title "Frobnicator warranty extension" \
	--body "Customers may extend the frobnicator warranty by two years." --topics frobnicator \
	--visibility customer --status published
check "an internal article" pd kb add frob-internal --title "Frobnicator recall internal notes" \
	--body "Internal: frobnicator recall, do not share the recall list." --visibility internal --status published

# body FILE: the decoded text body of a message
body() { "$PY" -c 'import email,sys; m=email.message_from_binary_file(open(sys.argv[1],"rb")); print(m.get_payload(decode=True).decode())' "$1"; }

is "matching question: deliver" "$(deliver "$DATA/mails/003.eml" --recipient support@example.com)" 0
is "unrelated question: deliver" "$(deliver "$DATA/mails/055.eml" --recipient support@example.com)" 0
mail "$TEST_TMP/frob.eml" 'Ann <Ann@Customer.example>' support@example.com "frobnicator warranty" <<'EOF2'
Hello,

can I extend the warranty of my frobnicator? And is there a recall?

Ann
EOF2
is "customer-level question: deliver" "$(deliver "$TEST_TMP/frob.eml" --recipient support@example.com)" 0
check "send" pd send
is "three acks sent" "$(captured_count)" 3
body "$CAPTURE_DIR/0001.eml" >"$TEST_TMP/ack1.txt"
body "$CAPTURE_DIR/0002.eml" >"$TEST_TMP/ack2.txt"
body "$CAPTURE_DIR/0003.eml" >"$TEST_TMP/ack3.txt"
sed 's/^/# /' "$TEST_TMP/ack1.txt" | head -30

check "matching: the list is introduced" grep -q 'may already answer your question' "$TEST_TMP/ack1.txt"
check "matching: the article's title" grep -q '^  - Is zlib thread-safe?$' "$TEST_TMP/ack1.txt"
check "matching: the public link, no token" \
	grep -qx "    http://127.0.0.1:$HTTP_PORT/kb/zlib-thread-safety" "$TEST_TMP/ack1.txt"
check "matching: a signed answered link (ticket 1, article, expiry, 16 hex digits)" \
	grep -Eq "^    This answered my question: http://127.0.0.1:$HTTP_PORT/kb/zlib-thread-safety/answered\?t=1-[0-9]+-[0-9]+-[0-9a-f]{16}\$" "$TEST_TMP/ack1.txt"
n=$(grep -c '^  - ' "$TEST_TMP/ack1.txt")
check "matching: 1 to 3 articles (got $n)" test "$n" -ge 1 -a "$n" -le 3
check "unrelated: the ack is still sent, names the ticket" grep -q 'ticket #2' "$TEST_TMP/ack2.txt"
check "unrelated: no article" sh -c "! grep -q -e 'knowledge base' -e '/kb/' '$TEST_TMP/ack2.txt'"
check "customer-level: listed with a token bound to the ticket" \
	grep -Eq "^    http://127.0.0.1:$HTTP_PORT/kb/frob-warranty\?t=3-[0-9]+-[0-9]+-[0-9a-f]{16}\$" "$TEST_TMP/ack3.txt"
check "internal: never listed" sh -c "! grep -q frob-internal '$TEST_TMP/ack3.txt'"
check "unpublish the customer-level article" pd kb unpublish frob-warranty
sed 's/^Message-ID: <\(.*\)>/Message-ID: <draft.\1>/' "$TEST_TMP/frob.eml" >"$TEST_TMP/frob2.eml"
is "draft: deliver" "$(deliver "$TEST_TMP/frob2.eml" --recipient support@example.com)" 0
check "send" pd send
body "$CAPTURE_DIR/0004.eml" >"$TEST_TMP/ack-draft.txt"
check "draft: never listed" sh -c "! grep -q frob-warranty '$TEST_TMP/ack-draft.txt'"

# public_url wins over the listener's address, a trailing / is dropped
sed -i "s|^http = .*|&\npublic_url = https://help.example.com/|" "$POSTDESK_HOME/postdesk.conf"
sed 's/kb-test-3@/kb-test-3b@/' "$DATA/mails/003.eml" >"$TEST_TMP/003b.eml"
is "public_url: deliver" "$(deliver "$TEST_TMP/003b.eml" --recipient support@example.com)" 0
check "send" pd send
body "$CAPTURE_DIR/0005.eml" >"$TEST_TMP/ack4.txt"
check "public_url: links start with it" grep -qx "    https://help.example.com/kb/zlib-thread-safety" "$TEST_TMP/ack4.txt"

# neither http nor public_url: no links to give, so no list
sed -i -e '/^http = /d' -e '/^public_url = /d' "$POSTDESK_HOME/postdesk.conf"
sed 's/kb-test-3@/kb-test-3c@/' "$DATA/mails/003.eml" >"$TEST_TMP/003c.eml"
is "no web view: deliver" "$(deliver "$TEST_TMP/003c.eml" --recipient support@example.com)" 0
check "send" pd send
body "$CAPTURE_DIR/0006.eml" >"$TEST_TMP/ack5.txt"
check "no web view: no article listed" sh -c "! grep -q '/kb/' '$TEST_TMP/ack5.txt'"
printf 'public_url = ftp://x\n' >>"$POSTDESK_HOME/postdesk.conf"
"$POSTDESK" ticket list >"$TEST_TMP/bad.out" 2>&1
is "bad public_url: exit 78" "$?" 78
check "bad public_url: the error names the key" grep -q 'public_url' "$TEST_TMP/bad.out"
finish
