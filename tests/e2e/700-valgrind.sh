#!/bin/bash
# postdesk under valgrind's memcheck: deliver (a new ticket, a reply, a bounce), classify over
# a sample of every corpus, ticket show, kb import and suggest, outbox show. No invalid read
# or write, no use of uninitialised memory, and nothing definitely lost. Not in the
# AddressSanitizer build (valgrind cannot run over ASan); the plain build runs it.
. "$(dirname "$0")/lib.sh"

VG="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
	--show-leak-kinds=definite --suppressions=$POSTDESK_SRCDIR/tests/lib/valgrind.supp"
vg() { # NAME CMD...: the command under memcheck exits as itself, never 99
	local name=$1
	shift
	# shellcheck disable=SC2086
	$VG "$@" >"$TEST_TMP/vg.out" 2>"$TEST_TMP/vg.err"
	local rc=$?
	if [ "$rc" = 99 ] || grep -q '^==[0-9]*== ' "$TEST_TMP/vg.err"; then
		sed 's/^/# /' "$TEST_TMP/vg.err" | head -n 40
		not_ok "$name: memcheck found errors"
	else
		ok "$name: memcheck clean (exit $rc)"
	fi
}

pd_setup
mail "$TEST_TMP/c1.eml" 'Ann Customer <ann@customer.example>' support@example.com "Printer offline" <<<"Hello, my printer says it is offline. Regards, Ann"
vg "deliver a new ticket" "$POSTDESK" deliver --recipient support@example.com --sender ann@customer.example <"$TEST_TMP/c1.eml"
reply_to=$(pd outbox show 1 | sed -n 's/^Reply-To: *//p' | head -n 1)
mail "$TEST_TMP/c2.eml" 'Ann Customer <ann@customer.example>' "$reply_to" "Re: Printer offline" <<<"It works again, thanks."
vg "deliver a reply" "$POSTDESK" deliver --recipient "$reply_to" --sender ann@customer.example <"$TEST_TMP/c2.eml"
bounce=$(ls "$POSTDESK_CORPUS"/sisimai-bounces/messages/*.eml | head -n 1)
# past the 1 MB the spool keeps in memory: the rest goes through its temporary file
for i in $(seq 1 40000); do echo "line $i of a long message that is spooled to a file"; done |
	mail "$TEST_TMP/big.eml" 'Bo Customer <bo@customer.example>' support@example.com "Long log"
vg "deliver a 2 MB message (spooled to a file)" "$POSTDESK" deliver --recipient support@example.com --sender bo@customer.example <"$TEST_TMP/big.eml"
vg "deliver a bounce" "$POSTDESK" deliver --recipient support@example.com --sender '' <"$bounce"
sample=$(for d in "$POSTDESK_CORPUS"/*/messages; do ls "$d"/*.eml | head -n 25; done)
# shellcheck disable=SC2086
vg "classify --json --explain over the corpora" "$POSTDESK" classify --json --explain $sample
vg "ticket show" "$POSTDESK" ticket show 1 --json
vg "outbox show" "$POSTDESK" outbox show 1
vg "kb import" "$POSTDESK" kb import "$POSTDESK_SRCDIR/tests/data/kb/articles"
vg "kb suggest" "$POSTDESK" kb suggest --json "$POSTDESK_SRCDIR"/tests/data/kb/mails/00*.eml
is "the long message is stored whole" "$(sqlite3 "$POSTDESK_HOME/postdesk.db" "SELECT size FROM intake WHERE envelope_from = 'bo@customer.example'")" "$(wc -c <"$TEST_TMP/big.eml")"
is "the ticket was made and the reply threaded" "$(pd ticket show 1 --json | json '[.messages[] | select(.direction == "in")] | length')" 2
finish
