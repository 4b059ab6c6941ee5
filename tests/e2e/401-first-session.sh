#!/bin/bash
# README's first session, as written: a home made by a plain `init` (its default listeners),
# `postdesk serve`, then the README's lines (read from README.md): swaks to the SMTP
# listener, `ticket list`, `outbox show 1`. Only the ports are this test's own (free ones
# instead of 2424/2525/8025, so a postdesk already running on this machine does not get in
# the way) and the paths are the build's.
. "$(dirname "$0")/lib.sh"

README="$POSTDESK_SRCDIR/README.md"
# readme_block NAME: the fenced code block after "<!-- first-session: NAME -->"
readme_block() {
	awk -v name="<!-- first-session: $1 -->" '
		$0 == name { want = 1; next }
		want == 1 && /^```/ { want = 2; next }
		want == 2 && /^```/ { exit }
		want == 2 { print }' "$README"
}

SMTP_PORT=$(free_port)
LMTP_PORT=$(free_port)
while [ "$LMTP_PORT" = "$SMTP_PORT" ]; do LMTP_PORT=$(free_port); done
HTTP_PORT=$(free_port)
while [ "$HTTP_PORT" = "$SMTP_PORT" ] || [ "$HTTP_PORT" = "$LMTP_PORT" ]; do HTTP_PORT=$(free_port); done
WORK="$TEST_TMP/clone"
mkdir -p "$WORK/build/src"
ln -s "$POSTDESK" "$WORK/build/src/postdesk"
export POSTDESK_HOME="$WORK/var"

pd init >>"$LOG" || bail "init failed"
check "init turns on the SMTP listener on 127.0.0.1:2525" grep -q '^smtp = 127.0.0.1:2525$' "$POSTDESK_HOME/postdesk.conf"
check "init turns on the LMTP listener on 127.0.0.1:2424" grep -q '^lmtp = 127.0.0.1:2424$' "$POSTDESK_HOME/postdesk.conf"
sed -i -e "s/^smtp = 127.0.0.1:2525\$/smtp = 127.0.0.1:$SMTP_PORT/" \
	-e "s/^lmtp = 127.0.0.1:2424\$/lmtp = 127.0.0.1:$LMTP_PORT/" \
	-e "s/^http = 127.0.0.1:8025\$/http = 127.0.0.1:$HTTP_PORT/" "$POSTDESK_HOME/postdesk.conf"
"$POSTDESK" serve >>"$LOG" 2>&1 &
pd_track $!
check "serve listens for SMTP" wait_for 20 $PY -c "import socket; socket.create_connection(('127.0.0.1', $SMTP_PORT)).close()"

for b in send look; do
	readme_block "$b" | sed "s/127.0.0.1:2525/127.0.0.1:$SMTP_PORT/g" >"$TEST_TMP/$b.sh"
	[ -s "$TEST_TMP/$b.sh" ] || bail "README.md has no block marked <!-- first-session: $b -->"
done
(cd "$WORK" && env -u POSTDESK_HOME bash -e "$TEST_TMP/send.sh" </dev/null >"$TEST_TMP/send.out" 2>&1)
is "README: the swaks line succeeds" "$?" 0
check "the listener answered 250 after DATA" grep -q '<-  250 .*stored' "$TEST_TMP/send.out"
check "the mail becomes a ticket" wait_for 20 sh -c "\"$POSTDESK\" ticket list --json | jq -e 'length == 1'"
(cd "$WORK" && env -u POSTDESK_HOME bash -e -c "export POSTDESK_HOME=\$PWD/var PATH=\$PWD/build/src:\$PATH; . '$TEST_TMP/look.sh'" \
	</dev/null >"$TEST_TMP/look.out" 2>&1)
is "README: ticket list and outbox show succeed" "$?" 0
check "ticket list shows the ticket" grep -q 'The printer is on fire' "$TEST_TMP/look.out"
check "outbox show 1 prints the acknowledgement" grep -q '^Subject: \[SUPPORT #1\] The printer is on fire' "$TEST_TMP/look.out"
check "addressed to the customer" grep -q '^To: ann@customer.example' "$TEST_TMP/look.out"
finish
