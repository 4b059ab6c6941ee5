#!/bin/bash
# The agents' notification of a customer's mail lists the knowledge-base articles that may
# answer it, each with the `#kb ID` that sends it; a mail nothing answers lists none.
. "$(dirname "$0")/lib.sh"

DATA="$POSTDESK_SRCDIR/tests/data/kb"
start_capture
pd_setup
check "agent add" pd agent add alice@example.com --name "Alice Agent" --queues support
check "import the FAQ articles" pd kb import "$DATA/articles"
id=$(pd kb show zlib-thread-safety --json | json .id)
check "the article has an id" test -n "$id"
# notification FILE-OF-CUSTOMER-MAIL: deliver it, send, print the path of the agent's mail
notification() {
	local before
	before=$(captured_count)
	deliver "$1" --recipient support@example.com >/dev/null
	pd send >/dev/null
	grep -l '"alice@example.com"' $(ls "$CAPTURE_DIR"/*.json | tail -n +$((before + 1))) | sed 's/\.json$/.eml/'
}
n1=$(notification "$DATA/mails/003.eml")
check "a notification to the agent" test -f "$n1"
sed 's/^/# /' "$n1" | sed -n '/^# $/,$p' | head -30
check "it introduces the articles" grep -q 'Knowledge-base articles that may answer it (send one with #kb ID):' "$n1"
check "it lists the best one with its #kb ID" \
	grep -Eq "^  #kb $id  Is zlib thread-safe\? \(zlib-thread-safety, match [0-9]{1,3}%\)\$" "$n1"
n=$(grep -c '^  #kb [0-9]' "$n1")
check "1 to 3 articles (got $n)" test "$n" -ge 1 -a "$n" -le 3
check "the commands are still explained" grep -q '#kb ARTICLE' "$n1"
n2=$(notification "$DATA/mails/055.eml")
check "an unrelated mail: a notification" test -f "$n2"
check "an unrelated mail: no article listed" sh -c "! grep -q -e 'may answer it' -e '^  #kb [0-9]' '$n2'"
finish
