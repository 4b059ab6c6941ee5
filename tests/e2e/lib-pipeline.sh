# lib-pipeline.sh - the strict scripted relay of the pipelining tests (tests/lib/pipeline-sink.py;
# sourced after lib-campaign.sh). Its file is campaign-sink.py's format, so check_sink reads it.

# psink_start [pipeline-sink.py options]: SINK_PORT, SINK_OUT, SINK_PID
psink_start() {
	SINK_OUT="$TEST_TMP/psink.$RANDOM.jsonl"
	rm -f "$TEST_TMP/psink.port"
	$PY "$POSTDESK_SRCDIR/tests/lib/pipeline-sink.py" --out "$SINK_OUT" \
		--port-file "$TEST_TMP/psink.port" "$@" >>"$LOG" 2>&1 &
	SINK_PID=$!
	pd_track "$SINK_PID"
	wait_for 20 test -s "$TEST_TMP/psink.port" || bail "the pipeline sink did not start"
	SINK_PORT=$(cat "$TEST_TMP/psink.port")
}

# events NAME: how many events NAME the sink recorded
events() { jq -c "select(.event == \"$1\")" "$SINK_OUT" | wc -l; }

# accepted ADDRESS: how many messages to ADDRESS the sink accepted
accepted() { jq -r 'select(.n) | .rcpt[]' "$SINK_OUT" | grep -cx "$1"; }

# make_rejects LIST EVERY: every EVERYth subscriber of LIST gets an address the sink refuses
# (local part "reject...")
make_rejects() {
	db "UPDATE subscribers SET address = 'reject' || address
	    WHERE list_id = (SELECT id FROM lists WHERE name = '$1') AND id % $2 = 0"
}

# no_rejects_left LIST: the refused subscribers leave the list, so check_sink expects only the
# others (run after their rows were checked)
rejects_leave() {
	db "UPDATE subscribers SET status = 'unsubscribed' WHERE address LIKE 'reject%'"
}
