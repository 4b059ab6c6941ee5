#!/bin/bash
# A purge frees pages inside the database file but the file keeps its size; `purge --vacuum`
# compacts it so the file shrinks (measured here on disk), and [retention] vacuum = weekly
# makes the scheduler (`tick`) do it at most once a week, counted from the last `vacuum`
# event. (issue 13, sla2)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"

pd_setup '' '[retention]' 'closed_tickets = 365d'

OLD=2024-01-01T10:00:00Z
NOW=2025-06-01T10:00:00Z

# plant N: N old closed tickets, each with 40 KB of text that does not compress
plant() {
	local i
	for i in $(seq 1 "$1"); do
		mail "$TEST_TMP/big.eml" "C$i <c$i.$RANDOM@customer.example>" support@example.com "Big $RANDOM $i" \
			< <(head -c 30000 /dev/urandom | base64)
		POSTDESK_NOW=$OLD "$POSTDESK" deliver --recipient support@example.com <"$TEST_TMP/big.eml" 2>>"$LOG"
	done
	db "update tickets set state = 'closed', closed_at = strftime('%s', '$OLD') where state != 'closed'"
}
# the file's size on disk, with the log written back into it first
size() { db 'pragma wal_checkpoint(truncate)' >/dev/null; stat -c %s "$POSTDESK_HOME/postdesk.db"; }
vacuums() { db "select count(*) from events where kind = 'vacuum'"; }

plant 40
s0=$(size)
check "the planted mail makes a database of over 1.5 MB ($s0 bytes)" test "$s0" -gt 1500000
POSTDESK_NOW=$NOW pd purge >>"$LOG"
is "purge removed the tickets" "$(db 'select count(*) from tickets')" 0
s1=$(size)
check "purge alone leaves the file at its size ($s0 -> $s1 bytes)" test "$s1" -ge $((s0 * 9 / 10))

POSTDESK_NOW=$NOW pd purge --vacuum --json >"$TEST_TMP/v.json"
s2=$(size)
check "purge --vacuum shrinks the file to under a quarter ($s1 -> $s2 bytes)" test "$s2" -lt $((s1 / 4))
is "--json: bytes before are the file before" "$(json .vacuum.bytes_before <"$TEST_TMP/v.json")" "$s1"
check "--json: bytes after are at most the file now" test "$(json .vacuum.bytes_after <"$TEST_TMP/v.json")" -le "$s2"
is "one vacuum event" "$(vacuums)" 1
check "the event holds sizes only" sh -c "sqlite3 '$POSTDESK_HOME/postdesk.db' \"select detail from events where kind = 'vacuum'\" | grep -Eq '^database compacted: [0-9]+ bytes before, [0-9]+ after\$'"
check "purge --vacuum prints the sizes" sh -c "POSTDESK_NOW=$NOW '$POSTDESK' purge --vacuum | grep -q 'database compacted'"
is "two vacuum events" "$(vacuums)" 2
POSTDESK_NOW=$NOW pd purge --dry-run --vacuum >>"$LOG"
is "--dry-run --vacuum compacts nothing" "$(vacuums)" 2

# the scheduler: never by default
plant 10
POSTDESK_NOW=$NOW pd tick >>"$LOG"
is "tick purges" "$(db 'select count(*) from tickets')" 0
is "vacuum = never (the default): tick does not compact" "$(vacuums)" 2

# weekly: once, then not again within the week, then again after it
sed -i 's/^\[retention\]$/[retention]\nvacuum = weekly/' "$POSTDESK_HOME/postdesk.conf"
plant 40
s3=$(size)
POSTDESK_NOW=2025-06-10T10:00:00Z pd tick >>"$LOG"
s4=$(size)
is "weekly: tick compacts once the week since the last is over" "$(vacuums)" 3
check "weekly: the file shrank ($s3 -> $s4 bytes)" test "$s4" -lt $((s3 / 4))
POSTDESK_NOW=2025-06-12T10:00:00Z pd tick >>"$LOG"
is "weekly: not again two days later" "$(vacuums)" 3
POSTDESK_NOW=2025-06-17T10:00:01Z pd tick >>"$LOG"
is "weekly: again a week later" "$(vacuums)" 4

sed -i 's/^vacuum = weekly$/vacuum = sometimes/' "$POSTDESK_HOME/postdesk.conf"
check "a bad vacuum value is a config error naming the key" \
	bash -c "'$POSTDESK' purge 2>&1 | grep -q 'vacuum'"
finish
