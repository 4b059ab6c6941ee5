#!/bin/bash
# #kb in an agent's reply: `#kb ID`, `#kb SLUG` or `#kb some words` (the best match) puts a
# published article into the reply to the customer, after the agent's text; an internal or
# draft article, or words nothing matches, get the agent an error mail and the customer
# nothing; the article sent is recorded in the ticket's history.
. "$(dirname "$0")/lib.sh"

start_capture
pd_setup
check "agent add" pd agent add alice@example.com --name "Alice Agent" --queues support
check "import the test knowledge base" pd kb import "$POSTDESK_SRCDIR/tests/data/kb/articles"
cat >"$TEST_TMP/secret.md" <<'MD'
---
slug: internal-runbook
title: Internal runbook for the zlib mirror
visibility: internal
---
Restart the mirror with the admin password.
MD
cat >"$TEST_TMP/draft.md" <<'MD'
---
slug: draft-notes
title: Draft notes on zlib streams
status: draft
---
Not ready yet.
MD
check "import an internal article" pd kb import "$TEST_TMP/secret.md"
check "import a draft" pd kb import "$TEST_TMP/draft.md"
id_java=$(pd kb show zlib-java --json | json '.id')
check "the article has an id" test -n "$id_java"

mail "$TEST_TMP/c1.eml" 'Ann Customer <ann@customer.example>' support@example.com "Java and zlib" <<<"Can I use zlib from Java?"
deliver "$TEST_TMP/c1.eml" >/dev/null
pd send >/dev/null
note=$(grep -l '"alice@example.com"' "$CAPTURE_DIR"/*.json | head -n 1)
note="${note%.json}.eml"
agent_addr=$(header From "$note" | grep -Eo 'support\+a1-[0-9a-f]{12}@example.com')
check "the agent is notified at the signed address" test -n "$agent_addr"

n=0
agent_reply() { # BODY: the agent's reply to the ticket; prints the mails that went out
	n=$((n + 1))
	{
		printf 'From: Alice Agent <alice@example.com>\nTo: %s\nSubject: Re: [SUPPORT #1] Java and zlib\n' "$agent_addr"
		printf 'Message-ID: <kb%s@mail.example>\nDate: Mon, 23 Nov 2026 11:00:00 +0000\n' "$n"
		printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n%s\n' "$1"
	} >"$TEST_TMP/a$n.eml"
	local before
	before=$(captured_count)
	deliver "$TEST_TMP/a$n.eml" --recipient "$agent_addr" >/dev/null
	pd send >/dev/null
	ls "$CAPTURE_DIR"/*.json | tail -n +$((before + 1)) | sed 's/\.json$/.eml/'
}

out=$(agent_reply "#kb $id_java
Hello Ann, see the article below.")
is "#kb ID: one mail goes out" "$(echo "$out" | wc -l)" 1
is "to the customer" "$(json '.rcpt_tos[0]' <"${out%.eml}.json")" ann@customer.example
check "with the agent's text" grep -q 'Hello Ann, see the article below.' "$out"
check "and the article's title" grep -q "$(pd kb show zlib-java --json | json '.title')" "$out"
check "the article comes after the agent's text" sh -c "awk '/Hello Ann/{t=NR} /$(pd kb show zlib-java --json | json '.title' | cut -c1-20)/{a=NR} END{exit !(t && a > t)}' '$out'"
check "no #kb line reaches the customer" sh -c "! grep -q '#kb' '$out'"
check "the history records the article" sh -c "\"$POSTDESK\" ticket show 1 --json | jq -e '[.events[] | select(.kind == \"kb\")] | length == 1' >/dev/null"

out=$(agent_reply "#kb zlib-delphi")
is "#kb SLUG alone: one mail to the customer" "$(json '.rcpt_tos[0]' <"${out%.eml}.json")" ann@customer.example
check "it carries that article" grep -q -i 'delphi' "$out"

out=$(agent_reply "#kb gzip in memory
Try this.")
is "#kb WORDS: the best match goes to the customer" "$(json '.rcpt_tos[0]' <"${out%.eml}.json")" ann@customer.example
check "the matched article's text is in it" grep -q "$(pd kb show zlib-gzip-in-memory --json | json '.title' | cut -c1-25)" "$out"

for bad in "internal-runbook:internal" "draft-notes:draft" "purple elephants dancing:no published article"; do
	what=${bad%%:*}
	out=$(agent_reply "#kb $what
Here you go.")
	is "#kb $what: one mail, to the agent" "$(json '.rcpt_tos[0]' <"${out%.eml}.json")" alice@example.com
	check "#kb $what: the error says why" grep -q "${bad#*:}" "$out"
	is "#kb $what: the customer gets nothing" "$(echo "$out" | wc -l)" 1
done
check "the internal article never reached the customer" sh -c "! grep -l 'admin password' '$CAPTURE_DIR'/*.eml | xargs -r grep -l 'ann@customer.example' | grep -q ."
finish
