#!/bin/bash
# postdesk-deliver (issue 10, lean) hands what it does not handle to `postdesk deliver`, with
# the same arguments and the same bytes on stdin, even those it had read already. With serve
# running (so the fast path would be open) each case of its list: a message over [limits]
# message_size (quarantined whole) or four times over (refused); a schema version it was not
# built for; a config it does not read (a line longer than it reads; a line GLib refuses); no
# database; an option it does not take; POSTDESK_NOW. POSTDESK_DEBUG names the reason.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"
FAST="${POSTDESK%/*}/postdesk-deliver"

serve_setup 'send_interval = 60' '[limits]' 'message_size = 2048'
serve_start
CONF="$POSTDESK_HOME/postdesk.conf"
cp "$CONF" "$TEST_TMP/conf.good"
# fast FILE ARGS...: exit status; stderr in $TEST_TMP/err (and the log)
fast() {
	local f=$1
	shift
	POSTDESK_DEBUG=1 "$FAST" "$@" <"$f" 2>"$TEST_TMP/err"
	echo $?
	cat "$TEST_TMP/err" >>"$LOG"
}
handed() { grep -q "postdesk deliver takes this mail: .*$1" "$TEST_TMP/err"; }
rows() { db "SELECT count(*) FROM intake"; }

# ---- the fast path is open: a small mail is taken by postdesk-deliver itself ----
mail "$TEST_TMP/small.eml" 'Ann <ann@customer.example>' support@example.com "Small" <<<"hello"
is "a small mail exits 0" "$(fast "$TEST_TMP/small.eml" -r support@example.com)" 0
grep -q "takes this mail" "$TEST_TMP/err" && not_ok "... taken by postdesk-deliver itself" ||
	ok "... taken by postdesk-deliver itself"

# ---- over the size limit: the full program gets every byte and quarantines it ----
mail "$TEST_TMP/over.eml" 'Bo <bo@customer.example>' support@example.com "Over" < <(
	for i in $(seq 1 100); do echo "line $i of a message over the two-kilobyte limit"; done)
is "a mail over message_size exits 0" "$(fast "$TEST_TMP/over.eml" -f bo@customer.example -r support@example.com)" 0
check "... handed over: over [limits] message_size" handed "over \[limits\] message_size"
is "... kept in quarantine at once, with the reason" \
	"$(db "SELECT state, reason LIKE 'message too large%' FROM intake WHERE envelope_from = 'bo@customer.example'")" "quarantined|1"
is "... every byte stored, none lost in the hand-over" \
	"$(db "SELECT sha256 FROM bodies WHERE id = (SELECT body_id FROM intake WHERE envelope_from = 'bo@customer.example')")" \
	"$(sha256sum <"$TEST_TMP/over.eml" | cut -d' ' -f1)"
before=$(rows)
head -c 9000 /dev/zero | tr '\0' 'x' | mail "$TEST_TMP/far.eml" 'Cy <cy@customer.example>' support@example.com "Far over"
is "a mail four times over exits 65 (refused, as deliver refuses it)" "$(fast "$TEST_TMP/far.eml" -r support@example.com)" 65
is "... nothing stored" "$(rows)" "$before"
is "no spool file left in the home" "$(ls -A "$POSTDESK_HOME" | grep -c spool)" 0

# ---- a schema version this binary was not built for ----
v=$(db "PRAGMA user_version")
db "PRAGMA user_version = $((v + 1))"
mail "$TEST_TMP/schema.eml" 'Di <di@customer.example>' support@example.com "Schema" <<<"newer"
is "a database at another schema version: exit 0" "$(fast "$TEST_TMP/schema.eml" -r support@example.com)" 0
check "... handed over: the schema version" handed "schema version $((v + 1)), this binary knows $v"
is "... and the full program processed it" "$(db "SELECT state FROM intake WHERE body_id = (SELECT id FROM bodies WHERE sha256 = '$(sha256sum <"$TEST_TMP/schema.eml" | cut -d' ' -f1)')")" done
db "PRAGMA user_version = $v"

# ---- a config it does not read as GLib does ----
{ cat "$TEST_TMP/conf.good"; printf '# %05000d\n' 0; } >"$CONF"
mail "$TEST_TMP/long.eml" 'Ed <ed@customer.example>' support@example.com "Long line" <<<"x"
is "a config with a 5000-byte line: exit 0" "$(fast "$TEST_TMP/long.eml" -f ed@customer.example -r support@example.com)" 0
check "... handed over: a line longer than it reads" handed "longer than read here"
is "... processed by the full program" "$(db "SELECT state FROM intake WHERE envelope_from = 'ed@customer.example'")" done
{ cat "$TEST_TMP/conf.good"; echo "this line is no key"; } >"$CONF"
before=$(rows)
mail "$TEST_TMP/bad.eml" 'Fa <fa@customer.example>' support@example.com "Bad config" <<<"x"
is "a config GLib refuses: exit 75 (the full program's)" "$(fast "$TEST_TMP/bad.eml" -r support@example.com)" 75
check "... handed over: a line that is not a key" handed "not a key, a group or a comment"
grep -q "config" "$TEST_TMP/err" && ok "... the full program names the config" || not_ok "... the full program names the config"
is "... nothing stored" "$(rows)" "$before"
cp "$TEST_TMP/conf.good" "$CONF"

# ---- no database ----
mv "$POSTDESK_HOME/postdesk.db" "$TEST_TMP/db.away"
is "no database: exit 75" "$(fast "$TEST_TMP/bad.eml" -r support@example.com)" 75
check "... handed over" handed "no home, secret key or database"
grep -q "does not exist" "$TEST_TMP/err" && ok "... the full program says it does not exist" ||
	not_ok "... the full program says it does not exist"
is "... and none was made" "$(ls "$POSTDESK_HOME"/postdesk.db 2>/dev/null | wc -l)" 0
mv "$TEST_TMP/db.away" "$POSTDESK_HOME/postdesk.db"

# ---- options it does not take ----
"$FAST" --help </dev/null >"$TEST_TMP/help" 2>>"$LOG"
is "--help: the full program's help, exit 0" "$?" 0
grep -q "postdesk deliver \[OPTION" "$TEST_TMP/help" && ok "... deliver's usage" || not_ok "... deliver's usage"
is "-fADDR (GOption refuses it): exit 64" "$(fast "$TEST_TMP/bad.eml" -ffa@customer.example -r support@example.com)" 64
check "... handed over" handed "an option"

# ---- a test clock ----
is "POSTDESK_NOW set: exit 0" "$(POSTDESK_NOW=2026-11-01T10:00:00Z fast "$TEST_TMP/bad.eml" -r support@example.com)" 0
check "... handed over" handed "POSTDESK_NOW"
is "... received at that time" "$(db "SELECT received_at FROM intake WHERE id = (SELECT max(id) FROM intake)")" \
	"$(date -u -d 2026-11-01T10:00:00Z +%s)"

serve_stop
is "serve exits 0" "$SERVE_RC" 0
finish
