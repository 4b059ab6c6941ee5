#!/bin/bash
# Local faults never bounce mail: deliver exits 75 (the MTA keeps the mail and retries) with a
# log line that names what to fix, and once the fault is fixed the retry stores the mail.
# Only init creates a home or a key. Runs as root (CI); permission faults run as nobody.
. "$(dirname "$0")/lib.sh"

SYSCONF=""   # the system default config, when this test created it
FULL=""      # the small tmpfs, when mounted
faults_cleanup() {
	[ -n "$SYSCONF" ] && rm -f "$SYSCONF" && rmdir "$(dirname "$SYSCONF")" 2>/dev/null
	[ -n "$FULL" ] && umount "$FULL" 2>/dev/null
	pd_cleanup
}
trap faults_cleanup EXIT

[ "$(id -u)" = 0 ] || bail "this test needs root (permission faults run as nobody, a tmpfs is mounted)"
# nobody must reach the binary and the homes: a world-readable copy in a traversable directory
chmod 755 "$TEST_TMP"
# (with postdesk-net beside it: postdesk execs that for serve and send)
PD="$TEST_TMP/postdesk"
cp "$POSTDESK" "$PD" && chmod 755 "$PD"
cp "$(dirname "$POSTDESK")/postdesk-net" "$TEST_TMP/postdesk-net" && chmod 755 "$TEST_TMP/postdesk-net"
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }

# msg SUBJECT: a new message file named after SUBJECT; prints its path
msg() {
	local f
	f="$TEST_TMP/m-$(echo "$1" | tr -c 'a-z0-9\n' '-').eml"
	mail "$f" "customer.$RANDOM@ext.example" support@example.com "$1" <<<"body of $1"
	echo "$f"
}
# dlv FILE [RUNNER...]: deliver FILE (as RUNNER, e.g. as_nobody); sets RC and ERR (stderr)
dlv() {
	local f=$1
	shift
	"$@" "$PD" deliver --recipient support@example.com <"$f" >/dev/null 2>"$TEST_TMP/err"
	RC=$?
	ERR=$(cat "$TEST_TMP/err")
	{ echo "== deliver $f ($*): exit $RC"; cat "$TEST_TMP/err"; } >>"$LOG"
}
# tempfail DESC REGEX: the last deliver exited 75 and its log line matches REGEX
tempfail() {
	is "$1: deliver exits 75" "$RC" 75
	if echo "$ERR" | grep -Eqi "$2"; then ok "$1: the log says so"; else
		not_ok "$1: the log says so"
		echo "# log:  $ERR"
		echo "# want: /$2/"
	fi
}
# stored DESC SUBJECT: the last deliver exited 0 and a ticket with SUBJECT exists
stored() {
	is "$1: after the fix, deliver exits 0" "$RC" 0
	is "$1: after the fix, the mail is a ticket" \
		"$("$PD" ticket list --json 2>>"$LOG" | jq --arg s "$2" '[.[] | select(.subject == $s)] | length')" 1
}

pd_setup '[postdesk]' 'busy_timeout = 300'
home=$POSTDESK_HOME
db=$home/postdesk.db

# ---- a home that does not exist, or was never initialised ----
f=$(msg "no home")
POSTDESK_HOME="$TEST_TMP/nohome" dlv "$f"
tempfail "missing home" "$TEST_TMP/nohome.*(does not exist|no such).*postdesk init"
check "missing home: nothing was created" test ! -e "$TEST_TMP/nohome"
dlv "$f"
stored "missing home" "no home"

# serve does not make a home either (it would listen and accept mail into it)
(cd "$TEST_TMP" && POSTDESK_HOME="$TEST_TMP/nohome" timeout 20 "$PD" serve >/dev/null 2>"$TEST_TMP/err")
is "serve on a missing home exits 78" "$?" 78
check "serve on a missing home says so" grep -q "does not exist" "$TEST_TMP/err"
check "serve on a missing home: nothing was created" test ! -e "$TEST_TMP/nohome"

mkdir "$TEST_TMP/bare"
f=$(msg "bare home")
POSTDESK_HOME="$TEST_TMP/bare" dlv "$f"
tempfail "home without postdesk.conf" "postdesk.conf.*postdesk init"
is "home without postdesk.conf: nothing was created in it" "$(ls -A "$TEST_TMP/bare")" ""
dlv "$f"
stored "home without postdesk.conf" "bare home"

