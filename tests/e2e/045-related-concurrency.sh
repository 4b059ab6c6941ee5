#!/bin/bash
# Related mail at the same instant: pairs of a customer's mail and its follow-up (In-Reply-To
# the first one's Message-ID) delivered by two concurrent `deliver` processes. Whichever is
# committed first decides: when the first mail was committed before the follow-up, the
# follow-up must land on its ticket (one ticket); only a follow-up committed first may open
# a ticket of its own. So the tickets must number pairs + (follow-ups committed first).
# 10 rounds of 25 pairs: before the lookups moved into the write transaction, every run
# split 2-8 pairs.
. "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-10}
PAIRS=${PAIRS:-25}
pd_setup '[postdesk]' 'busy_timeout = 60000'
db="$POSTDESK_HOME/postdesk.db"

pair_mails() { # ROUND PAIR: write a.eml (first mail) and b.eml (its follow-up)
	local d="$TEST_TMP/r$1p$2"
	mkdir -p "$d"
	printf 'From: C%s <c%s.%s@customer.example>\nTo: support@example.com\nSubject: Pair %s.%s\nMessage-ID: <a.%s.%s@customer.example>\nDate: Mon, 23 Nov 2026 10:00:00 +0000\n\nFirst mail.\n' \
		"$2" "$1" "$2" "$1" "$2" "$1" "$2" >"$d/a.eml"
	printf 'From: C%s <c%s.%s@customer.example>\nTo: support@example.com\nSubject: Re: Pair %s.%s\nMessage-ID: <b.%s.%s@customer.example>\nIn-Reply-To: <a.%s.%s@customer.example>\nReferences: <a.%s.%s@customer.example>\nDate: Mon, 23 Nov 2026 10:01:00 +0000\n\nFollow-up.\n' \
		"$2" "$1" "$2" "$1" "$2" "$1" "$2" "$1" "$2" "$1" "$2" >"$d/b.eml"
}

fails=0
for r in $(seq 1 "$ROUNDS"); do
	for p in $(seq 1 "$PAIRS"); do pair_mails "$r" "$p"; done
	for p in $(seq 1 "$PAIRS"); do
		d="$TEST_TMP/r${r}p$p"
		( "$POSTDESK" deliver <"$d/a.eml" 2>>"$LOG"; echo $? >"$d/a.rc" ) &
		( "$POSTDESK" deliver <"$d/b.eml" 2>>"$LOG"; echo $? >"$d/b.rc" ) &
	done
	wait
	for p in $(seq 1 "$PAIRS"); do
		d="$TEST_TMP/r${r}p$p"
		[ "$(cat "$d/a.rc")$(cat "$d/b.rc")" = 00 ] || fails=$((fails + 1))
	done
done
is "$((ROUNDS * PAIRS * 2)) concurrent deliveries all exit 0" "$fails" 0

# per pair: the message rows (commit order) and tickets of the first mail and the follow-up
sqlite3 -separator ' ' "$db" "
	SELECT a.id, a.ticket_id, b.id, b.ticket_id
	FROM messages a JOIN messages b ON b.message_id = 'b.' || substr(a.message_id, 3)
	WHERE a.message_id LIKE 'a.%' AND a.direction = 'in' AND b.direction = 'in'" >"$TEST_TMP/pairs"
is "every pair stored" "$(wc -l <"$TEST_TMP/pairs")" "$((ROUNDS * PAIRS))"
a_first=0 b_first=0 split=0
while read -r am at bm bt; do
	if [ "$am" -lt "$bm" ]; then
		a_first=$((a_first + 1))
		# the first mail was committed first: its follow-up must have found it
		[ "$at" = "$bt" ] || { split=$((split + 1)); echo "# pair split: messages $am/$bm on tickets $at/$bt" >>"$LOG"; }
	else
		b_first=$((b_first + 1))
	fi
done <"$TEST_TMP/pairs"
echo "# first mail committed first: $a_first pairs; follow-up first: $b_first"
is "no follow-up committed after its first mail opened a ticket of its own" "$split" 0
is "tickets = pairs + follow-ups committed first" "$(pd ticket list --json | json length)" \
	"$((ROUNDS * PAIRS + b_first))"
finish
