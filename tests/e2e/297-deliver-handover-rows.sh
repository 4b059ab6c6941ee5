#!/bin/bash
# postdesk-deliver hands its mail to serve's group commit (issue 10, share) and the rows are
# the ones its own commit writes: the same mails with the same envelopes into two homes with
# serve running, A through the handover (HOME/deliver.sock) and B with a stale deliver.sock
# (a file nobody listens on), where postdesk-deliver falls back to committing the rows itself,
# give the same intake and bodies rows (but the id and the time), the same duplicate
# recognition on a retry, and the same processing. The socket is the home's, and a clean stop
# removes it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"
. "$(dirname "$0")/lib-envelopes.sh"
FAST="${POSTDESK%/*}/postdesk-deliver"
[ -x "$FAST" ] || bail "no $FAST"

serve_setup 'send_interval = 60'
HOME_A=$POSTDESK_HOME
serve_start
SERVE_A=$SERVE_PID
check "A: serve binds deliver.sock" test -S "$HOME_A/deliver.sock"
is "A: the socket is for the owner of the home (755) only" "$(stat -c %a "$HOME_A/deliver.sock")" 600

export POSTDESK_HOME="$TEST_TMP/home-b"
serve_setup 'send_interval = 60'
HOME_B=$POSTDESK_HOME
SERVE_LOG_A=$SERVE_LOG
SERVE_LOG="$TEST_TMP/serve-b.log"
serve_start
SERVE_B=$SERVE_PID
# B: a stale socket in place of serve's (as a serve killed with -9 leaves one)
rm -f "$HOME_B/deliver.sock"
$PY -c 'import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.bind(sys.argv[1])' "$HOME_B/deliver.sock"
check "B: a stale deliver.sock" test -S "$HOME_B/deliver.sock"

rows() {
	sqlite3 "$1/postdesk.db" "SELECT i.dedup_key, i.sha256, i.source, quote(i.envelope_from),
		quote(i.envelope_rcpt), i.size, b.sha256, b.size, hex(substr(b.raw, 1, 64)), length(b.raw)
		FROM intake i JOIN bodies b ON b.id = i.body_id ORDER BY i.id"
}

# same_rows DESC FILE ARGS...: FILE through the handover into A, the direct commit into B
n=0
same_rows() {
	local desc=$1 f=$2
	shift 2
	n=$((n + 1))
	POSTDESK_HOME=$HOME_A POSTDESK_DEBUG=1 "$FAST" "$@" <"$f" 2>"$TEST_TMP/a$n.err"
	local a=$?
	POSTDESK_HOME=$HOME_B POSTDESK_DEBUG=1 "$FAST" "$@" <"$f" 2>"$TEST_TMP/b$n.err"
	local b=$?
	cat "$TEST_TMP/a$n.err" "$TEST_TMP/b$n.err" >>"$LOG"
	is "$desc: both exit 0" "$a $b" "0 0"
	if grep -q "committed by serve's group commit" "$TEST_TMP/a$n.err" &&
	   ! grep -q "committing the rows itself\|postdesk deliver takes" "$TEST_TMP/a$n.err"; then
		ok "$desc: A handed it to serve"
	else
		not_ok "$desc: A handed it to serve"
	fi
	if grep -q "committing the rows itself: connecting to .*refused" "$TEST_TMP/b$n.err" &&
	   ! grep -q "committed by serve's group commit\|postdesk deliver takes" "$TEST_TMP/b$n.err"; then
		ok "$desc: B committed it itself (stale socket)"
	else
		not_ok "$desc: B committed it itself (stale socket)"
	fi
	is "$desc: the same intake and bodies rows" "$(rows "$HOME_A")" "$(rows "$HOME_B")"
}

envelope_cases same_rows
same_rows "the MTA's retry of two recipients" "$TEST_TMP/two.eml" --sender ' Bo@Customer.Example ' \
	--recipient 'SUPPORT@example.com ' -r ' sales@EXAMPLE.com'
grep -q "rcpt=support@example.com source=deliver action=duplicate" "$TEST_TMP/a$n.err" &&
	ok "A: the retry is logged as a duplicate" || not_ok "A: the retry is logged as a duplicate"
is "A: the retry added nothing" "$(sqlite3 "$HOME_A/postdesk.db" "SELECT count(*) FROM intake")" 7

# ...and both homes end with the same processing
export POSTDESK_HOME=$HOME_A
wait_for 20 db_is 0 "SELECT count(*) FROM intake WHERE state = 'pending'" ||
	not_ok "serve processed A's rows"
export POSTDESK_HOME=$HOME_B
wait_for 20 db_is 0 "SELECT count(*) FROM intake WHERE state = 'pending'" ||
	not_ok "serve processed B's rows"
state() { sqlite3 "$1/postdesk.db" "SELECT state, class FROM intake ORDER BY id"; }
is "every row settled alike" "$(state "$HOME_A")" "$(state "$HOME_B")"
is "the same tickets" "$(sqlite3 "$HOME_A/postdesk.db" "SELECT queue, subject FROM tickets ORDER BY id")" \
	"$(sqlite3 "$HOME_B/postdesk.db" "SELECT queue, subject FROM tickets ORDER BY id")"

SERVE_PID=$SERVE_A
serve_stop
is "A: serve exits 0" "$SERVE_RC" 0
check "A: a clean stop removes deliver.sock" test ! -e "$HOME_A/deliver.sock"
SERVE_PID=$SERVE_B
serve_stop
is "B: serve exits 0" "$SERVE_RC" 0
finish
