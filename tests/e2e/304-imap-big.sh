#!/bin/bash
# A big message (48 MB) through the IMAP fetcher of `serve`, from a real Dovecot on 127.0.0.1:
# it arrives byte-identical, and taking it in does not cost serve its size in memory (it is
# fetched in pieces, BODY.PEEK[]<offset.length>, into a spool that goes to an unlinked file
# in the home past 1 MB, and is written to the database in pieces). Peak RSS (VmHWM) is read
# from /proc after the message is stored and moved; the bound is generous and far below the
# size: a memory bound, not a timing test. The size limit is set below the message, so the
# message is stored and quarantined at once and never parsed: processing reads a message
# whole (the parser works on a copy), which is not what this test measures.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-imap.sh"

[ -x /usr/sbin/dovecot ] || bail "dovecot-imapd is not installed"

SIZE_MB=${PD_IMAP_BIG_MB:-48}
# sanitizer builds carry shadow memory and keep freed memory in quarantine: they get more
# room; the plain build judges the bound
SLACK_KB=0
if ldd "$POSTDESK" 2>/dev/null | grep -q libasan; then
	SLACK_KB=$((256 * 1024))
fi

start_dovecot
printf 'secret\n' >"$TEST_TMP/imap.pass"
LIMIT=$((SIZE_MB * 1024 * 1024 / 2))
pd_setup "[limits]" "message_size = $LIMIT" "" \
	"[imap big]" "url = imap://127.0.0.1:$DOVE_PORT/INBOX" "user = support" \
	"password_file = $TEST_TMP/imap.pass" "ca_file = $DOVE_DIR/ca.pem" "after = move:Done" \
	"idle_timeout = 600"

SERVE_LOG="$TEST_TMP/serve.log"
"$POSTDESK" serve >>"$SERVE_LOG" 2>&1 &
SERVE_PID=$!
pd_track "$SERVE_PID"
PID=$SERVE_PID
kb() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$PID/status"; }
reset_peak() { echo 5 >"/proc/$PID/clear_refs"; }
state_of() { db "SELECT state FROM intake WHERE source = 'imap:big' ORDER BY id LIMIT 1 OFFSET $(($1 - 1))"; }
state_is() { [ "$(state_of "$1")" = "$2" ]; }

# a small message first, so what every message costs (libraries, caches, TLS) is in the
# baseline
M="$TEST_TMP/mails"
make_mails "$M" 1 small
imap_append support "$M/small-1.eml"
check "the small message is fetched and processed" wait_for 60 state_is 1 done
base=$(kb VmRSS)
reset_peak

make_big "$M/big.eml" "$SIZE_MB" one
size=$(stat -c %s "$M/big.eml")
sha=$(sha256sum <"$M/big.eml" | cut -d' ' -f1)
imap_append support "$M/big.eml" || bail "could not append the big message"
check "the ${SIZE_MB} MB message is taken in" wait_for 300 state_is 2 quarantined
done_is() { [ "$(imap_count support Done) $(imap_count support)" = "2 0" ]; }
check "it is moved to Done once stored" wait_for 60 done_is
peak=$(kb VmHWM)
is "it is stored whole" \
	"$(db "SELECT size || ' ' || sha256 FROM intake WHERE source = 'imap:big' ORDER BY id DESC LIMIT 1")" \
	"$size $sha"
is "the stored bytes are the bytes appended" \
	"$(db "SELECT writefile('$TEST_TMP/stored.eml', b.raw) FROM bodies b JOIN intake i ON i.body_id = b.id WHERE i.source = 'imap:big' ORDER BY i.id DESC LIMIT 1" >/dev/null
	   sha256sum <"$TEST_TMP/stored.eml" | cut -d' ' -f1)" "$sha"
check "over the size limit it is quarantined with the reason" \
	test "$(db "SELECT count(*) FROM intake WHERE source = 'imap:big' AND reason LIKE 'message too large%'")" = 1
check "the fetcher logs it with its size" grep -q "imap big: uid 2 -> intake=[0-9]* ($size bytes) (quarantined)" "$SERVE_LOG"
is "the last UID is remembered" "$(db "SELECT last_uid FROM imap_state WHERE account = 'big'")" 2
is "no spool file is left open" "$(ls -l "/proc/$PID/fd" | grep -c '\.spool-')" 0
is "no spool file is left in the home" "$(ls -A "$POSTDESK_HOME" | grep -c '^\.spool-')" 0

echo "# serve RSS before: $((base / 1024)) MB; peak while fetching and storing ${SIZE_MB} MB over IMAP:" \
	"$((peak / 1024)) MB (+$(((peak - base) / 1024)) MB); load $(cut -d' ' -f1 /proc/loadavg)"
# a piece of 1 MB in libetpan's buffers, the spool's 1 MB and the database's page cache (the
# sanitizer build keeps every freed piece in its quarantine: 256 MB more)
bound=$((16 * 1024 + SLACK_KB))
check "fetching and storing ${SIZE_MB} MB adds less than $((bound / 1024)) MB to serve's RSS (+$(((peak - base) / 1024)) MB)" \
	test $((peak - base)) -lt $bound

# sizes at the edges of a piece (1 MB = 1048576 bytes): the last piece is full, then empty,
# or one byte
exact() { # FILE SIZE
	$PY - "$1" "$2" <<-'PY'
		import sys
		path, size = sys.argv[1], int(sys.argv[2])
		head = (b"From: Edge <edge@customer.example>\r\nTo: support@example.com\r\n"
		        b"Subject: Edge %d\r\nMessage-ID: <edge-%d@customer.example>\r\n\r\n" % (size, size))
		body = bytearray()
		i = 0
		while len(head) + len(body) < size:
		    body += b"%07d edge of a piece\r\n" % i
		    i += 1
		data = head + body[:size - len(head) - 2] + b"\r\n"
		assert len(data) == size
		open(path, "wb").write(data)
	PY
}
n=2
for edge in 1048575 1048576 1048577 2097152; do
	exact "$M/edge-$edge.eml" "$edge"
	imap_append support "$M/edge-$edge.eml" || bail "could not append the $edge-byte message"
	n=$((n + 1))
	check "a message of $edge bytes is taken in" wait_for 60 state_is "$n" done
	is "the $edge bytes stored are the bytes appended" \
		"$(db "SELECT size || ' ' || sha256 FROM intake WHERE source = 'imap:big' ORDER BY id DESC LIMIT 1")" \
		"$edge $(sha256sum <"$M/edge-$edge.eml" | cut -d' ' -f1)"
done

kill "$SERVE_PID"
wait "$SERVE_PID"
is "serve exits 0 on SIGTERM" "$?" 0
sed 's/^/serve: /' "$SERVE_LOG" >>"$LOG"
finish
