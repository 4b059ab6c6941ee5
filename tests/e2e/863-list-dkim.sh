#!/bin/bash
# DKIM: with [dkim] set, the signature libopendkim makes over list mail verifies with an
# independent verifier (python3-dkim, the key served by a dnsfunc, no DNS), covers the List-*
# headers RFC 8058 wants signed, and stops verifying when a signed header or the body is
# changed. Without [dkim], nothing is added. Both LF and CRLF messages. The outbox sender signs
# ordinary mail too, and sends it unsigned (with a warning) when the key cannot be used.
. "$(dirname "$0")/lib.sh"

VERIFY="$POSTDESK_SRCDIR/tests/lib/dkim-verify.py"
openssl genrsa -out "$TEST_TMP/dkim.key" 2048 2>>"$LOG" || bail "openssl genrsa failed"
openssl rsa -in "$TEST_TMP/dkim.key" -pubout -out "$TEST_TMP/dkim.pub" 2>>"$LOG" || bail "openssl rsa failed"

cat >"$TEST_TMP/msg.eml" <<'EOF2'
From: The news list <news@example.com>
To: ann@customer.example
Subject: zlib 1.3.1 is out
Date: Mon, 23 Nov 2026 10:00:00 +0000
Message-ID: <c1.d1.k9f@example.com>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
List-Id: The news list <news.example.com>
List-Unsubscribe: <https://help.example.com/list/unsubscribe/m1-abc>,
 <mailto:news-request+m1-abc@example.com?subject=unsubscribe>
List-Unsubscribe-Post: List-Unsubscribe=One-Click
Precedence: bulk
Auto-Submitted: auto-generated

Hello Ann,

zlib 1.3.1 fixes the inflate crash.
EOF2

pd_setup
pd list-feedback dkim-sign "$TEST_TMP/msg.eml" >"$TEST_TMP/plain.eml"
check "without [dkim] the message is unchanged" cmp "$TEST_TMP/msg.eml" "$TEST_TMP/plain.eml"

cat >>"$POSTDESK_HOME/postdesk.conf" <<EOF2

[dkim]
domain = example.com
selector = s2026
key_file = $TEST_TMP/dkim.key
EOF2
pd list-feedback dkim-sign "$TEST_TMP/msg.eml" >"$TEST_TMP/signed.eml"
check "the signed message starts with DKIM-Signature" sh -c "head -1 '$TEST_TMP/signed.eml' | grep -q '^DKIM-Signature: '"
check "the rest is the message as it was" sh -c "tail -n +\$((\$(grep -n '^From:' '$TEST_TMP/signed.eml' | head -1 | cut -d: -f1))) '$TEST_TMP/signed.eml' | cmp - '$TEST_TMP/msg.eml'"
h=$($PY "$VERIFY" "$TEST_TMP/signed.eml" "$TEST_TMP/dkim.pub" s2026 example.com 2>>"$LOG")
is "python3-dkim verifies the signature" "$?" 0
for f in from to subject date message-id list-id list-unsubscribe list-unsubscribe-post; do
	check "h= covers $f" sh -c "echo '$h' | tr ':' '\n' | grep -qx '$f'"
done
check "a=rsa-sha256, c=relaxed/relaxed, d=example.com, s=s2026" sh -c \
	"tr -d ' \t\n' <'$TEST_TMP/signed.eml' | grep -q 'a=rsa-sha256;' && tr -d ' \t\n' <'$TEST_TMP/signed.eml' | grep -q 'c=relaxed/relaxed;' && tr -d ' \t\n' <'$TEST_TMP/signed.eml' | grep -q 'd=example.com;' && tr -d ' \t\n' <'$TEST_TMP/signed.eml' | grep -q 's=s2026;'"

# tampering: a changed List-Unsubscribe, a changed body, a wrong key
sed 's/m1-abc>,$/m2-xyz>,/' "$TEST_TMP/signed.eml" >"$TEST_TMP/t1.eml"
check "the tampered copy differs" sh -c "! cmp -s '$TEST_TMP/t1.eml' '$TEST_TMP/signed.eml'"
check "a changed List-Unsubscribe fails" sh -c "! $PY '$VERIFY' '$TEST_TMP/t1.eml' '$TEST_TMP/dkim.pub' s2026 example.com"
sed 's/inflate crash/deflate crash/' "$TEST_TMP/signed.eml" >"$TEST_TMP/t2.eml"
check "a changed body fails" sh -c "! $PY '$VERIFY' '$TEST_TMP/t2.eml' '$TEST_TMP/dkim.pub' s2026 example.com"
openssl genrsa -out "$TEST_TMP/other.key" 2048 2>>"$LOG"
openssl rsa -in "$TEST_TMP/other.key" -pubout -out "$TEST_TMP/other.pub" 2>>"$LOG"
check "another key fails" sh -c "! $PY '$VERIFY' '$TEST_TMP/signed.eml' '$TEST_TMP/other.pub' s2026 example.com"

# a CRLF message (as on the wire) gets a CRLF signature and verifies
sed 's/$/\r/' "$TEST_TMP/msg.eml" >"$TEST_TMP/crlf.eml"
pd list-feedback dkim-sign - <"$TEST_TMP/crlf.eml" >"$TEST_TMP/crlf-signed.eml"
check "the CRLF signature verifies" $PY "$VERIFY" "$TEST_TMP/crlf-signed.eml" "$TEST_TMP/dkim.pub" s2026 example.com
check "its lines end in CRLF" $PY -c 'import sys; sys.exit(0 if open(sys.argv[1], "rb").readline().endswith(b"\r\n") else 1)' "$TEST_TMP/crlf-signed.eml"

# ordinary outgoing mail (an acknowledgement) is signed by the outbox sender too
start_capture
sed -i "s|^\[smtp\]|[smtp]\nrelay = smtp://127.0.0.1:$CAPTURE_PORT|" "$POSTDESK_HOME/postdesk.conf"
mail "$TEST_TMP/q.eml" 'Ann <ann@customer.example>' support@example.com "Invoice missing" <<<"Where is my invoice?"
deliver "$TEST_TMP/q.eml" >/dev/null
pd send >>"$LOG"
is "the acknowledgement was sent" "$(captured_count)" 1
check "the sent acknowledgement carries a DKIM-Signature" grep -q '^DKIM-Signature: ' "$CAPTURE_DIR/0001.eml"
check "and python3-dkim verifies it" $PY "$VERIFY" "$CAPTURE_DIR/0001.eml" "$TEST_TMP/dkim.pub" s2026 example.com

# a key file that is not there is an error, not an unsigned message
sed -i "s|^key_file = .*|key_file = $TEST_TMP/missing.key|" "$POSTDESK_HOME/postdesk.conf"
check "a missing key fails the command" sh -c "! '$POSTDESK' list-feedback dkim-sign '$TEST_TMP/msg.eml' >/dev/null 2>&1"
# ...but the outbox sender still sends, unsigned, with a warning
mail "$TEST_TMP/q2.eml" 'Bob <bob@customer.example>' support@example.com "Another question" <<<"Hello?"
deliver "$TEST_TMP/q2.eml" >/dev/null
pd send >>"$LOG" 2>&1
is "with a broken key the acknowledgement is still sent" "$(captured_count)" 2
check "unsigned" sh -c "! grep -q '^DKIM-Signature: ' '$CAPTURE_DIR/0002.eml'"
check "with a warning naming the key" grep -q "sent unsigned: .*missing.key" "$LOG"
finish
