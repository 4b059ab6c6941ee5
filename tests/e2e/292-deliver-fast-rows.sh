#!/bin/bash
# postdesk-deliver (issue 10, lean) writes the intake rows `postdesk deliver` writes: the same
# mail with the same envelope into two homes, one through each, gives the same intake and
# bodies rows (but the id and the time), for one recipient, several, the null sender, messy
# addresses, positional recipients and a message big enough to be spooled to a file. The
# binary links SQLite and libc, not GLib, GMime or curl.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"
. "$(dirname "$0")/lib-envelopes.sh"
FAST="${POSTDESK%/*}/postdesk-deliver"
[ -x "$FAST" ] || bail "no $FAST"

# ---- what the binary loads ----
# linked statically (the default where libsqlite3.a and libc.a exist, not with sanitizers): no
# dynamic loader at all, and no GLib or GMime symbol inside; otherwise its NEEDED list
if ! readelf -l "$FAST" | grep -q INTERP; then
	ok "linked statically: no dynamic loader, no shared object"
	is "SQLite is inside (sqlite3_open_v2)" "$(nm "$FAST" | grep -c ' T sqlite3_open_v2$')" 1
	is "no GLib, GMime, curl or libxml2 inside" "$(nm "$FAST" | grep -cE ' [TU] (g_|gmime_|curl_|xml)')" 0
else
	needed=$(readelf -d "$FAST" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
	echo "NEEDED: $needed" >>"$LOG"
	case "$needed" in *libsqlite3.so*) ok "NEEDED has libsqlite3 (the list is read)" ;; *) not_ok "NEEDED has libsqlite3: $needed" ;; esac
	is "NEEDED has no GLib, GIO, GMime, gpgme, curl, etpan, GnuTLS or libxml2" \
		"$(printf '%s\n' $needed | grep -cE 'glib|gio|gobject|gmime|gpgme|curl|etpan|gnutls|xml2')" 0
	# besides SQLite only libc (and the sanitizer runtime in that build)
	is "nothing else but libc" "$(printf '%s\n' $needed | grep -vE '^lib(sqlite3|c)\.so|^lib(asan|ubsan|lsan|m|dl|pthread|gcc_s|stdc\+\+)\.so' | wc -l)" 0
fi

# ---- two homes: A with serve (postdesk-deliver takes the mail), B without (postdesk deliver) ----
serve_setup 'send_interval = 60'
HOME_A=$POSTDESK_HOME
serve_start
export POSTDESK_HOME="$TEST_TMP/home-b"
pd_setup
HOME_B=$POSTDESK_HOME

# rows as both write them: all columns but id and received_at, with the body's digest
rows() {
	sqlite3 "$1/postdesk.db" "SELECT i.dedup_key, i.sha256, i.source, quote(i.envelope_from),
		quote(i.envelope_rcpt), i.size, b.sha256, b.size, hex(substr(b.raw, 1, 64)), length(b.raw)
		FROM intake i JOIN bodies b ON b.id = i.body_id ORDER BY i.id"
}

# same_rows DESC FILE ARGS...: FILE through postdesk-deliver into A, through deliver into B
n=0
same_rows() {
	local desc=$1 f=$2
	shift 2
	n=$((n + 1))
	POSTDESK_HOME=$HOME_A POSTDESK_DEBUG=1 "$FAST" "$@" <"$f" 2>"$TEST_TMP/fast$n.err"
	local a=$?
	cat "$TEST_TMP/fast$n.err" >>"$LOG"
	POSTDESK_HOME=$HOME_B "$POSTDESK" deliver "$@" <"$f" 2>>"$LOG"
	local b=$?
	is "$desc: both exit 0" "$a $b" "0 0"
	if grep -q "postdesk deliver takes this mail" "$TEST_TMP/fast$n.err"; then
		not_ok "$desc: postdesk-deliver took it itself"
	else
		ok "$desc: postdesk-deliver took it itself"
	fi
	is "$desc: the same intake and bodies rows" "$(rows "$HOME_A")" "$(rows "$HOME_B")"
}

envelope_cases same_rows
# over 1 MB: spooled to a file and written to the blob in pieces
mail "$TEST_TMP/big.eml" 'Ed <ed@customer.example>' support@example.com "Big" < <(
	for i in $(seq 1 30000); do echo "line $i of a long message, long enough to pass one megabyte"; done)
same_rows "a 1.9 MB message" "$TEST_TMP/big.eml" -f ed@customer.example -r support@example.com
is "its stored bytes are the file's" "$(sqlite3 "$HOME_A/postdesk.db" "SELECT sha256 FROM bodies WHERE size > 1000000")" \
	"$(sha256sum <"$TEST_TMP/big.eml" | cut -d' ' -f1)"

# ...and both homes end with the same processing
export POSTDESK_HOME=$HOME_A
wait_for 20 db_is 0 "SELECT count(*) FROM intake WHERE state = 'pending'" ||
	not_ok "serve processed A's rows"
state() { sqlite3 "$1/postdesk.db" "SELECT state, class FROM intake ORDER BY id"; }
is "every row settled as deliver settled it" "$(state "$HOME_A")" "$(state "$HOME_B")"
is "the same tickets" "$(sqlite3 "$HOME_A/postdesk.db" "SELECT queue, subject FROM tickets ORDER BY id")" \
	"$(sqlite3 "$HOME_B/postdesk.db" "SELECT queue, subject FROM tickets ORDER BY id")"
serve_stop
is "serve exits 0" "$SERVE_RC" 0
finish
