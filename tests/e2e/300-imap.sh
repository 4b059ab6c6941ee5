#!/bin/bash
# The IMAP fetcher against a real Dovecot on 127.0.0.1: mail already there is fetched once,
# IDLE picks up new mail (an account that never polls: only IDLE can bring it in), kill -9 and restart neither lose nor repeat, a changed
# UIDVALIDITY and a Dovecot restart are survived, after = seen/move/delete, imaps, STARTTLS
# and a certificate of an unknown CA refused without tls_insecure. imap:// accounts use
# STARTTLS (Dovecot offers it) and trust the test CA with ca_file.
# No check rests on a time margin: each waits for its condition, with room for a loaded
# 2-core machine and the sanitizer build.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-imap.sh"

[ -x /usr/sbin/dovecot ] || bail "dovecot-imapd is not installed"

DOVE_USERS="push"
start_dovecot
printf 'secret\n' >"$TEST_TMP/imap.pass"
account() { # NAME USER URL AFTER [MORE LINES]
	printf '[imap %s]\nuser = %s\nurl = %s\nafter = %s\npassword_file = %s\n' \
		"$1" "$2" "$3" "$4" "$TEST_TMP/imap.pass"
	shift 4
	[ $# -gt 0 ] && printf '%s\n' "$@"
	echo
}
CA="ca_file = $DOVE_DIR/ca.pem"
pd_setup "[limits]" "message_size = 2000" "" \
	"$(account main support "imap://127.0.0.1:$DOVE_PORT/INBOX" seen "idle_timeout = 20" "$CA")" \
	"$(account sales sales "imap://127.0.0.1:$DOVE_PORT/INBOX" move:Processed "$CA")" \
	"$(account tls tls "imaps://127.0.0.1:$DOVE_TLS_PORT/INBOX" delete "tls_insecure = true")" \
	"$(account sttls sttls "imap://127.0.0.1:$DOVE_PORT" seen "starttls = true" "tls_insecure = true")" \
	"$(account strict tls "imaps://127.0.0.1:$DOVE_TLS_PORT/INBOX" seen)" \
	"$(account plain plain "imap://127.0.0.1:$DOVE_PORT/INBOX" move:Done "poll_interval = 1" "$CA")" \
	"$(account push push "imap://127.0.0.1:$DOVE_PORT/INBOX" seen "idle_timeout = 3600" "poll_interval = 3600" "$CA")"

SERVE_LOG="$TEST_TMP/serve.log"
start_serve() {
	"$POSTDESK" serve >>"$SERVE_LOG" 2>&1 &
	SERVE_PID=$!
	pd_track "$SERVE_PID"
}
count_is() { [ "$(intake_count "$1")" = "$2" ]; }
tickets_like() { pd ticket list --json | jq "[.[] | select(.subject | startswith(\"$1\"))] | length"; }

M="$TEST_TMP/mails"
make_mails "$M" 3 pre
make_mails "$M" 2 sales
make_mails "$M" 1 tls
make_mails "$M" 1 sttls
for i in 1 2 3; do imap_append support "$M/pre-$i.eml"; done
imap_append sales "$M/sales-1.eml"
imap_append sales "$M/sales-2.eml"
imap_append tls "$M/tls-1.eml"
imap_append sttls "$M/sttls-1.eml"
make_mails "$M" 2 plain
imap_append plain "$M/plain-1.eml"
make_mails "$M" 2 push
imap_append push "$M/push-1.eml"

start_serve
wait_for 60 count_is main 3
is "mail there before start is fetched" "$(intake_count main)" 3
wait_for 60 sh -c "[ \$(sqlite3 -cmd '.timeout 10000' '$POSTDESK_HOME/postdesk.db' \"SELECT count(*) FROM intake WHERE source = 'imap:main' AND state = 'done'\") = 3 ]"
is "each fetched message made a ticket" "$(tickets_like "Help request pre")" 3
is "after = seen: flagged \\Seen" "$(imap_unseen support)" 0
is "the last UID is remembered" "$(db "SELECT last_uid FROM imap_state WHERE account = 'main'")" 3

wait_for 60 count_is sales 2
is "after = move: both fetched" "$(intake_count sales)" 2
is "after = move: INBOX is empty" "$(imap_count sales)" 0
is "after = move: both in Processed (created)" "$(imap_count sales Processed)" 2

wait_for 60 count_is tls 1
is "imaps (tls_insecure) fetched" "$(intake_count tls)" 1
is "after = delete: expunged" "$(imap_count tls)" 0
wait_for 60 count_is sttls 1
is "STARTTLS (tls_insecure) fetched" "$(intake_count sttls)" 1
check "a certificate of an unknown CA is refused without tls_insecure or ca_file" \
	wait_for 60 grep -q "imap strict: TLS: certificate of 127.0.0.1 not trusted" "$SERVE_LOG"
is "nothing was fetched through the untrusted connection" "$(intake_count strict)" 0

# a server without IDLE, MOVE and UIDPLUS: polling, and COPY + \Deleted + EXPUNGE
wait_for 60 count_is plain 1
is "no IDLE: mail there before start is fetched" "$(intake_count plain)" 1
check "no IDLE: the fetcher says it polls" grep -q "imap plain: connected .* polling" "$SERVE_LOG"
imap_append plain "$M/plain-2.eml"
check "no IDLE: new mail is found by polling (poll_interval = 1)" wait_for 60 count_is plain 2
is "no MOVE: copied to Done and expunged from INBOX" "$(imap_count plain Done) $(imap_count plain)" "2 0"

# IDLE: the session is idling once the first round is through. [imap push] re-issues IDLE
# (and looks for new mail) only every hour and never polls, so mail appended once its first
# round is through (flagged \Seen) comes in within the test only if IDLE brings it. The
# time is reported, not judged: a loaded machine may take seconds.
check "[imap push]: the first round is through" wait_for 60 sh -c "[ \$(sqlite3 -cmd '.timeout 10000' '$POSTDESK_HOME/postdesk.db' \"SELECT count(*) FROM intake WHERE source = 'imap:push'\") = 1 ]"
unseen_is() { [ "$(imap_unseen "$1")" = "$2" ]; }
check "[imap push]: the first round's mail is flagged \Seen" wait_for 60 unseen_is push 0
sleep 1 # the fetcher goes from its first round to IDLE (mail appended before is reported by IDLE too)
t0=$(date +%s%N)
imap_append push "$M/push-2.eml"
check "IDLE: new mail is taken in without polling" wait_for 120 count_is push 2
t1=$(date +%s%N)
echo "# IDLE pickup took $(((t1 - t0) / 1000000)) ms"
make_mails "$M" 1 idle
imap_append support "$M/idle-1.eml"
check "new mail for [imap main] is taken in" wait_for 60 count_is main 4

# kill -9 while a batch is being fetched, then restart: nothing lost, nothing twice
make_mails "$M" 6 crash
for i in 1 2 3 4 5 6; do imap_append support "$M/crash-$i.eml"; done
wait_for 60 sh -c "[ \$(sqlite3 -cmd '.timeout 10000' '$POSTDESK_HOME/postdesk.db' \"SELECT count(*) FROM intake WHERE source = 'imap:main'\") -ge 5 ]"
kill -9 "$SERVE_PID"
wait "$SERVE_PID" 2>/dev/null
echo "# killed with $(intake_count main) of 10 in intake"
make_mails "$M" 2 down
imap_append support "$M/down-1.eml"
imap_append support "$M/down-2.eml"
start_serve
wait_for 60 count_is main 12
is "after kill -9 and restart every message is in intake once" "$(intake_count main)" 12
wait_for 60 sh -c "[ \$(sqlite3 -cmd '.timeout 10000' '$POSTDESK_HOME/postdesk.db' \"SELECT count(*) FROM intake WHERE state = 'pending'\") = 0 ]"
is "no ticket twice after the restart" "$(( $(tickets_like "Help request crash") + $(tickets_like "Help request down") ))" 8
is "all flagged \\Seen after the restart" "$(imap_unseen support)" 0
is "last UID is the mailbox's highest" "$(db "SELECT last_uid FROM imap_state WHERE account = 'main'")" 12

# UIDVALIDITY changes: everything is fetched again, recognised, and new mail comes in
old_uv=$(imap_uidvalidity support)
doveadm -c "$DOVE_DIR/dovecot.conf" mailbox update -u support --uid-validity $((old_uv + 1000)) INBOX >>"$LOG" 2>&1
make_mails "$M" 1 uv
imap_append support "$M/uv-1.eml"
wait_for 60 count_is main 13
is "after a UIDVALIDITY change new mail is fetched" "$(intake_count main)" 13
is "the new UIDVALIDITY is stored" "$(db "SELECT uidvalidity FROM imap_state WHERE account = 'main'")" $((old_uv + 1000))
check "the UIDVALIDITY change is logged" grep -q "imap main: UIDVALIDITY of INBOX changed" "$SERVE_LOG"
# 13 via main, 2 sales, 1 tls, 1 sttls, 2 plain, 2 push: one ticket each
is "old mail was not taken in twice" "$(tickets_like "Help request")" 21

# Dovecot goes away and comes back: postdesk reconnects and goes on
lost_before=$(grep -c "imap main: .*reconnecting in" "$SERVE_LOG")
stop_dovecot
check "the lost connection is logged" \
	wait_for 60 sh -c "[ \$(grep -c 'imap main: .*reconnecting in' '$SERVE_LOG') -gt $lost_before ]"
start_dovecot
make_mails "$M" 1 back
imap_append support "$M/back-1.eml"
wait_for 60 count_is main 14
is "after a Dovecot restart new mail is fetched" "$(intake_count main)" 14
check "the reconnection is logged" \
	wait_for 60 sh -c "[ \$(grep -c 'imap main: connected' '$SERVE_LOG') -ge 4 ]"

# size limits: over the limit is stored and quarantined, far over it stays in the mailbox
big() { # FILE KB TAG
	mail "$1" "Big <big@customer.example>" support@example.com "Big $3" < <(
		for _ in $(seq 1 $(($2 * 16))); do echo "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde"; done)
}
big "$M/medium.eml" 5 medium
big "$M/huge.eml" 20 huge
imap_append sales "$M/medium.eml"
imap_append sales "$M/huge.eml"
check "a message far over the size limit is logged" \
	wait_for 60 grep -q "imap sales: uid 4 is [0-9]* bytes, far over the message size limit" "$SERVE_LOG"
wait_for 60 count_is sales 3
is "a message over the size limit is stored and quarantined" \
	"$(db "SELECT state FROM intake WHERE source = 'imap:sales' ORDER BY id DESC LIMIT 1")" quarantined
is "the quarantined one is moved, the huge one left in INBOX" \
	"$(imap_count sales Processed) $(imap_count sales)" "3 1"

# SIGTERM ends IDLE at once
t0=$(date +%s)
kill -TERM "$SERVE_PID"
wait "$SERVE_PID"
rc=$?
t1=$(date +%s)
is "serve exits 0 on SIGTERM" "$rc" 0
# [imap push] idles for an hour: stopping in a minute means SIGTERM ended its IDLE
check "serve stops while idling ($((t1 - t0)) s, [imap push] idles for an hour)" test $((t1 - t0)) -le 60
check "the fetchers say they stopped" grep -q "imap main: stopped" "$SERVE_LOG"

sed 's/^/serve: /' "$SERVE_LOG" >>"$LOG"
finish