# ---- the configuration ----
cp "$home/postdesk.conf" "$TEST_TMP/conf.good"
f=$(msg "broken config")
printf '[smtp\nthis is not a key file\n' >>"$home/postdesk.conf"
dlv "$f"
tempfail "broken config syntax" "postdesk.conf"
cp "$TEST_TMP/conf.good" "$home/postdesk.conf"
dlv "$f"
stored "broken config syntax" "broken config"

f=$(msg "bad value")
printf '[smtp]\nretry_base = soon\n' >>"$home/postdesk.conf"
dlv "$f"
tempfail "invalid config value" "retry_base"
cp "$TEST_TMP/conf.good" "$home/postdesk.conf"
dlv "$f"
stored "invalid config value" "bad value"

# ---- the secret key: never silently replaced ----
key=$(cat "$home/secret.key")
mv "$home/secret.key" "$TEST_TMP/secret.key"
f=$(msg "no key")
dlv "$f"
tempfail "missing secret.key" "secret.key"
check "missing secret.key: no new key was made" test ! -e "$home/secret.key"
"$PD" ticket list >/dev/null 2>>"$LOG"
check "missing secret.key: ticket list fails too" test $? -ne 0
check "missing secret.key: still no new key" test ! -e "$home/secret.key"
mv "$TEST_TMP/secret.key" "$home/secret.key"
dlv "$f"
stored "missing secret.key" "no key"
is "the key is the old one" "$(cat "$home/secret.key")" "$key"

# ---- the database ----
# locked: another process holds the write lock longer than busy_timeout (300 ms)
mkfifo "$TEST_TMP/sqlin"
sqlite3 "$db" <"$TEST_TMP/sqlin" >"$TEST_TMP/sqlout" 2>>"$LOG" &
pd_track $!
exec 9>"$TEST_TMP/sqlin"
echo "BEGIN EXCLUSIVE; SELECT 'locked';" >&9
wait_for 10 grep -q locked "$TEST_TMP/sqlout" || bail "sqlite3 did not take the lock"
f=$(msg "locked")
dlv "$f"
tempfail "locked database" "locked|busy"
echo "COMMIT;" >&9
exec 9>&-
dlv "$f"
stored "locked database" "locked"

# damaged: not a database any more (SQLITE_NOTADB), then restored from the copy. The WAL is
# checkpointed into the file first: a page 1 still in the WAL (up to 1 MB of it is left
# between processes) would be read from there, and the damaged file header never seen
sqlite3 "$db" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
cp "$db" "$TEST_TMP/db.good"
dd if=/dev/urandom of="$db" bs=512 count=2 conv=notrunc 2>/dev/null
f=$(msg "damaged")
dlv "$f"
tempfail "damaged database" "$db.*(damaged|not a database|malformed)"
cp "$TEST_TMP/db.good" "$db"
dlv "$f"
stored "damaged database" "damaged"

# ---- permissions: as the unprivileged user an MTA runs us as ----
chown -R nobody:nogroup "$home"
f=$(msg "as nobody")
dlv "$f" as_nobody
stored "sanity: nobody may deliver to its own home" "as nobody"

chmod 444 "$db"
f=$(msg "read-only db")
dlv "$f" as_nobody
tempfail "read-only database file" "$db.*read-only"
chmod 644 "$db"*   # SQLite gave the -wal and -shm files it made the database's mode
dlv "$f" as_nobody
stored "read-only database file" "read-only db"

chmod 555 "$home"
f=$(msg "read-only home")
dlv "$f" as_nobody
tempfail "read-only home directory" "$home.*(read-only|permission|may not write|cannot)"
chmod 700 "$home"
dlv "$f" as_nobody
stored "read-only home directory" "read-only home"

# attachments cannot be written: not quarantined for a local fault, but retried
chmod 500 "$home/attachments"
f="$TEST_TMP/m-attachment.eml"
{
	printf 'From: att@ext.example\nTo: support@example.com\nSubject: attachment\n'
	printf 'Message-ID: <att.%s@ext.example>\nMIME-Version: 1.0\n' "$RANDOM"
	printf 'Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nsee attached\n'
	printf -- '--b\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename=x.bin\n'
	printf 'Content-Transfer-Encoding: base64\n\nAAECAwQFBgcICQ==\n--b--\n'
} >"$f"
dlv "$f" as_nobody
tempfail "attachments directory not writable" "attachments.*(permission|denied)"
is "attachments directory not writable: nothing quarantined" \
	"$("$PD" quarantine list --json 2>>"$LOG" | jq length)" 0
