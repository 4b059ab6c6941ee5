#!/bin/bash
# init creates a home (config, 0600 secret, database) and never overwrites; --help everywhere;
# exit codes follow sysexits.h.
. "$(dirname "$0")/lib.sh"

pd init >/dev/null
check "init creates the config" test -s "$POSTDESK_HOME/postdesk.conf"
check "init creates the database" test -s "$POSTDESK_HOME/postdesk.db"
is "the secret key is mode 0600" "$(stat -c %a "$POSTDESK_HOME/secret.key")" 600
is "the home is mode 0700" "$(stat -c %a "$POSTDESK_HOME")" 700
key=$(cat "$POSTDESK_HOME/secret.key")
echo "# edited" >>"$POSTDESK_HOME/postdesk.conf"
pd init >/dev/null
is "a second init keeps the secret" "$(cat "$POSTDESK_HOME/secret.key")" "$key"
check "a second init keeps the config" grep -q '^# edited' "$POSTDESK_HOME/postdesk.conf"

for c in init deliver classify send serve "ticket list" "ticket show" "outbox list" \
	"quarantine list" "quarantine show" "quarantine retry"; do
	# shellcheck disable=SC2086
	check "postdesk $c --help" sh -c "\"$POSTDESK\" $c --help | grep -q Usage"
done

"$POSTDESK" frobnicate >/dev/null 2>&1
is "unknown command exits 64" $? 64
"$POSTDESK" ticket show 999 >/dev/null 2>&1
is "unknown ticket exits 66" $? 66
"$POSTDESK" ticket show abc >/dev/null 2>&1
is "bad ticket id exits 64" $? 64
printf '[smtp]\nretry_base = soon\n' >>"$POSTDESK_HOME/postdesk.conf"
"$POSTDESK" ticket list >/dev/null 2>&1
is "a broken config exits 78" $? 78

# classify stores nothing and creates nothing
export POSTDESK_HOME="$TEST_TMP/nohome"
printf 'From: a@b.example\nSubject: hi\n\nhello\n' >"$TEST_TMP/m.eml"
check "classify works without a home" sh -c "\"$POSTDESK\" classify --json \"$TEST_TMP/m.eml\" | jq -e '.class == \"human\"'"
check "classify created nothing" test ! -e "$POSTDESK_HOME"
finish
