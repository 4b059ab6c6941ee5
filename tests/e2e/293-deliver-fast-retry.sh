#!/bin/bash
# postdesk-deliver (issue 10, lean) and the MTA's retries: a re-delivery of the same mail for
# the same recipients stores nothing twice and makes no second ticket; a database held past
# busy_timeout gives exit 75 with nothing written for any recipient, and the retry once the
# lock is gone stores each recipient's row once. The mail is committed before exit 0: serve,
# stopped right after, finds the rows pending and processes them when it starts again.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"
FAST="${POSTDESK%/*}/postdesk-deliver"

serve_setup 'send_interval = 60' '[postdesk]' 'busy_timeout = 300'
serve_start
fast() { local f=$1; shift; POSTDESK_DEBUG=1 "$FAST" "$@" <"$f" 2>>"$LOG"; echo $?; }
took_it() { ! tail -n 5 "$LOG" | grep -q "postdesk deliver takes this mail"; }

mail "$TEST_TMP/a.eml" 'Ann <ann@customer.example>' support@example.com "Retry me" <<<"hello"
is "first delivery exits 0" "$(fast "$TEST_TMP/a.eml" -f ann@customer.example -r support@example.com -r sales@example.com)" 0
check "... through the fast path" took_it
wait_for 20 tickets_are 1 || not_ok "serve made the ticket"
is "the MTA's retry exits 0" "$(fast "$TEST_TMP/a.eml" -f ann@customer.example -r support@example.com -r sales@example.com)" 0
check "... through the fast path" took_it
# (handed to serve's group commit, issue 10 share: the MTA's log says duplicate, serve's the state)
grep -q "action=duplicate" "$LOG" && grep -q "action=duplicate state=done" "$SERVE_LOG" &&
	ok "the retry is logged as a duplicate" || not_ok "the retry is logged as a duplicate"
sleep 1
is "two intake rows, not four" "$(db "SELECT count(*) FROM intake")" 2
is "one body" "$(db "SELECT count(*) FROM bodies")" 1
is "one ticket" "$(pd ticket list --json | jq length)" 1
is "one acknowledgement" "$(db "SELECT count(*) FROM outbox WHERE kind = 'ack'")" 1

# ---- the database held past busy_timeout (300 ms) ----
mail "$TEST_TMP/b.eml" 'Bo <bo@customer.example>' support@example.com "Busy" <<<"busy?"
(printf 'BEGIN IMMEDIATE;\nSELECT 1;\n'; sleep 3; printf 'COMMIT;\n') |
	sqlite3 "$POSTDESK_HOME/postdesk.db" >/dev/null 2>&1 &
locker=$!
sleep 1
is "a database busy past the timeout exits 75" \
	"$(fast "$TEST_TMP/b.eml" -f bo@customer.example -r support@example.com -r sales@example.com)" 75
grep -q "the MTA keeps the mail and retries" "$LOG" && ok "... and says why" || not_ok "... and says why"
wait "$locker"
is "nothing was written for either recipient" "$(db "SELECT count(*) FROM intake")" 2
is "no body either" "$(db "SELECT count(*) FROM bodies")" 1
is "the retry after the lock exits 0" \
	"$(fast "$TEST_TMP/b.eml" -f bo@customer.example -r support@example.com -r sales@example.com)" 0
is "one row per recipient" "$(db "SELECT count(*) FROM intake WHERE envelope_from = 'bo@customer.example'")" 2
wait_for 20 tickets_are 2 && ok "and serve makes its ticket" || not_ok "and serve makes its ticket"

# ---- durable before exit 0: serve gone right after, the rows wait for the next one ----
mail "$TEST_TMP/c.eml" 'Cy <cy@customer.example>' support@example.com "Later" <<<"later"
kill -STOP "$SERVE_PID"
is "with serve stopped (SIGSTOP) the mail is still taken" "$(fast "$TEST_TMP/c.eml" -r support@example.com)" 0
kill -9 "$SERVE_PID" 2>/dev/null
wait "$SERVE_PID" 2>/dev/null
is "... and is pending in the store" "$(db "SELECT state FROM intake WHERE id = (SELECT max(id) FROM intake)")" pending
serve_start
wait_for 20 tickets_are 3 && ok "the next serve processes it" || not_ok "the next serve processes it"
serve_stop
is "serve exits 0" "$SERVE_RC" 0
finish
