#!/bin/bash
# README's Postfix section, followed literally on a real Postfix: a private instance on
# 127.0.0.1 (its own config, queue and data directories under the test's directory, a free
# port for smtpd, relaying outgoing mail to a capture server) gets exactly the README's
# lines, read from README.md's marked code blocks, with only the paths and ports replaced:
# the postdesk user, home and config, the postdesk.conf keys, then (a) the pipe transport with the
# cron `postdesk send`, and (b) LMTP to `postdesk serve`. Mail sent with swaks to Postfix
# must become a ticket, and the acknowledgement must leave through Postfix. Needs root (to
# run Postfix and to create the postdesk user), as CI runs.
. "$(dirname "$0")/lib.sh"

README="$POSTDESK_SRCDIR/README.md"
unset POSTDESK_HOME POSTDESK_CONFIG # README's commands name their config; nothing comes from the environment
[ "$(id -u)" = 0 ] || bail "this test runs a private Postfix and creates the postdesk user: run it as root"
command -v postfix >/dev/null || bail "postfix is not installed (bash .ci/deps)"

# readme_block NAME: the fenced code block after "<!-- postfix-test: NAME -->" in README.md
readme_block() {
	awk -v name="<!-- postfix-test: $1 -->" '
		$0 == name { want = 1; next }
		want == 1 && /^```/ { want = 2; next }
		want == 2 && /^```/ { exit }
		want == 2 { print }' "$README"
}

# need DESC CMD...: a check the rest of the test depends on
need() {
	local before=$tap_failed
	check "$@"
	[ "$tap_failed" -eq "$before" ] || bail "$1: failed, see $LOG"
}

chmod 755 "$TEST_TMP" # the pipe runs postdesk as the postdesk user
PF="$TEST_TMP/postfix"
PD_HOME="$TEST_TMP/home"
PD_ETC="$TEST_TMP/etc-postdesk"
PD_CONF="$PD_ETC/postdesk.conf"
BIN="$TEST_TMP/bin/postdesk"
mkdir -p "$PF/conf" "$PF/queue" "$PF/data" "$TEST_TMP/bin"
# postdesk execs postdesk-net (serve, send) from beside itself, then from the libexec folder
cp "$POSTDESK" "$BIN" && cp "$(dirname "$POSTDESK")/postdesk-net" "$TEST_TMP/bin/postdesk-net" &&
	chmod 755 "$TEST_TMP/bin" "$BIN" "$TEST_TMP/bin/postdesk-net" || bail "cannot copy the binaries"
SMTPD_PORT=$(free_port)
LMTP_PORT=$(free_port)
while [ "$LMTP_PORT" = "$SMTPD_PORT" ]; do LMTP_PORT=$(free_port); done

# README paths and ports -> this test's
localize() {
	sed -e "s|/etc/postfix/|$PF/conf/|g" -e "s|/var/lib/postdesk|$PD_HOME|g" -e "s|/etc/postdesk|$PD_ETC|g" \
		-e "s|/usr/local/bin/postdesk|$BIN|g" -e "s|smtp://127.0.0.1:25\$|smtp://127.0.0.1:$SMTPD_PORT|" \
		-e "s|127.0.0.1:2424|127.0.0.1:$LMTP_PORT|g"
}
for b in setup postdesk.conf "master.cf pipe" "main.cf pipe" "transport pipe" cron \
	"postdesk.conf lmtp" "main.cf lmtp" "transport lmtp"; do
	readme_block "$b" | localize >"$TEST_TMP/block.$b"
	[ -s "$TEST_TMP/block.$b" ] || bail "README.md has no block marked <!-- postfix-test: $b -->"
done

