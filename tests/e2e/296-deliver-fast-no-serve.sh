#!/bin/bash
# postdesk-deliver without serve (issue 10, lean): a home run by cron (`postdesk send`,
# `postdesk tick`) and no daemon still gets its tickets as soon as the MTA hands the mail
# over: the full program takes the mail, stores and processes it, and its exit status is
# the MTA's, as if postdesk-deliver were `postdesk deliver`. Nothing waits for a serve that
# may never come.
. "$(dirname "$0")/lib.sh"
FAST="${POSTDESK%/*}/postdesk-deliver"

pd_setup
fast() { local f=$1; shift; POSTDESK_DEBUG=1 "$FAST" "$@" <"$f" 2>"$TEST_TMP/err"; echo $?; cat "$TEST_TMP/err" >>"$LOG"; }

mail "$TEST_TMP/1.eml" 'Ann <ann@customer.example>' support@example.com "No daemon" <<<"hello"
is "a mail exits 0" "$(fast "$TEST_TMP/1.eml" -f ann@customer.example -r support@example.com)" 0
grep -q "takes this mail: no serve running on $POSTDESK_HOME" "$TEST_TMP/err" &&
	ok "... handed to the full program: no serve running" || not_ok "... handed to the full program: no serve running"
# at once: no serve, no scan, nothing else runs
is "the ticket exists when it exits" "$(pd ticket list --json | jq length)" 1
is "the row is done" "$(sqlite3 "$POSTDESK_HOME/postdesk.db" "SELECT state FROM intake")" done
is "the acknowledgement is queued (for cron's postdesk send)" \
	"$(sqlite3 "$POSTDESK_HOME/postdesk.db" "SELECT count(*) FROM outbox WHERE kind = 'ack'")" 1
is "the MTA's retry: exit 0, no second row" \
	"$(fast "$TEST_TMP/1.eml" -f ann@customer.example -r support@example.com)|$(sqlite3 "$POSTDESK_HOME/postdesk.db" "SELECT count(*) FROM intake")" "0|1"
check "no wake socket was made" test ! -e "$POSTDESK_HOME/wake.sock"
# the full program's exit status is the MTA's: an empty message is refused as deliver refuses it
is "an empty message: exit 65, as deliver" "$(fast /dev/null -r support@example.com)" 65
finish
