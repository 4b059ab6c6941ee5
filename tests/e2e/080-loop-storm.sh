#!/bin/bash
# Loop storm: postdesk on loopback against a responder that answers everything it gets, in
# three styles (RFC 3834 to the envelope sender; a header-less "Out of Office" to From; a
# header-less "Re:" to Reply-To). The exchange must stop by itself after at most 2 messages
# each way.
. "$(dirname "$0")/lib.sh"

storm() { # STYLE
	local style=$1 rounds=0 answered=0 seen=0 f to
	rm -rf "$POSTDESK_HOME"
	start_capture
	pd_setup
	mail "$TEST_TMP/first.eml" "Away <away@customer.example>" support@example.com "Need help" <<<"Help please."
	deliver "$TEST_TMP/first.eml" >/dev/null
	while [ "$rounds" -lt 6 ]; do
		rounds=$((rounds + 1))
		pd send >/dev/null
		[ "$(captured_count)" -gt "$seen" ] || break
		for f in $(ls "$CAPTURE_DIR"/*.eml | tail -n +$((seen + 1))); do
			seen=$((seen + 1))
			$PY "$POSTDESK_SRCDIR/tests/lib/responder.py" "$style" "$f" "${f%.eml}.json" \
				away@customer.example >"$TEST_TMP/answer.out"
			to=$(head -n 1 "$TEST_TMP/answer.out" | jq -r .to)
			tail -n +2 "$TEST_TMP/answer.out" >"$TEST_TMP/answer.eml"
			answered=$((answered + 1))
			"$POSTDESK" deliver --sender away@customer.example --recipient "$to" <"$TEST_TMP/answer.eml" 2>>"$LOG"
		done
	done
	stop_capture
	echo "# $style: postdesk sent $seen, the responder sent $answered, rounds $rounds"
	[ "$seen" -le 2 ] && [ "$answered" -le 2 ] && [ "$rounds" -lt 6 ]
}

for style in rfc3834 oof re; do
	check "loop storm ($style responder) stops within 2 messages each way" storm "$style"
	is "$style: the answers opened no second ticket" "$(pd ticket list --json | json length)" 1
done
finish