chmod 700 "$home/attachments"
dlv "$f" as_nobody
stored "attachments directory not writable" "attachment"
chown -R nobody:nogroup "$home" # the root-run checks above may have made -wal/-shm files

chown root:root "$home"
f=$(msg "foreign home")
dlv "$f" as_nobody
tempfail "home it may not read" "$home.*(permission|may not)"
chown nobody:nogroup "$home"
dlv "$f" as_nobody
stored "home it may not read" "foreign home"
chown -R root:root "$home"

# ---- a full disk: the home on a 2 MB tmpfs (room for the schema, which grows with each migration) ----
FULL="$TEST_TMP/full"
mkdir "$FULL"
if mount -t tmpfs -o size=2m pd-e2e-full "$FULL"; then
	POSTDESK_HOME="$FULL/home"
	export POSTDESK_HOME
	pd_setup
	f=$(msg "disk full")
	# a large body, so the write needs room the file system no longer has
	{ cat "$f"; head -c 60000 /dev/urandom | base64; } >"$f.big" && mv "$f.big" "$f"
	dd if=/dev/zero of="$FULL/filler" bs=4k 2>/dev/null
	dlv "$f"
	tempfail "full disk" "full|no space"
	rm -f "$FULL/filler"
	dlv "$f"
	stored "full disk" "disk full"
	POSTDESK_HOME=$home
	export POSTDESK_HOME
else
	not_ok "could not mount a tmpfs for the full-disk test"
fi

# ---- no silent stray store: finding the home ----
mkdir "$TEST_TMP/empty"
(
	cd "$TEST_TMP/empty" || exit 1
	unset POSTDESK_HOME POSTDESK_CONFIG
	"$PD" ticket list >/dev/null 2>"$TEST_TMP/err"
	echo "rc=$?"
	cat "$TEST_TMP/err" >&2
) >"$TEST_TMP/res" 2>>"$LOG"
is "ticket list without a home fails" "$(cat "$TEST_TMP/res")" "rc=78"
check "ticket list without a home says how to make one" grep -q "postdesk init" "$TEST_TMP/err"
is "ticket list without a home created nothing" "$(ls -A "$TEST_TMP/empty")" ""

f=$(msg "stray")
(
	cd "$TEST_TMP/empty" || exit 1
	unset POSTDESK_HOME POSTDESK_CONFIG
	"$PD" deliver <"$f" >/dev/null 2>>"$LOG"
	echo "rc=$?"
) >"$TEST_TMP/res"
is "deliver without a home exits 75" "$(cat "$TEST_TMP/res")" "rc=75"
is "deliver without a home created nothing" "$(ls -A "$TEST_TMP/empty")" ""

# the config names the home: POSTDESK_CONFIG, --config before or after the command
for how in env before after; do
	f=$(msg "config $how")
	(
		cd "$TEST_TMP/empty" || exit 1
		unset POSTDESK_HOME POSTDESK_CONFIG
		case $how in
		env) POSTDESK_CONFIG="$home/postdesk.conf" "$PD" deliver <"$f" ;;
		before) "$PD" --config "$home/postdesk.conf" deliver <"$f" ;;
		after) "$PD" deliver --config "$home/postdesk.conf" <"$f" ;;
		esac
		echo "rc=$?"
	) >"$TEST_TMP/res" 2>>"$LOG"
	is "deliver with the config given ($how) exits 0" "$(cat "$TEST_TMP/res")" "rc=0"
	is "deliver with the config given ($how) creates no ./var" "$(ls -A "$TEST_TMP/empty")" ""
	is "deliver with the config given ($how) stored the ticket" \
		"$("$PD" ticket list --json 2>>"$LOG" | jq --arg s "config $how" '[.[] | select(.subject == $s)] | length')" 1
done
# a config outside the home, naming it with [postdesk] home; it wins over POSTDESK_HOME
mkdir "$TEST_TMP/etc"
{ printf '[postdesk]\nhome = %s\n' "$home"; sed '/^\[postdesk\]/d' "$TEST_TMP/conf.good"; } >"$TEST_TMP/etc/pd.conf"
f=$(msg "config elsewhere")
(cd "$TEST_TMP/empty" && POSTDESK_HOME="$TEST_TMP/nohome" "$PD" --config "$TEST_TMP/etc/pd.conf" deliver <"$f" 2>>"$LOG")
is "a config elsewhere with home = names the home" "$?" 0
is "a config elsewhere: the ticket is in that home" \
	"$("$PD" ticket list --json 2>>"$LOG" | jq '[.[] | select(.subject == "config elsewhere")] | length')" 1
