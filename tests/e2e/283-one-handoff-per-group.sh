#!/bin/bash
# The writer hands a group's replies to the listeners' thread at once (issue 10, writer): one
# source attached, one wake-up per group, not one per mail. 8 sessions send while each sync
# is held 300 ms (POSTDESK_TEST_SYNC_DELAY_MS), so the groups gather several mails; the
# debug line at exit counts submissions, groups and hand-offs (main had no such line and
# handed each mail over on its own). Every 250 still comes after its sync: e2e 274.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"

serve_setup
export POSTDESK_DEBUG=1 POSTDESK_TEST_SYNC_DELAY_MS=300
serve_start
pids=""
for s in 1 2 3 4 5 6 7 8; do
	{
		printf 'LHLO client.example\n'
		for i in 1 2 3; do
			printf 'MAIL FROM:<c%s@customer.example>\nRCPT TO:<support@example.com>\nDATA\n' "$s"
			printf 'From: c%s@customer.example\nSubject: S%s M%s\nMessage-ID: <h%s.%s@customer.example>\n\nMail %s of session %s.\n.\n' \
				"$s" "$s" "$i" "$s" "$i" "$i" "$s"
		done
		printf 'QUIT\n'
	} | chat "$LMTP_PORT" >"$TEST_TMP/out$s" &
	pids="$pids $!"
done
wait $pids
cat "$TEST_TMP"/out* >>"$LOG"
is "24 mails answered 250" "$(cat "$TEST_TMP"/out* | grep -c '^250 2.0.0')" 24
check "every row processed" wait_for 60 db_is 0 "select count(*) from intake where state = 'pending'"
serve_stop
is "serve exits 0" "$SERVE_RC" 0
is "24 rows, each once" "$(db 'select count(*), count(distinct dedup_key) from intake')" "24|24"
line=$(grep 'writer: .* submissions in .* groups, reported in .* hand-offs' "$SERVE_LOG")
n() { sed -n "s/.*writer: \([0-9]*\) submissions in \([0-9]*\) groups, reported in \([0-9]*\) hand-offs.*/\\$1/p" <<<"$line"; }
is "the writer's line counts 24 submissions" "$(n 1)" 24
check "the groups gathered several mails (fewer groups than mails)" test "$(n 2)" -lt 24
is "one hand-off per group (all sessions share one thread)" "$(n 3)" "$(n 2)"
finish
