#!/bin/bash
# The text of incoming mail is not stored twice (issue 10): a message row whose raw bytes are
# kept leaves messages.body NULL and readers derive the text from the bytes (decoded: a
# base64 body reads as its text). Readers checked: `person export`; retention of intake_raw
# keeps the text in the row before the bytes go; `person erase` scrubs an address that only
# the decoded text names (the raw bytes hold it base64-encoded) and keeps that scrubbed text.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-serve.sh"

pd_setup '' '[retention]' 'intake_raw = 30d'
ANN=ann@customer.example
CAROL=carol@customer.example
PAD="The paper tray jams and the fuser smells of smoke again, every morning since Monday. "
PAD="$PAD$PAD$PAD$PAD"

# b64 FILE FROM SUBJECT ID TEXT: a mail whose text/plain body is base64 (raw never shows TEXT)
b64() {
	{
		printf 'From: %s\nTo: support@example.com\nSubject: %s\nDate: Mon, 02 Nov 2026 10:00:00 +0000\n' "$2" "$3"
		printf 'Message-ID: <%s>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n' "$4"
		printf 'Content-Transfer-Encoding: base64\n\n'
		printf '%s\n' "$5" | base64
	} >"$1"
}

export POSTDESK_NOW=2026-11-02T10:00:00Z
b64 "$TEST_TMP/1.eml" "Ann <$ANN>" 'Printer' ann-1@customer.example "Grüße, ANN-SAYS-THIS. $PAD"
is "mail 1 delivered" "$(deliver "$TEST_TMP/1.eml" --recipient support@example.com --sender "$ANN")" 0
b64 "$TEST_TMP/2.eml" 'Bob <bob@customer.example>' 'Scanner' bob-1@customer.example \
	"BOB-KEEPS-THIS. Ask $CAROL, she knows. $PAD"
is "mail 2 delivered" "$(deliver "$TEST_TMP/2.eml" --recipient support@example.com --sender bob@customer.example)" 0
check "the raw bytes do not name Carol (base64)" test "$(db "select count(*) from bodies where instr (lower (cast (raw as text)), '$CAROL') > 0")" = 0

is "incoming text is not stored a second time" \
	"$(db "select count(*) from messages where direction = 'in' and body is null")" 2
is "...its raw bytes are kept" "$(db "select count(*) from intake where body_id is not null")" 2

# export reads the derived text, decoded
pd person export "$ANN" --format json >"$TEST_TMP/ann.json"
is "export: Ann's text, decoded from base64" \
	"$(jq -r '.messages[] | select(.direction == "in") | .body' "$TEST_TMP/ann.json" | head -1 | cut -d. -f1)" \
	"Grüße, ANN-SAYS-THIS"
check "export: the whole text" bash -c "jq -r '.messages[].body' '$TEST_TMP/ann.json' | grep -q 'since Monday. \$'"

# erase Carol: only Bob's decoded text names her; it is scrubbed and kept
pd person erase "$CAROL" >>"$LOG"
pd person export bob@customer.example --format json >"$TEST_TMP/bob.json"
check "erase: Bob's text is kept" grep -q BOB-KEEPS-THIS "$TEST_TMP/bob.json"
check "erase: ...without Carol's address" bash -c "! grep -qi '$CAROL' '$TEST_TMP/bob.json'"
is "erase: the scrubbed text is stored in the row" \
	"$(db "select count(*) from messages m join intake i on i.id = m.intake_id where i.envelope_from = 'bob@customer.example' and m.body is not null")" 1
is "erase: Ann's text is still derived" \
	"$(db "select count(*) from messages m join intake i on i.id = m.intake_id where i.envelope_from = '$ANN' and m.body is null")" 1

# retention: the bytes go after 30 days; the text stays, in the row
POSTDESK_NOW=2026-12-15T10:00:00Z pd purge >>"$LOG"
is "purge: the raw bytes are gone" "$(db "select count(*) from intake where body_id is not null")" 0
is "purge: no bodies left" "$(db "select count(*) from bodies")" 0
is "purge: every incoming text is now stored" \
	"$(db "select count(*) from messages where direction = 'in' and body is null")" 0
pd person export "$ANN" --format json >"$TEST_TMP/ann2.json"
is "purge: export still reads Ann's text" \
	"$(jq -r '.messages[] | select(.direction == "in") | .body' "$TEST_TMP/ann2.json" | head -1 | cut -d. -f1)" \
	"Grüße, ANN-SAYS-THIS"
check "purge: the kept text is deflated (a BLOB)" \
	test "$(db "select typeof (body) from messages m join intake i on i.id = m.intake_id where i.envelope_from = '$ANN'")" = blob
finish
