#!/bin/bash
# `postdesk quarantine retry N` never leaves a row pending without a word: a retry that fails
# again puts the mail back in quarantine with the new reason and says so (exit non-zero); a
# retry that works says it was processed. The failure here is a processing fault (the
# attachment store cannot take the file), not a parse error.
. "$(dirname "$0")/lib.sh"

pd_setup
db_state() { sqlite3 "$POSTDESK_HOME/postdesk.db" "select state from intake where id = $1"; }
printf 'the attached file\n' >"$TEST_TMP/att.txt"
att_sha=$(sha256sum "$TEST_TMP/att.txt" | cut -c1-64)
shard="$POSTDESK_HOME/attachments/${att_sha:0:2}"
mail "$TEST_TMP/m.eml" 'Ann <ann@customer.example>' support@example.com "With a file" \
	'MIME-Version: 1.0' 'Content-Type: multipart/mixed; boundary="b1"' <<EOF2
--b1
Content-Type: text/plain

See the file.
--b1
Content-Type: text/plain; name="att.txt"
Content-Disposition: attachment; filename="att.txt"
Content-Transfer-Encoding: base64

$(base64 <"$TEST_TMP/att.txt")
--b1--
EOF2

# a file where the attachment's directory should be: processing fails whoever runs it
rm -rf "$shard"
: >"$shard"
is "deliver exits 0: the mail is safe in quarantine" \
	"$(deliver "$TEST_TMP/m.eml" --recipient support@example.com)" 0
is "quarantined" "$(pd quarantine list --json | json '.[0].state')" quarantined

"$POSTDESK" quarantine retry 1 >"$TEST_TMP/retry1.out" 2>"$TEST_TMP/retry1.err"
rc=$?
cat "$TEST_TMP/retry1.out" "$TEST_TMP/retry1.err" >>"$LOG"
check "a failed retry exits non-zero" test "$rc" -ne 0
check "and says the mail is back in quarantine" grep -q 'intake 1 is back in quarantine' "$TEST_TMP/retry1.err"
is "the row is quarantined, not pending" "$(db_state 1)" quarantined
check "with the new reason" sh -c "\"$POSTDESK\" quarantine show 1 --json | jq -e '.reason | test(\"processing failed\")'"
is "no ticket" "$(pd ticket list --json | json length)" 0

rm -f "$shard"
"$POSTDESK" quarantine retry 1 >"$TEST_TMP/retry2.out" 2>>"$LOG"
is "a retry that works exits 0" "$?" 0
check "and says it was processed" grep -q '^intake 1: processed: new-ticket' "$TEST_TMP/retry2.out"
is "the row is done" "$(db_state 1)" done
is "one ticket" "$(pd ticket list --json | json length)" 1
check "the attachment is stored" test -f "$shard/$att_sha"
finish
