#!/bin/bash
# The knowledge-base address ([kb] address = kb@example.com, queue = sales): a question mailed
# there gets the best articles back (titles, links, snippets) from the kb address, as automatic
# mail threaded to the question, with no ticket; a question no article answers becomes a ticket
# in the [kb] queue with its acknowledgement; an autoreply, a mail from the null sender and our
# own answer coming back get nothing; answers to one address are rate-limited; the answers
# and the unanswered question are counted for `kb report`.
. "$(dirname "$0")/lib.sh"

DATA="$POSTDESK_SRCDIR/tests/data/kb"
HTTP_PORT=$(free_port)
start_capture
pd_setup '[serve]' "http = 127.0.0.1:$HTTP_PORT" '[kb]' 'address = kb@example.com' 'queue = sales'
check "import the FAQ articles" pd kb import "$DATA/articles"
body() { "$PY" -c 'import email,sys; m=email.message_from_binary_file(open(sys.argv[1],"rb")); print(m.get_payload(decode=True).decode())' "$1"; }
tickets() { pd ticket list --json | json length; }
outbox() { pd outbox list --json | json length; }

# an answerable question (the thread-safety mail of the test set), sent to the kb address
sed 's/^To: .*/To: kb@example.com/' "$DATA/mails/003.eml" >"$TEST_TMP/q1.eml"
is "answerable: deliver exits 0" "$(deliver "$TEST_TMP/q1.eml" --recipient kb@example.com)" 0
is "answerable: no ticket" "$(tickets)" 0
check "send" pd send
is "answerable: one mail out" "$(captured_count)" 1
a="$CAPTURE_DIR/0001.eml"
body "$a" >"$TEST_TMP/a1.txt"
sed 's/^/# /' "$TEST_TMP/a1.txt"
is "answer: to the asker" "$(json '.rcpt_tos[0]' <"$CAPTURE_DIR/0001.json")" customer3@example.net
is "answer: from the kb address" "$(header From "$a")" kb@example.com
is "answer: replies go to the [kb] queue" "$(header Reply-To "$a")" sales@example.com
is "answer: Re: the question's subject" "$(header Subject "$a")" "Re: crashes with threads??"
is "answer: threaded to the question" "$(header In-Reply-To "$a")" "<kb-test-3@example.net>"
is "answer: automatic mail" "$(header Auto-Submitted "$a")" auto-replied
is "answer: X-Loop is the kb address" "$(header X-Loop "$a")" kb@example.com
check "answer: the article's title" grep -qx '  Is zlib thread-safe?' "$TEST_TMP/a1.txt"
check "answer: its link" grep -qx "  http://127.0.0.1:$HTTP_PORT/kb/zlib-thread-safety" "$TEST_TMP/a1.txt"
check "answer: a short snippet of it" grep -Eq '^  Yes\. However any library routines .{20,200}$' "$TEST_TMP/a1.txt"
n=$(grep -c "^  http://127.0.0.1:$HTTP_PORT/kb/" "$TEST_TMP/a1.txt")
check "answer: 1 to 3 articles (got $n)" test "$n" -ge 1 -a "$n" -le 3

# a question nothing answers: a ticket in the [kb] queue, acknowledged from there
sed 's/^To: .*/To: kb@example.com/' "$DATA/mails/055.eml" >"$TEST_TMP/q2.eml"
is "unanswerable: deliver exits 0" "$(deliver "$TEST_TMP/q2.eml" --recipient kb@example.com)" 0
is "unanswerable: a ticket" "$(tickets)" 1
is "unanswerable: in the [kb] queue" "$(pd ticket show 1 --json | json .queue)" sales
check "send" pd send
is "unanswerable: the acknowledgement" "$(captured_count)" 2
is "unanswerable: acknowledged from the queue" "$(header From "$CAPTURE_DIR/0002.eml")" sales@example.com
check "unanswerable: no article in it" sh -c "! grep -q '/kb/' '$CAPTURE_DIR/0002.eml'"

