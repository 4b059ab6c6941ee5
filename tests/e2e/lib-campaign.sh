# lib-campaign.sh - helpers for the campaign tests (sourced after lib.sh and lib-serve.sh):
# a capturing sink (tests/lib/campaign-sink.py: one JSON line per accepted message), a list
# with N subscribers spread over domains made with sqlite3 (the lists commands are another
# part's), and a checker of what the sink got (tests/lib/campaign-check.py).

# sink_start [campaign-sink.py options]: SINK_PORT, SINK_OUT (the JSON lines), SINK_PID
sink_start() {
	SINK_OUT="$TEST_TMP/sink.$RANDOM.jsonl"
	rm -f "$TEST_TMP/sink.port"
	$PY "$POSTDESK_SRCDIR/tests/lib/campaign-sink.py" --out "$SINK_OUT" \
		--port-file "$TEST_TMP/sink.port" "$@" >>"$LOG" 2>&1 &
	SINK_PID=$!
	pd_track "$SINK_PID"
	wait_for 20 test -s "$TEST_TMP/sink.port" || bail "the sink did not start"
	SINK_PORT=$(cat "$TEST_TMP/sink.port")
}

# campaign_setup [EXTRA-CONFIG-LINES]: a home whose relay is the sink, with [serve]
# listeners (lib-serve.sh) and public_url; extra lines after a [campaign] header.
campaign_setup() {
	CAPTURE_PORT=$SINK_PORT serve_setup 'public_url = https://lists.example.com' \
		'tick_interval = 1' '[campaign]' "$@"
}

# make_list NAME N DOMAINS [OWNER]: list NAME (NAME@example.com) with N active subscribers
# userI@dJ.example (J = I mod DOMAINS), named "User I"
make_list() {
	local owner=NULL
	[ -z "${4:-}" ] || owner="'$4'"
	db "INSERT INTO lists (name, address, title, owner, created_at)
	    VALUES ('$1', '$1@example.com', 'The $1 list', $owner, strftime('%s'));
	  WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $2)
	  INSERT INTO subscribers (list_id, address, name, status, created_at, updated_at)
	  SELECT (SELECT id FROM lists WHERE name = '$1'), 'user' || i || '@d' || (i % $3) || '.example',
	         'User ' || i, 'active', strftime('%s'), strftime('%s') FROM n;" ||
		bail "cannot make list $1"
}

# campaign_state ID: its state from status --json
campaign_state() { pd announce status "$1" --json | jq -r .state; }
# campaign_is ID STATE (for wait_for)
campaign_is() { [ "$(campaign_state "$1")" = "$2" ]; }
# campaign_json ID KEY
campaign_json() { pd announce status "$1" --json | jq -r ".$2"; }

# check_sink LIST [MAX-DUPLICATES]: campaign-check.py over the sink's file; prints its
# summary (JSON) and fails when an address is missing, named in another's message, or a
# header is wrong, or more than MAX-DUPLICATES (default 0) copies went twice
check_sink() {
	$PY "$POSTDESK_SRCDIR/tests/lib/campaign-check.py" --db "$POSTDESK_HOME/postdesk.db" \
		--list "$1" --sink "$SINK_OUT" --max-duplicates "${2:-0}"
}
