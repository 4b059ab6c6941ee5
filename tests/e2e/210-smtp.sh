#!/bin/bash
# SMTP intake of `postdesk serve`: EHLO capabilities, HELO, command order, STARTTLS with a
# configured certificate (Python's smtplib: swaks would need Net::SSLeay), swaks delivery, and smtp-source's 2,000 messages over 8 sessions
# each stored exactly once (smtp-source gives every message its own Message-Id, so the bytes
# differ and SHA-256 deduplication merges none), then SIGTERM exit 0.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TEST_TMP/key.pem" -out "$TEST_TMP/cert.pem" \
	-days 2 -subj /CN=localhost >>"$LOG" 2>&1 || bail "openssl could not make a certificate"
serve_setup "tls_cert = $TEST_TMP/cert.pem" "tls_key = $TEST_TMP/key.pem"
serve_start

out=$(printf 'EHLO client.example\nQUIT\n' | chat "$SMTP_PORT")
echo "$out" >>"$LOG"
for cap in PIPELINING 8BITMIME 'SIZE [0-9]' ENHANCEDSTATUSCODES STARTTLS; do
	check "EHLO advertises $cap" grep -q "^250[- ]$cap" <<<"$out"
done
is "HELO, NOOP, RSET, QUIT" "$(printf 'HELO x\nNOOP\nRSET\nQUIT\n' | chat "$SMTP_PORT" | codes)" "220 250 250 250 221"
is "MAIL before HELO is 503" "$(printf 'MAIL FROM:<a@b.example>\nQUIT\n' | chat "$SMTP_PORT" | codes)" "220 503 221"
is "RCPT before MAIL, DATA before RCPT" \
	"$(printf 'EHLO x\nRCPT TO:<support@example.com>\nDATA\nQUIT\n' | chat "$SMTP_PORT" | codes)" "220 250 503 503 221"
is "DATA with no accepted recipient is 554" \
	"$(printf 'EHLO x\nMAIL FROM:<a@b.example>\nRCPT TO:<x@nowhere.example>\nDATA\nQUIT\n' | chat "$SMTP_PORT" | codes)" \
	"220 250 250 550 554 221"
is "MAIL syntax error is 501" "$(printf 'EHLO x\nMAIL FROM:a@b.example\nQUIT\n' | chat "$SMTP_PORT" | codes)" "220 250 501 221"
is "unknown MAIL parameter is 555" "$(printf 'EHLO x\nMAIL FROM:<a@b.example> FOO=BAR\nQUIT\n' | chat "$SMTP_PORT" | codes)" "220 250 555 221"
is "BODY=8BITMIME and SIZE are taken" "$(printf 'EHLO x\nMAIL FROM:<a@b.example> BODY=8BITMIME SIZE=1000\nQUIT\n' | chat "$SMTP_PORT" | codes)" "220 250 250 221"

# pipelined: one write, all replies in order
{
	printf 'EHLO x\nMAIL FROM:<carl@customer.example>\nRCPT TO:<support@example.com>\nDATA\n'
	printf 'Subject: pipelined\nMessage-ID: <pipe-1@customer.example>\n\nbody\n.\nQUIT\n'
} >"$TEST_TMP/pipe"
is "pipelined transaction" "$(chat "$SMTP_PORT" --pipeline <"$TEST_TMP/pipe" | codes)" "220 250 250 250 354 250 221"

check "swaks SMTP delivery" swaks --server 127.0.0.1 --port "$SMTP_PORT" \
	--from dana@customer.example --to support@example.com --header "Subject: swaks smtp" \
	--body "hello over smtp"
cat >"$TEST_TMP/tls.py" <<'PYEOF'
import smtplib, ssl, sys
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=30)
s.ehlo("client.example")
code, _ = s.starttls(context=ctx)
assert code == 220, code
assert s.sock.version() is not None
s.ehlo("client.example")
assert not s.has_extn("starttls"), "STARTTLS offered again inside TLS"
code, msg = s.docmd("STARTTLS")
assert code == 502, (code, msg)
s.sendmail("erin@customer.example", ["sales@example.com"],
           b"From: erin@customer.example\r\nSubject: over tls\r\n\r\nhello over tls\r\n")
s.quit()
print("ok", s.sock is None)
PYEOF
check "STARTTLS: handshake, not offered twice, mail accepted" $PY "$TEST_TMP/tls.py" "$SMTP_PORT"
is "TLS mail stored" "$(db "select count(*) from intake where envelope_from = 'erin@customer.example'")" 1

# smtp-source: 2,000 messages over 8 sessions
before=$(db 'select count(*) from intake')
start=$(date +%s%N)
check "smtp-source 2000 messages over 8 sessions" timeout 120 /usr/sbin/smtp-source -d -s 8 \
	-m 2000 -l 4096 -f load@customer.example -t support@example.com "127.0.0.1:$SMTP_PORT"
end=$(date +%s%N)
echo "# smtp-source: 2000 messages in $(((end - start) / 1000000)) ms" | tee -a "$LOG"
is "2000 rows, all distinct" \
	"$(db "select count(*), count(distinct sha256) from intake where envelope_from = 'load@customer.example'")" "2000|2000"
is "nothing else stored" "$(db 'select count(*) from intake')" "$((before + 2000))"
check "all processed" wait_for 110 db_is 0 "select count(*) from intake where state = 'pending'"
is "every row done (or quarantined: the pipelined one has no From)" \
	"$(db "select count(*) from intake where state in ('done', 'quarantined')")" "$((before + 2000))"

serve_stop TERM
is "SIGTERM: exit 0" "$SERVE_RC" 0
check "no error logged" bash -c "! grep -E ': (error|critical)' '$SERVE_LOG'"
cat "$SERVE_LOG" >>"$LOG"
finish