# automatic mail to the kb address gets nothing, however well it matches
sed -e 's/^To: .*/To: kb@example.com/' -e 's/^Message-ID: .*/Message-ID: <auto-1@example.net>/' \
	-e 's/^Subject: .*/Subject: Automatic reply: crashes with threads??\nAuto-Submitted: auto-replied/' \
	"$DATA/mails/003.eml" >"$TEST_TMP/auto.eml"
is "autoreply: deliver exits 0" "$(deliver "$TEST_TMP/auto.eml" --recipient kb@example.com)" 0
is "autoreply: no ticket" "$(tickets)" 1
is "autoreply: nothing queued" "$(outbox)" 2
is "autoreply: stored as automatic mail" \
	"$(sqlite3 "$POSTDESK_HOME/postdesk.db" "SELECT class IN ('autoreply', 'vacation') FROM messages WHERE message_id = 'auto-1@example.net'")" 1
sed -e 's/^To: .*/To: kb@example.com/' -e 's/^Message-ID: .*/Message-ID: <null-1@example.net>/' \
	"$DATA/mails/003.eml" >"$TEST_TMP/null.eml"
is "null sender: deliver exits 0" "$(deliver "$TEST_TMP/null.eml" --recipient kb@example.com --sender '<>')" 0
is "null sender: nothing queued" "$(outbox)" 2
is "null sender: no ticket" "$(tickets)" 1
# our own answer delivered back to the kb address is a loop
is "own answer back: deliver exits 0" "$(deliver "$a" --recipient kb@example.com)" 0
is "own answer back: nothing queued" "$(outbox)" 2
is "own answer back: a loop" \
	"$(sqlite3 "$POSTDESK_HOME/postdesk.db" "SELECT class FROM messages WHERE direction = 'in' ORDER BY id DESC LIMIT 1")" loop

# the rate limit of automatic answers ([autoreply] per_hour = 3): the asker of q1 had one
for i in 2 3 4; do
	sed -e 's/^To: .*/To: kb@example.com/' -e "s/^Message-ID: .*/Message-ID: <again-$i@example.net>/" \
		"$DATA/mails/003.eml" >"$TEST_TMP/again$i.eml"
	deliver "$TEST_TMP/again$i.eml" --recipient kb@example.com >/dev/null
done
is "rate limit: two more answers, then none" "$(outbox)" 4
is "rate limit: no ticket for the refused one" "$(tickets)" 1
check "rate limit: logged" grep -q 'kb answer not sent: acknowledgement refused: 3 automatic mails' "$LOG"

# counted for the report: three answers mailed, one question nothing answered
r=$(pd kb report --format json)
is "report: the article mailed three times" \
	"$(echo "$r" | jq -c '.articles[] | select(.slug == "zlib-thread-safety") | [.mailed, .suggested, .requests]')" "[3,0,3]"
is "report: one question nothing answered" "$(echo "$r" | json .unanswered.questions)" 1
is "report: kept as its words, not the mail" \
	"$(sqlite3 "$POSTDESK_HOME/postdesk.db" "SELECT how, ticket_id IS NULL, words FROM kb_misses")" \
	"mailed|1|wrong vat number invoice order company send corrected"
check "report: no greeting or signature kept" \
	sh -c "! sqlite3 '$POSTDESK_HOME/postdesk.db' 'SELECT question FROM kb_misses' | grep -q -e Hello -e Monika"

# a config error: the kb address must be an address, its queue must exist
cp "$POSTDESK_HOME/postdesk.conf" "$TEST_TMP/good.conf"
sed -i 's/^queue = sales$/queue = nosuch/' "$POSTDESK_HOME/postdesk.conf"
"$POSTDESK" ticket list >/dev/null 2>"$TEST_TMP/err"
is "unknown [kb] queue: exit 78" "$?" 78
check "the error names the key" grep -q '\[kb\] queue: no \[queue nosuch\]' "$TEST_TMP/err"
cp "$TEST_TMP/good.conf" "$POSTDESK_HOME/postdesk.conf"
finish