check "a config elsewhere: nothing was made in its directory" test "$(ls -A "$TEST_TMP/etc")" = pd.conf
"$PD" --config "$TEST_TMP/etc/missing.conf" ticket list >/dev/null 2>"$TEST_TMP/err"
is "a --config file that does not exist exits 78" "$?" 78
check "a --config file that does not exist is named" grep -q "missing.conf" "$TEST_TMP/err"
(cd "$TEST_TMP/empty" && POSTDESK_CONFIG="$TEST_TMP/etc/missing.conf" "$PD" deliver <"$f" 2>>"$LOG")
is "deliver with a POSTDESK_CONFIG that does not exist exits 75" "$?" 75

# init never overwrites, whichever way the home is named
cp "$TEST_TMP/etc/pd.conf" "$TEST_TMP/pd.conf.before"
"$PD" --config "$TEST_TMP/etc/pd.conf" init >>"$LOG" 2>&1
is "init --config on an existing home exits 0" "$?" 0
check "init --config keeps the config" cmp "$TEST_TMP/etc/pd.conf" "$TEST_TMP/pd.conf.before"
is "init --config keeps the key" "$(cat "$home/secret.key")" "$key"
check "init --config writes no second config into the home" cmp "$home/postdesk.conf" "$TEST_TMP/conf.good"

# init's config serves LMTP and SMTP on loopback
POSTDESK_HOME="$TEST_TMP/fresh" "$PD" init --domain fresh.example >>"$LOG" 2>&1
check "init enables the LMTP listener on 127.0.0.1:2424" \
	grep -Eq '^lmtp *= *127\.0\.0\.1:2424' "$TEST_TMP/fresh/postdesk.conf"
check "init enables the SMTP listener on 127.0.0.1:2525" \
	grep -Eq '^smtp *= *127\.0\.0\.1:2525' "$TEST_TMP/fresh/postdesk.conf"

# the compiled-in system config: a pipe transport needs no environment at all
sys=$("$PD" --help | sed -n 's/.*system config \(\/[^ ,)]*\).*/\1/p' | head -n 1)
check "--help names the system config" test -n "$sys"
check "--help gives the order of the lookup" sh -c "\"$PD\" --help | grep -q -- '--config'"
if [ -n "$sys" ] && [ ! -e "$sys" ]; then
	mkdir -p "$(dirname "$sys")" && SYSCONF=$sys
	{ printf '[postdesk]\nhome = %s\n' "$TEST_TMP/syshome"; sed '/^\[postdesk\]/d' "$TEST_TMP/conf.good"; } >"$sys"
	(cd "$TEST_TMP/empty" && env -u POSTDESK_HOME -u POSTDESK_CONFIG "$PD" init >>"$LOG" 2>&1)
	check "init with only the system config makes its home" test -s "$TEST_TMP/syshome/secret.key"
	f=$(msg "system config")
	(cd "$TEST_TMP/empty" && env -u POSTDESK_HOME -u POSTDESK_CONFIG "$PD" deliver <"$f" 2>>"$LOG")
	is "deliver with only the system config exits 0" "$?" 0
	is "deliver with only the system config created no ./var" "$(ls -A "$TEST_TMP/empty")" ""
	is "the ticket is in the system config's home" \
		"$(env -u POSTDESK_HOME "$PD" ticket list --json 2>>"$LOG" | jq '[.[] | select(.subject == "system config")] | length')" 1
	rm -f "$sys"
	SYSCONF=""
	rmdir "$(dirname "$sys")" 2>/dev/null
elif [ -n "$sys" ]; then
	not_ok "$sys exists already: cannot test the system config without changing it"
fi

# ./var is used when it exists, and only then
mkdir "$TEST_TMP/cwd"
(cd "$TEST_TMP/cwd" && POSTDESK_HOME="$TEST_TMP/cwd/var" "$PD" init >>"$LOG" 2>&1)
f=$(msg "dot var")
(cd "$TEST_TMP/cwd" && env -u POSTDESK_HOME -u POSTDESK_CONFIG "$PD" deliver <"$f" 2>>"$LOG")
is "deliver uses an existing ./var" "$?" 0
is "the ticket is in ./var" \
	"$(POSTDESK_HOME="$TEST_TMP/cwd/var" "$PD" ticket list --json 2>>"$LOG" | jq '[.[] | select(.subject == "dot var")] | length')" 1
finish
