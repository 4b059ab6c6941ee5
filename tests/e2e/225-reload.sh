#!/bin/bash
# SIGHUP to `postdesk serve` swaps the whole configuration: a changed queue name is used by
# the next acknowledgement, whichever thread processes the mail (LMTP: the worker; IMAP: the
# fetcher); a new [imap NAME] section starts a fetcher, a changed one is restarted, an
# unchanged one keeps running, a removed one is stopped. No library code sets signal handlers.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"
. "$(dirname "$0")/lib-imap.sh"

[ -x /usr/sbin/dovecot ] || bail "dovecot-imapd is not installed"

DOVE_USERS="newbox"
start_dovecot
printf 'secret\n' >"$TEST_TMP/imap.pass"
imap_section() { # NAME USER [MORE LINES]
	printf '\n[imap %s]\nuser = %s\nurl = imap://127.0.0.1:%s/INBOX\npassword_file = %s\nca_file = %s\n' \
		"$1" "$2" "$DOVE_PORT" "$TEST_TMP/imap.pass" "$DOVE_DIR/ca.pem"
	shift 2
	[ $# -gt 0 ] && printf '%s\n' "$@"
}
serve_setup "$(imap_section keep support)"
CONF="$POSTDESK_HOME/postdesk.conf"
cp "$CONF" "$TEST_TMP/base.conf"

# lmtp_send FROM-LOCALPART: one message to support@example.com over LMTP
lmtp_send() {
	printf 'LHLO test.example\nMAIL FROM:<%s@customer.example>\nRCPT TO:<support@example.com>\nDATA\nFrom: %s@customer.example\nTo: support@example.com\nSubject: Help request %s\nMessage-ID: <%s@customer.example>\n\nPlease help.\n.\nQUIT\n' \
		"$1" "$1" "$1" "$1" | chat "$LMTP_PORT" | codes
}
# ack_from LOCALPART: the From line of the acknowledgement to LOCALPART@customer.example
ack_from() {
	db "SELECT CAST(raw AS TEXT) FROM outbox WHERE kind = 'ack' AND rcpt = '$1@customer.example'" |
		grep -i '^From:' | tr -d '\r'
}
has_ack() { [ -n "$(ack_from "$1")" ]; }
hup_and_wait() { # N: the Nth "configuration reloaded"
	kill -HUP "$SERVE_PID"
	wait_for 20 sh -c "[ \$(grep -c 'configuration reloaded' '$SERVE_LOG') -ge $1 ]"
}
count_is() { [ "$(intake_count "$1")" = "$2" ]; }
lines() { grep -c "$1" "$SERVE_LOG"; }

serve_start
check "the [imap keep] fetcher runs from the start" wait_for 30 grep -q "imap keep: connected" "$SERVE_LOG"
is "LMTP before the reload" "$(lmtp_send before)" "220 250 250 250 354 250 221"
check "acknowledged before the reload" wait_for 20 has_ack before
echo "# $(ack_from before)"
case "$(ack_from before)" in *"Example Support"*) ok "the ack before the reload has the old name" ;;
	*) not_ok "the ack before the reload has the old name" ;; esac

# a new [imap newbox] section and a new queue display name
M="$TEST_TMP/mails"
make_mails "$M" 4 new
imap_append newbox "$M/new-1.eml"
sed 's/^name = Example Support$/name = Helpdesk Team/' "$TEST_TMP/base.conf" >"$CONF.tmp"
imap_section newbox newbox >>"$CONF.tmp"
mv "$CONF.tmp" "$CONF"
hup_and_wait 1
check "SIGHUP: the new [imap newbox] fetcher starts" wait_for 30 grep -q "imap newbox: connected" "$SERVE_LOG"
check "SIGHUP: mail in the new mailbox is fetched" wait_for 30 count_is newbox 1
check "the fetched mail is acknowledged" wait_for 20 has_ack cnew1
echo "# $(ack_from cnew1)"
case "$(ack_from cnew1)" in *"Helpdesk Team"*) ok "the fetcher's ack uses the new queue name" ;;
	*) not_ok "the fetcher's ack uses the new queue name" ;; esac
is "LMTP after the reload" "$(lmtp_send after)" "220 250 250 250 354 250 221"
check "acknowledged after the reload" wait_for 20 has_ack after
case "$(ack_from after)" in *"Helpdesk Team"*) ok "the worker's ack uses the new queue name" ;;
	*) not_ok "the worker's ack uses the new queue name" ;; esac
is "the unchanged [imap keep] fetcher was not restarted" "$(lines 'imap keep: connected')" 1

# a changed section: the fetcher is restarted with the new settings
sed 's/^name = Example Support$/name = Helpdesk Team/' "$TEST_TMP/base.conf" >"$CONF.tmp"
imap_section newbox newbox "after = move:Done" >>"$CONF.tmp"
mv "$CONF.tmp" "$CONF"
hup_and_wait 2
check "a changed [imap newbox] is restarted" wait_for 30 sh -c "[ \$(grep -c 'imap newbox: connected' '$SERVE_LOG') -ge 2 ]"
is "the old fetcher was stopped first" "$(lines 'imap newbox: stopped')" 1
imap_append newbox "$M/new-2.eml"
check "the restarted fetcher takes new mail" wait_for 30 count_is newbox 2
moved_is() { [ "$(imap_count newbox Done)" = "$1" ]; }
wait_for 10 moved_is 1
is "the restarted fetcher uses its new after = move:Done" "$(imap_count newbox Done)" 1

# the section removed: the fetcher stops and mail stays in the mailbox
cp "$TEST_TMP/base.conf" "$CONF"
hup_and_wait 3
check "a removed [imap newbox] is stopped (log line)" \
	wait_for 30 sh -c "[ \$(grep -c 'imap newbox: stopped' '$SERVE_LOG') -ge 2 ]"
imap_append newbox "$M/new-3.eml"
sleep 3
is "nothing is fetched from the removed mailbox" "$(intake_count newbox)" 2
is "[imap keep] still ran through all three reloads" "$(lines 'imap keep: connected')" 1
is "LMTP after the last reload" "$(lmtp_send last)" "220 250 250 250 354 250 221"
check "acknowledged after the last reload" wait_for 20 has_ack last
case "$(ack_from last)" in *"Example Support"*) ok "the old name is back" ;;
	*) not_ok "the old name is back" ;; esac

# a broken configuration on SIGHUP keeps the running one
printf '[serve]\nmax_line = nonsense\n' >>"$CONF"
kill -HUP "$SERVE_PID"
check "a broken config is refused on SIGHUP" wait_for 20 grep -q "reload: .*keeping the old configuration" "$SERVE_LOG"
is "the listeners still answer" "$(lmtp_send broken)" "220 250 250 250 354 250 221"

serve_stop
is "serve exits 0 on SIGTERM" "$SERVE_RC" 0

# signal handlers belong to the program (src/main.c, src/cmd/serve.c), never to library code
found=$(grep -rnE '\b(signal|sigaction|g_unix_signal_add(_full)?|g_unix_signal_source_new) *\(' \
	"$POSTDESK_SRCDIR/src" "$POSTDESK_SRCDIR/filters" |
	grep -v -e "/src/main.c:" -e "/src/cmd/serve.c:" || true)
is "no signal handlers set outside src/main.c and src/cmd/serve.c" "$found" ""
finish
