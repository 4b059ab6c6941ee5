#!/bin/bash
# Mail that arrives while the fetcher works through a batch is announced by the server in the
# responses to the fetcher's own commands (EXISTS with a MOVE), not again once IDLE starts:
# the fetcher must list again before it idles, or the mail waits until IDLE is renewed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-imap.sh"

[ -x /usr/sbin/dovecot ] || bail "dovecot-imapd is not installed"

start_dovecot
printf 'secret\n' >"$TEST_TMP/imap.pass"
pd_setup "[imap race]" "url = imap://127.0.0.1:$DOVE_PORT/INBOX" "user = support" \
	"password_file = $TEST_TMP/imap.pass" "ca_file = $DOVE_DIR/ca.pem" "after = move:Done" \
	"idle_timeout = 600"

M="$TEST_TMP/mails"
make_mails "$M" 40 batch
make_mails "$M" 3 late
for i in $(seq 1 40); do imap_append support "$M/batch-$i.eml"; done

SERVE_LOG="$TEST_TMP/serve.log"
"$POSTDESK" serve >>"$SERVE_LOG" 2>&1 &
SERVE_PID=$!
pd_track "$SERVE_PID"
at_least() { [ "$(intake_count race)" -ge "$1" ]; }
count_is() { [ "$(intake_count race)" = "$1" ]; }

# while the batch is being taken in, more mail arrives
wait_for 30 at_least 3 || bail "the fetcher did not start"
for i in 1 2 3; do imap_append support "$M/late-$i.eml"; done
echo "# $(intake_count race) of 40 taken in when the late mail had arrived"
check "mail that arrived during a batch is fetched without waiting for IDLE renewal" \
	wait_for 20 count_is 43
is "everything moved to Done" "$(imap_count support Done) $(imap_count support)" "43 0"

kill "$SERVE_PID"
wait "$SERVE_PID" 2>/dev/null
is "serve exits 0 on SIGTERM" "$?" 0
finish
