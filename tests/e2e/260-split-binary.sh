#!/bin/bash
# `postdesk` links no network client library: deliver and the other local commands start
# without loading libcurl, libetpan or GnuTLS; `postdesk serve` and `postdesk send` run
# postdesk-net (beside the binary, or in pkglibexecdir) with the same arguments.
. "$(dirname "$0")/lib.sh"

start_capture
pd_setup
libs=$(ldd "$POSTDESK")
for lib in libcurl libetpan libgnutls libsasl2 libgssapi_krb5 libldap; do
	check "postdesk does not load $lib" sh -c "! echo '$libs' | grep -q '$lib'"
done
net=$(dirname "$POSTDESK")/postdesk-net
check "postdesk-net is built beside postdesk" test -x "$net"
check "postdesk-net links the SMTP client" sh -c "ldd '$net' | grep -q libcurl"

mail "$TEST_TMP/in.eml" customer@customer.example support@example.com "Printer on fire" <<<"It burns."
is "deliver exits 0" "$(deliver "$TEST_TMP/in.eml" --recipient support@example.com)" 0
is "one ticket" "$(pd ticket list --json | json length)" 1
is "ack queued" "$(pd outbox list --json | json '.[0].state')" queued
# send goes through postdesk-net, with the global --config before the command kept
out=$("$POSTDESK" --config "$POSTDESK_HOME/postdesk.conf" send 2>>"$LOG")
is "send (through postdesk-net) exits 0" "$?" 0
is "send reports the ack sent" "$out" "sent 1, to retry 0, failed 0"
is "ack captured" "$(captured_count)" 1
check "send --help is postdesk-net's" sh -c "'$POSTDESK' send --help | grep -q -- --all"

# a postdesk copied alone, with no postdesk-net anywhere: a clear error, not a crash
cp "$POSTDESK" "$TEST_TMP/postdesk"
"$TEST_TMP/postdesk" send >/dev/null 2>"$TEST_TMP/err"
rc=$?
check "send without postdesk-net fails" test "$rc" -ne 0
check "send without postdesk-net says so" grep -q "cannot run .*postdesk-net" "$TEST_TMP/err"
is "deliver needs no postdesk-net" "$(mail "$TEST_TMP/in2.eml" other@customer.example support@example.com "Second" <<<"x";
	"$TEST_TMP/postdesk" deliver --recipient support@example.com <"$TEST_TMP/in2.eml" 2>>"$LOG"; echo $?)" 0
is "two tickets" "$(pd ticket list --json | json length)" 2
finish
