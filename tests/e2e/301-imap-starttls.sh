#!/bin/bash
# imap:// to a server that offers STARTTLS: the fetcher upgrades the connection before it
# logs in, and checks the certificate against ca_file (a private CA, no tls_insecure);
# a certificate from another CA is refused before the password is sent; imaps:// with
# ca_file; a ca_file that cannot be read is said so.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-imap.sh"

[ -x /usr/sbin/dovecot ] || bail "dovecot-imapd is not installed"

DOVE_USERS="upgrade wrongca tlsca noca"
start_dovecot
# another CA, which did not sign Dovecot's certificate
mkdir -p "$TEST_TMP/other"
make_test_ca "$TEST_TMP/other" || bail "openssl could not make a certificate"
printf 'secret\n' >"$TEST_TMP/imap.pass"
account() { # NAME URL [MORE LINES]
	printf '[imap %s]\nuser = %s\nurl = %s\npassword_file = %s\n' \
		"$1" "$1" "$2" "$TEST_TMP/imap.pass"
	shift 2
	[ $# -gt 0 ] && printf '%s\n' "$@"
	echo
}
pd_setup \
	"$(account upgrade "imap://127.0.0.1:$DOVE_PORT/INBOX" "ca_file = $DOVE_DIR/ca.pem")" \
	"$(account wrongca "imap://127.0.0.1:$DOVE_PORT/INBOX" "ca_file = $TEST_TMP/other/ca.pem")" \
	"$(account tlsca "imaps://127.0.0.1:$DOVE_TLS_PORT/INBOX" "ca_file = $DOVE_DIR/ca.pem")" \
	"$(account noca "imap://127.0.0.1:$DOVE_PORT/INBOX" "ca_file = $TEST_TMP/missing.pem")"

M="$TEST_TMP/mails"
for u in upgrade wrongca tlsca noca; do
	make_mails "$M" 1 "$u"
	imap_append "$u" "$M/$u-1.eml"
done

# the test's own logins (imap_append) so far; any later one for wrongca/noca is the fetcher's
logins() { grep -c "Login: user=<$1>" "$DOVE_DIR/dovecot.log"; }
wrongca_logins=$(logins wrongca)
noca_logins=$(logins noca)

SERVE_LOG="$TEST_TMP/serve.log"
"$POSTDESK" serve >>"$SERVE_LOG" 2>&1 &
SERVE_PID=$!
pd_track "$SERVE_PID"
count_is() { [ "$(intake_count "$1")" = "$2" ]; }

check "imap:// with STARTTLS offered and ca_file: fetched" wait_for 30 count_is upgrade 1
check "the fetcher says it used STARTTLS" grep -q "imap upgrade: connected to 127.0.0.1:$DOVE_PORT (STARTTLS)" "$SERVE_LOG"
check "Dovecot saw the login inside TLS" grep -q "Login: user=<upgrade>, .*, TLS," "$DOVE_DIR/dovecot.log"
check "imaps:// with ca_file: fetched" wait_for 30 count_is tlsca 1

check "a certificate from another CA is refused" \
	wait_for 30 grep -q "imap wrongca: TLS: certificate of 127.0.0.1 not trusted" "$SERVE_LOG"
check "and retried with backoff" wait_for 10 grep -q "imap wrongca: .*reconnecting in 2 s" "$SERVE_LOG"
is "nothing was fetched over the untrusted connection" "$(intake_count wrongca)" 0
is "the password was not sent to the untrusted server" "$(logins wrongca)" "$wrongca_logins"

check "an unreadable ca_file is said so" \
	wait_for 30 grep -q "imap noca: .*ca_file $TEST_TMP/missing.pem" "$SERVE_LOG"
is "nothing fetched without a usable ca_file" "$(intake_count noca)" 0
is "no login without a usable ca_file" "$(logins noca)" "$noca_logins"

kill "$SERVE_PID"
wait "$SERVE_PID" 2>/dev/null
is "serve exits 0 on SIGTERM" "$?" 0
finish
