#!/bin/bash
# One mail's database work does not grow with its sender's history (issue 10). A flood or a
# loop from one address: processing used to slow down as that address's earlier mail piled
# up (the ticket read for every follow-up counted all the ticket's messages). With
# POSTDESK_DEBUG each processed mail logs the statements it ran and SQLite's VM steps (which
# grow with the rows a query visits); an early and a late mail of the same kind must cost the
# same. Not a timing test: the counts are exact.
. "$(dirname "$0")/lib.sh"

pd_setup
db() { sqlite3 -cmd ".timeout 10000" "$POSTDESK_HOME/postdesk.db" "$@"; }
CUST=flood@customer.example
PAD="The invoice total is wrong again and the portal will not let me download the PDF. "

# work N: "statements vm_steps" of intake row N, from the debug lines of the deliveries
work() {
	sed -n "s/.*debug: intake=$1 work: statements=\([0-9]*\) vm_steps=\([0-9]*\) .*/\1 \2/p" \
		"$TEST_TMP/debug.log" | tail -n 1
}

# send I SUBJECT: mail number I from the one customer
send() {
	printf '%s\n' "$PAD$PAD" | mail "$TEST_TMP/m$1.eml" "Flood <$CUST>" support@example.com "$2"
	POSTDESK_DEBUG=1 "$POSTDESK" deliver --recipient support@example.com --sender "$CUST" \
		<"$TEST_TMP/m$1.eml" 2>>"$TEST_TMP/debug.log"
	echo "$1 $?" >>"$TEST_TMP/status"
}

# 1. a loop onto one ticket: every mail after the first follows up on ticket 1
send 1 "The invoice"
for i in $(seq 2 40); do
	send "$i" "Re: [SUPPORT #1] The invoice ($i)"
done
is "every mail of the loop was taken" "$(awk '$2 != 0' "$TEST_TMP/status" | wc -l)" 0
is "...all on ticket 1" "$(db "select count(*) from messages where ticket_id = 1 and direction = 'in'")" 40
early=$(work 3)
late=$(work 40)
check "the debug line reports the work of a mail" test -n "$early"
is "the 40th follow-up runs as many statements as the 3rd" "${late% *}" "${early% *}"
check "...and visits no more rows (VM steps $early -> $late)" \
	test "${late#* }" -le $((${early#* } + 10))

# 2. a flood of new tickets from the one address, past its limits of automatic answers
for i in $(seq 41 80); do
	send "$i" "Another problem number $i"
done
is "every mail of the flood was taken" "$(awk '$2 != 0' "$TEST_TMP/status" | wc -l)" 0
is "...each opened a ticket" "$(db "select count(*) from tickets")" 41
is "...and the acknowledgements stopped at the hour's limit (3)" \
	"$(db "select count(*) from outbox where rcpt = '$CUST' and automatic = 1")" 3
early=$(work 60)
late=$(work 80)
is "the 40th new ticket runs as many statements as the 20th" "${late% *}" "${early% *}"
check "...and visits no more rows (VM steps $early -> $late)" \
	test "${late#* }" -le $((${early#* } + 10))

finish
