#!/bin/bash
# `postdesk kb style logo FILE|PATH`: an image file is stored under the home and shown in the
# page header of the web view (an <img> with its alt text from the layout template), served
# at /kb/logo/SHA256.EXT and nothing else from the home is served that way; a path on this
# site is shown as it is; anything that could leave the attribute or load from elsewhere
# (the pages allow images from the site only) is refused.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"

HTTP_PORT=$(free_port)
URL="http://127.0.0.1:$HTTP_PORT"
serve_setup "http = 127.0.0.1:$HTTP_PORT"
"$PY" -c 'import sys,zlib,struct
def chunk(t,d): return struct.pack(">I",len(d))+t+d+struct.pack(">I",zlib.crc32(t+d))
sys.stdout.buffer.write(b"\x89PNG\r\n\x1a\n"+chunk(b"IHDR",struct.pack(">IIBBBBB",1,1,8,2,0,0,0))+chunk(b"IDAT",zlib.compress(b"\0\0\0\0"))+chunk(b"IEND",b""))' >"$TEST_TMP/Logo.PNG"
sha=$(sha256sum "$TEST_TMP/Logo.PNG" | cut -d' ' -f1)
is "kb style logo FILE prints where it is served" "$(pd kb style logo "$TEST_TMP/Logo.PNG")" "/kb/logo/$sha.png"
is "the stored value" "$(pd kb style logo)" "/kb/logo/$sha.png"
check "the file is in the home" cmp "$TEST_TMP/Logo.PNG" "$POSTDESK_HOME/attachments/${sha:0:2}/$sha"
echo 'not an image' >"$TEST_TMP/notes.txt"
"$POSTDESK" kb style logo "$TEST_TMP/notes.txt" 2>/dev/null
is "a file that is no image: exit 64" "$?" 64
for bad in 'javascript:alert(1)' 'http://elsewhere.example/logo.png' '//elsewhere.example/x.png' \
	'/x.png" onerror="alert(1)' '/../secret.key' 'logo.png'; do
	"$POSTDESK" kb style logo "$bad" 2>/dev/null
	is "refused: $bad (64)" "$?" 64
done
is "still the file's path" "$(pd kb style logo)" "/kb/logo/$sha.png"
serve_start
wait_for 30 port_open "$HTTP_PORT" || bail "no HTTP listener"
get() { curl -s -o "$TEST_TMP/b" -D "$TEST_TMP/h" -w '%{http_code}' "$@"; }
is "home: 200" "$(get "$URL/kb/")" 200
check "the header shows the logo with its alt text" grep -q "<p class=\"site\"><a href=\"/kb/\"><img src=\"/kb/logo/$sha.png\" alt=\"Logo\">" "$TEST_TMP/b"
is "the logo: 200" "$(get "$URL/kb/logo/$sha.png")" 200
check "the logo: its bytes" cmp "$TEST_TMP/b" "$TEST_TMP/Logo.PNG"
check "the logo: image/png" grep -qi '^Content-Type: image/png' "$TEST_TMP/h"
# another file of the home (a customer's attachment, say) under the same name form: 404
echo 'private' >"$TEST_TMP/private"
psha=$(sha256sum "$TEST_TMP/private" | cut -d' ' -f1)
mkdir -p "$POSTDESK_HOME/attachments/${psha:0:2}" && cp "$TEST_TMP/private" "$POSTDESK_HOME/attachments/${psha:0:2}/$psha"
is "another stored file: 404" "$(get "$URL/kb/logo/$psha.png")" 404
is "a name that is no logo: 404" "$(get "$URL/kb/logo/secret.key")" 404
check "a path on this site" pd kb style logo /static/brand-logo_2.svg
is "home: 200" "$(get "$URL/kb/")" 200
check "the header shows that path" grep -q '<img src="/static/brand-logo_2.svg" alt="Logo">' "$TEST_TMP/b"
check "kb style --unset logo" pd kb style --unset logo
is "home: 200" "$(get "$URL/kb/")" 200
check "no logo: no img" sh -c "! grep -q '<img' '$TEST_TMP/b'"
serve_stop
is "serve exits 0" "$SERVE_RC" 0
finish
