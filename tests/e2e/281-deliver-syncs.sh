#!/bin/bash
# What `deliver` asks of the disk (strace): the commit that takes the mail is synced before exit 0
# (fdatasync of the WAL); the home directory is synced only when the WAL is created, not by every
# process (store/wal-vfs.c), even when the process that creates the WAL only reads; and a closing
# deliver leaves the WAL for the next one until it passes 1 MB (store.c WAL_KEEP). Counts of
# system calls, not times.
. "$(dirname "$0")/lib.sh"

command -v strace >/dev/null || bail "strace is needed (.ci/deps)"
pd_setup
DB="$POSTDESK_HOME/postdesk.db"
n=0

# syncs TRACE: one line per fsync/fdatasync, naming the file: wal, db, dir (the home) or other
syncs() {
	$PY - "$1" "$POSTDESK_HOME" <<'EOF'
import re, sys
home = sys.argv[2].rstrip("/")
fds = {}
for line in open(sys.argv[1]):
    m = re.search(r'openat\(AT_FDCWD, "([^"]*)", [^)]*\) = (\d+)', line)
    if m:
        fds[m.group(2)] = m.group(1)
        continue
    m = re.search(r'\b(fsync|fdatasync)\((\d+)\)', line)
    if m:
        path = fds.get(m.group(2), "?")
        kind = ("wal" if path.endswith("-wal") else "db" if path.endswith(".db")
                else "dir" if path.rstrip("/") == home else "other:" + path)
        print(kind)
EOF
}
# traced CMD...: CMD under strace, the trace in $TEST_TMP/trace. LeakSanitizer cannot run
# under ptrace (the sanitizer build): leaks are the other tests' business
traced() {
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -o "$TEST_TMP/trace" -e trace=openat,fsync,fdatasync "$@"
}
# traced_deliver FILE: deliver FILE under strace; prints the exit status
traced_deliver() {
	traced "$POSTDESK" deliver -r support@example.com <"$1" 2>>"$LOG"
	echo $?
}
# fresh_mail: a new mail from a new customer in $M
fresh_mail() {
	n=$((n + 1))
	M="$TEST_TMP/m$n.eml"
	mail "$M" "Cy <cy$n@customer.example>" support@example.com "printer $n" <<-EOF
		The printer in room $n is broken.
	EOF
}

# the WAL exists (init made it): no process of deliver syncs the directory
fresh_mail
is "a mail is taken" "$(traced_deliver "$M")" 0
syncs "$TEST_TMP/trace" >"$TEST_TMP/syncs"
check "its commit is synced before exit (fdatasync of the WAL)" grep -qx wal "$TEST_TMP/syncs"
is "the directory is not synced: the WAL was there" "$(grep -c dir "$TEST_TMP/syncs")" 0
is "nothing else is synced" "$(grep -vcxE 'wal|db' "$TEST_TMP/syncs")" 0
is "and the mail made its ticket" "$(pd ticket list --json | jq length)" 1

# five more: each syncs the WAL, none the directory, none checkpoints (5 x ~110 KB < 1 MB)
all=""
for i in 1 2 3 4 5; do
	fresh_mail
	st=$(traced_deliver "$M")
	all="$all$st $(syncs "$TEST_TMP/trace" | sort | uniq -c | tr -s ' \n' ' ')|"
done
echo "# $all" >>"$LOG"
is "five more: exit 0, only the WAL synced, once each" "$all" \
	"0  1 wal |0  1 wal |0  1 wal |0  1 wal |0  1 wal |"

# no WAL: a sqlite3 shell closing last checkpoints it into the database and deletes it
sqlite3 "$DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
check "the sqlite3 shell left no WAL" test ! -e "$DB-wal"
traced "$POSTDESK" ticket list >/dev/null 2>>"$LOG"
check "a command that only reads creates the WAL" test -e "$DB-wal"
is "... and syncs the directory, so the WAL's name is on disk" "$(syncs "$TEST_TMP/trace" | tr '\n' ' ')" "dir "
fresh_mail
is "the next mail is taken" "$(traced_deliver "$M")" 0
# SQLite syncs a new WAL's header before the first commit in it: two, both the WAL's
is "... syncing only the WAL (its new header, then the commit)" "$(syncs "$TEST_TMP/trace" | tr '\n' ' ')" "wal wal "
is "every mail made its ticket" "$(pd ticket list --json | jq length)" 7

finish
