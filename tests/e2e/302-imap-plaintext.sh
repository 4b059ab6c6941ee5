#!/bin/bash
# imap:// to a server without TLS: the fetcher refuses to send the password in clear (a log
# line, retries with backoff) unless the account says allow_plaintext = true; starttls = true
# insists on STARTTLS even then.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-imap.sh"

[ -x /usr/sbin/dovecot ] || bail "dovecot-imapd is not installed"

DOVE_SSL=no
DOVE_USERS="clear allowed must"
start_dovecot
printf 'secret\n' >"$TEST_TMP/imap.pass"
account() { # NAME [MORE LINES]
	printf '[imap %s]\nuser = %s\nurl = imap://127.0.0.1:%s/INBOX\npassword_file = %s\n' \
		"$1" "$1" "$DOVE_PORT" "$TEST_TMP/imap.pass"
	shift
	[ $# -gt 0 ] && printf '%s\n' "$@"
	echo
}
pd_setup "$(account clear)" "$(account allowed "allow_plaintext = true")" \
	"$(account must "allow_plaintext = true" "starttls = true")"

M="$TEST_TMP/mails"
for u in clear allowed must; do
	make_mails "$M" 1 "$u"
	imap_append "$u" "$M/$u-1.eml"
done

# the test's own logins (imap_append) so far; any later one is the fetcher's
logins() { grep -c "Login: user=<$1>" "$DOVE_DIR/dovecot.log"; }
clear_logins=$(logins clear)
must_logins=$(logins must)

SERVE_LOG="$TEST_TMP/serve.log"
"$POSTDESK" serve >>"$SERVE_LOG" 2>&1 &
SERVE_PID=$!
pd_track "$SERVE_PID"
count_is() { [ "$(intake_count "$1")" = "$2" ]; }

check "allow_plaintext = true: fetched without TLS" wait_for 30 count_is allowed 1
check "allow_plaintext = true: the clear login is logged" \
	grep -q "imap allowed: .*password in clear" "$SERVE_LOG"
check "no STARTTLS offered: the login is refused with a log line" \
	wait_for 30 grep -q "imap clear: .*no STARTTLS.*not sending the password in clear" "$SERVE_LOG"
check "and retried with backoff" wait_for 10 grep -q "imap clear: .*reconnecting in 2 s" "$SERVE_LOG"
is "nothing fetched in clear without allow_plaintext" "$(intake_count clear)" 0
is "the password was not sent" "$(logins clear)" "$clear_logins"
check "starttls = true: STARTTLS required even with allow_plaintext" \
	wait_for 30 grep -q "imap must: .*STARTTLS" "$SERVE_LOG"
is "starttls = true: nothing fetched" "$(intake_count must)" 0
is "starttls = true: the password was not sent" "$(logins must)" "$must_logins"

kill "$SERVE_PID"
wait "$SERVE_PID" 2>/dev/null
is "serve exits 0 on SIGTERM" "$?" 0
finish
