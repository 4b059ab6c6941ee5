#!/bin/bash
# DKIM on campaign mail: with [dkim] set, every copy the campaign sender delivers carries a
# signature that an independent verifier (python3-dkim, the key served without DNS) accepts,
# with the List-* fields signed (RFC 8058 wants List-Unsubscribe and List-Unsubscribe-Post
# covered). A key that cannot be read leaves the copies unsigned, never unsent.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"
. "$(dirname "$0")/lib-campaign.sh"

VERIFY="$POSTDESK_SRCDIR/tests/lib/dkim-verify.py"
openssl genrsa -out "$TEST_TMP/dkim.key" 2048 2>>"$LOG" || bail "openssl genrsa failed"
openssl rsa -in "$TEST_TMP/dkim.key" -pubout -out "$TEST_TMP/dkim.pub" 2>>"$LOG" || bail "openssl rsa failed"

sink_start
campaign_setup 'rate = 0' 'connections = 2'
cat >>"$POSTDESK_HOME/postdesk.conf" <<EOF2

[dkim]
domain = example.com
selector = s2026
key_file = $TEST_TMP/dkim.key
EOF2
make_list news 12 3
id=$(pd announce create --list news --subject 'Signed news for {{name}}' --template default)
is "create prints the id" "$id" 1
check "start" pd announce start 1
check "send" pd send
is "all 12 sent" "$(campaign_json 1 sent)" 12
check "each address once, headers right" check_sink news

# every captured copy verifies with python3-dkim and signs the List-* fields
$PY - "$SINK_OUT" "$TEST_TMP" <<'PY' >>"$LOG" 2>&1
import json, sys
for line in open(sys.argv[1]):
    m = json.loads(line)
    with open("%s/copy-%d.eml" % (sys.argv[2], m["n"]), "w", newline="") as f:
        f.write(m["data"])
PY
n=0 good=0 lists=0
for f in "$TEST_TMP"/copy-*.eml; do
	n=$((n + 1))
	if h=$($PY "$VERIFY" "$f" "$TEST_TMP/dkim.pub" s2026 example.com 2>>"$LOG"); then
		good=$((good + 1))
		case ":$h:" in *:list-unsubscribe:*list-unsubscribe-post:* | *:list-unsubscribe-post:*list-unsubscribe:*)
			lists=$((lists + 1)) ;;
		esac
	fi
done
is "12 copies captured" "$n" 12
is "every copy verifies" "$good" 12
is "every signature covers List-Unsubscribe and List-Unsubscribe-Post" "$lists" 12

# a key that cannot be read: the next campaign goes out unsigned, with a warning
chmod 000 "$TEST_TMP/dkim.key"
mv "$TEST_TMP/dkim.key" "$TEST_TMP/dkim.key.gone"
check "a second campaign" pd announce create --list news --subject 'Unsigned' --body /dev/null
check "start it" pd announce start 2
check "send it" pd send
is "all 12 of the second sent" "$(campaign_json 2 sent)" 12
is "24 copies in all" "$(wc -l <"$SINK_OUT")" 24
is "the second campaign's copies carry no signature" \
	"$(tail -n 12 "$SINK_OUT" | grep -c 'DKIM-Signature')" 0
check "the log says they went unsigned" grep -q 'unsigned' "$LOG"
finish
