#!/bin/bash
# Outgoing mail is written directly for the common message (mail/compose-direct.c), GMime's
# object model for the rest: the bytes must not change. Two copies of one home (the same
# secret, so the same signed addresses) take the same mails, one with POSTDESK_COMPOSE_GMIME=1
# (every message through GMime, as before), one as shipped; every acknowledgement and agent
# notification must be byte for byte the same but for its Date and its own Message-Id.
# The mails: hand-made ones (ASCII, UTF-8 subjects and names, subjects that fold, names that
# need quoting, "From " lines, long lines, CJK text) and every third mail of the shared corpus
# (CORPUS_STEP=1: every one).
. "$(dirname "$0")/lib.sh"

pd_setup
check "agent add (ASCII name)" pd agent add alice@example.com --name "Alice Agent" --queues support
check "agent add (UTF-8 name)" pd agent add asa@example.com --name "Åsa Ågren" --queues support
HOME_GMIME="$TEST_TMP/home-gmime"
cp -a "$POSTDESK_HOME" "$HOME_GMIME"

n=0
# hand FROM SUBJECT < BODY: a hand-made mail, numbered
hand() {
	n=$((n + 1))
	{
		printf 'From: %s\nTo: support@example.com\nSubject: %s\n' "$1" "$2"
		printf 'Date: Mon, 23 Nov 2026 10:00:00 +0000\nMessage-ID: <hand.%d@customer.example>\n' "$n"
		printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n'
		cat
	} >"$TEST_TMP/mails/$(printf 'h%03d' "$n").eml"
}
mkdir -p "$TEST_TMP/mails"
long=$(printf 'word%.0s ' $(seq 1 300))
hand 'Ann Customer <ann@customer.example>' 'Broken invoice' <<<"The invoice total is wrong."
hand 'bob@customer.example' 'Rechnung für März: Größe falsch' <<<"Grüße aus Köln"
hand '"Müller, Jörg" <joerg@customer.example>' 'Hallo' <<<"Text"
hand '"Doe, John Q." <john@customer.example>' 'a rather long subject that goes on and on past the seventy-eight column limit of a header line' <<<"x"
hand 'Дмитрий <dmitry@customer.example>' 'Привет, мир — как дела? Это длинная тема письма, которая должна быть свёрнута' <<<"Текст письма"
hand 'Kenji <kenji@customer.example>' '日本語の件名' <<<"日本語のテキストです。よろしくお願いします。"
hand 'Carl <carl@customer.example>' 'From lines' <<EOF2
From now on it fails.
From here too.
EOF2
hand 'Dora <dora@customer.example>' 'a-very-long-word-without-any-spaces-at-all-that-exceeds-the-limit-of-78' <<<"$long"
hand 'Eve  Double <eve@customer.example>' '=?utf-8?q?encoded?= lookalike' <<<"tab	and trailing spaces   "
hand 'Fred <fred@customer.example>' 'Re: [SUPPORT #1] Broken invoice' <<<"A follow-up."
i=0
for f in $(find "${POSTDESK_CORPUS:-/work/shared/corpus}" -type f -name '*.eml' 2>/dev/null | sort); do
	i=$((i + 1))
	[ $((i % ${CORPUS_STEP:-3})) = 0 ] && cp "$f" "$TEST_TMP/mails/$(printf 'c%04d' "$i").eml"
done

ok_gmime=0
ok_direct=0
for f in "$TEST_TMP"/mails/*.eml; do
	POSTDESK_HOME="$HOME_GMIME" POSTDESK_COMPOSE_GMIME=1 "$POSTDESK" deliver <"$f" 2>>"$LOG" && ok_gmime=$((ok_gmime + 1))
	"$POSTDESK" deliver <"$f" 2>>"$LOG" && ok_direct=$((ok_direct + 1))
done
is "both homes took the same mails" "$ok_direct" "$ok_gmime"

rows=$(pd outbox list --json | json 'length')
rows_gmime=$(POSTDESK_HOME="$HOME_GMIME" "$POSTDESK" outbox list --json 2>>"$LOG" | json 'length')
is "the same number of outgoing mails" "$rows" "$rows_gmime"
check "acknowledgements were composed" test "$(pd outbox list --json | json '[.[] | select(.kind == "ack")] | length')" -ge 10
check "notifications were composed" test "$(pd outbox list --json | json '[.[] | select(.kind == "notify")] | length')" -ge 10

# without the Date, our own Message-Id and GMime's multipart boundaries (a notification with
# the customer's attachments), which differ by design
strip() { grep -av -e '^Date: ' -e '^Message-Id: ' | sed -E 's#=-[A-Za-z0-9+/]{20}#=-BOUNDARY#g'; }
differ=0
utf8=0
for id in $(pd outbox list --json | json '.[].id'); do
	pd outbox show "$id" | strip >"$TEST_TMP/direct.eml"
	POSTDESK_HOME="$HOME_GMIME" "$POSTDESK" outbox show "$id" 2>>"$LOG" | strip >"$TEST_TMP/gmime.eml"
	if ! cmp -s "$TEST_TMP/direct.eml" "$TEST_TMP/gmime.eml"; then
		differ=$((differ + 1))
		diff -a "$TEST_TMP/gmime.eml" "$TEST_TMP/direct.eml" | head -n 20 >>"$LOG"
	fi
	grep -aq '=?' "$TEST_TMP/direct.eml" && utf8=$((utf8 + 1))
done
is "every outgoing mail is byte for byte the same ($rows)" "$differ" 0
check "encoded words were among them" test "$utf8" -ge 5
finish
