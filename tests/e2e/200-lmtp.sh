#!/bin/bash
# LMTP intake of `postdesk serve`: LHLO capabilities, per-recipient replies after DATA
# (RFC 2033), the bytes stored exactly as sent after dot-unstuffing, processing after the
# 250, smtp-source -L load stored exactly once, SIGHUP reload (new queue address, moved
# port), SIGTERM exit 0.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"

serve_setup
serve_start

out=$(printf 'LHLO client.example\nQUIT\n' | chat "$LMTP_PORT")
echo "$out" >>"$LOG"
check "greeting is 220" grep -q '^220 ' <<<"$out"
for cap in PIPELINING 8BITMIME 'SIZE [0-9]' ENHANCEDSTATUSCODES; do
	check "LHLO advertises $cap" grep -q "^250[- ]$cap" <<<"$out"
done
check "no STARTTLS without a certificate" bash -c "! grep -q STARTTLS <<<\"\$1\"" _ "$out"
is "HELO is not LMTP" "$(printf 'HELO x\nQUIT\n' | chat "$LMTP_PORT" | codes)" "220 502 221"

# one transaction, four recipients: two queues, a ticket reply address, one unknown
{
	printf 'LHLO client.example\nMAIL FROM:<Ann@Customer.Example>\n'
	printf 'RCPT TO:<support@example.com>\nRCPT TO:<nobody@example.com>\n'
	printf 'RCPT TO:<sales@example.com>\nRCPT TO:<support+t12-abcdef@example.com>\nDATA\n'
	printf 'From: Ann <ann@customer.example>\nTo: support@example.com\nSubject: per recipient\n'
	printf 'Message-ID: <lmtp-1@customer.example>\n\nfirst line\n..starts with a dot\n.\nQUIT\n'
} >"$TEST_TMP/conv1"
out=$(chat "$LMTP_PORT" <"$TEST_TMP/conv1")
echo "$out" >>"$LOG"
is "per-recipient replies" "$(codes <<<"$out")" "220 250 250 250 550 250 250 354 250 250 250 221"
check "unknown recipient gets 550 5.1.1" grep -q '^550 5.1.1 <nobody@example.com>' <<<"$out"
is "an intake row per accepted recipient" "$(db 'select count(*) from intake')" 3
is "the bytes stored once" "$(db 'select count(*) from bodies')" 1
is "envelope sender lower-cased" "$(db 'select distinct envelope_from from intake')" "ann@customer.example"
printf 'From: Ann <ann@customer.example>\r\nTo: support@example.com\r\nSubject: per recipient\r\nMessage-ID: <lmtp-1@customer.example>\r\n\r\nfirst line\r\n.starts with a dot\r\n' >"$TEST_TMP/want1"
db "select writefile('$TEST_TMP/got1', raw) from bodies where id = 1" >/dev/null
check "stored bytes are the sent ones, dot-unstuffed, CRLF kept" cmp "$TEST_TMP/want1" "$TEST_TMP/got1"
# support@ is left to support+t12-...@ (one queue, one processing); sales@ is the same mail,
# so it joins that ticket (issue 13: one mail to several queues is one ticket)
check "processed after the 250: one ticket appears" wait_for 60 tickets_are 1
check "every row is processed" wait_for 60 db_is 0 "select count(*) from intake where state = 'pending'"

# the same bytes again: 250 (already stored), still one row
out=$(chat "$LMTP_PORT" <"$TEST_TMP/conv1")
check "a re-delivery is answered 250" grep -q '^250 2.0.0 Ok: already stored' <<<"$out"
is "and stored once" "$(db 'select count(*) from intake')" 3

# our VERP bounce address with an extension is ours
out=$(printf 'LHLO x\nMAIL FROM:<>\nRCPT TO:<bounces+o5-abc@example.com>\nRCPT TO:<bounces@other.example>\nQUIT\n' | chat "$LMTP_PORT")
is "bounce address +extension accepted, other domain refused" "$(codes <<<"$out")" "220 250 250 250 550 221"

# swaks over LMTP, pipelined
check "swaks LMTP delivery" swaks --server 127.0.0.1 --port "$LMTP_PORT" --protocol LMTP \
	--pipeline --from bob@customer.example --to support@example.com \
	--header "Subject: swaks lmtp" --body "hello over lmtp"
is "one more intake row" "$(db 'select count(*) from intake')" 4

# smtp-source over LMTP: 500 messages, 4 sessions, each stored once
check "smtp-source -L 500 messages over 4 sessions" timeout 120 /usr/sbin/smtp-source -L -d \
	-s 4 -m 500 -l 4096 -f load@customer.example -t support@example.com "127.0.0.1:$LMTP_PORT"
is "500 more rows, all distinct" "$(db "select count(*), count(distinct sha256) from intake where envelope_from = 'load@customer.example'")" "500|500"
check "all processed" wait_for 100 db_is 0 "select count(*) from intake where state = 'pending'"

# SIGHUP: a new queue address is accepted, and the LMTP listener moves to a new port
out=$(printf 'LHLO x\nMAIL FROM:<a@b.example>\nRCPT TO:<billing@example.com>\nQUIT\n' | chat "$LMTP_PORT")
is "billing@ unknown before the reload" "$(codes <<<"$out")" "220 250 250 550 221"
OLD_PORT=$LMTP_PORT
NEW_PORT=$(free_port)
sed -i "s/^lmtp = .*/lmtp = 127.0.0.1:$NEW_PORT/" "$POSTDESK_HOME/postdesk.conf"
printf '\n[queue billing]\naddress = billing@example.com\ntag = BILL\n' >>"$POSTDESK_HOME/postdesk.conf"
kill -HUP "$SERVE_PID"
check "after SIGHUP the new LMTP port answers" wait_for 60 port_open "$NEW_PORT"
check "and the old one is closed" wait_for 60 bash -c "! (exec 3<>/dev/tcp/127.0.0.1/$OLD_PORT) 2>/dev/null"
out=$(printf 'LHLO x\nMAIL FROM:<a@b.example>\nRCPT TO:<billing@example.com>\nQUIT\n' | chat "$NEW_PORT")
is "billing@ accepted after the reload" "$(codes <<<"$out")" "220 250 250 250 221"
check "the daemon is still running" kill -0 "$SERVE_PID"

serve_stop TERM
is "SIGTERM: exit 0" "$SERVE_RC" 0
check "no error logged" bash -c "! grep -E ': (error|critical)' '$SERVE_LOG'"
cat "$SERVE_LOG" >>"$LOG"
finish
