# lib.sh - shared by the end-to-end tests (sourced). Each test gets a fresh POSTDESK_HOME in a
# temporary directory, TAP output (ok/not ok lines, the plan at the end), and servers it
# starts on 127.0.0.1, all stopped by the EXIT trap. Set PD_KEEP=1 to keep the directory.
set -u

: "${POSTDESK:?POSTDESK must name the built postdesk binary}"
: "${POSTDESK_SRCDIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
export POSTDESK POSTDESK_SRCDIR
PY=/usr/bin/python3 # Debian's python3, where python3-aiosmtpd is installed

TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/pd-e2e.XXXXXX")
export POSTDESK_HOME="$TEST_TMP/home"
unset POSTDESK_CONFIG # POSTDESK_CONFIG would win over POSTDESK_HOME
LOG="$TEST_TMP/test.log"
PD_PIDS=""
tap_n=0
tap_failed=0

pd_cleanup() {
	local p
	for p in $PD_PIDS; do
		kill "$p" 2>/dev/null
	done
	for p in $PD_PIDS; do
		wait "$p" 2>/dev/null
	done
	if [ "${PD_KEEP:-0}" = 1 ] || [ "$tap_failed" -gt 0 ]; then
		echo "# kept $TEST_TMP"
		[ -f "$LOG" ] && sed 's/^/# /' "$LOG" | tail -n 40
	else
		rm -rf "$TEST_TMP"
	fi
}
trap pd_cleanup EXIT

# remember a background process so the trap stops it
pd_track() { PD_PIDS="$PD_PIDS $1"; }

ok() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $*"
}
not_ok() {
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $*"
}
# check DESC CMD...: ok if CMD succeeds; its output goes to the log
check() {
	local desc=$1
	shift
	echo "== $desc: $*" >>"$LOG"
	if "$@" >>"$LOG" 2>&1; then ok "$desc"; else not_ok "$desc"; fi
}
# is DESC GOT WANT: string equality, with got/want in the log on failure
is() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		echo "# got:  $2"
		echo "# want: $3"
	fi
}
finish() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
	exit $?
}
bail() {
	echo "Bail out! $*"
	exit 1
}

pd() { "$POSTDESK" "$@" 2>>"$LOG"; }

free_port() {
	$PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_for SECONDS CMD...: retry CMD every 0.1 s until it succeeds or time runs out
wait_for() {
	local limit=$(($1 * 10))
	shift
	local i=0
	while ! "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		[ "$i" -ge "$limit" ] && return 1
		sleep 0.1
	done
}

# pd_setup [EXTRA-CONFIG-LINES]: a home with domain example.com and the queues
# support@example.com (SUPPORT) and sales@example.com (SALES). With CAPTURE_PORT set, the
# relay is the capture server; retries start after RETRY_BASE seconds (default 0).
pd_setup() {
	mkdir -p "$POSTDESK_HOME"
	{
		printf '[postdesk]\ndomain = example.com\n\n'
		printf '[smtp]\nretry_base = %s\n' "${RETRY_BASE:-0}"
		[ -n "${CAPTURE_PORT:-}" ] && printf 'relay = smtp://127.0.0.1:%s\n' "$CAPTURE_PORT"
		printf '\n[queue support]\naddress = support@example.com\ntag = SUPPORT\nname = Example Support\n'
		printf '\n[queue sales]\naddress = sales@example.com\ntag = SALES\n'
		[ $# -gt 0 ] && printf '%s\n' "$@"
	} >"$POSTDESK_HOME/postdesk.conf"
	pd init >>"$LOG" || bail "postdesk init failed"
}

# start_capture [smtp-capture.py options]: a capturing SMTP server; sets CAPTURE_PORT and
# CAPTURE_DIR (NNNN.eml + NNNN.json per accepted message).
start_capture() {
	CAPTURE_DIR="$TEST_TMP/captured.$RANDOM"
	mkdir -p "$CAPTURE_DIR"
	rm -f "$TEST_TMP/capture.port"
	$PY "$POSTDESK_SRCDIR/tests/lib/smtp-capture.py" --dir "$CAPTURE_DIR" \
		--port "${1:-0}" --port-file "$TEST_TMP/capture.port" "${@:2}" >>"$LOG" 2>&1 &
	CAPTURE_PID=$!
	pd_track "$CAPTURE_PID"
	wait_for 20 test -s "$TEST_TMP/capture.port" || bail "capture server did not start"
	CAPTURE_PORT=$(cat "$TEST_TMP/capture.port")
	export CAPTURE_PORT CAPTURE_DIR
}
stop_capture() {
	kill "$CAPTURE_PID" 2>/dev/null
	wait "$CAPTURE_PID" 2>/dev/null
}
captured_count() { ls "$CAPTURE_DIR"/*.eml 2>/dev/null | wc -l; }

# deliver FILE [deliver options]: pipe FILE into postdesk deliver; prints the exit status
deliver() {
	local f=$1
	shift
	"$POSTDESK" deliver "$@" <"$f" 2>>"$LOG"
	echo $?
}

# mail FILE FROM TO SUBJECT [HEADER-LINES...] < BODY: write a simple message
mail() {
	local f=$1 from=$2 to=$3 subject=$4
	shift 4
	{
		printf 'From: %s\nTo: %s\nSubject: %s\n' "$from" "$to" "$subject"
		printf 'Date: Mon, 23 Nov 2026 10:00:00 +0000\n'
		printf 'Message-ID: <%s.%s@customer.example>\n' "$RANDOM$RANDOM" "$$"
		[ $# -gt 0 ] && printf '%s\n' "$@"
		printf '\n'
		cat
	} >"$f"
}

# json EXPR: evaluate a jq expression on stdin
json() { jq -r "$1"; }

# header NAME FILE: the first NAME header of a message file (unfolded)
header() {
	awk -v name="$(echo "$1" | tr 'A-Z' 'a-z')" '
		/^$/ { exit }
		/^[ \t]/ { if (found == 1) { sub(/^[ \t]+/, " "); v = v $0 }; next }
		{ if (found == 1) { found = 2 }
		  if (found == 0) { n = tolower(substr($0, 1, index($0, ":") - 1))
		    if (n == name) { found = 1; v = substr($0, index($0, ":") + 1); sub(/^[ \t]+/, "", v) } } }
		END { print v }' "$2"
}
