#!/bin/bash
# Forged agent replies with [agents] trusted_authserv set: only the topmost
# Authentication-Results of the trusted authserv-id counts (a pass the sender wrote further
# down, below the MX's own fail, runs no command), and a From with two mailboxes or a Sender
# that is someone else is not the agent. The genuine reply still counts.
. "$(dirname "$0")/lib.sh"

start_capture
pd_setup '[agents]' 'trusted_authserv = mx.example.com'
check "agent add" pd agent add alice@example.com --name "Alice Agent" --queues support

mail "$TEST_TMP/c1.eml" 'Ann Customer <ann@customer.example>' support@example.com "Broken invoice" <<<"The invoice total is wrong."
deliver "$TEST_TMP/c1.eml" >/dev/null
pd send >/dev/null
note=$(grep -l '"alice@example.com"' "$CAPTURE_DIR"/*.json | head -n 1)
note="${note%.json}.eml"
agent_addr=$(header From "$note" | grep -Eo 'support\+a1-[0-9a-f]{12}@example.com')
check "the agent is notified at the signed agent address" test -n "$agent_addr"

# reply FILE SUBJECT HEADER-LINES...: a reply to the notification, "#status closed" would
# be illegal from new, so it carries a plain answer that opens the ticket when it counts
reply() {
	local f=$1 subject=$2
	shift 2
	{
		printf '%s\n' "$@"
		printf 'To: %s\nSubject: Re: [SUPPORT #1] %s\n' "$agent_addr" "$subject"
		printf 'Message-ID: <%s@mail.example>\nIn-Reply-To: %s\n' "$RANDOM$RANDOM" "$(header Message-ID "$note")"
		printf 'Date: Mon, 23 Nov 2026 11:00:00 +0000\nMIME-Version: 1.0\n'
		printf 'Content-Type: text/plain; charset=utf-8\n\nWe refund the difference.\n'
	} >"$f"
}
# threaded_by of the ticket message with SUBJECT
by() { pd ticket show "$1" --json | jq -r --arg s "Re: [SUPPORT #1] $2" '[.messages[] | select(.subject == $s) | .threaded_by] | join(",")'; }
agent_msgs() { pd ticket list --json | jq -r '.[].id' | while read -r t; do pd ticket show "$t" --json | jq -r '.messages[] | select(.threaded_by == "agent") | .subject'; done; }

MX_FAIL='Authentication-Results: mx.example.com; spf=fail smtp.mailfrom=alice@example.com; dkim=none'
MX_PASS='Authentication-Results: mx.example.com; dkim=pass header.d=example.com; spf=pass smtp.mailfrom=alice@example.com'
RECEIVED='Received: from evil.example by mx.example.com; Mon, 23 Nov 2026 11:00:01 +0000'

reply "$TEST_TMP/f1.eml" "forged below" "$MX_FAIL" "$RECEIVED" \
	'Authentication-Results: mx.example.com; dkim=pass header.d=example.com' 'From: Alice Agent <alice@example.com>'
is "a pass written below the MX's fail: deliver exits 0" "$(deliver "$TEST_TMP/f1.eml" --recipient "$agent_addr")" 0
reply "$TEST_TMP/f2.eml" "two from" "$MX_PASS" "$RECEIVED" 'From: alice@example.com, evil@evil.example'
is "a From with two mailboxes: deliver exits 0" "$(deliver "$TEST_TMP/f2.eml" --recipient "$agent_addr")" 0
reply "$TEST_TMP/f3.eml" "other sender" "$MX_PASS" "$RECEIVED" 'From: Alice Agent <alice@example.com>' 'Sender: evil@evil.example'
is "a Sender that is someone else: deliver exits 0" "$(deliver "$TEST_TMP/f3.eml" --recipient "$agent_addr")" 0
is "none of them counts as the agent's reply" "$(agent_msgs | sort | tr '\n' ,)" ""
is "the ticket is still new" "$(pd ticket show 1 --json | json .state)" new
check "the log says why" sh -c "grep -q 'topmost Authentication-Results' '$LOG' || sqlite3 '$POSTDESK_HOME/postdesk.db' .dump | grep -q 'topmost Authentication-Results'"

reply "$TEST_TMP/g1.eml" "genuine" "$MX_PASS" "$RECEIVED" \
	'Authentication-Results: mx.example.com; spf=fail' 'From: Alice Agent <alice@example.com>' 'Sender: alice@example.com'
is "the genuine reply: deliver exits 0" "$(deliver "$TEST_TMP/g1.eml" --recipient "$agent_addr")" 0
is "it counts as the agent's reply" "$(by 1 genuine)" agent
is "and opens the ticket" "$(pd ticket show 1 --json | json .state)" open
finish
