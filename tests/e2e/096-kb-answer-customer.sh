#!/bin/bash
# A customer-level article and the kb address: the address answers anyone (no ticket, no
# verified sender), and a customer-level article's link must be bound to a ticket's customer.
# Such an article is therefore not offered there (before: a "(null)" token in its link and a
# CRITICAL): with nothing public answering, the question becomes a ticket, whose
# acknowledgement offers the article with a link bound to the ticket.
. "$(dirname "$0")/lib.sh"

DATA="$POSTDESK_SRCDIR/tests/data/kb"
HTTP_PORT=$(free_port)
start_capture
pd_setup '[serve]' "http = 127.0.0.1:$HTTP_PORT" '[kb]' 'address = kb@example.com' 'queue = sales'
check "import the FAQ articles" pd kb import "$DATA/articles"
check "make the thread-safety article customer-level" \
	pd kb edit zlib-thread-safety --visibility customer
body() { "$PY" -c 'import email,sys; m=email.message_from_binary_file(open(sys.argv[1],"rb")); print(m.get_payload(decode=True).decode())' "$1"; }

sed 's/^To: .*/To: kb@example.com/' "$DATA/mails/003.eml" >"$TEST_TMP/q1.eml"
is "deliver exits 0" "$(deliver "$TEST_TMP/q1.eml" --recipient kb@example.com)" 0
check "send" pd send
check "no assertion failed" sh -c "! grep -q 'CRITICAL \\*\\*' '$LOG'"
is "nothing public answers it: a ticket" "$(pd ticket list --json | json length)" 1
n=$(captured_count)
if [ "$n" -ge 1 ]; then
	body "$CAPTURE_DIR/0001.eml" >"$TEST_TMP/a1.txt"
	sed 's/^/# /' "$TEST_TMP/a1.txt"
fi
: >>"$TEST_TMP/a1.txt"
check "no broken link" sh -c "! grep -q '(null)' '$TEST_TMP/a1.txt'"
is "one mail: the acknowledgement, from the queue" "$(header From "$CAPTURE_DIR/0001.eml")" sales@example.com
check "it offers the article with a link bound to ticket 1" \
	grep -Eq "^    http://127.0.0.1:$HTTP_PORT/kb/zlib-thread-safety\?t=1-[0-9]+-[0-9]+-[0-9a-f]{16}\$" "$TEST_TMP/a1.txt"

finish
