#!/bin/bash
# Big mail through `deliver` in bounded memory. Over the size limit (60 MB and 200 MB against
# the default 50 MB) it is kept in quarantine with the reason, byte for byte, never parsed:
# stdin is spooled (1 MB in memory, the rest in a file) and SQLite builds the row once, so
# the peak is BASE + 2 x the size (before: 5 x). Far over the hard maximum (4 x the limit) it
# is refused (65) after reading no more than that: BASE whatever the input. A 49 MB body of
# short lines within the limit, with an agent to notify, makes its ticket in bounded CPU and a
# notification of bounded size. Peak RSS: getrusage (RUSAGE_CHILDREN) around each deliver.
. "$(dirname "$0")/lib.sh"

# The stated bounds (README "Limits"). Sanitizer builds carry shadow memory and their own
# allocator: they get more room, the shape of the test is the same.
BASE_KB=$((32 * 1024))
if ldd "$POSTDESK" 2>/dev/null | grep -q libasan; then
	BASE_KB=$((256 * 1024))
fi

db() { sqlite3 "$POSTDESK_HOME/postdesk.db" "$1"; }

# measure FILE [deliver options]: run deliver on FILE; prints "EXIT MAXRSS_KB CPU_SECONDS"
measure() {
	$PY - "$POSTDESK" "$@" <<'PYEOF' 2>>"$LOG"
import resource, subprocess, sys
with open(sys.argv[2], "rb") as inp, open("/dev/null", "w") as null:
    rc = subprocess.call([sys.argv[1], "deliver"] + sys.argv[3:], stdin=inp, stderr=null)
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(rc, ru.ru_maxrss, "%.2f" % (ru.ru_utime + ru.ru_stime))
PYEOF
}

pd_setup
GEN="$POSTDESK_SRCDIR/tests/data/hostile/generate.py"
BIG="$TEST_TMP/big"
$PY "$GEN" one "$BIG" size-60m size-200m short-lines-49m >>"$LOG" 2>&1 || bail "generate.py failed"

for name in size-60m size-200m; do
	f="$BIG/$name.eml"
	size=$(stat -c %s "$f")
	read -r rc rss cpu < <(measure "$f")
	echo "# $name: $size bytes, exit $rc, peak RSS $((rss / 1024)) MB, CPU ${cpu} s"
	is "$name: deliver exits 0" "$rc" 0
	bound=$((BASE_KB + 2 * size / 1024))
	check "$name: peak RSS ${rss} KB under ${bound} KB (base + 2 x size)" test "$rss" -lt "$bound"
	row=$(db "SELECT id || ' ' || state || ' ' || size FROM intake WHERE size = $size")
	read -r id state stored <<<"$row"
	is "$name: kept in quarantine" "$state" quarantined
	check "$name: the reason says why" sh -c "\"$POSTDESK\" quarantine list --json | jq -e 'any(.[]; .id == $id and (.reason | test(\"too large \\\\($size bytes\")))'"
	is "$name: every byte stored" "$(db "SELECT length(b.raw) FROM intake i JOIN bodies b ON b.id = i.body_id WHERE i.id = $id")" "$size"
	is "$name: the stored digest is the file's" "$(db "SELECT sha256 FROM intake WHERE id = $id")" \
		"$(sha256sum "$f" | cut -d' ' -f1)"
	if [ "$name" = size-60m ]; then
		"$POSTDESK" quarantine show "$id" --raw >"$TEST_TMP/back.eml" 2>>"$LOG"
		check "$name: the stored bytes are the bytes sent" cmp "$f" "$TEST_TMP/back.eml"
		rm -f "$TEST_TMP/back.eml"
	fi
	is "$name: no ticket" "$(db "SELECT count(*) FROM tickets")" 0
	# the same bytes again: recognised, still one row, still 0
	read -r rc rss cpu < <(measure "$f")
	is "$name: a re-delivery exits 0" "$rc" 0
	is "$name: and is not stored twice" "$(db "SELECT count(*) FROM intake WHERE size = $size")" 1
	rm -f "$f"
done

# far over the hard maximum (4 x the limit): refused with 65, read no further, nothing stored
POSTDESK_HOME="$TEST_TMP/small-home" pd_setup '[limits]' 'message_size = 1000000'
head -c 20000000 /dev/zero | tr '\0' 'x' | fold -w 70 >"$TEST_TMP/huge.body"
mail "$TEST_TMP/huge.eml" huge@customer.example support@example.com Huge <"$TEST_TMP/huge.body"
read -r rc rss cpu < <(POSTDESK_HOME="$TEST_TMP/small-home" measure "$TEST_TMP/huge.eml")
echo "# 20 MB against a 1 MB limit: exit $rc, peak RSS $((rss / 1024)) MB"
is "far over the hard maximum: exit 65 (the sender's MTA returns it)" "$rc" 65
check "far over the hard maximum: peak RSS ${rss} KB under ${BASE_KB} KB" test "$rss" -lt "$BASE_KB"
is "far over the hard maximum: nothing stored" \
	"$(sqlite3 "$TEST_TMP/small-home/postdesk.db" 'SELECT count(*) FROM intake')" 0
is "no spool file is left behind" "$(ls -A "$TEST_TMP/small-home" | grep -c spool)" 0

# within the limit: 49 MB of short lines, an agent to notify
check "agent add" pd agent add alice@example.com --name "Alice Agent" --queues support
f="$BIG/short-lines-49m.eml"
read -r rc rss cpu < <(measure "$f" --recipient support@example.com)
echo "# short-lines-49m: exit $rc, peak RSS $((rss / 1024)) MB, CPU ${cpu} s"
is "49 MB of short lines: exit 0" "$rc" 0
size=$(stat -c %s "$f")
bound=$((BASE_KB + 4 * size / 1024))
check "49 MB of short lines: peak RSS ${rss} KB under ${bound} KB (base + 4 x size)" test "$rss" -lt "$bound"
# linear code takes about a second here (parsing 49 MB); the quadratic one took 80 s
check "49 MB of short lines: CPU ${cpu} s under 20 s" $PY -c "import sys; sys.exit(not float('$cpu') < 20)"
is "49 MB of short lines: a ticket" "$(db "SELECT count(*) FROM tickets")" 1
notify=$(db "SELECT max(length(raw)) FROM outbox WHERE kind = 'notify'")
echo "# notification: $notify bytes"
check "the agent is notified" test -n "$notify"
check "the notification is bounded (${notify} bytes under 1 MB)" test "${notify:-0}" -lt 1048576
check "and says the text was cut" sh -c "sqlite3 \"$POSTDESK_HOME/postdesk.db\" \"SELECT raw FROM outbox WHERE kind = 'notify'\" | grep -q 'text truncated'"
finish