# run a postdesk command as the postdesk user, as README says
as_pd() { setpriv --reuid=postdesk --regid=postdesk --init-groups -- "$BIN" --config "$PD_CONF" "$@" 2>>"$LOG"; }
ticket_count() { as_pd ticket list --json | jq length; }
has_tickets() { [ "$(ticket_count)" -ge "$1" ]; }
captured_to() { grep -l "\"$1\"" "$CAPTURE_DIR"/*.json 2>/dev/null | head -n 1; }

start_capture

# 1. the postdesk user and home (useradd only when the user is not there yet)
sed 's/^useradd /id -u postdesk >\/dev\/null 2>\&1 || useradd /' "$TEST_TMP/block.setup" >"$TEST_TMP/setup.sh"
need "README set-up: user, home, config, init" bash -e "$TEST_TMP/setup.sh"
is "the home belongs to the postdesk user" "$(stat -c %U "$PD_HOME/postdesk.db" 2>/dev/null)" postdesk
check "the config names the home" grep -q "^home = $PD_HOME\$" "$PD_CONF"

# set_keys FILE BLOCK: set BLOCK's keys in the GLib key file FILE, in their sections
# (replacing a key that is set already), the way an admin edits it
set_keys() {
	$PY - "$1" "$2" <<'EOF'
import re, sys
conf, block = sys.argv[1], sys.argv[2]
want, section = {}, None
for line in open(block):
    line = line.strip()
    if line.startswith("["):
        section = line
        want.setdefault(section, {})
    elif "=" in line and not line.startswith("#"):
        k, v = (x.strip() for x in line.split("=", 1))
        want[section][k] = v
out, section, done = [], None, set()
for line in open(conf).read().splitlines():
    if line.startswith("["):
        section = line.strip()
        out.append(line)
        if section in want:
            out.extend(f"{k} = {v}" for k, v in want[section].items())
            done.add(section)
        continue
    m = re.match(r"([A-Za-z_]+)\s*=", line)
    if m and section in want and m.group(1) in want[section]:
        continue
    out.append(line)
for s, kv in want.items():
    if s not in done:
        out += ["", s] + [f"{k} = {v}" for k, v in kv.items()]
open(conf, "w").write("\n".join(out) + "\n")
EOF
}
check "README postdesk.conf keys set" set_keys "$PD_CONF" "$TEST_TMP/block.postdesk.conf"
is "the relay is Postfix" "$(grep -c "^relay = smtp://127.0.0.1:$SMTPD_PORT\$" "$PD_CONF")" 1

# Postfix: what is not in README is this test's private instance
pf_main_base() {
	cat <<EOF
compatibility_level = 3.6
queue_directory = $PF/queue
data_directory = $PF/data
mail_owner = postfix
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mx.example.com
mydomain = example.com
mydestination = example.com, localhost
mynetworks = 127.0.0.0/8
relayhost = [127.0.0.1]:$CAPTURE_PORT
smtp_dns_support_level = disabled
alias_maps =
alias_database =
maillog_file = $PF/maillog
maillog_file_prefixes = $TEST_TMP
syslog_name = postfix-pd-test
queue_run_delay = 2s
minimal_backoff_time = 2s
maximal_backoff_time = 4s
EOF
}
pf_master_base() {
	echo "127.0.0.1:$SMTPD_PORT inet n - n - - smtpd"
	local s
	for s in "pickup unix n - n 60 1 pickup" "cleanup unix n - n - 0 cleanup" \
		"qmgr unix n - n 300 1 qmgr" "rewrite unix - - n - - trivial-rewrite" \
		"bounce unix - - n - 0 bounce" "defer unix - - n - 0 bounce" "trace unix - - n - 0 bounce" \
		"verify unix - - n - 1 verify" "flush unix n - n 1000? 0 flush" \
		"proxymap unix - - n - - proxymap" "proxywrite unix - - n - 1 proxymap" \
		"smtp unix - - n - - smtp" "relay unix - - n - - smtp" "showq unix n - n - - showq" \
		"error unix - - n - - error" "retry unix - - n - - error" "discard unix - - n - - discard" \
		"local unix - n n - - local" "lmtp unix - - n - - lmtp" "anvil unix - - n - 1 anvil" \
		"scache unix - - n - 1 scache" "postlog unix-dgram n - n - 1 postlogd"; do
		echo "$s"
	done
}
pf_start() {
	chown postfix "$PF/data"
	postmap -c "$PF/conf" "$PF/conf/transport" >>"$LOG" 2>&1 &&
		postfix -c "$PF/conf" start >>"$LOG" 2>&1 &&
		wait_for 20 $PY -c "import socket; socket.create_connection(('127.0.0.1', $SMTPD_PORT)).close()"
}
pf_stop() {
	local pid
	pid=$(cat "$PF/queue/pid/master.pid" 2>/dev/null | tr -d ' ')
	postfix -c "$PF/conf" stop >>"$LOG" 2>&1
	[ -n "$pid" ] && wait_for 20 sh -c "! kill -0 $pid"
}
trap 'pf_stop; pd_cleanup' EXIT
send_mail() { # ENVELOPE-FROM ("<>": null) FROM-HEADER TO SUBJECT BODY
	[ -n "$1" ] && [ -n "$3" ] || return 1 # swaks would prompt for what is missing
	swaks --server "127.0.0.1:$SMTPD_PORT" --timeout 20 --from "$1" --to "$3" \
		--header "From: $2" --header "Subject: $4" --body "$5" </dev/null >>"$LOG" 2>&1
}

# 2a. the pipe transport
{ pf_main_base; cat "$TEST_TMP/block.main.cf pipe"; } >"$PF/conf/main.cf"
{ pf_master_base; cat "$TEST_TMP/block.master.cf pipe"; } >"$PF/conf/master.cf"
cp "$TEST_TMP/block.transport pipe" "$PF/conf/transport"
need "Postfix starts with README's pipe lines" pf_start
check "Postfix accepts mail for the queue address (local_recipient_maps)" \
	send_mail ann@customer.example 'Ann Customer <ann@customer.example>' support@example.com "Printer on fire" "The printer is on fire."
need "the pipe made a ticket" wait_for 30 has_tickets 1
is "the ticket is the customer's" "$(as_pd ticket list --json | json '.[0] | .customer + " " + .queue + " " + .subject')" \
	"ann@customer.example support Printer on fire"
is "the acknowledgement is queued" "$(as_pd outbox list --json | json '[.[] | select(.kind == "ack")] | map(.rcpt + " " + .state) | join(",")')" \
	"ann@customer.example queued"

# with the pipe, the cron job sends what is queued: run its command as its user
cron_user=$(awk '{ print $6 }' "$TEST_TMP/block.cron")
cron_cmd=$(cut -d' ' -f6- "$TEST_TMP/block.cron" | sed "s/^ *$cron_user *//")
is "the cron line runs as the postdesk user" "$cron_user" postdesk
check "the cron line's command runs" setpriv --reuid=postdesk --regid=postdesk --init-groups -- sh -c "$cron_cmd"
need "the acknowledgement leaves through Postfix" wait_for 30 sh -c "grep -l '\"ann@customer.example\"' '$CAPTURE_DIR'/*.json"
ack=$(captured_to ann@customer.example)
ack="${ack%.json}.eml"
check "it is the acknowledgement of ticket 1" grep -q '^Subject: \[SUPPORT #1\] Printer on fire' "$ack"
check "Postfix relayed it (its Received line)" grep -q 'by mx.example.com (Postfix)' "$ack"
is "it left with the VERP return path" "$(json .mail_from <"${ack%.eml}.json" | grep -Ec '^bounces\+o[0-9]+-[0-9a-f]+@example.com$')" 1

# the customer answers the signed reply address: recipient_delimiter and local_recipient_maps
reply_to=$(header Reply-To "$ack")
check "the ack carries a signed reply address" sh -c "echo '$reply_to' | grep -Eq '^support\+t1-[0-9a-f]+@example.com$'"
check "Postfix accepts the signed address" send_mail ann@customer.example 'Ann Customer <ann@customer.example>' "$reply_to" "Re: [SUPPORT #1] Printer on fire" "Now it is out."
check "the answer threads onto ticket 1" wait_for 30 sh -c \
	"setpriv --reuid=postdesk --regid=postdesk --init-groups -- '$BIN' --config '$PD_CONF' ticket show 1 --json | jq -e '.messages | length >= 2'"

# mail from the null sender (a bounce, say; here one that looks human, so that it makes a
# ticket): null_sender= passes "" instead of MAILER-DAEMON, and postdesk answers nothing
check "Postfix accepts mail from the null sender" send_mail '<>' 'Cid Customer <cid@customer.example>' support@example.com "Hello" "Is anybody there?"
need "the null-sender mail reaches postdesk" wait_for 30 has_tickets 2
is "it is Cid's ticket" "$(as_pd ticket show 2 --json | json .customer)" cid@customer.example
is "no acknowledgement for the null sender (null_sender=)" \
	"$(as_pd outbox list --json | json '[.[] | select(.kind == "ack")] | map(.rcpt) | join(",")')" ann@customer.example
# one mail to two queue addresses: the pipe runs once per recipient (recipient limit 1)
check "Postfix accepts mail to two queue addresses" swaks --server "127.0.0.1:$SMTPD_PORT" --timeout 20 \
	--from dan@customer.example --to support@example.com,sales@example.com \
	--header "From: Dan Customer <dan@customer.example>" --header "Subject: For both" --body "Hi both." </dev/null
need "the mail to two queues reaches postdesk" wait_for 30 has_tickets 3
check "Postfix delivered it to both queues (no bounce)" wait_for 30 sh -c \
	"grep -q 'to=<sales@example.com>, relay=postdesk,.* status=sent' '$PF/maillog' &&
	 grep -q 'to=<support@example.com>, relay=postdesk,.* status=sent' '$PF/maillog'"
# issue 13: one mail to several queue addresses is one ticket (the other queue is an event)
check "the two queues share one ticket" sh -c \
	"setpriv --reuid=postdesk --regid=postdesk --init-groups -- '$BIN' --config '$PD_CONF' ticket list --json |
	 jq -e '[.[] | select(.customer == \"dan@customer.example\")] | length == 1'"
qid=$(sed -n 's/.*: \([0-9A-F]*\): from=<dan@customer.example>.*/\1/p' "$PF/maillog" | head -n 1)
is "the pipe ran once per recipient (postdesk_destination_recipient_limit = 1)" \
	"$(grep "$qid: to=<.*relay=postdesk" "$PF/maillog" | sed 's/.*pipe\[\([0-9]*\)\].*/\1/' | sort -u | wc -l)" 2
check "Postfix's queue is empty: nothing deferred" wait_for 20 sh -c "postqueue -c '$PF/conf' -p | grep -q 'Mail queue is empty'"
check "Postfix bounced nothing" sh -c "! grep -E 'status=(bounced|deferred)' '$PF/maillog'"
pf_stop

# 2b. LMTP to postdesk serve
check "README postdesk.conf keys for LMTP set" set_keys "$PD_CONF" "$TEST_TMP/block.postdesk.conf lmtp"
{ pf_main_base; cat "$TEST_TMP/block.main.cf lmtp"; } >"$PF/conf/main.cf"
pf_master_base >"$PF/conf/master.cf"
cp "$TEST_TMP/block.transport lmtp" "$PF/conf/transport"
setpriv --reuid=postdesk --regid=postdesk --init-groups -- "$BIN" --config "$PD_CONF" serve >>"$LOG" 2>&1 &
pd_track $!
check "postdesk serve listens for LMTP" wait_for 20 $PY -c "import socket; socket.create_connection(('127.0.0.1', $LMTP_PORT)).close()"
need "Postfix starts with README's LMTP lines" pf_start
tickets_before=$(ticket_count)
check "Postfix accepts mail for the queue address" \
	send_mail bob@customer.example 'Bob Customer <bob@customer.example>' support@example.com "Scanner jammed" "The scanner is jammed."
need "LMTP made a ticket" wait_for 30 has_tickets $((tickets_before + 1))
is "the new ticket is Bob's" "$(as_pd ticket list --json | json '[.[] | select(.customer == "bob@customer.example")][0].subject')" "Scanner jammed"
check "serve sends the acknowledgement through Postfix" wait_for 40 sh -c "grep -l '\"bob@customer.example\"' '$CAPTURE_DIR'/*.json"
ack=$(captured_to bob@customer.example)
check "it is the acknowledgement" grep -q '^Subject: \[SUPPORT #[0-9]*\] Scanner jammed' "${ack%.json}.eml"
check "Postfix's queue is empty after LMTP" wait_for 20 sh -c "postqueue -c '$PF/conf' -p | grep -q 'Mail queue is empty'"
check "Postfix bounced nothing over LMTP" sh -c "! grep -E 'status=(bounced|deferred)' '$PF/maillog'"
finish
