#!/bin/bash
# When serve's group commit is committed but not (yet) synced (issue 10, sync; syncer.c):
# (a) the WAL's fdatasync fails (test hook POSTDESK_TEST_SYNC_FAIL=N: the Nth sync reports EIO):
#     that mail gets 451, never 250; serve takes no more mail (451, nothing stored) and says
#     so; the hand-over answers tempfail (postdesk-deliver commits the mail itself); after a
#     restart the MTA's retry of the mail is recognised as already stored, and stored once.
# (b) serve is killed (-9) between the commit and the sync (POSTDESK_TEST_SYNC_DELAY_MS holds
#     the sync): the LMTP client gets no 250, postdesk-deliver no `ok`; the retries store each
#     mail exactly once.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"

FAST="${POSTDESK%/*}/postdesk-deliver"
[ -x "$FAST" ] || bail "no $FAST"
serve_setup

# conv NAME: an LMTP conversation for one mail, always the same bytes for NAME
conv() {
	printf 'LHLO client.example\nMAIL FROM:<%s@customer.example>\nRCPT TO:<support@example.com>\nDATA\nFrom: %s@customer.example\nTo: support@example.com\nSubject: %s\nMessage-ID: <%s@customer.example>\n\nbody of %s\n.\nQUIT\n' \
		"$1" "$1" "$1" "$1" "$1"
}
# final NAME: the reply to NAME's DATA (the line after the 354), or EOF
final() { conv "$1" | $PY "$CHAT_PY" "$LMTP_PORT" | sed -n '/^354/{n;p;q}'; }
rows_of() { db "select count(*) from intake where envelope_from = '$1@customer.example'"; }

# ---- (a) the third sync fails ----
POSTDESK_TEST_SYNC_FAIL=3 serve_start
is "mail 1: 250" "$(final f1 | cut -c1-20)" "250 2.0.0 Ok: stored"
is "mail 2: 250" "$(final f2 | cut -c1-20)" "250 2.0.0 Ok: stored"
is "mail 3, whose sync fails: 451, not 250" "$(final f3 | cut -c1-3)" 451
is "... its row was committed" "$(rows_of f3)" 1
check "serve logs the failed sync as an error" grep -q 'error: fdatasync .*-wal: .*restarted' "$SERVE_LOG"
is "mail 4, after the failure: 451" "$(final f4 | cut -c1-3)" 451
is "... and not stored" "$(rows_of f4)" 0
printf 'From: h1@customer.example\nTo: support@example.com\nSubject: h1\n\nbody\n' >"$TEST_TMP/h1.eml"
POSTDESK_DEBUG=1 "$FAST" -f h1@customer.example -r support@example.com <"$TEST_TMP/h1.eml" 2>"$TEST_TMP/h1.err"
is "a hand-over after the failure: postdesk-deliver exits 0" "$?" 0
check "... serve did not take it (tempfail), it committed the mail itself" \
	grep -q "committing the rows itself" "$TEST_TMP/h1.err"
is "... stored once" "$(rows_of h1)" 1
serve_stop
is "serve exits 0" "$SERVE_RC" 0

serve_start
is "after a restart, the MTA's retry of mail 3: 250, already stored" \
	"$(final f3 | cut -c1-28)" "250 2.0.0 Ok: already stored"
is "... and of mail 4: 250, stored" "$(final f4 | cut -c1-20)" "250 2.0.0 Ok: stored"
is "every mail stored exactly once" \
	"$(db "select group_concat(n, ' ') from (select count(*) n from intake group by envelope_from order by envelope_from)")" \
	"1 1 1 1 1"
serve_stop
is "serve exits 0" "$SERVE_RC" 0

# ---- (b) killed between the commit and the sync ----
# (one mail per serve: by default the writer syncs inline, so a second mail would wait for
# the first one's sync before its commit)
POSTDESK_TEST_SYNC_DELAY_MS=5000 serve_start
final k1 >"$TEST_TMP/k1.out" &
LMTP_CLIENT=$!
wait_for 20 db_is 1 "select count(*) from intake where envelope_from = 'k1@customer.example'"
is "an LMTP mail is committed, its sync held" "$(rows_of k1)" 1
serve_stop KILL
wait "$LMTP_CLIENT"
is "serve killed: the LMTP client got no reply to its DATA" "$(cat "$TEST_TMP/k1.out")" EOF

printf 'From: h2@customer.example\nTo: support@example.com\nSubject: h2\n\nbody\n' >"$TEST_TMP/h2.eml"
POSTDESK_TEST_SYNC_DELAY_MS=5000 serve_start
POSTDESK_DEBUG=1 "$FAST" -f h2@customer.example -r support@example.com <"$TEST_TMP/h2.eml" \
	2>"$TEST_TMP/h2.err" &
FAST_PID=$!
wait_for 20 db_is 1 "select count(*) from intake where envelope_from = 'h2@customer.example'"
is "a hand-over is committed, its sync held" "$(rows_of h2)" 1
serve_stop KILL
wait "$FAST_PID"
is "serve killed: postdesk-deliver exits 0 all the same" "$?" 0
check "... it got no ok" grep -q "committing the rows itself" "$TEST_TMP/h2.err"
check "... and found its mail stored (a duplicate)" grep -q "action=duplicate" "$TEST_TMP/h2.err"
serve_start
is "the MTA's retry: 250, already stored" "$(final k1 | cut -c1-28)" "250 2.0.0 Ok: already stored"
is "each stored exactly once" "$(rows_of k1) $(rows_of h2)" "1 1"
check "every row is processed" wait_for 60 db_is 0 "select count(*) from intake where state = 'pending'"
serve_stop
is "serve exits 0" "$SERVE_RC" 0

finish
