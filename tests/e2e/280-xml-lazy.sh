#!/bin/bash
# libxml2 is loaded only when needed (mail/xml-lazy.c): a plain-text deliver maps neither it nor
# ICU nor libstdc++ (the dynamic loader's own log, LD_DEBUG=files, says what it loaded); an
# HTML-only mail and a kb XML import load it and still work; with the library missing
# (POSTDESK_LIBXML2 names a file that does not exist) the HTML mail is quarantined with a clear
# reason, the XML import fails with one, a plain mail is still taken, and `quarantine retry`
# with the library back makes the ticket.
. "$(dirname "$0")/lib.sh"

pd_setup
LD="$TEST_TMP/ld"
mkdir -p "$LD"

# loaded FILE-PREFIX: the shared objects the dynamic loader opened, by soname, one a line
loaded() { sed -n 's/.*file=\([^ ]*\) .*/\1/p' "$LD/$1".* | sort -u; }
# traced NAME CMD...: run CMD with the loader's log in $LD/NAME.PID
traced() {
	local name=$1
	shift
	LD_DEBUG=files LD_DEBUG_OUTPUT="$LD/$name" "$@"
}

mail "$TEST_TMP/plain.eml" "Ann <ann@customer.example>" support@example.com "plain text" <<'EOF'
My printer is broken.
EOF
is "a plain-text mail is taken" "$(traced plain "$POSTDESK" deliver -r support@example.com \
	<"$TEST_TMP/plain.eml" 2>>"$LOG"; echo $?)" 0
loaded plain >"$TEST_TMP/plain.libs"
# the check below means something only if the log lists what deliver does load
check "the loader's log lists what deliver loads (GMime, SQLite)" \
	sh -c "grep -q '^libgmime' '$TEST_TMP/plain.libs' && grep -q '^libsqlite3' '$TEST_TMP/plain.libs'"
# UBSan's runtime (the sanitizer build) needs libstdc++ itself: then only libxml2 and ICU count
unwanted='^lib(xml2|icu|stdc\+\+)'
ldd "$POSTDESK" | grep -q libubsan && unwanted='^lib(xml2|icu)'
is "a plain-text deliver loads no libxml2, ICU or libstdc++" \
	"$(grep -E "$unwanted" "$TEST_TMP/plain.libs" | tr '\n' ' ')" ""
is "... and the binary does not need them" "$(ldd "$POSTDESK" | sed 's/^[[:space:]]*//' | grep -cE "$unwanted")" 0

mail "$TEST_TMP/html.eml" "Bob <bob@customer.example>" support@example.com "html only" \
	'MIME-Version: 1.0' 'Content-Type: text/html; charset=utf-8' <<'EOF'
<html><head><title>t</title><style>p{}</style></head><body>
<p>The <b>screen</b> stays black.</p><ul><li>since Monday</li></ul><script>x()</script>
</body></html>
EOF
is "an HTML-only mail is taken" "$(traced html "$POSTDESK" deliver -r support@example.com \
	<"$TEST_TMP/html.eml" 2>>"$LOG"; echo $?)" 0
check "... and that deliver loads libxml2" grep -q '^libxml2' <(loaded html)
is "its ticket holds the text of the HTML" \
	"$(pd person export bob@customer.example | jq -c '[.messages[] | select(.direction == "in") | .body]')" \
	'["The screen stays black.\n\n- since Monday"]'
is "nothing is quarantined" "$(pd quarantine list --json | jq length)" 0

cat >"$TEST_TMP/kb.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<kb version="1">
  <article slug="black-screen" visibility="public" status="published">
    <title>A black screen</title>
    <body>Hold the power button for ten seconds.</body>
  </article>
</kb>
XML
is "a kb XML import works" "$(traced kb "$POSTDESK" kb import --json "$TEST_TMP/kb.xml" 2>>"$LOG" | jq -c '[.articles, .created]')" '[1,1]'
check "... and loads libxml2" grep -q '^libxml2' <(loaded kb)
is "the article is there" "$(pd kb show --json black-screen | jq -r .title)" "A black screen"

# libxml2 missing: a clear error, no crash
export POSTDESK_LIBXML2="$TEST_TMP/no-such-dir/libxml2.so.2"
sed 's/^Message-ID: <[^>]*>/Message-ID: <html2@customer.example>/' "$TEST_TMP/html.eml" >"$TEST_TMP/html2.eml"
is "without libxml2 an HTML mail is still taken (exit 0)" \
	"$(deliver "$TEST_TMP/html2.eml" -r support@example.com)" 0
is "... into quarantine, with the reason" \
	"$(pd quarantine list --json | jq -r '.[0].reason')" \
	"libxml2 cannot be loaded ($POSTDESK_LIBXML2: cannot open shared object file: No such file or directory); HTML parts and XML import need it (Debian: the libxml2 package)"
sed -e 's/^Message-ID: <[^>]*>/Message-ID: <plain2@customer.example>/' "$TEST_TMP/plain.eml" >"$TEST_TMP/plain2.eml"
is "without libxml2 a plain mail still makes its ticket" \
	"$(deliver "$TEST_TMP/plain2.eml" -r support@example.com; pd ticket list --json | jq length)" "0
3"
sed 's/black-screen/no-signal/' "$TEST_TMP/kb.xml" >"$TEST_TMP/kb2.xml"
"$POSTDESK" kb import "$TEST_TMP/kb2.xml" >/dev/null 2>"$TEST_TMP/kb2.err"
is "without libxml2 an XML import fails with EX_CONFIG, not a crash" "$?" 78
check "... saying libxml2 cannot be loaded" grep -q "libxml2 cannot be loaded" "$TEST_TMP/kb2.err"
is "... and imports nothing" "$(pd kb export - | grep -c 'slug="no-signal"')" 0
unset POSTDESK_LIBXML2

q=$(pd quarantine list --json | jq -r '.[0].id')
check "with libxml2 back, quarantine retry processes the HTML mail" pd quarantine retry "$q"
is "... into a ticket of its own" "$(pd ticket list --json | jq length)" 4
is "quarantine is empty" "$(pd quarantine list --json | jq length)" 0

finish
