#!/bin/bash
# Migration (issue 13): an mbox built from ../shared/corpus is threaded into tickets without
# sending anything (no acknowledgement, no notification, no SLA clock; the outbox stays
# empty); importing it again adds nothing; an import killed midway and run again ends where a
# single run does; --limit stops and the next run goes on; --queue and --closed-before;
# a maildir; progress on a terminal only.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"

# mail without a Date: is dated now: the same now in every run
export POSTDESK_NOW=2026-11-29T12:00:00Z
CORPUS=${POSTDESK_CORPUS:-$POSTDESK_SRCDIR/../shared/corpus}
[ -d "$CORPUS/threading/messages" ] || bail "corpus not found: set POSTDESK_CORPUS"

# mbox OUT FILES...: an mboxrd of FILES (line ends made LF, ">From " escaped, a blank line after
# each); with COPY set, each message gets an X-Copy header so every copy is other bytes
mbox() {
	local out=$1 f
	shift
	for f in "$@"; do
		printf 'From import@example.org Mon Jan  1 00:00:00 2024\n'
		[ -n "${COPY:-}" ] && printf 'X-Copy: %s\n' "$COPY"
		sed 's/\r$//; s/^\(>*From \)/>\1/' "$f"
		[ -z "$(tail -c1 "$f")" ] || printf '\n' # a last line without its newline
		printf '\n'
	done >>"$out"
}
FILES=("$CORPUS"/threading/messages/*.eml "$CORPUS"/talon-replies/messages/*.eml "$CORPUS"/autoreply/messages/*.eml)
mbox "$TEST_TMP/corpus.mbox" "${FILES[@]}"
N=$(grep -c '^From import@example.org ' "$TEST_TMP/corpus.mbox")

# snapshot: what an import made, ids included
snapshot() {
	db "select id, queue, state, subject, customer, created_at from tickets order by id;
	    select id, ticket_id, direction, class, message_id, threaded_by from messages order by id;
	    select id, dedup_key, state, class from intake order by id;
	    select count(*) from outbox; select count(*) from sla_targets;"
}
home() { export POSTDESK_HOME="$TEST_TMP/$1"; pd_setup; pd agent add agent@example.com >>"$LOG"; }

home one
out=$(pd import mbox "$TEST_TMP/corpus.mbox" --queue sales 2>"$TEST_TMP/import.err")
is "import exits 0" "$?" 0
echo "$out" >>"$LOG"
check "every message of the mbox is read" grep -q "^imported $N messages" <<<"$out"
is "no intake row is left pending" "$(db "select count(*) from intake where state = 'pending'")" 0
tickets=$(db "select count(*) from tickets")
check "tickets are made ($tickets)" test "$tickets" -gt 20
check "replies are threaded onto their tickets" \
	test "$(db "select count(*) from messages where threaded_by in ('in-reply-to', 'references')")" -gt 5
is "nothing is sent: the outbox is empty (an agent exists)" "$(db "select count(*) from outbox")" 0
is "no acknowledgement or notification event" "$(db "select count(*) from events where kind in ('ack', 'notify', 'ack-refused')")" 0
is "no SLA clock runs for old mail" "$(db "select count(*) from sla_targets")" 0
is "every ticket is in the --queue" "$(db "select group_concat(distinct queue) from tickets")" "sales"
check "tickets keep the archive's dates" test "$(db "select min(created_at) from tickets")" -lt 1600000000
is "intake rows are marked as imported" "$(db "select group_concat(distinct source) from intake")" "import"
check "no progress line when stderr is no terminal" bash -c "! grep -q '%' '$TEST_TMP/import.err'"
snapshot >"$TEST_TMP/one.snap"

out=$(pd import mbox "$TEST_TMP/corpus.mbox" --queue sales)
echo "$out" >>"$LOG"
check "a second run goes on at the end: nothing to read" grep -q '^imported 0 messages' <<<"$out"
db "delete from import_progress"
out=$(pd import mbox "$TEST_TMP/corpus.mbox" --queue sales)
echo "$out" >>"$LOG"
check "read again from the start, every message is there already" \
	grep -Eq "^imported $N messages: 0 new tickets, 0 threaded onto tickets, $N there already" <<<"$out"
snapshot >"$TEST_TMP/again.snap"
check "importing twice gives the same tickets, messages and intake rows, and sends nothing" \
	cmp "$TEST_TMP/one.snap" "$TEST_TMP/again.snap"
pd tick >>"$LOG"
is "the scheduler finds nothing to send for imported tickets" "$(db "select count(*) from outbox")" 0

# --limit: stop after N messages; the next run goes on
home limited
out=$(pd import mbox "$TEST_TMP/corpus.mbox" --queue sales --limit 100)
check "--limit 100 reads 100 messages" grep -q '^imported 100 messages' <<<"$out"
out=$(pd import mbox "$TEST_TMP/corpus.mbox" --queue sales)
check "the next run reads the rest" grep -q "^imported $((N - 100)) messages" <<<"$out"
snapshot >"$TEST_TMP/limited.snap"
check "in two runs the same result as in one" cmp "$TEST_TMP/one.snap" "$TEST_TMP/limited.snap"

# killed midway: a bigger archive (ten copies, each other bytes), killed after 1000 rows
rm -f "$TEST_TMP/big.mbox"
for COPY in 1 2 3 4 5 6 7 8 9 10; do mbox "$TEST_TMP/big.mbox" "${FILES[@]}"; done
unset COPY
BIG=$((N * 10))
home clean
pd import mbox "$TEST_TMP/big.mbox" >>"$LOG"
snapshot >"$TEST_TMP/clean.snap"
home killed
"$POSTDESK" import mbox "$TEST_TMP/big.mbox" >>"$LOG" 2>&1 &
pid=$!
wait_for 60 bash -c "[ \"\$(sqlite3 -cmd '.timeout 1000' '$POSTDESK_HOME/postdesk.db' 'select count(*) from intake' 2>/dev/null || echo 0)\" -ge 1000 ]"
kill -KILL "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
got=$(db "select count(*) from intake")
if [ "$got" -lt "$BIG" ]; then
	ok "the import was killed midway ($got of $BIG rows)"
else
	ok "# SKIP the import finished before it could be killed ($got rows)"
fi
out=$(pd import mbox "$TEST_TMP/big.mbox")
echo "$out" >>"$LOG"
check "run again, it goes on where it was (not from the start)" bash -c "! grep -q '^imported $BIG messages' <<<'$out'"
snapshot >"$TEST_TMP/killed.snap"
check "killed and resumed, the same tickets as one clean run" cmp "$TEST_TMP/clean.snap" "$TEST_TMP/killed.snap"
is "and nothing sent" "$(db "select count(*) from outbox")" 0

# progress on a terminal
home tty
script -qec "'$POSTDESK' import mbox '$TEST_TMP/corpus.mbox'" /dev/null >"$TEST_TMP/tty.out" 2>&1
check "progress is shown on a terminal" grep -q "import $TEST_TMP/corpus.mbox: $N messages, 100%" "$TEST_TMP/tty.out"
check "instead of a log line per message" bash -c "! grep -q 'info: intake=' '$TEST_TMP/tty.out'"

# --closed-before, and routing without --queue
home closed
pd import mbox "$TEST_TMP/corpus.mbox" --closed-before 1990-01-01 >>"$LOG"
is "nothing is older than 1990: no ticket closed" "$(db "select count(*) from tickets where state = 'closed'")" 0
db "delete from import_progress"
out=$(pd import mbox "$TEST_TMP/corpus.mbox" --closed-before 2030-01-01)
check "the tickets with no mail since the date are closed" \
	grep -q "; $(db "select count(*) from tickets") tickets closed" <<<"$out"
is "each closing is an event" "$(db "select count(*) from events where kind = 'state' and detail like '%-> closed (imported%'")" \
	"$(db "select count(*) from tickets")"
is "without --queue, routing by address: the first queue" "$(db "select group_concat(distinct queue) from tickets")" "support"

# a maildir
home maildir
mkdir -p "$TEST_TMP/md/cur" "$TEST_TMP/md/new" "$TEST_TMP/md/tmp"
i=0
for f in "$CORPUS"/talon-replies/messages/*.eml; do
	i=$((i + 1))
	if [ $((i % 2)) = 0 ]; then d=cur; else d=new; fi
	cp "$f" "$TEST_TMP/md/$d/$((1700000000 + i)).M$i.host:2,S"
done
out=$(pd import maildir "$TEST_TMP/md")
echo "$out" >>"$LOG"
check "a maildir: every file is read" grep -q "^imported $i messages" <<<"$out"
check "a maildir makes tickets" test "$(db "select count(*) from tickets")" -gt 0
snapshot >"$TEST_TMP/md1.snap"
pd import maildir "$TEST_TMP/md" >>"$LOG"
snapshot >"$TEST_TMP/md2.snap"
check "a maildir imported twice: nothing added" cmp "$TEST_TMP/md1.snap" "$TEST_TMP/md2.snap"
is "a maildir: nothing sent" "$(db "select count(*) from outbox")" 0
check "not an mbox: refused" bash -c "! '$POSTDESK' import mbox '$CORPUS/README.md'"
check "an unknown queue: refused" bash -c "! '$POSTDESK' import mbox '$TEST_TMP/corpus.mbox' --queue nope"
finish
